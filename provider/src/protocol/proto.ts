import engineGrpcModule from "@pulumi/pulumi/proto/engine_grpc_pb.js";
import enginePbModule from "@pulumi/pulumi/proto/engine_pb.js";
import pluginPbModule from "@pulumi/pulumi/proto/plugin_pb.js";
import providerGrpcModule from "@pulumi/pulumi/proto/provider_grpc_pb.js";
import providerPbModule from "@pulumi/pulumi/proto/provider_pb.js";
import statusPbModule from "@pulumi/pulumi/proto/status_pb.js";
import anyPb from "google-protobuf/google/protobuf/any_pb.js";
import emptyPb from "google-protobuf/google/protobuf/empty_pb.js";

// Pulumi's generated protobuf modules (CommonJS; a default import is their module.exports), with
// google-protobuf's well-known types from the copy they use (the one package of the workspace). Static
// imports, so that a bundler (make dist) finds them; they load with this module, which nothing imports
// before the port line (listen.ts stays free of them: the first call loads them).

export const providerPb = providerPbModule;
export const pluginPb = pluginPbModule;
export const engineGrpc = engineGrpcModule;
export const enginePb = enginePbModule;
export const statusPb = statusPbModule;
/** The generated ResourceProvider service definition (method paths, serializers). */
export const providerGrpc = providerGrpcModule;
export const { Empty } = emptyPb;
export const { Any } = anyPb;
