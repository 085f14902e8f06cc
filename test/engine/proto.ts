// The generated protobuf and gRPC modules of @pulumi/pulumi (CommonJS), loaded once for the harness.
// google-protobuf is the copy @pulumi/pulumi resolves, so message classes are shared.
import providerPb from "@pulumi/pulumi/proto/provider_pb.js";
import providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb.js";
import pluginPb from "@pulumi/pulumi/proto/plugin_pb.js";
import enginePb from "@pulumi/pulumi/proto/engine_pb.js";
import engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb.js";
import errorsPb from "@pulumi/pulumi/proto/errors_pb.js";
import statusPb from "@pulumi/pulumi/proto/status_pb.js";
import resourcePb from "@pulumi/pulumi/proto/resource_pb.js";
import resourceGrpc from "@pulumi/pulumi/proto/resource_grpc_pb.js";
import structPb from "google-protobuf/google/protobuf/struct_pb.js";
import emptyPb from "google-protobuf/google/protobuf/empty_pb.js";
import anyPb from "google-protobuf/google/protobuf/any_pb.js";

export { providerPb, providerGrpc, pluginPb, enginePb, engineGrpc, errorsPb, statusPb, resourcePb, resourceGrpc, structPb, emptyPb, anyPb };

export type Struct = InstanceType<typeof structPb.Struct>;
export type ProtoValue = InstanceType<typeof structPb.Value>;
export type ResourceProviderClient = InstanceType<typeof providerGrpc.ResourceProviderClient>;

/** gRPC channel options the engine uses for plugins (rpcutil.GrpcChannelOptions: 400 MiB messages). */
export const CHANNEL_OPTIONS = {
  "grpc.max_receive_message_length": 400 * 1024 * 1024,
  "grpc.max_send_message_length": 400 * 1024 * 1024,
};
