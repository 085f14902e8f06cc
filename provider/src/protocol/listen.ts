import { createRequire } from "node:module";
import * as grpc from "@grpc/grpc-js";
import { withStructCodec } from "./struct-fields.ts";

// The gRPC server, up before anything else is loaded: the engine waits for the port line, so the
// protobuf modules, zod schemas, ssh2 and the resources load on the first call (Handshake), not
// before the port is printed. Every method is registered with Pulumi's generated service
// definition, read when the first request arrives; the Struct fields of the hot RPCs go through the
// lean codec instead (struct-fields.ts).

/** The RPCs the plugin serves, by the key of their handler (and of the generated definition). */
export const servedRpcs = {
  Handshake: "handshake", GetPluginInfo: "getPluginInfo", Attach: "attach", GetSchema: "getSchema",
  CheckConfig: "checkConfig", DiffConfig: "diffConfig", Configure: "configure", Check: "check", Diff: "diff",
  Create: "create", Read: "read", Update: "update", Delete: "delete", Invoke: "invoke", Cancel: "cancel",
} as const;

export type HandlerKey = (typeof servedRpcs)[keyof typeof servedRpcs];
type Handler = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => void;
export type Handlers = Record<HandlerKey, Handler>;

interface MethodDefinition {
  requestDeserialize(buffer: Buffer): unknown;
  responseSerialize(value: unknown): Buffer;
}

/** Pulumi's generated definition of the ResourceProvider service with the lean Struct codec, loaded once. */
let definition: Record<HandlerKey, MethodDefinition> | undefined;
function methods(): Record<HandlerKey, MethodDefinition> {
  if (!definition) {
    const require = createRequire(import.meta.url);
    definition = withStructCodec(require("@pulumi/pulumi/proto/provider_grpc_pb.js").ResourceProviderService as Record<HandlerKey, MethodDefinition>);
  }
  return definition;
}

/** Listens on 127.0.0.1; the handlers are loaded by `load` when the first call arrives. */
export function listen(load: () => Promise<Handlers>): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  let handlers: Promise<Handlers> | undefined;
  for (const [rpc, key] of Object.entries(servedRpcs) as Array<[string, HandlerKey]>) {
    const handle: Handler = (call, callback) => {
      (handlers ??= load()).then(
        (h) => h[key](call, callback),
        (err: unknown) => callback({ code: grpc.status.INTERNAL, details: `the provider could not start: ${(err as Error).message}` }),
      );
    };
    server.register(`/pulumirpc.ResourceProvider/${rpc}`, handle, (res) => methods()[key].responseSerialize(res), (buf) => methods()[key].requestDeserialize(buf), "unary");
  }
  return new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve({ server, port })));
  });
}
