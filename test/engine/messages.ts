// Building request messages and reading responses for the harness client: the parts of
// provider_plugin.go that do not depend on the connection.
import { goJsonMarshal } from "./go-json.ts";
import type { PropertyDiff } from "./object-diff.ts";
import { providerPb, type Struct } from "./proto.ts";
import type * as T from "./rpc-types.ts";
import { urnName, urnType } from "./urn.ts";
import { containsUnknowns, unwrapSecrets, type ValueMap } from "./value-model.ts";
import { decodeStruct, type WireOptions } from "./wire.ts";

const KINDS: readonly PropertyDiff["kind"][] = ["add", "add-replace", "delete", "delete-replace", "update", "update-replace"];
const CHANGES: readonly T.DiffResult["changes"][] = ["unknown", "none", "some"];

/** The protocol assumed before Handshake or Configure said anything. */
export const NO_PROTOCOL: T.Protocol = {
  acceptSecrets: false, acceptResources: false, acceptOutputs: false,
  supportsAutonamingConfiguration: false, acceptsByteString: false, supportsPreview: false,
};

// How the engine unmarshals provider results: secrets and resources kept, unknowns only in previews.
export function recvOptions(allowUnknowns: boolean): WireOptions {
  return { keepUnknowns: allowUnknowns, rejectUnknowns: !allowUnknowns, keepSecrets: true, keepResources: true, propagateNil: true };
}

// True when GetPluginInfo's version parses as the engine's tolerant semver (a "v" prefix is fine).
export function isTolerantSemver(version: string): boolean {
  return /^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version.trim());
}

// The deprecated `variables` of Configure: "<pkg>:config:<key>" → plain text (JSON for non-strings),
// without `version`; undefined when a value is unknown (the engine then skips Configure).
export function configVariables(urn: string, inputs: ValueMap): Map<string, string> | undefined {
  const pkg = urnType(urn).replace(/^pulumi:providers:/, "");
  const variables = new Map<string, string>();
  for (const [k, v] of Object.entries(inputs)) {
    if (k === "version") continue;
    if (containsUnknowns(v)) return undefined;
    const plain = unwrapSecrets(v);
    variables.set(`${pkg}:config:${k}`, typeof plain === "string" ? plain : goJsonMarshal(plain));
  }
  return variables;
}

// A CheckRequest (also used for CheckConfig).
export function checkRequest(urn: string, olds: Struct | undefined, news: Struct | undefined): InstanceType<typeof providerPb.CheckRequest> {
  return new providerPb.CheckRequest().setUrn(urn).setName(urnName(urn)).setType(urnType(urn)).setOlds(olds).setNews(news);
}

// Reads a CheckResponse.
export function checkResult(res: InstanceType<typeof providerPb.CheckResponse>, recv: WireOptions): T.CheckResult {
  return {
    inputs: decodeStruct(res.getInputs(), recv),
    failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
  };
}

// A DiffRequest (also used for DiffConfig, with an empty id).
export function diffRequest(urn: string, id: string, oldInputs: Struct | undefined, olds: Struct | undefined, news: Struct | undefined,
  ignoreChanges: string[] | undefined): InstanceType<typeof providerPb.DiffRequest> {
  return new providerPb.DiffRequest().setId(id).setUrn(urn).setName(urnName(urn)).setType(urnType(urn))
    .setOldInputs(oldInputs).setOlds(olds).setNews(news).setIgnorechangesList(ignoreChanges ?? []);
}

// An empty diff with the given change state.
export function emptyDiff(changes: T.DiffResult["changes"]): T.DiffResult {
  return { changes, replaces: [], stables: [], diffs: [], deleteBeforeReplace: false, hasDetailedDiff: false, detailedDiff: undefined, rawDetailedDiff: {} };
}

// Reads a DiffResponse: unknown kinds read as "update", and detailedDiff counts only with hasDetailedDiff.
export function decodeDiff(res: InstanceType<typeof providerPb.DiffResponse>): T.DiffResult {
  const raw: Record<string, PropertyDiff> = {};
  res.getDetaileddiffMap().forEach((v, k) => {
    raw[k] = { kind: KINDS[v.getKind()] ?? "update", inputDiff: v.getInputdiff() };
  });
  const changes = CHANGES[res.getChanges()];
  if (changes === undefined) throw new Error(`unrecognized diff state: ${res.getChanges()}`);
  return {
    changes,
    replaces: res.getReplacesList(),
    stables: res.getStablesList(),
    diffs: res.getDiffsList(),
    deleteBeforeReplace: res.getDeletebeforereplace(),
    hasDetailedDiff: res.getHasdetaileddiff(),
    detailedDiff: res.getHasdetaileddiff() ? raw : undefined,
    rawDetailedDiff: raw,
  };
}

// The capability flags of a ConfigureResponse.
export function configureFlags(res: InstanceType<typeof providerPb.ConfigureResponse>): Omit<T.ConfigureResult, "configured"> {
  return {
    acceptSecrets: res.getAcceptsecrets(), supportsPreview: res.getSupportspreview(), acceptResources: res.getAcceptresources(),
    acceptOutputs: res.getAcceptoutputs(), supportsAutonamingConfiguration: res.getSupportsAutonamingConfiguration(),
  };
}
