import * as pulumi from "@pulumi/pulumi";
import * as freebsd from "@pulumi-freebsd/freebsd";

const config = new pulumi.Config();
// Where the jail answers: an interface of the host and the jail's address on it (jail(8)'s ip4.addr).
const address = config.get("address") ?? "lo0|127.0.1.80/32";
// The root's compression and quota (`pulumi config set quota 20G` changes it in place).
const compression = config.get("compression") ?? "zstd";
const quota = config.get("quota") ?? "10G";

// The parent of jail roots, and the web jail's own dataset under it.
const jails = new freebsd.zfs.Dataset("jails", {
    name: "zroot/jails",
    properties: { mountpoint: "/usr/jails", atime: "off" },
});

const root = new freebsd.zfs.Dataset("web-root", {
    name: pulumi.interpolate`${jails.name}/web`,
    properties: { compression, quota },
});

const web = new freebsd.jail.Jail("web", {
    name: "web",
    path: root.mountpoint,
    hostname: "web.example.org",
    ip4: [address],
    mountDevfs: true,
    exec: { start: "/bin/sh /etc/rc", stop: "/bin/sh /etc/rc.shutdown" },
    parameters: {
        // Until freebsd.jail.Release is available, the root gets its userland from the host's
        // base.txz (as bsdinstall leaves it in /usr/freebsd-dist) when it has none yet: jail(8)
        // runs exec.prepare on the host before it mounts anything in the root.
        "exec.prepare": pulumi.interpolate`test -x ${root.mountpoint}/bin/sh || tar -xf /usr/freebsd-dist/base.txz -C ${root.mountpoint}`,
    },
});

export const path = web.path;
export const jid = web.jid;
export const configFile = web.configFile;
