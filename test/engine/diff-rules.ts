// How the engine arrives at the diff of a resource (step_generator.go diff, diffResource and
// applyReplaceOnChanges): provider change, the provider's Diff, its fallbacks, replaceOnChanges.
import type { Deployment, ProviderBinding } from "./deployment.ts";
import { DiffUnavailableError } from "./errors.ts";
import { diffInputs, type PropertyDiff } from "./object-diff.ts";
import { applyIgnoreChanges, parsePropertyPath, pathContains } from "./property-path.ts";
import { providerChanged } from "./provider-registry.ts";
import type { ProviderClient } from "./client.ts";
import type { DiffResult } from "./rpc-types.ts";
import type { DiffSummary, ResourceSpec, ResourceState } from "./stack-types.ts";
import type { ValueMap } from "./value-model.ts";

const INIT_ERROR_KEY = "#initerror";

// The diff of a registered resource against its old state, after the engine's adjustments.
export async function diffOf(d: Deployment, reg: { urn: string; spec: ResourceSpec; provider: ProviderBinding }, old: ResourceState,
  inputs: ValueMap): Promise<DiffSummary> {
  let diff: DiffSummary;
  if (await providerChanged(d, old, reg.provider)) {
    diff = { ...none(), changes: "some", replaces: ["provider"] };
  } else {
    try {
      diff = await diffResource(reg.provider.client, reg.urn, old.id, old.inputs, old.outputs, inputs, d.dryRun, reg.spec.options?.ignoreChanges ?? []);
    } catch (e) {
      if (!(e instanceof DiffUnavailableError)) throw e;
      d.diag("warning", e.message, reg.urn);
      diff = { ...none(), changes: "some" };
    }
  }
  return applyReplaceOnChanges(diff, reg.spec.options?.replaceOnChanges ?? [], old.initErrors.length > 0);
}

// The provider's Diff; DIFF_UNKNOWN falls back to the engine's own comparison of old and new inputs.
export async function diffResource(prov: ProviderClient, urn: string, id: string, oldInputs: ValueMap, oldOutputs: ValueMap,
  newInputs: ValueMap, allowUnknowns: boolean, ignoreChanges: string[]): Promise<DiffSummary> {
  const res = await prov.diff({ urn, id, oldInputs, oldOutputs, newInputs, allowUnknowns, ignoreChanges });
  if (res.changes !== "unknown") return summarize(res, res.changes);
  const news = applyIgnoreChanges(newInputs, oldInputs, ignoreChanges).inputs;
  const fallback = diffInputs(oldInputs, news);
  if (fallback.changedKeys.length === 0) return summarize(res, "none");
  return { ...summarize(res, "some"), diffs: fallback.changedKeys, detailedDiff: fallback.detailedDiff };
}

function summarize(res: DiffResult, changes: "none" | "some"): DiffSummary {
  return {
    changes, replaces: res.replaces, diffs: res.diffs, stables: res.stables,
    deleteBeforeReplace: res.deleteBeforeReplace, detailedDiff: res.detailedDiff,
  };
}

function none(): DiffSummary {
  return { changes: "none", replaces: [], diffs: [], stables: [], deleteBeforeReplace: false, detailedDiff: undefined };
}

// Turns changes under replaceOnChanges paths into replacements, and init errors into a
// replacement when "#initerror" is covered (applyReplaceOnChanges).
export function applyReplaceOnChanges(diff: DiffSummary, replaceOnChanges: readonly string[], hasInitErrors: boolean): DiffSummary {
  if (diff.changes !== "some" && !hasInitErrors) return diff;
  const paths = replaceOnChanges.map(parsePropertyPath);
  const covers = (p: string): boolean => paths.some((rp) => pathContains(rp, parsePropertyPath(p)));
  let detailedDiff: Record<string, PropertyDiff> | undefined;
  if (diff.detailedDiff !== undefined) {
    detailedDiff = {};
    for (const [p, v] of Object.entries(diff.detailedDiff)) {
      parsePropertyPath(p); // the engine parses every detailedDiff key here: a malformed one fails the update
      detailedDiff[p] = covers(p) ? toReplace(v) : v;
    }
  }
  const replaces = new Set(diff.replaces);
  for (const k of diff.diffs) {
    try {
      if (covers(k)) replaces.add(k);
    } catch {
      // the engine skips changed keys it cannot parse
    }
  }
  let changes = diff.changes;
  if (hasInitErrors && covers(INIT_ERROR_KEY)) {
    replaces.add(INIT_ERROR_KEY);
    if (detailedDiff !== undefined) detailedDiff[INIT_ERROR_KEY] = { kind: "update-replace", inputDiff: false };
    changes = "some";
  }
  return { ...diff, changes, replaces: [...replaces], detailedDiff };
}

function toReplace(v: PropertyDiff): PropertyDiff {
  const kind = v.kind.endsWith("-replace") ? v.kind : (`${v.kind}-replace` as PropertyDiff["kind"]);
  return { ...v, kind };
}

// The inverse of a diff, for refresh: adds become deletes and the reverse (DiffResult.Invert).
export function invertDiff(diff: DiffSummary): DiffSummary {
  if (diff.detailedDiff === undefined) return diff;
  const inverse: Record<PropertyDiff["kind"], PropertyDiff["kind"]> = {
    add: "delete", delete: "add", "add-replace": "delete-replace", "delete-replace": "add-replace", update: "update", "update-replace": "update-replace",
  };
  const detailedDiff: Record<string, PropertyDiff> = {};
  for (const [p, v] of Object.entries(diff.detailedDiff)) detailedDiff[p] = { ...v, kind: inverse[v.kind] };
  return { ...diff, detailedDiff };
}
