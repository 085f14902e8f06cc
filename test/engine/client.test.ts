// The harness client against an in-process fake provider: what it sends (the engine's marshalling)
// and how it reads answers and errors. No plugin process, no FreeBSD host.
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import type { ProviderClient } from "./client.ts";
import { DiffUnavailableError, ProviderError } from "./errors.ts";
import { connectProvider } from "./harness.ts";
import { anyPb, errorsPb, providerGrpc, providerPb, statusPb, structPb } from "./proto.ts";
import { secret, SIG, UNKNOWN, UNKNOWN_SENTINELS, type ValueMap } from "./values.ts";

const URN = "urn:pulumi:test::proj::freebsd:zfs:Dataset::web";
const PROVIDER_URN = "urn:pulumi:test::proj::pulumi:providers:freebsd::default_0_1_0";

type Handlers = Record<string, (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => void>;
let stop: (() => void) | undefined;
let client: ProviderClient | undefined;
afterEach(async () => {
  await client?.kill();
  stop?.();
});

// Serves the given handlers (others answer UNIMPLEMENTED) and connects a client that handshook.
async function serve(handlers: Handlers, handshake = true): Promise<ProviderClient> {
  const server = new grpc.Server();
  server.addService(providerGrpc.ResourceProviderService, {
    handshake: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, new providerPb.ProviderHandshakeResponse().setAcceptSecrets(true).setAcceptResources(true)),
    ...handlers,
  } as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((res, rej) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  stop = () => server.forceShutdown();
  client = connectProvider(port);
  if (handshake) await client.handshake();
  return client;
}

function js(s: InstanceType<typeof structPb.Struct> | undefined): unknown {
  return s?.toJavaScript();
}

// A gRPC error carrying pulumirpc details in grpc-status-details-bin.
function errorWithDetail(code: grpc.status, message: string, typeName: string, detail: { serializeBinary(): Uint8Array }): Partial<grpc.StatusObject> {
  const any = new anyPb.Any();
  any.pack(detail.serializeBinary(), typeName);
  const st = new statusPb.Status().setCode(code).setMessage(message);
  st.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(st.serializeBinary()));
  return { code, details: message, metadata };
}

describe("provider configuration", () => {
  it("CheckConfig gets secrets plain and its answer is marked secret again by name", async () => {
    let seen: unknown;
    const p = await serve({
      checkConfig: (call, cb) => {
        seen = js(call.request.getNews());
        cb(null, new providerPb.CheckResponse().setInputs(call.request.getNews()));
      },
    });
    const news: ValueMap = { host: "h", privateKey: secret("KEY"), version: "0.1.0" };
    const res = await p.checkConfig({ urn: PROVIDER_URN, olds: {}, news, allowUnknowns: true });
    expect(seen).toEqual({ host: "h", privateKey: "KEY", version: "0.1.0" });
    expect(res.inputs).toEqual(news);
  });

  it("an unimplemented CheckConfig accepts the news unchanged, DiffConfig reads as DIFF_UNKNOWN", async () => {
    const p = await serve({});
    expect(await p.checkConfig({ urn: PROVIDER_URN, olds: {}, news: { a: "1" }, allowUnknowns: false })).toEqual({ inputs: { a: "1" }, failures: [] });
    expect((await p.diffConfig({ urn: PROVIDER_URN, oldInputs: {}, oldOutputs: {}, newInputs: {} })).changes).toBe("unknown");
  });

  it("Configure gets args with secret wrappers and version, variables plain without version", async () => {
    let req: InstanceType<typeof providerPb.ConfigureRequest> | undefined;
    const p = await serve({
      configure: (call, cb) => {
        req = call.request;
        cb(null, new providerPb.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(true));
      },
    });
    const inputs: ValueMap = { host: "h", port: 22, privateKey: secret("KEY"), tags: { b: 1, a: "<x>" }, version: "0.1.0" };
    await p.configure({ urn: PROVIDER_URN, id: "abc", inputs });
    expect(js(req?.getArgs())).toEqual({ host: "h", port: 22, privateKey: { [SIG.key]: SIG.secret, value: "KEY" }, tags: { b: 1, a: "<x>" }, version: "0.1.0" });
    expect(Object.fromEntries(req?.getVariablesMap().toArray() ?? [])).toEqual({
      "freebsd:config:host": "h",
      "freebsd:config:port": "22",
      "freebsd:config:privateKey": "KEY", // the engine strips the wrapper, not the value
      "freebsd:config:tags": '{"a":"\\u003cx\\u003e","b":1}',
    });
    expect([req?.getUrn(), req?.getName(), req?.getType(), req?.getId()]).toEqual([PROVIDER_URN, "default_0_1_0", "pulumi:providers:freebsd", "abc"]);
    expect([req?.getAcceptsecrets(), req?.getAcceptresources(), req?.getSendsOldInputs(), req?.getSendsOldInputsToDelete()]).toEqual([true, true, true, true]);
  });

  it("unknown config skips Configure; Check, Diff, Create and Read then never reach the provider", async () => {
    const calls: string[] = [];
    const record = (name: string) => (_c: unknown, cb: grpc.sendUnaryData<unknown>) => { calls.push(name); cb({ code: grpc.status.INTERNAL, details: "called" }); };
    const p = await serve({ configure: record("configure"), check: record("check"), diff: record("diff"), create: record("create"), read: record("read") });
    expect((await p.configure({ urn: PROVIDER_URN, id: UNKNOWN_SENTINELS.string, inputs: { host: UNKNOWN } })).configured).toBe(false);
    expect(await p.check({ urn: URN, news: { a: UNKNOWN }, allowUnknowns: true })).toEqual({ inputs: { a: UNKNOWN }, failures: [] });
    await expect(p.diff({ urn: URN, id: "x", oldInputs: {}, oldOutputs: {}, newInputs: {}, allowUnknowns: true })).rejects.toBeInstanceOf(DiffUnavailableError);
    expect(await p.create({ urn: URN, properties: {}, preview: true })).toEqual({ id: "", properties: undefined, refreshBeforeUpdate: false });
    expect((await p.read({ urn: URN, id: "x" })).properties).toEqual({});
    expect(calls).toEqual([]);
  });

  it("missing keys from Configure read like the CLI's message", async () => {
    const detail = new providerPb.ConfigureErrorMissingKeys();
    detail.addMissingkeys(new providerPb.ConfigureErrorMissingKeys.MissingKey().setName("freebsd:host").setDescription("the host to manage"));
    const p = await serve({ configure: (_c, cb) => cb(errorWithDetail(grpc.status.INVALID_ARGUMENT, "missing", "pulumirpc.ConfigureErrorMissingKeys", detail)) });
    const err = await p.configure({ urn: PROVIDER_URN, id: "x", inputs: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).message).toBe(
      'missing required configuration key "freebsd:host": the host to manage\nSet a value using the command `pulumi config set freebsd:host <value>`.',
    );
    expect((err as ProviderError).missingKeys).toEqual([{ name: "freebsd:host", description: "the host to manage" }]);
  });
});

describe("resource calls", () => {
  it("Check sends empty olds as an empty Struct and keeps unknowns only when allowed", async () => {
    const seen: unknown[] = [];
    const p = await serve({
      check: (call, cb) => {
        seen.push([call.request.hasOlds(), js(call.request.getOlds()), js(call.request.getNews())]);
        cb(null, new providerPb.CheckResponse().setInputs(call.request.getNews()));
      },
    });
    await p.check({ urn: URN, news: { a: UNKNOWN, b: secret("s") }, allowUnknowns: true });
    await p.check({ urn: URN, news: { a: UNKNOWN, b: "x" }, allowUnknowns: false });
    expect(seen).toEqual([
      [true, {}, { a: UNKNOWN_SENTINELS.string, b: { [SIG.key]: SIG.secret, value: "s" } }],
      [true, {}, { b: "x" }],
    ]);
  });

  it("a non-preview Create result with an unknown is an error; a preview one is fine", async () => {
    const p = await serve({
      create: (call, cb) => cb(null, new providerPb.CreateResponse().setId("tank/web").setProperties(structPb.Struct.fromJavaScript({ used: UNKNOWN_SENTINELS.number }))),
    });
    expect((await p.create({ urn: URN, properties: {}, preview: true })).properties).toEqual({ used: expect.anything() });
    await expect(p.create({ urn: URN, properties: {}, preview: false })).rejects.toThrow('unexpected unknown property value for "used"');
  });

  it("an empty id from a real Create is an error", async () => {
    const p = await serve({ create: (_c, cb) => cb(null, new providerPb.CreateResponse()) });
    await expect(p.create({ urn: URN, properties: {}, preview: false })).rejects.toThrow(`plugin returned empty resource.ID from create '${URN}'`);
  });

  it("ErrorResourceInitFailed details are decoded with id, properties, inputs and reasons", async () => {
    const detail = new providerPb.ErrorResourceInitFailed()
      .setId("tank/web")
      .setProperties(structPb.Struct.fromJavaScript({ name: "tank/web", key: { [SIG.key]: SIG.secret, value: "k" } }))
      .setInputs(structPb.Struct.fromJavaScript({ name: "tank/web" }))
      .setReasonsList(["zfs set failed"]);
    const p = await serve({ create: (_c, cb) => cb(errorWithDetail(grpc.status.UNKNOWN, "zfs set failed", "pulumirpc.ErrorResourceInitFailed", detail)) });
    const err = await p.create({ urn: URN, properties: {}, preview: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    const pe = err as ProviderError;
    expect([pe.codeName, pe.details, pe.statusUnknown]).toEqual(["UNKNOWN", "zfs set failed", true]);
    expect(pe.initFailed).toEqual({ id: "tank/web", properties: { name: "tank/web", key: secret("k") }, inputs: { name: "tank/web" }, reasons: ["zfs set failed"], refreshBeforeUpdate: false });
  });

  it("InputPropertiesError details are decoded", async () => {
    const detail = new errorsPb.InputPropertiesError();
    detail.addErrors(new errorsPb.InputPropertiesError.PropertyError().setPropertyPath("quota").setReason("not a size"));
    const p = await serve({ update: (_c, cb) => cb(errorWithDetail(grpc.status.INVALID_ARGUMENT, "bad", "pulumirpc.InputPropertiesError", detail)) });
    const err = (await p.update({ urn: URN, id: "x", oldInputs: {}, oldOutputs: {}, newInputs: {}, preview: false }).catch((e: unknown) => e)) as ProviderError;
    expect([err.codeName, err.statusUnknown, err.inputPropertyErrors]).toEqual(["INVALID_ARGUMENT", false, [{ propertyPath: "quota", reason: "not a size" }]]);
  });

  it("Read for an import sends the id only", async () => {
    let req: InstanceType<typeof providerPb.ReadRequest> | undefined;
    const p = await serve({ read: (call, cb) => { req = call.request; cb(null, new providerPb.ReadResponse()); } });
    const res = await p.read({ urn: URN, id: "tank/web" });
    expect([req?.getId(), req?.hasProperties(), req?.hasInputs()]).toEqual(["tank/web", false, false]);
    expect(res).toEqual({ id: "", properties: undefined, inputs: undefined, refreshBeforeUpdate: false });
  });

  it("detailedDiff only counts with hasDetailedDiff, as in the engine", async () => {
    const p = await serve({
      diff: (_c, cb) => {
        const r = new providerPb.DiffResponse().setChanges(providerPb.DiffResponse.DiffChanges.DIFF_SOME).setDiffsList(["name"]);
        r.getDetaileddiffMap().set("name", new providerPb.PropertyDiff().setKind(providerPb.PropertyDiff.Kind.UPDATE_REPLACE));
        cb(null, r);
      },
    });
    const d = await p.diff({ urn: URN, id: "x", oldInputs: {}, oldOutputs: {}, newInputs: {}, allowUnknowns: false });
    expect([d.changes, d.hasDetailedDiff, d.detailedDiff, d.rawDetailedDiff]).toEqual(["some", false, undefined, { name: { kind: "update-replace", inputDiff: false } }]);
  });

  it("an unimplemented Handshake falls back; an unimplemented Cancel counts as acknowledged", async () => {
    const p = await serve({ handshake: (_c, cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: "no" }) }, false);
    expect(await p.handshake()).toBeUndefined();
    await expect(p.cancel()).resolves.toBeUndefined();
  });
});
