import { createRequire } from "node:module";

// Pulumi's generated protobuf modules (CommonJS), loaded once, with google-protobuf from the
// same copy they use.
const require = createRequire(import.meta.url);
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/proto/provider_pb.js"));

export const providerPb = require("@pulumi/pulumi/proto/provider_pb.js") as typeof import("@pulumi/pulumi/proto/provider_pb.js");
export const pluginPb = require("@pulumi/pulumi/proto/plugin_pb.js") as typeof import("@pulumi/pulumi/proto/plugin_pb.js");
export const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb.js") as typeof import("@pulumi/pulumi/proto/engine_grpc_pb.js");
export const enginePb = require("@pulumi/pulumi/proto/engine_pb.js") as typeof import("@pulumi/pulumi/proto/engine_pb.js");
export const statusPb = require("@pulumi/pulumi/proto/status_pb.js") as typeof import("@pulumi/pulumi/proto/status_pb.js");
export const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb.js") as { Empty: new () => unknown };
export const { Any } = fromPulumi("google-protobuf/google/protobuf/any_pb.js") as {
  Any: new () => { pack(bytes: Uint8Array, name: string, prefix?: string): void };
};
