import * as pulumi from "@pulumi/pulumi";
import * as freebsd from "@pulumi-freebsd/freebsd";

const config = new pulumi.Config();
// Where each jail answers: an interface of the host and the jail's address on it (jail(8)'s ip4.addr).
const prodAddress = config.get("prodAddress") ?? "lo0|127.0.1.50/32";
const testAddress = config.get("testAddress") ?? "lo0|127.0.1.51/32";
// Production's data: how much it may grow (`pulumi config set dataQuota 100G` changes it in place).
const dataQuota = config.get("dataQuota") ?? "20G";
// The upgrade test's run: a new value rolls the test clone back to the state it was cloned in, with the
// test jail stopped around the rollback (`pulumi config set testRun 2 && pulumi up`).
const testRun = config.get("testRun") ?? "1";
// Whether a destroy may take the databases' data: while it holds files, a data dataset is never
// destroyed unless this is set and applied first (`pulumi config set destroyData true && pulumi up`).
const destroyData = config.getBoolean("destroyData") ?? false;
// The FreeBSD release of the jails' userland, and where its distribution sets come from (a mirror, or
// a directory of the host such as /usr/freebsd-dist).
const release = config.get("release") ?? "14.3-RELEASE";
const mirror = config.get("releaseMirror") ?? `https://download.freebsd.org/releases/amd64/amd64/${release}`;

// Jail roots, and the base system they are clones of: fetched, checked against its MANIFEST,
// extracted once and snapshotted @base.
const jails = new freebsd.zfs.Dataset("jails", {
    name: "zroot/jails",
    properties: { mountpoint: "/usr/jails", atime: "off" },
});
const base = new freebsd.jail.Release("base", {
    version: release,
    dataset: pulumi.interpolate`${jails.name}/${release}`,
    source: { mirror, sets: ["base"] },
});

// Database data lives apart from the jails' roots, with the properties PostgreSQL's 8 KiB pages want;
// each database's dataset is mounted at /var/db/postgres inside its jail.
const pgdata = new freebsd.zfs.Dataset("pgdata", {
    name: "zroot/pgdata",
    properties: { mountpoint: "none", recordsize: "16K", compression: "lz4", atime: "off", logbias: "throughput" },
});

/** A database jail: its root a clone of the release, its data dataset mounted inside it. */
function databaseJail(name: string, address: string, data: (mountpoint: pulumi.Output<string>) => freebsd.zfs.Dataset) {
    const root = new freebsd.zfs.Dataset(`${name}-root`, {
        name: pulumi.interpolate`${jails.name}/${name}`,
        cloneFrom: base.snapshot,
        // The release's files and what the jail wrote over them: a destroy may take them.
        forceDestroy: true,
    });
    const dataset = data(pulumi.interpolate`${root.mountpoint}/var/db/postgres`);
    const jail = new freebsd.jail.Jail(name, {
        name,
        path: root.mountpoint,
        hostname: `${name}.example.org`,
        ip4: [address],
        // PostgreSQL's shared memory and semaphores, in the jail's own System V IPC namespace.
        sysvshm: "new",
        sysvsem: "new",
        sysvmsg: "new",
        mountDevfs: true,
        exec: { start: "/bin/sh /etc/rc", stop: "/bin/sh /etc/rc.shutdown" },
    }, { dependsOn: [dataset] });
    return { root, dataset, jail };
}

// Production.
const prod = databaseJail("pgprod", prodAddress, (mountpoint) => new freebsd.zfs.Dataset("pgprod-data", {
    name: pulumi.interpolate`${pgdata.name}/prod`,
    properties: { mountpoint, quota: dataQuota },
    forceDestroy: destroyData,
}));

// What `initdb` would leave in production's data directory. The jail runs no PostgreSQL here: install
// databases/postgresql15-server in it and run `service postgresql initdb` instead.
const initdb = new freebsd.jail.Command("pgprod-initdb", {
    jail: prod.jail.name,
    create: "mkdir -p /var/db/postgres/data15/base && echo 15 > /var/db/postgres/data15/PG_VERSION && " +
        "echo 'orders: 3 rows' > /var/db/postgres/data15/base/16384",
});

// Production's data as it is before the upgrade, held so that nobody destroys it by hand while the
// test clone depends on it.
const beforeUpgrade = new freebsd.zfs.Snapshot("pgprod-before-upgrade", {
    dataset: prod.dataset.name,
    name: "before-upgrade",
    holds: ["upgrade-test"],
}, { dependsOn: [initdb] });

// The upgrade test, beside production: its data a clone of that snapshot (made in a second, taking no
// space until the test writes), in a jail of its own where the new PostgreSQL runs pg_upgrade.
const test = databaseJail("pgtest", testAddress, (mountpoint) => new freebsd.zfs.Dataset("pgtest-data", {
    name: pulumi.interpolate`${pgdata.name}/test`,
    cloneFrom: beforeUpgrade.fullName,
    properties: { mountpoint },
    forceDestroy: destroyData,
}));

// The clone as it was made, and the way back to it for the next test run.
const clean = new freebsd.zfs.Snapshot("pgtest-clean", { dataset: test.dataset.name, name: "clean" });
const reset = new freebsd.zfs.Rollback("pgtest-reset", {
    dataset: test.dataset.name,
    snapshot: clean.name,
    triggers: [testRun],
    restartJail: test.jail.name,
});

export const prodPath = prod.jail.path;
export const testPath = test.jail.path;
export const testDataOrigin = test.dataset.origin;
export const snapshot = beforeUpgrade.fullName;
export const testRolledBackAt = reset.rolledBackAt;
