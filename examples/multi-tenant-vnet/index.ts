import * as pulumi from "@pulumi/pulumi";
import * as freebsd from "@pulumi-freebsd/freebsd";

// Tenants of this host, one line each: the name of its jail (and of its epair and root dataset), its
// address on the tenants' bridge, and its limits: memory, CPU (percent of one CPU), processes, and the
// quota of its root. Adding a tenant is adding a line.
const tenants = [
    { name: "alpha", address: "10.77.0.11/24", memory: "512m", cpu: 50, processes: 64, quota: "5G" },
    { name: "beta", address: "10.77.0.12/24", memory: "1g", cpu: 100, processes: 128, quota: "10G" },
];

const config = new pulumi.Config();
// The host's address on the bridge (the tenants' gateway), and a host interface to bridge them to.
const gateway = config.get("gateway") ?? "10.77.0.1/24";
const uplink = config.get("uplink");
// The FreeBSD release of the tenants' userland, and where its distribution sets come from (a mirror,
// or a directory of the host such as /usr/freebsd-dist).
const release = config.get("release") ?? "14.3-RELEASE";
const mirror = config.get("releaseMirror") ?? `https://download.freebsd.org/releases/amd64/amd64/${release}`;

// The shared bridge; each tenant's epair joins it with its host end.
const bridge = new freebsd.network.Bridge("tenants", {
    name: "tenants0",
    addresses: [gateway],
    members: uplink ? [uplink] : [],
    description: "tenant jails",
});

// The parent of the tenants' roots.
const roots = new freebsd.zfs.Dataset("tenant-roots", {
    name: "zroot/tenants",
    properties: { mountpoint: "/usr/jails/tenants", compression: "lz4", atime: "off" },
});

// The base system, fetched, checked against its MANIFEST and extracted once, then snapshotted @base:
// every tenant's root is a clone of that snapshot (a thin jail, made in a second).
const base = new freebsd.jail.Release("base", {
    version: release,
    dataset: pulumi.interpolate`${roots.name}/${release}`,
    source: { mirror, sets: ["base"] },
});

export const tenantJails: Record<string, pulumi.Output<{ path: string; interface: string; address: string }>> = {};

for (const tenant of tenants) {
    const root = new freebsd.zfs.Dataset(`${tenant.name}-root`, {
        name: pulumi.interpolate`${roots.name}/${tenant.name}`,
        cloneFrom: base.snapshot,
        properties: { quota: tenant.quota },
        // The release's files and what the tenant wrote over them: a destroy may take them (without
        // forceDestroy, a dataset holding files is never destroyed).
        forceDestroy: true,
    });

    // A virtual cable: `${name}a` joins the bridge, `${name}b` goes into the jail.
    const epair = new freebsd.network.Epair(tenant.name, {
        name: tenant.name,
        bridge: bridge.name,
        description: `tenant ${tenant.name}`,
    });

    const jail = new freebsd.jail.Jail(tenant.name, {
        name: tenant.name,
        path: root.mountpoint,
        hostname: `${tenant.name}.tenants.internal`,
        vnet: true,
        vnetInterfaces: [epair.jailInterface],
        // System V IPC of its own: no access to the host's, shared memory, semaphores and message
        // queues in the jail's own namespace.
        allow: { sysvipc: false },
        sysvshm: "new",
        sysvsem: "new",
        sysvmsg: "new",
        mountDevfs: true,
        exec: { start: "/bin/sh /etc/rc", stop: "/bin/sh /etc/rc.shutdown" },
    });

    // Its address, in its own rc.conf (rc.d/netif sets it at every start) and live now.
    new freebsd.jail.Command(`${tenant.name}-address`, {
        jail: jail.name,
        create: pulumi.interpolate`sysrc ifconfig_${epair.jailInterface}="inet ${tenant.address}" && ifconfig ${epair.jailInterface} inet ${tenant.address} up`,
    });

    // Memory, CPU and process limits, enforced by rctl(8) and kept in /etc/rctl.conf.
    const subject = pulumi.interpolate`jail:${jail.name}`;
    new freebsd.rctl.Limit(`${tenant.name}-memory`, { subject, resource: "memoryuse", action: "deny", amount: tenant.memory });
    new freebsd.rctl.Limit(`${tenant.name}-cpu`, { subject, resource: "pcpu", action: "deny", amount: String(tenant.cpu) });
    new freebsd.rctl.Limit(`${tenant.name}-processes`, { subject, resource: "maxproc", action: "deny", amount: String(tenant.processes) });

    tenantJails[tenant.name] = pulumi.output({ path: jail.path, interface: epair.jailInterface, address: tenant.address });
}

export const bridgeName = bridge.name;
