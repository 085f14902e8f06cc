// A fake pulumirpc.Engine service: what a provider reaches at the engine address it is given.
// It records Log calls so tests can assert the diagnostics a user would see.
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, emptyPb, engineGrpc, enginePb } from "./proto.ts";

/** Engine LogSeverity names by wire value (DEBUG 0, INFO 1, WARNING 2, ERROR 3). */
export type LogSeverity = "debug" | "info" | "warning" | "error";
const SEVERITIES: readonly LogSeverity[] = ["debug", "info", "warning", "error"];

/** One Engine.Log call as received. */
export interface LogEntry {
  severity: LogSeverity;
  message: string;
  urn: string;
  streamId: number;
  ephemeral: boolean;
}

type Handler<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, cb: grpc.sendUnaryData<Res>) => void;

/** The running fake engine; `address` is what the provider gets as its last argument. */
export class FakeEngine {
  readonly address: string;
  readonly logs: LogEntry[] = [];
  /** Version ranges the provider asked for with RequirePulumiVersion. */
  readonly requiredVersions: string[] = [];
  rootResource = "";
  private readonly server: grpc.Server;

  private constructor(server: grpc.Server, port: number) {
    this.server = server;
    this.address = `127.0.0.1:${port}`;
  }

  // Starts the service on 127.0.0.1 and an ephemeral port.
  static async start(): Promise<FakeEngine> {
    const server = new grpc.Server(CHANNEL_OPTIONS);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
    });
    const engine = new FakeEngine(server, port);
    server.addService(engineGrpc.EngineService, engine.handlers());
    return engine;
  }

  // Returns the log entries at or above a severity (default: all).
  entries(min: LogSeverity = "debug"): LogEntry[] {
    return this.logs.filter((l) => SEVERITIES.indexOf(l.severity) >= SEVERITIES.indexOf(min));
  }

  // Stops the service, dropping open calls.
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    this.server.forceShutdown();
  }

  private handlers(): grpc.UntypedServiceImplementation {
    const log: Handler<InstanceType<typeof enginePb.LogRequest>, InstanceType<typeof emptyPb.Empty>> = (call, cb) => {
      const r = call.request;
      this.logs.push({
        severity: SEVERITIES[r.getSeverity()] ?? "error",
        message: r.getMessage(),
        urn: r.getUrn(),
        streamId: r.getStreamid(),
        ephemeral: r.getEphemeral(),
      });
      cb(null, new emptyPb.Empty());
    };
    const getRootResource: Handler<unknown, InstanceType<typeof enginePb.GetRootResourceResponse>> = (_call, cb) => {
      cb(null, new enginePb.GetRootResourceResponse().setUrn(this.rootResource));
    };
    const setRootResource: Handler<InstanceType<typeof enginePb.SetRootResourceRequest>, InstanceType<typeof enginePb.SetRootResourceResponse>> = (call, cb) => {
      this.rootResource = call.request.getUrn();
      cb(null, new enginePb.SetRootResourceResponse());
    };
    const startDebugging: Handler<unknown, InstanceType<typeof emptyPb.Empty>> = (_call, cb) => cb(null, new emptyPb.Empty());
    const requirePulumiVersion: Handler<InstanceType<typeof enginePb.RequirePulumiVersionRequest>, InstanceType<typeof enginePb.RequirePulumiVersionResponse>> = (call, cb) => {
      this.requiredVersions.push(call.request.getPulumiVersionRange());
      cb(null, new enginePb.RequirePulumiVersionResponse());
    };
    return { log, getRootResource, setRootResource, startDebugging, requirePulumiVersion } as grpc.UntypedServiceImplementation;
  }
}
