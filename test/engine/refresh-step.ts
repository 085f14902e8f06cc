// Refresh (step.go RefreshStep): Read each resource with its old state and inputs, drop what is
// gone, and diff with olds and news swapped to report drift.
import type { Deployment } from "./deployment.ts";
import { diffResource, invertDiff } from "./diff-rules.ts";
import { ProviderError } from "./errors.ts";
import type { ResourceState } from "./stack-types.ts";

// Refreshes one resource of the state and records "same", "update" (drift) or "delete" (gone).
export async function refreshResource(d: Deployment, old: ResourceState): Promise<void> {
  const base = { name: old.name, urn: old.urn, type: old.type };
  const prov = await d.providerFor(old.provider);
  let res;
  let initErrors: string[] = [];
  try {
    res = await prov.read({ urn: old.urn, id: old.id, properties: old.outputs, inputs: old.inputs });
  } catch (e) {
    if (!(e instanceof ProviderError && e.initFailed)) d.fail(`${old.urn}: refreshing failed: ${(e as Error).message}`, e);
    initErrors = e.initFailed.reasons;
    d.diag("warning", `Refreshed resource is in an unhealthy state:\n* ${initErrors.join("\n* ")}`, old.urn);
    res = { id: e.initFailed.id, properties: e.initFailed.properties, inputs: e.initFailed.inputs };
  }
  // An empty id, or no properties, means the resource is gone: it leaves the state.
  if (res.id === "" || res.properties === undefined) {
    d.drop(old.urn);
    d.record({ ...base, op: "delete", id: old.id });
    return;
  }
  const next: ResourceState = { ...old, id: res.id, inputs: res.inputs ?? old.inputs, outputs: res.properties, initErrors };
  d.put(next);
  const diff = invertDiff(await diffResource(prov, old.urn, next.id, next.inputs, next.outputs, old.inputs, d.dryRun, old.ignoreChanges));
  d.record({ ...base, op: diff.changes === "none" ? "same" : "update", diff, id: next.id, inputs: next.inputs, outputs: next.outputs });
}
