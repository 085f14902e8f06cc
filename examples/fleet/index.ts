import * as pulumi from "@pulumi/pulumi";
import * as freebsd from "@pulumi-freebsd/freebsd";

// The tenants every host of the fleet carries, one line each: the name of its jail (and of its
// datasets), its address on the host's loopback, its memory limit and the quota of its root.
const tenants = [
    { name: "alpha", address: "127.0.2.11", memory: "512m", quota: "5G" },
    { name: "beta", address: "127.0.2.12", memory: "1g", quota: "10G" },
];

/** A host of the fleet, as config lists it. */
interface FleetHost {
    /** A short name for it, unique in the fleet: it names its provider and resources. */
    name: string;
    host: string;
    port?: number;
    user?: string;
    /** Its SSH host key, or the key's `SHA256:` fingerprint. */
    hostKey: string;
}

const config = new pulumi.Config();
// The hosts, e.g. [{"name":"east","host":"192.0.2.10","hostKey":"SHA256:..."},{"name":"west",...}].
const hosts = config.requireObject<FleetHost[]>("hosts");
// The fleet's deploy key, authorized on every host (without it, each host is reached through the SSH
// agent, as the provider's configuration says).
const privateKey = config.getSecret("privateKey");
// The tenant whose data the first host replicates to the second, and the snapshots of it to send: the
// replica follows the last one, so adding a name takes a snapshot and sends what changed since.
const replicated = config.get("replicatedTenant") ?? "alpha";
const snapshots = config.getObject<string[]>("snapshots") ?? ["initial"];
// Whether a destroy may take the tenants' data: while it holds files, a data dataset is never
// destroyed unless this is set and applied first (`pulumi config set destroyData true && pulumi up`).
const destroyData = config.getBoolean("destroyData") ?? false;
// The FreeBSD release of the tenants' userland, and where its distribution sets come from (a mirror,
// or a directory of each host such as /usr/freebsd-dist).
const release = config.get("release") ?? "14.3-RELEASE";
const mirror = config.get("releaseMirror") ?? `https://download.freebsd.org/releases/amd64/amd64/${release}`;

if (new Set(hosts.map((h) => h.name)).size !== hosts.length) throw new Error("config hosts: every host needs a name of its own");
if (!tenants.some((t) => t.name === replicated)) throw new Error(`config replicatedTenant: no tenant is named ${replicated}`);
if (snapshots.length === 0) throw new Error("config snapshots: name at least one snapshot to replicate");

/** How to reach a host: its provider's configuration (also a Replica's `source`). */
const connection = (h: FleetHost) => ({ host: h.host, port: h.port, user: h.user, hostKey: h.hostKey, privateKey });

/** The tenant layout on one host, through that host's own provider. */
function tenantHost(h: FleetHost) {
    const provider = new freebsd.Provider(h.name, connection(h));
    const opts = { provider };
    const roots = new freebsd.zfs.Dataset(`${h.name}-tenants`, {
        name: "zroot/tenants",
        properties: { mountpoint: "/usr/jails/tenants", compression: "lz4", atime: "off" },
    }, opts);
    // The base system, extracted once per host and snapshotted @base: every tenant's root is a clone of it.
    const base = new freebsd.jail.Release(`${h.name}-base`, {
        version: release,
        dataset: pulumi.interpolate`${roots.name}/${release}`,
        source: { mirror, sets: ["base"] },
    }, opts);
    const data: Record<string, freebsd.zfs.Dataset> = {};
    const jails: Record<string, pulumi.Output<string>> = {};
    for (const tenant of tenants) {
        const root = new freebsd.zfs.Dataset(`${h.name}-${tenant.name}-root`, {
            name: pulumi.interpolate`${roots.name}/${tenant.name}`,
            cloneFrom: base.snapshot,
            properties: { quota: tenant.quota },
            // The release's files and what the tenant wrote over them: a destroy may take them (its
            // data dataset below is destroyed only while empty, or with destroyData set).
            forceDestroy: true,
        }, opts);
        // The tenant's own data, apart from its userland: mounted at /data inside its jail.
        data[tenant.name] = new freebsd.zfs.Dataset(`${h.name}-${tenant.name}-data`, {
            name: pulumi.interpolate`${root.name}/data`,
            forceDestroy: destroyData,
        }, opts);
        const jail = new freebsd.jail.Jail(`${h.name}-${tenant.name}`, {
            name: tenant.name,
            path: root.mountpoint,
            hostname: `${tenant.name}.${h.name}.example.org`,
            ip4: [`lo0|${tenant.address}/32`],
            mountDevfs: true,
            exec: { start: "/bin/sh /etc/rc", stop: "/bin/sh /etc/rc.shutdown" },
        }, { ...opts, dependsOn: [data[tenant.name]!] });
        new freebsd.rctl.Limit(`${h.name}-${tenant.name}-memory`, {
            subject: pulumi.interpolate`jail:${jail.name}`, resource: "memoryuse", action: "deny", amount: tenant.memory,
        }, opts);
        jails[tenant.name] = jail.path;
    }
    return { provider, data, jails };
}

const fleet = hosts.map((h) => ({ host: h, ...tenantHost(h) }));

// One tenant's data, replicated from the first host to the second: the snapshots are taken on the
// first, and the second keeps a replica (received under zroot/replicas) up to the last of them.
function replicate(from: typeof fleet[number], to: typeof fleet[number]) {
    const source = from.data[replicated]!;
    const taken = snapshots.map((name) => new freebsd.zfs.Snapshot(`${from.host.name}-${replicated}-data-${name}`, {
        dataset: source.name,
        name,
    }, { provider: from.provider }));
    const replicas = new freebsd.zfs.Dataset(`${to.host.name}-replicas`, { name: "zroot/replicas" }, { provider: to.provider });
    const copy = new freebsd.zfs.Replica(`${to.host.name}-${from.host.name}-${replicated}-replica`, {
        source: connection(from.host),
        sourceDataset: source.name,
        sourceSnapshot: taken[taken.length - 1]!.name,
        dataset: pulumi.interpolate`${replicas.name}/${from.host.name}-${replicated}`,
        // The stack owns the replica: destroying the stack destroys it too (without this, the data stays).
        forceDestroy: true,
    }, { provider: to.provider });
    return pulumi.output({ dataset: copy.dataset, snapshot: copy.snapshot, snapshots: copy.snapshots });
}

const [first, second] = fleet;
export const replica = first && second ? replicate(first, second) : undefined;
export const tenantJails = Object.fromEntries(fleet.map((f) => [f.host.name, f.jails]));
