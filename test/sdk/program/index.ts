import * as pulumi from "@pulumi/pulumi";
import * as freebsd from "@pulumi-freebsd/freebsd";

// A user's program against the packed SDK, installed from its tarball into a project of its own:
// an explicit provider with a secret key, every resource type, enums, and both forms of invoke.
// test/sdk/package.test.ts runs it under Pulumi's mocks, through Pulumi's own TypeScript run path.

const host = new freebsd.Provider("host", {
    host: "192.0.2.10",
    port: 2222,
    privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-key\n-----END OPENSSH PRIVATE KEY-----\n",
    become: freebsd.Become.Sudo,
});
const opts = { provider: host };

const jails = new freebsd.zfs.Dataset("jails", { name: "zroot/jails", properties: { compression: "zstd" } }, opts);
const disk = new freebsd.zfs.Dataset("disk", {
    name: "zroot/vm/disk0",
    type: freebsd.zfs.DatasetType.Volume,
    volsize: "10G",
    createParents: true,
}, opts);
const web = new freebsd.jail.Jail("web", {
    name: "web",
    path: jails.mountpoint,
    sysvshm: freebsd.jail.SysvIpc.New,
    exec: { start: "/bin/sh /etc/rc", stop: "/bin/sh /etc/rc.shutdown" },
}, opts);
const setup = new freebsd.jail.Command("setup", {
    jail: web.name,
    create: "pkg install -y nginx",
    environment: { TOKEN: pulumi.secret("s3cret") },
    triggers: [1],
}, opts);
const lan = new freebsd.network.Bridge("lan", { name: "lan0", members: ["em0"] }, opts);
const pair = new freebsd.network.Epair("web0", { name: "web0", bridge: lan.name }, opts);
const memory = new freebsd.rctl.Limit("web-memory", {
    subject: "jail:web",
    resource: freebsd.rctl.LimitResource.Memoryuse,
    action: freebsd.rctl.LimitAction.Deny,
    amount: "2g",
}, opts);

// @ts-expect-error an enum input takes only its values
const wrong: freebsd.zfs.DatasetType = "vol";

export const registered = pulumi.all([host.urn, jails.urn, disk.urn, web.urn, setup.urn, lan.urn, pair.urn, memory.urn]);
export const mountpoint = jails.mountpoint;
export const instances = {
    dataset: freebsd.zfs.Dataset.isInstance(jails),
    notJail: freebsd.jail.Jail.isInstance(jails),
    provider: freebsd.Provider.isInstance(host),
};
export const enumValues = [freebsd.Become.Sudo, freebsd.zfs.DatasetType.Volume, freebsd.rctl.LimitAction.Sigterm, wrong];
export const kernel = freebsd.getHostOutput({ provider: host }).kernelVersion;
export const architecture = freebsd.getHost({ provider: host }).then((h) => h.architecture);
export const guid = freebsd.zfs.getDatasetOutput({ name: jails.name }, { provider: host }).guid;
