import * as grpc from "@grpc/grpc-js";
import type * as pb from "@pulumi/pulumi/proto/provider_pb.js";
import type { CheckResult } from "./check.ts";
import type { DiffResult } from "./diff.ts";
import { boundedText, missingKeysError, toServiceError } from "./errors.ts";
import type { Outcome } from "./lifecycle.ts";
import type { EngineLog } from "./log.ts";
import { Empty, pluginPb, providerPb } from "./proto.ts";
import { ConfigureError, type Provider } from "./provider.ts";
import { hasStruct, reply, structOf, type StructReply, type StructRequest } from "./struct-fields.ts";

// The gRPC ResourceProvider service: translates messages to and from Provider calls. Every
// handler answers exactly once, errors included, so the engine never hangs. The Struct fields of
// requests and replies (struct-fields.ts) are read and written as plain values beside the message.

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** Wraps an async handler so every outcome, thrown or returned, reaches the callback. */
function unary<Req, Res>(name: string, log: EngineLog, run: (request: Req) => Promise<Res> | Res): Unary<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => run(call.request))
      .then(
        (response) => callback(null, response),
        (err: unknown) => {
          if (err instanceof ConfigureError && err.missing.length > 0) {
            return callback(missingKeysError(err.missing.map((name) => ({ name, description: describeKey(name) }))));
          }
          const status = err instanceof ConfigureError ? { code: grpc.status.FAILED_PRECONDITION, details: boundedText(err.message) } : toServiceError(err);
          log.log("debug", `${name} failed: ${status.details}`);
          callback(status);
        },
      )
      // A reply grpc-js could not encode must still answer the call, and never take the plugin down.
      .catch((err: unknown) => {
        log.log("error", `${name}: the reply could not be sent: ${err instanceof Error ? err.message : String(err)}`);
        try {
          callback({ code: grpc.status.INTERNAL, details: `${name}: the provider could not encode its reply` });
        } catch {
          // the call is gone; nothing more to tell
        }
      });
  };
}

function describeKey(name: string): string {
  return name === "host" ? "the address of the FreeBSD host (or set FREEBSD_HOST)" : name;
}

function checkFailures(failures: CheckResult["failures"]): pb.CheckFailure[] {
  return failures.map((f) => {
    const failure = new providerPb.CheckFailure();
    failure.setProperty(f.property);
    failure.setReason(f.reason);
    return failure;
  });
}

function checkReply(rpc: "check" | "checkConfig", result: CheckResult): StructReply<pb.CheckResponse> {
  const response = new providerPb.CheckResponse();
  response.setFailuresList(checkFailures(result.failures));
  return reply(rpc, response, { inputs: result.inputs });
}

function diffResponse(result: DiffResult): pb.DiffResponse {
  const response = new providerPb.DiffResponse();
  response.setChanges(result.changed ? providerPb.DiffResponse.DiffChanges.DIFF_SOME : providerPb.DiffResponse.DiffChanges.DIFF_NONE);
  response.setReplacesList(result.replaces);
  response.setDiffsList(result.diffs);
  response.setDeletebeforereplace(result.deleteBeforeReplace);
  response.setHasdetaileddiff(true);
  const map = response.getDetaileddiffMap();
  for (const [path, d] of Object.entries(result.detailed)) {
    const diff = new providerPb.PropertyDiff();
    diff.setKind(d.kind as pb.PropertyDiff.Kind);
    diff.setInputdiff(d.inputDiff);
    map.set(path, diff);
  }
  return response;
}

