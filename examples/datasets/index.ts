import * as freebsd from "@pulumi-freebsd/freebsd";

// Datasets for a small jail host: a parent for jail roots, one root per jail, a dataset for
// PostgreSQL with the properties its data wants, and a volume for a VM. Every dataset is declared,
// parents included, so that `pulumi destroy` leaves nothing behind (`createParents` would make
// parents no resource owns).
const jails = new freebsd.zfs.Dataset("jails", {
    name: "zroot/jails",
    properties: { mountpoint: "/usr/jails", compression: "zstd", atime: "off" },
});

export const webRoot = new freebsd.zfs.Dataset("web", {
    name: "zroot/jails/web",
    properties: { quota: "20G", "org.example:owner": "web-team" },
}, { dependsOn: jails }).mountpoint;

const db = new freebsd.zfs.Dataset("db", { name: "zroot/jails/db" }, { dependsOn: jails });

new freebsd.zfs.Dataset("pgdata", {
    name: "zroot/jails/db/pgdata",
    properties: { recordsize: "16K", logbias: "throughput", primarycache: "metadata" },
}, { dependsOn: db });

const vm = new freebsd.zfs.Dataset("vm", { name: "zroot/vm" });

new freebsd.zfs.Dataset("vm-disk", {
    name: "zroot/vm/disk0",
    type: "volume",
    volsize: "10G",
    volblocksize: "16K",
}, { dependsOn: vm });
