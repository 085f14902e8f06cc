import * as grpc from "@grpc/grpc-js";

// The gRPC server, up before anything else is loaded: the engine waits for the port line, so the
// protobuf modules and codec, zod schemas, ssh2 and the resources load on the first call (Handshake),
// not before the port is printed. Each method is registered with a pass-through deserializer: a
// request's bytes are decoded, with Pulumi's generated definition and the lean Struct codec
// (struct-fields.ts), once `load` has brought them in. Nothing here imports them, so that a bundle
// (make dist) keeps the same order: its modules run when first imported.

/** The RPCs the plugin serves, by the key of their handler (and of the generated definition). */
export const servedRpcs = {
  Handshake: "handshake", GetPluginInfo: "getPluginInfo", Attach: "attach", GetSchema: "getSchema",
  CheckConfig: "checkConfig", DiffConfig: "diffConfig", Configure: "configure", Check: "check", Diff: "diff",
  Create: "create", Read: "read", Update: "update", Delete: "delete", Invoke: "invoke", Cancel: "cancel",
} as const;

export type HandlerKey = (typeof servedRpcs)[keyof typeof servedRpcs];
type Handler = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => void;
export type Handlers = Record<HandlerKey, Handler>;

/** How one method's messages are read and written. */
export interface MethodDefinition {
  requestDeserialize(buffer: Buffer): unknown;
  responseSerialize(value: unknown): Buffer;
}

/** What the first call loads: the handlers, and the definition of each method's messages. */
export interface Loaded {
  handlers: Handlers;
  methods: Record<HandlerKey, MethodDefinition>;
}

/** Listens on 127.0.0.1; the handlers and codec are loaded by `load` when the first call arrives. */
export function listen(load: () => Promise<Loaded>): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
    "grpc.max_send_message_length": 400 * 1024 * 1024,
  });
  let loading: Promise<Loaded> | undefined;
  let methods: Loaded["methods"] | undefined; // set before any handler runs, so before any reply is serialized
  for (const [rpc, key] of Object.entries(servedRpcs) as Array<[string, HandlerKey]>) {
    const handle: Handler = (call, callback) => {
      (loading ??= load().then((loaded) => ((methods = loaded.methods), loaded))).then(
        (loaded) => {
          let request: unknown;
          try {
            request = loaded.methods[key].requestDeserialize(call.request as Buffer);
          } catch (err) {
            // grpc-js's own answer to a request it cannot deserialize
            return callback({ code: grpc.status.INTERNAL, details: `Error deserializing request: ${(err as Error).message}` });
          }
          call.request = request;
          loaded.handlers[key](call, callback);
        },
        (err: unknown) => callback({ code: grpc.status.INTERNAL, details: `the provider could not start: ${(err as Error).message}` }),
      );
    };
    server.register(`/pulumirpc.ResourceProvider/${rpc}`, handle, (res) => methods![key].responseSerialize(res), (buf: Buffer) => buf, "unary");
  }
  return new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve({ server, port })));
  });
}
