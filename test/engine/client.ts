// The engine's gRPC client of a provider (pkg/resource/plugin/provider_plugin.go), in TypeScript:
// typed methods over every RPC, with the engine's marshalling flags and its short cuts (unimplemented
// CheckConfig/DiffConfig/Cancel, unknown provider config) reproduced call by call.
import { Metadata, status as grpcStatus, type CallOptions, type ServiceError } from "@grpc/grpc-js";
import { DiffUnavailableError, missingKeysMessage, ProviderError } from "./errors.ts";
import type { FakeEngine } from "./fake-engine.ts";
import {
  checkRequest, checkResult, configureFlags, configVariables, decodeDiff, diffRequest, emptyDiff, isTolerantSemver, NO_PROTOCOL, recvOptions,
} from "./messages.ts";
import type { PluginProcess } from "./plugin-process.ts";
import { emptyPb, pluginPb, providerPb, type ResourceProviderClient } from "./proto.ts";
import type * as T from "./rpc-types.ts";
import { urnName, urnType } from "./urn.ts";
import { annotateSecrets, containsSecrets, secret } from "./value-model.ts";
import { decodeStruct, encodeStruct, type WireOptions } from "./wire.ts";

type Callback<Res> = (err: ServiceError | null, res: Res) => void;

/** What a launcher attaches to a client: the process, the fake engine, handshake defaults, clean-up. */
export interface ClientAttachments {
  plugin?: PluginProcess;
  engine?: FakeEngine;
  handshakeDefaults?: T.HandshakeRequest;
  onClose?: () => Promise<void>;
}

/** A connected provider plugin, driven as the engine drives it. */
export class ProviderClient {
  readonly raw: ResourceProviderClient;
  /** The negotiated protocol: from Handshake, or from Configure when Handshake is unimplemented. */
  protocol: T.Protocol | undefined;
  /** False once Configure was skipped because config had unknowns (the engine's cfgknown bit). */
  configKnown = true;
  /** The fake engine the plugin was pointed at, if any (its `logs` are the provider's diagnostics). */
  readonly engine: FakeEngine | undefined;
  /** The plugin process, when the harness started it. */
  readonly plugin: PluginProcess | undefined;
  /** Called before every RPC actually sent (not for the engine's short cuts): name, URN, preview flag. */
  onCall: ((rpc: string, urn: string | undefined, preview: boolean | undefined) => void) | undefined;
  private readonly attachments: ClientAttachments;

  constructor(raw: ResourceProviderClient, attachments: ClientAttachments = {}) {
    this.raw = raw;
    this.attachments = attachments;
    this.engine = attachments.engine;
    this.plugin = attachments.plugin;
  }

  // Everything the plugin wrote to stderr (hidden from users by the engine, useful when a test fails).
  stderr(): string {
    return this.plugin?.stderr() ?? "";
  }

  private get proto(): T.Protocol {
    return this.protocol ?? NO_PROTOCOL;
  }

  // The flags used to send resource properties, per the negotiated protocol.
  private send(extra: WireOptions = {}): WireOptions {
    const p = this.proto;
    return { keepSecrets: p.acceptSecrets, keepResources: p.acceptResources, keepByteString: p.acceptsByteString, propagateNil: true, ...extra };
  }

  // One unary call; failures become ProviderError with details decoded using `wire`.
  private call<Req, Res>(rpc: string, method: (req: Req, md: Metadata, opts: Partial<CallOptions>, cb: Callback<Res>) => unknown,
    req: Req, wire: WireOptions = {}): Promise<Res> {
    const r = req as { getUrn?: () => string | undefined; getPreview?: () => boolean };
    this.onCall?.(rpc, r.getUrn?.(), r.getPreview?.());
    return new Promise((resolve, reject) => {
      method.call(this.raw, req, new Metadata(), {}, (err: ServiceError | null, res: Res) => {
        if (!err) return resolve(res);
        try {
          reject(new ProviderError(rpc, err, wire));
        } catch (decodeError) {
          reject(decodeError); // e.g. an unknown in the partial state of a non-preview Create
        }
      });
    });
  }

