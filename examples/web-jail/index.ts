import * as pulumi from "@pulumi/pulumi";
import * as freebsd from "@pulumi-freebsd/freebsd";

const config = new pulumi.Config();
// Where the jail answers: an interface of the host and the jail's address on it (jail(8)'s ip4.addr).
const address = config.get("address") ?? "lo0|127.0.1.80/32";
// The root's compression and quota (`pulumi config set quota 20G` changes it in place).
const compression = config.get("compression") ?? "zstd";
const quota = config.get("quota") ?? "10G";
// The FreeBSD release of the jail's userland, and where its distribution sets come from (a mirror, or
// a directory of the host such as /usr/freebsd-dist).
const release = config.get("release") ?? "14.3-RELEASE";
const mirror = config.get("releaseMirror") ?? `https://download.freebsd.org/releases/amd64/amd64/${release}`;

// The parent of jail roots, and the web jail's own dataset under it.
const jails = new freebsd.zfs.Dataset("jails", {
    name: "zroot/jails",
    properties: { mountpoint: "/usr/jails", atime: "off" },
});

// The base system, fetched, checked against its MANIFEST, extracted and snapshotted @base.
const base = new freebsd.jail.Release("base", {
    version: release,
    dataset: pulumi.interpolate`${jails.name}/${release}`,
    source: { mirror, sets: ["base"] },
});

// The jail's own root: a clone of the release's snapshot, compressed and under a quota.
const root = new freebsd.zfs.Dataset("web-root", {
    name: pulumi.interpolate`${jails.name}/web`,
    cloneFrom: base.snapshot,
    properties: { compression, quota },
    // The release's files and what the jail wrote over them: a destroy may take them (without
    // forceDestroy, a dataset holding files is never destroyed).
    forceDestroy: true,
});

const web = new freebsd.jail.Jail("web", {
    name: "web",
    path: root.mountpoint,
    hostname: "web.example.org",
    ip4: [address],
    mountDevfs: true,
    exec: { start: "/bin/sh /etc/rc", stop: "/bin/sh /etc/rc.shutdown" },
});

export const path = web.path;
export const jid = web.jid;
export const configFile = web.configFile;
