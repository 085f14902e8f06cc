// An in-process provider with a tiny in-memory "cloud", for testing the stack model itself.
// Resource "test:index:Thing": `name` (the id; replace, delete-before-replace), `size` (update in
// place), output `uid` (computed). Inputs with `fail: "<reason>"` make Create/Update partially fail.
import * as grpc from "@grpc/grpc-js";
import { connectProvider } from "./harness.ts";
import type { ProviderClient } from "./client.ts";
import { anyPb, emptyPb, pluginPb, providerGrpc, providerPb, statusPb, type Struct } from "./proto.ts";
import { deepEqual, unwrapSecrets, UNKNOWN, type ValueMap } from "./values.ts";
import { decodeStruct, encodeStruct } from "./wire.ts";

export const THING = "test:index:Thing";
const RECV = { keepSecrets: true, keepUnknowns: true, keepResources: true };

type Call = grpc.ServerUnaryCall<any, any>;
type Cb = grpc.sendUnaryData<any>;

/** The fake provider's server and its observable state. */
export class FakeProvider {
  /** The "cloud": id → outputs. */
  readonly cloud = new Map<string, ValueMap>();
  /** Args of each Configure call. */
  readonly configures: ValueMap[] = [];
  /** Every RPC received, with the resource name when there is one. */
  readonly calls: string[] = [];
  port = 0;
  private readonly server = new grpc.Server();
  private uid = 0;

  // Starts serving on 127.0.0.1.
  async start(): Promise<this> {
    this.server.addService(providerGrpc.ResourceProviderService, this.handlers());
    this.port = await new Promise<number>((res, rej) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
    return this;
  }

  // A launcher for Stack: a new connection per deployment, as a new process would be.
  launcher(): () => Promise<ProviderClient> {
    return async () => connectProvider(this.port);
  }

  // Stops the server.
  stop(): void {
    this.server.forceShutdown();
  }

  private handlers(): grpc.UntypedServiceImplementation {
    const ok = (cb: Cb, msg: unknown): void => cb(null, msg);
    const props = (s: Struct | undefined): ValueMap => decodeStruct(s, RECV) ?? {};
    const out = (m: ValueMap): Struct | undefined => encodeStruct(m, { ...RECV, propagateNil: true });
    const log = (rpc: string) => (call: Call): void => {
      const urn: string = typeof call.request.getUrn === "function" ? call.request.getUrn() : "";
      this.calls.push(urn.includes("::") && !urn.includes("pulumi:providers") ? `${rpc}(${urn.split("::").pop()})` : rpc);
    };
    return {
      handshake: (c: Call, cb: Cb) => { log("Handshake")(c); ok(cb, new providerPb.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(true)); },
      getPluginInfo: (c: Call, cb: Cb) => { log("GetPluginInfo")(c); ok(cb, new pluginPb.PluginInfo().setVersion("0.1.0")); },
      checkConfig: (c: Call, cb: Cb) => { log("CheckConfig")(c); ok(cb, new providerPb.CheckResponse().setInputs(c.request.getNews())); },
      diffConfig: (c: Call, cb: Cb) => {
        log("DiffConfig")(c);
        const [o, n] = [props(c.request.getOlds()), props(c.request.getNews())];
        const r = new providerPb.DiffResponse().setChanges(deepEqual(o.host ?? null, n.host ?? null) ? 1 : 2);
        if (!deepEqual(o.host ?? null, n.host ?? null)) r.setReplacesList(["host"]);
        ok(cb, r);
      },
      configure: (c: Call, cb: Cb) => { log("Configure")(c); this.configures.push(props(c.request.getArgs())); ok(cb, new providerPb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true).setAcceptresources(true)); },
      check: (c: Call, cb: Cb) => {
        log("Check")(c);
        const news = props(c.request.getNews());
        const r = new providerPb.CheckResponse().setInputs(out(news));
        if (news.name === undefined) r.addFailures(new providerPb.CheckFailure().setProperty("name").setReason("name is required"));
        ok(cb, r);
      },
      diff: (c: Call, cb: Cb) => {
        log("Diff")(c);
        const [o, n] = [props(c.request.getOldInputs()), props(c.request.getNews())];
        const r = new providerPb.DiffResponse().setHasdetaileddiff(true).setDeletebeforereplace(true);
        for (const [k, kind] of [["name", 5], ["size", 4]] as const) {
          if (!deepEqual(o[k] ?? null, n[k] ?? null)) {
            r.addDiffs(k);
            if (kind === 5) r.addReplaces(k);
            r.getDetaileddiffMap().set(k, new providerPb.PropertyDiff().setKind(kind).setInputdiff(true));
          }
        }
        ok(cb, r.setChanges(r.getDiffsList().length > 0 ? 2 : 1));
      },
      create: (c: Call, cb: Cb) => {
        log("Create")(c);
        const ins = props(c.request.getProperties());
        const id = String(unwrapSecrets(ins.name ?? null));
        if (c.request.getPreview()) return ok(cb, new providerPb.CreateResponse().setProperties(out({ ...ins, uid: UNKNOWN })));
        const outs = { ...ins, uid: `u${++this.uid}` };
        this.cloud.set(id, outs);
        if (typeof ins.fail === "string") return cb(initFailed(id, outs, ins, ins.fail));
        ok(cb, new providerPb.CreateResponse().setId(id).setProperties(out(outs)));
      },
      read: (c: Call, cb: Cb) => {
        log("Read")(c);
        const outs = this.cloud.get(c.request.getId());
        if (outs === undefined) return ok(cb, new providerPb.ReadResponse());
        const { uid: _uid, ...ins } = outs;
        ok(cb, new providerPb.ReadResponse().setId(c.request.getId()).setProperties(out(outs)).setInputs(out(ins)));
      },
      update: (c: Call, cb: Cb) => {
        log("Update")(c);
        const [olds, news] = [props(c.request.getOlds()), props(c.request.getNews())];
        const outs = { ...news, uid: olds.uid ?? null };
        if (c.request.getPreview()) return ok(cb, new providerPb.UpdateResponse().setProperties(out(outs)));
        this.cloud.set(c.request.getId(), outs);
        if (typeof news.fail === "string") return cb(initFailed(c.request.getId(), outs, news, news.fail));
        ok(cb, new providerPb.UpdateResponse().setProperties(out(outs)));
      },
      delete: (c: Call, cb: Cb) => { log("Delete")(c); this.cloud.delete(c.request.getId()); ok(cb, new emptyPb.Empty()); },
      cancel: (c: Call, cb: Cb) => { log("Cancel")(c); ok(cb, new emptyPb.Empty()); },
    } as grpc.UntypedServiceImplementation;
  }
}

function initFailed(id: string, outs: ValueMap, ins: ValueMap, reason: string): Partial<grpc.StatusObject> {
  const detail = new providerPb.ErrorResourceInitFailed().setId(id).setReasonsList([reason]);
  detail.setProperties(encodeStruct(outs, RECV));
  detail.setInputs(encodeStruct(ins, RECV));
  const any = new anyPb.Any();
  any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const st = new statusPb.Status().setCode(grpc.status.UNKNOWN).setMessage(reason);
  st.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(st.serializeBinary()));
  return { code: grpc.status.UNKNOWN, details: reason, metadata };
}