  // Handshake with what a current engine sends (retrying while UNAVAILABLE, as dialPlugin does);
  // undefined when the provider does not implement it.
  async handshake(request: T.HandshakeRequest = {}): Promise<T.Protocol | undefined> {
    const req = { ...this.attachments.handshakeDefaults, ...request };
    const r = new providerPb.ProviderHandshakeRequest()
      .setEngineAddress(req.engineAddress ?? "")
      .setConfigureWithUrn(req.configureWithUrn ?? true)
      .setSupportsViews(req.supportsViews ?? true)
      .setSupportsRefreshBeforeUpdate(req.supportsRefreshBeforeUpdate ?? true)
      .setInvokeWithPreview(req.invokeWithPreview ?? true)
      .setAcceptsByteString(req.acceptsByteString ?? true);
    if (req.rootDirectory !== undefined) r.setRootDirectory(req.rootDirectory);
    if (req.programDirectory !== undefined) r.setProgramDirectory(req.programDirectory);
    try {
      const res = await this.retryUnavailable(() => this.call("Handshake", this.raw.handshake, r));
      this.protocol = {
        acceptSecrets: res.getAcceptSecrets(),
        acceptResources: res.getAcceptResources(),
        acceptOutputs: res.getAcceptOutputs(),
        supportsAutonamingConfiguration: res.getSupportsAutonamingConfiguration(),
        acceptsByteString: res.getAcceptsByteString(),
        supportsPreview: true, // a provider that handshakes always gets preview calls
      };
      return this.protocol;
    } catch (e) {
      if (isUnimplemented(e)) return undefined;
      throw e;
    }
  }

  // GetPluginInfo; fails like the engine when the version is not a (tolerant) semver.
  async getPluginInfo(): Promise<{ version: string }> {
    const res = await this.call("GetPluginInfo", this.raw.getPluginInfo, new emptyPb.Empty());
    const version = res.getVersion();
    if (version !== "" && !isTolerantSemver(version)) {
      throw new Error(`GetPluginInfo: version ${JSON.stringify(version)} is not a semver`);
    }
    return { version };
  }

  // GetSchema; returns the schema text.
  async getSchema(req: { version?: number; subpackageName?: string; subpackageVersion?: string } = {}): Promise<string> {
    const r = new providerPb.GetSchemaRequest()
      .setVersion(req.version ?? 0)
      .setSubpackageName(req.subpackageName ?? "")
      .setSubpackageVersion(req.subpackageVersion ?? "");
    return (await this.call("GetSchema", this.raw.getSchema, r)).getSchema();
  }

  // CheckConfig: secrets go plain, and come back marked secret again by name (annotateSecrets).
  async checkConfig(req: T.CheckConfigRequest): Promise<T.CheckResult> {
    const o: WireOptions = { keepUnknowns: req.allowUnknowns, propagateNil: true };
    const recv = recvOptions(req.allowUnknowns);
    try {
      const res = await this.call("CheckConfig", this.raw.checkConfig, checkRequest(req.urn, encodeStruct(req.olds, o), encodeStruct(req.news, o)), recv);
      const result = checkResult(res, recv);
      annotateSecrets(result.inputs, req.news);
      return result;
    } catch (e) {
      if (isUnimplemented(e)) return { inputs: req.news, failures: [] };
      throw e;
    }
  }

  // DiffConfig: unknowns kept, secrets plain; UNIMPLEMENTED reads as DIFF_UNKNOWN.
  async diffConfig(req: T.DiffConfigRequest): Promise<T.DiffResult> {
    const o: WireOptions = { keepUnknowns: true, propagateNil: true };
    const r = diffRequest(req.urn, "", encodeStruct(req.oldInputs, o), encodeStruct(req.oldOutputs, o), encodeStruct(req.newInputs, o), req.ignoreChanges);
    try {
      return decodeDiff(await this.call("DiffConfig", this.raw.diffConfig, r));
    } catch (e) {
      if (isUnimplemented(e)) return emptyDiff("unknown");
      throw e;
    }
  }

