// The ResourceMonitor gRPC service a Pulumi program talks to (pkg/resource/deploy/source_eval.go resmon),
// as a thin layer: requests decoded into plain records for a backend (the program deployment), answers
// encoded as the engine encodes them. Features the runner does not model are not advertised, so the
// SDK itself refuses the options that need them (transforms, hooks, deletedWith, parameterization...).
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, emptyPb, providerPb, resourceGrpc, resourcePb } from "../proto.ts";
import type { ValueMap } from "../value-model.ts";
import { decodeStruct, encodeStruct } from "../wire.ts";
import { decodeRegistration, type RegisterRequest } from "./requests.ts";

export type { RegisterRequest } from "./requests.ts";

/** What the runner advertises: the features its engine model honours (secrets, resource references). */
export const SUPPORTED_FEATURES: readonly string[] = ["secrets", "resourceReferences"];

/** The engine side the monitor serves. */
export interface MonitorBackend {
  info(): { project: string; stack: string; dryRun: boolean; parallel: number; config: Record<string, string>; secretKeys: string[] };
  register(req: RegisterRequest): Promise<{ urn: string; id: string; outputs: ValueMap }>;
  registerOutputs(urn: string, outputs: ValueMap): Promise<void>;
  read(req: ReadRequest): Promise<{ urn: string; properties: ValueMap }>;
  invoke(req: InvokeRequest): Promise<{ ret: ValueMap; failures: { property: string; reason: string }[] }>;
  /** Resolves once every registration received has finished (SignalAndWaitForShutdown). */
  shutdown(): Promise<void>;
}

/** ReadResource (`Resource.get`). */
export interface ReadRequest {
  type: string;
  name: string;
  id: string;
  parent: string;
  provider: string;
  version: string;
  properties: ValueMap;
  dependencies: string[];
  additionalSecretOutputs: string[];
}

/** Invoke (a provider function). */
export interface InvokeRequest {
  tok: string;
  args: ValueMap;
  provider: string;
  version: string;
}

/** An error the monitor answers with a given status. */
export class MonitorError extends Error {
  readonly code: grpc.status;

  constructor(code: grpc.status, message: string) {
    super(message);
    this.code = code;
  }
}

const IN = { keepUnknowns: true, keepSecrets: true, keepResources: true, propagateNil: false };
type Unary = (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => void;

/** The running monitor: its address for the program, and stop(). */
export interface Monitor {
  address: string;
  stop(): Promise<void>;
}

// Serves the ResourceMonitor service on 127.0.0.1 for one run of a program.
export async function startMonitor(backend: MonitorBackend): Promise<Monitor> {
  const server = new grpc.Server(CHANNEL_OPTIONS);
  server.addService(resourceGrpc.ResourceMonitorService, handlers(backend));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => {
      server.tryShutdown(() => resolve());
      setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2000).unref();
    }),
  };
}

// One handler per RPC; an RPC the runner does not model answers UNIMPLEMENTED with the reason.
function handlers(backend: MonitorBackend): grpc.UntypedServiceImplementation {
  const answer = (work: (req: any) => Promise<unknown> | unknown): Unary => (call, cb) => {
    Promise.resolve().then(() => work(call.request)).then((res) => cb(null, res), (e: unknown) => {
      const code = e instanceof MonitorError ? e.code : grpc.status.UNKNOWN;
      cb({ code, details: (e as Error).message, metadata: new grpc.Metadata() } as grpc.ServiceError);
    });
  };
  const refuse = (what: string): Unary => answer(() => {
    throw new MonitorError(grpc.status.UNIMPLEMENTED, `${what} is not modelled by the program runner`);
  });
  return {
    supportsFeature: answer((req: InstanceType<typeof resourcePb.SupportsFeatureRequest>) =>
      new resourcePb.SupportsFeatureResponse().setHassupport(SUPPORTED_FEATURES.includes(req.getId()))),
    getDeploymentInfo: answer(() => {
      const i = backend.info();
      const info = new resourcePb.DeploymentInfo().setProject(i.project).setStack(i.stack).setDryrun(i.dryRun).setParallel(i.parallel)
        .setConfigsecretkeysList(i.secretKeys)
        .setSupportedfeaturesList([resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS,
          resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES]);
      for (const [k, v] of Object.entries(i.config)) info.getConfigMap().set(k, v);
      return info;
    }),
    registerResource: answer(async (req: InstanceType<typeof resourcePb.RegisterResourceRequest>) => {
      const reg = decodeRegistration(req);
      const res = await backend.register(reg);
      const out = new resourcePb.RegisterResourceResponse().setUrn(res.urn).setId(res.id)
        .setObject(encodeStruct(res.outputs, { keepUnknowns: true, keepSecrets: reg.acceptSecrets, keepResources: reg.acceptResources }))
        .setResult(resourcePb.Result.SUCCESS);
      return out;
    }),
    registerResourceOutputs: answer(async (req: InstanceType<typeof resourcePb.RegisterResourceOutputsRequest>) => {
      await backend.registerOutputs(req.getUrn(), decodeStruct(req.getOutputs(), IN) ?? {});
      return new emptyPb.Empty();
    }),
    readResource: answer(async (req: InstanceType<typeof resourcePb.ReadResourceRequest>) => {
      const res = await backend.read({
        type: req.getType(), name: req.getName(), id: req.getId(), parent: req.getParent(), provider: req.getProvider(), version: req.getVersion(),
        properties: decodeStruct(req.getProperties(), IN) ?? {}, dependencies: req.getDependenciesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      });
      return new resourcePb.ReadResourceResponse().setUrn(res.urn)
        .setProperties(encodeStruct(res.properties, { keepUnknowns: true, keepSecrets: req.getAcceptsecrets(), keepResources: req.getAcceptresources() }));
    }),
    invoke: answer(async (req: InstanceType<typeof resourcePb.ResourceInvokeRequest>) => {
      const res = await backend.invoke({ tok: req.getTok(), args: decodeStruct(req.getArgs(), IN) ?? {}, provider: req.getProvider(), version: req.getVersion() });
      return new resourcePb.ResourceInvokeResponse()
        .setReturn(encodeStruct(res.ret, { keepUnknowns: true, keepSecrets: true, keepResources: req.getAcceptresources() }))
        .setFailuresList(res.failures.map((f) => new providerPb.CheckFailure().setProperty(f.property).setReason(f.reason)));
    }),
    signalAndWaitForShutdown: answer(async () => {
      await backend.shutdown();
      return new emptyPb.Empty();
    }),
    call: refuse("Call (methods of component resources)"),
    existsResource: refuse("ExistsResource"),
    registerStackTransform: refuse("RegisterStackTransform (transforms)"),
    registerStackInvokeTransform: refuse("RegisterStackInvokeTransform (invoke transforms)"),
    registerResourceHook: refuse("RegisterResourceHook (resource hooks)"),
    registerErrorHook: refuse("RegisterErrorHook (error hooks)"),
    registerPackage: refuse("RegisterPackage (parameterized packages)"),
  } as grpc.UntypedServiceImplementation;
}