/** The handlers of every RPC we implement, over one Provider. */
export function serviceHandlers(provider: Provider, log: EngineLog, meta: { version: string; schema: () => string }) {
  return {
    handshake: unary<pb.ProviderHandshakeRequest, pb.ProviderHandshakeResponse>("Handshake", log, (req) => {
      log.connect(req.getEngineAddress());
      const response = new providerPb.ProviderHandshakeResponse();
      response.setAcceptSecrets(true);
      response.setAcceptResources(true);
      response.setAcceptOutputs(false);
      response.setSupportsAutonamingConfiguration(false);
      return response;
    }),
    getPluginInfo: unary<unknown, unknown>("GetPluginInfo", log, () => {
      const info = new pluginPb.PluginInfo();
      info.setVersion(meta.version);
      return info;
    }),
    attach: unary<{ getAddress(): string }, unknown>("Attach", log, (req) => {
      log.connect(req.getAddress());
      return new Empty();
    }),
    getSchema: unary<pb.GetSchemaRequest, pb.GetSchemaResponse>("GetSchema", log, (req) => {
      if (req.getVersion() !== 0) throw new Error(`unsupported schema version ${req.getVersion()}`);
      const response = new providerPb.GetSchemaResponse();
      response.setSchema(meta.schema());
      return response;
    }),
    checkConfig: unary<StructRequest<pb.CheckRequest, "checkConfig">, StructReply<pb.CheckResponse>>("CheckConfig", log, (req) =>
      checkReply("checkConfig", provider.checkConfig(structOf(req, "news"))),
    ),
    diffConfig: unary<StructRequest<pb.DiffRequest, "diffConfig">, pb.DiffResponse>("DiffConfig", log, (req) =>
      diffResponse(provider.diffConfig(structOf(req, hasStruct(req, "oldInputs") ? "oldInputs" : "olds"), structOf(req, "news"))),
    ),
    configure: unary<StructRequest<pb.ConfigureRequest, "configure">, pb.ConfigureResponse>("Configure", log, (req) => {
      let args = structOf(req, "args");
      if (!hasStruct(req, "args")) {
        args = {};
        req.message.getVariablesMap().forEach((value, key) => (args[key.replace(/^freebsd:(config:)?/, "")] = value));
      }
      provider.configure(args);
      const response = new providerPb.ConfigureResponse();
      response.setAcceptsecrets(true);
      response.setSupportspreview(true);
      response.setAcceptresources(true);
      response.setAcceptoutputs(false);
      return response;
    }),
    check: unary<StructRequest<pb.CheckRequest, "check">, StructReply<pb.CheckResponse>>("Check", log, (req) =>
      checkReply("check", provider.check(tokenOf(req.message), hasStruct(req, "olds") ? structOf(req, "olds") : undefined, structOf(req, "news"))),
    ),
    diff: unary<StructRequest<pb.DiffRequest, "diff">, pb.DiffResponse>("Diff", log, async (req) =>
      diffResponse(
        await provider.diff({
          token: tokenOf(req.message),
          urn: req.message.getUrn(),
          id: req.message.getId(),
          olds: structOf(req, "olds"),
          oldInputs: hasStruct(req, "oldInputs") ? structOf(req, "oldInputs") : undefined,
          news: structOf(req, "news"),
          ignoreChanges: req.message.getIgnorechangesList(),
        }),
      ),
    ),
    create: unary<StructRequest<pb.CreateRequest, "create">, StructReply<pb.CreateResponse>>("Create", log, async (req) => {
      const m = req.message;
      const out = await provider.create({
        token: tokenOf(m), urn: m.getUrn(), inputs: structOf(req, "properties"), preview: m.getPreview(), timeout: m.getTimeout(),
      });
      const response = new providerPb.CreateResponse();
      response.setId(out.id);
      return reply("create", response, { properties: out.properties });
    }),
    read: unary<StructRequest<pb.ReadRequest, "read">, StructReply<pb.ReadResponse>>("Read", log, async (req) => {
      const m = req.message;
      const out: Outcome | undefined = await provider.read({
        token: tokenOf(m), urn: m.getUrn(), id: m.getId(), state: structOf(req, "properties"),
        inputs: hasStruct(req, "inputs") ? structOf(req, "inputs") : undefined, timeout: m.getTimeout(),
      });
      const response = new providerPb.ReadResponse();
      if (!out) return reply("read", response, {}); // gone: empty id, properties and inputs unset
      response.setId(out.id);
      return reply("read", response, { properties: out.properties, inputs: out.inputs });
    }),
    update: unary<StructRequest<pb.UpdateRequest, "update">, StructReply<pb.UpdateResponse>>("Update", log, async (req) => {
      const m = req.message;
      const out = await provider.update({
        token: tokenOf(m), urn: m.getUrn(), id: m.getId(), olds: structOf(req, "olds"),
        oldInputs: hasStruct(req, "oldInputs") ? structOf(req, "oldInputs") : undefined, news: structOf(req, "news"),
        preview: m.getPreview(), timeout: m.getTimeout(),
      });
      return reply("update", new providerPb.UpdateResponse(), { properties: out.properties });
    }),
    delete: unary<StructRequest<pb.DeleteRequest, "delete">, unknown>("Delete", log, async (req) => {
      const m = req.message;
      await provider.delete({
        token: tokenOf(m), urn: m.getUrn(), id: m.getId(), olds: structOf(req, "properties"),
        oldInputs: hasStruct(req, "oldInputs") ? structOf(req, "oldInputs") : undefined, timeout: m.getTimeout(),
      });
      return new Empty();
    }),
    invoke: unary<StructRequest<pb.InvokeRequest, "invoke">, StructReply<pb.InvokeResponse>>("Invoke", log, async (req) => {
      const out = await provider.invoke(req.message.getTok(), structOf(req, "args"));
      const response = new providerPb.InvokeResponse();
      response.setFailuresList(checkFailures(out.failures));
      return reply("invoke", response, out.failures.length === 0 ? { return: out.outputs } : {});
    }),
    cancel: unary<unknown, unknown>("Cancel", log, () => {
      provider.cancel();
      return new Empty();
    }),
  };
}

/** The type of a request: its own field, else the token inside its URN. */
function tokenOf(req: { getType(): string; getUrn(): string }): string {
  return req.getType() || typeOf(req.getUrn());
}

/** The type token inside a URN (`urn:pulumi:stack::project::type::name`). */
function typeOf(urn: string): string {
  const parts = urn.split("::");
  return (parts[2] ?? "").split("$").pop() ?? "";
}