  // Configure, or skip it when any config value is unknown (later calls then take the engine's short cuts).
  async configure(req: T.ConfigureRequest): Promise<T.ConfigureResult> {
    const variables = configVariables(req.urn, req.inputs);
    if (variables === undefined) {
      this.configKnown = false;
      this.protocol ??= { ...NO_PROTOCOL };
      const p = this.proto;
      return { configured: false, acceptSecrets: p.acceptSecrets, supportsPreview: p.supportsPreview, acceptResources: p.acceptResources,
        acceptOutputs: p.acceptOutputs, supportsAutonamingConfiguration: p.supportsAutonamingConfiguration };
    }
    const r = new providerPb.ConfigureRequest()
      .setUrn(req.urn).setName(urnName(req.urn)).setType(urnType(req.urn)).setId(req.id)
      .setAcceptsecrets(true).setAcceptresources(true).setSendsOldInputs(true).setSendsOldInputsToDelete(true)
      .setArgs(encodeStruct(req.inputs, { keepUnknowns: true, keepSecrets: true, keepResources: true }));
    for (const [k, v] of variables) r.getVariablesMap().set(k, v);
    let res;
    try {
      res = await this.call("Configure", this.raw.configure, r);
    } catch (e) {
      // The CLI replaces the message by one line per missing key (createConfigureError).
      if (e instanceof ProviderError && e.missingKeys?.length) e.message = missingKeysMessage(e.missingKeys);
      throw e;
    }
    this.configKnown = true;
    const flags = configureFlags(res);
    this.protocol ??= { ...flags, acceptsByteString: false };
    return { configured: true, ...flags };
  }

  // Check; with unknown config the engine returns the news without calling the provider.
  async check(req: T.CheckRequest): Promise<T.CheckResult> {
    if (!this.configKnown) return { inputs: req.news, failures: [] };
    const olds = encodeStruct(req.olds, this.send({ keepUnknowns: req.allowUnknowns, propagateNil: false }));
    const r = checkRequest(req.urn, olds, encodeStruct(req.news, this.send({ keepUnknowns: req.allowUnknowns })));
    if (req.randomSeed) r.setRandomseed(req.randomSeed);
    if (req.autonaming && this.proto.supportsAutonamingConfiguration) {
      const a = new providerPb.CheckRequest.AutonamingOptions().setProposedName(req.autonaming.proposedName);
      r.setAutonaming(a.setMode({ propose: 0, enforce: 1, disable: 2 }[req.autonaming.mode]));
    }
    const recv = recvOptions(req.allowUnknowns);
    const result = checkResult(await this.call("Check", this.raw.check, r, recv), recv);
    if (!this.proto.acceptSecrets) annotateSecrets(result.inputs, req.news);
    return result;
  }

  // Diff; throws DiffUnavailableError where the engine would not call the provider.
  async diff(req: T.DiffRequest): Promise<T.DiffResult> {
    if (!this.configKnown) throw new DiffUnavailableError();
    const o = this.send({ keepUnknowns: req.allowUnknowns, elideAssetContents: true });
    const r = diffRequest(req.urn, req.id, encodeStruct(req.oldInputs, o), encodeStruct(req.oldOutputs, o), encodeStruct(req.newInputs, o), req.ignoreChanges);
    return decodeDiff(await this.call("Diff", this.raw.diff, r));
  }

  // Create; non-preview results must be known and carry an id (a partial failure too).
  async create(req: T.CreateRequest): Promise<T.CreateResult> {
    if (req.preview && !this.configKnown) return { id: "", properties: undefined, refreshBeforeUpdate: false };
    const r = new providerPb.CreateRequest()
      .setUrn(req.urn).setName(urnName(req.urn)).setType(urnType(req.urn))
      .setProperties(encodeStruct(req.properties, this.send({ keepUnknowns: req.preview })))
      .setTimeout(req.timeout ?? 0).setPreview(req.preview);
    const recv = recvOptions(req.preview);
    const emptyId = `plugin returned empty resource.ID from create '${req.urn}'`;
    let res;
    try {
      res = await this.call("Create", this.raw.create, r, recv);
    } catch (e) {
      if (e instanceof ProviderError && e.initFailed?.id === "" && !req.preview) throw new Error(emptyId, { cause: e });
      throw e;
    }
    if (res.getId() === "" && !req.preview) throw new Error(emptyId);
    const properties = decodeStruct(res.getProperties(), recv);
    if (!this.proto.acceptSecrets) annotateSecrets(properties, req.properties);
    return { id: res.getId(), properties, refreshBeforeUpdate: res.getRefreshBeforeUpdate() };
  }

