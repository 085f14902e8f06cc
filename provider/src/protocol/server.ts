import * as grpc from "@grpc/grpc-js";
import type * as pb from "@pulumi/pulumi/proto/provider_pb.js";
import type { CheckResult } from "./check.ts";
import type { DiffResult } from "./diff.ts";
import { boundedText, missingKeysError, toServiceError } from "./errors.ts";
import type { Outcome } from "./lifecycle.ts";
import type { EngineLog } from "./log.ts";
import { Empty, pluginPb, providerPb } from "./proto.ts";
import { ConfigureError, type Provider } from "./provider.ts";
import { fromStruct, toStruct, type StructMessage } from "./values.ts";

// The gRPC ResourceProvider service: translates messages to and from Provider calls. Every
// handler answers exactly once, errors included, so the engine never hangs.

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

const struct = (s: unknown) => fromStruct(s as StructMessage | undefined);
const wire = (v: Record<string, unknown>) => toStruct(v) as never;

function checkFailures(failures: CheckResult["failures"]): pb.CheckFailure[] {
  return failures.map((f) => {
    const failure = new providerPb.CheckFailure();
    failure.setProperty(f.property);
    failure.setReason(f.reason);
    return failure;
  });
}

function checkResponse(result: CheckResult): pb.CheckResponse {
  const response = new providerPb.CheckResponse();
  response.setInputs(wire(result.inputs));
  response.setFailuresList(checkFailures(result.failures));
  return response;
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
    checkConfig: unary<pb.CheckRequest, pb.CheckResponse>("CheckConfig", log, (req) =>
      checkResponse(provider.checkConfig(struct(req.getNews()))),
    ),
    diffConfig: unary<pb.DiffRequest, pb.DiffResponse>("DiffConfig", log, (req) =>
      diffResponse(provider.diffConfig(struct(req.getOldInputs() ?? req.getOlds()), struct(req.getNews()))),
    ),
    configure: unary<pb.ConfigureRequest, pb.ConfigureResponse>("Configure", log, (req) => {
      let args = struct(req.getArgs());
      if (!req.hasArgs()) {
        args = {};
        req.getVariablesMap().forEach((value, key) => (args[key.replace(/^freebsd:(config:)?/, "")] = value));
      }
      provider.configure(args);
      const response = new providerPb.ConfigureResponse();
      response.setAcceptsecrets(true);
      response.setSupportspreview(true);
      response.setAcceptresources(true);
      response.setAcceptoutputs(false);
      return response;
    }),
    check: unary<pb.CheckRequest, pb.CheckResponse>("Check", log, (req) =>
      checkResponse(provider.check(tokenOf(req), req.hasOlds() ? struct(req.getOlds()) : undefined, struct(req.getNews()))),
    ),
    diff: unary<pb.DiffRequest, pb.DiffResponse>("Diff", log, async (req) =>
      diffResponse(
        await provider.diff({
          token: tokenOf(req),
          urn: req.getUrn(),
          id: req.getId(),
          olds: struct(req.getOlds()),
          oldInputs: req.hasOldInputs() ? struct(req.getOldInputs()) : undefined,
          news: struct(req.getNews()),
          ignoreChanges: req.getIgnorechangesList(),
        }),
      ),
    ),
    create: unary<pb.CreateRequest, pb.CreateResponse>("Create", log, async (req) => {
      const out = await provider.create({
        token: tokenOf(req), urn: req.getUrn(), inputs: struct(req.getProperties()), preview: req.getPreview(), timeout: req.getTimeout(),
      });
      const response = new providerPb.CreateResponse();
      response.setId(out.id);
      response.setProperties(wire(out.properties));
      return response;
    }),
    read: unary<pb.ReadRequest, pb.ReadResponse>("Read", log, async (req) => {
      const out: Outcome | undefined = await provider.read({
        token: tokenOf(req), urn: req.getUrn(), id: req.getId(), state: struct(req.getProperties()),
        inputs: req.hasInputs() ? struct(req.getInputs()) : undefined, timeout: req.getTimeout(),
      });
      const response = new providerPb.ReadResponse();
      if (!out) return response; // gone: empty id, properties and inputs unset
      response.setId(out.id);
      response.setProperties(wire(out.properties));
      response.setInputs(wire(out.inputs));
      return response;
    }),
    update: unary<pb.UpdateRequest, pb.UpdateResponse>("Update", log, async (req) => {
      const out = await provider.update({
        token: tokenOf(req), urn: req.getUrn(), id: req.getId(), olds: struct(req.getOlds()),
        oldInputs: req.hasOldInputs() ? struct(req.getOldInputs()) : undefined, news: struct(req.getNews()),
        preview: req.getPreview(), timeout: req.getTimeout(),
      });
      const response = new providerPb.UpdateResponse();
      response.setProperties(wire(out.properties));
      return response;
    }),
    delete: unary<pb.DeleteRequest, unknown>("Delete", log, async (req) => {
      await provider.delete({
        token: tokenOf(req), urn: req.getUrn(), id: req.getId(), olds: struct(req.getProperties()),
        oldInputs: req.hasOldInputs() ? struct(req.getOldInputs()) : undefined, timeout: req.getTimeout(),
      });
      return new Empty();
    }),
    invoke: unary<pb.InvokeRequest, pb.InvokeResponse>("Invoke", log, async (req) => {
      const out = await provider.invoke(req.getTok(), struct(req.getArgs()));
      const response = new providerPb.InvokeResponse();
      if (out.failures.length === 0) response.setReturn(wire(out.outputs));
      response.setFailuresList(checkFailures(out.failures));
      return response;
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
