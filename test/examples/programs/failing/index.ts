import * as pulumi from "@pulumi/pulumi";
import * as freebsd from "@pulumi-freebsd/freebsd";

// Fails as the `mode` config says: an input the provider's Check refuses, or an exception of the program.
const mode = new pulumi.Config().require("mode");
if (mode === "throw") throw new Error("the program gave up");
new freebsd.zfs.Dataset("bad", { name: "zroot/not*valid" });