  // Read; `properties` unset means the resource is gone (refresh) or absent (import).
  async read(req: T.ReadRequest): Promise<T.ReadResult> {
    if (!this.configKnown) return { id: "", properties: {}, inputs: {}, refreshBeforeUpdate: false };
    const o = this.send({ elideAssetContents: true });
    const r = new providerPb.ReadRequest()
      .setId(req.id).setUrn(req.urn).setName(urnName(req.urn)).setType(urnType(req.urn))
      .setProperties(encodeStruct(req.properties, o)).setInputs(encodeStruct(req.inputs, o)).setTimeout(req.timeout ?? 0);
    const recv = recvOptions(false);
    const res = await this.call("Read", this.raw.read, r, recv);
    return {
      id: res.getId(),
      properties: decodeStruct(res.getProperties(), recv),
      inputs: decodeStruct(res.getInputs(), recv),
      refreshBeforeUpdate: res.getRefreshBeforeUpdate(),
    };
  }

  // Update; the id cannot change, results follow the Create rules.
  async update(req: T.UpdateRequest): Promise<T.UpdateResult> {
    if (req.preview && !this.configKnown) return { properties: {}, refreshBeforeUpdate: false };
    const o = this.send({ elideAssetContents: true });
    const r = new providerPb.UpdateRequest()
      .setId(req.id).setUrn(req.urn).setName(urnName(req.urn)).setType(urnType(req.urn))
      .setOlds(encodeStruct(req.oldOutputs, o)).setOldInputs(encodeStruct(req.oldInputs, o))
      .setNews(encodeStruct(req.newInputs, this.send({ keepUnknowns: req.preview })))
      .setIgnorechangesList(req.ignoreChanges ?? []).setPreview(req.preview).setTimeout(req.timeout ?? 0);
    const recv = recvOptions(req.preview);
    const res = await this.call("Update", this.raw.update, r, recv);
    const properties = decodeStruct(res.getProperties(), recv);
    if (!this.proto.acceptSecrets) annotateSecrets(properties, req.newInputs);
    return { properties, refreshBeforeUpdate: res.getRefreshBeforeUpdate() };
  }

  // Delete; never sent during a preview.
  async delete(req: T.DeleteRequest): Promise<void> {
    const o = this.send({ elideAssetContents: true });
    const r = new providerPb.DeleteRequest()
      .setId(req.id).setUrn(req.urn).setName(urnName(req.urn)).setType(urnType(req.urn))
      .setProperties(encodeStruct(req.outputs, o)).setOldInputs(encodeStruct(req.inputs, o)).setTimeout(req.timeout ?? 0);
    await this.call("Delete", this.raw.delete, r);
  }

  // Invoke; unknown args are left out, results must be known.
  async invoke(req: T.InvokeRequest): Promise<T.InvokeResult> {
    if (!this.configKnown) return { return: {}, failures: [] };
    const r = new providerPb.InvokeRequest().setTok(req.tok).setArgs(encodeStruct(req.args, this.send())).setPreview(req.preview ?? false);
    const recv = recvOptions(false);
    const res = await this.call("Invoke", this.raw.invoke, r, recv);
    const ret = decodeStruct(res.getReturn(), recv);
    if (ret && containsSecrets(req.args) && !this.proto.acceptSecrets) {
      for (const [k, v] of Object.entries(ret)) ret[k] = secret(v);
    }
    return { return: ret, failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
  }

  // Cancel; an UNIMPLEMENTED answer counts as acknowledged.
  async cancel(): Promise<void> {
    try {
      await this.call("Cancel", this.raw.cancel, new emptyPb.Empty());
    } catch (e) {
      if (!isUnimplemented(e)) throw e;
    }
  }

  // Attach: tells a provider started by hand where the engine is.
  async attach(address: string): Promise<void> {
    await this.call("Attach", this.raw.attach, new pluginPb.PluginAttach().setAddress(address));
  }

  // Closes the channel and stops the plugin (and anything else the launcher set up).
  async kill(): Promise<void> {
    this.raw.close();
    await this.attachments.onClose?.();
  }

  private async retryUnavailable<R>(attempt: () => Promise<R>, timeoutMs = 10_000): Promise<R> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof ProviderError && e.code === grpcStatus.UNAVAILABLE) || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }
}

function isUnimplemented(e: unknown): boolean {
  return e instanceof ProviderError && e.code === grpcStatus.UNIMPLEMENTED;
}
