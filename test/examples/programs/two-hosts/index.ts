import * as pulumi from "@pulumi/pulumi";
import * as freebsd from "@pulumi-freebsd/freebsd";

// A dataset on the stack's host (the default provider, from freebsd:* config), and one on a second
// host through an explicit provider whose key is a secret of the project's config; the first one's
// guid flows into a user property of the second.
const config = new pulumi.Config();
const second = new freebsd.Provider("second", {
    host: config.require("secondHost"),
    port: config.requireNumber("secondPort"),
    privateKey: config.requireSecret("secondKey"),
    hostKey: config.require("secondHostKey"),
});

const first = new freebsd.zfs.Dataset("on-first", { name: "zroot/first" });
const other = new freebsd.zfs.Dataset("on-second", {
    name: "zroot/second",
    properties: { "org.example:copy-of": first.guid },
}, { provider: second });

export const firstGuid = first.guid;
export const secondName = other.name;
