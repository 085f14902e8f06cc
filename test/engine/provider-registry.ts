// The default provider as the engine treats it (pkg/resource/deploy/providers/registry.go): a
// resource whose Check is CheckConfig, whose Diff is DiffConfig and whose Create/Update/Same is a
// Configure of the plugin; and the provider-changed test that replaces every resource it manages.
import { randomUUID } from "node:crypto";
import type { Deployment } from "./deployment.ts";
import type { DiffResult } from "./rpc-types.ts";
import type { ConfigValue, ProviderState, ResourceState } from "./stack-types.ts";
import { defaultProviderName, makeUrn } from "./urn.ts";
import { deepEqual, mapsEqual, type ValueMap } from "./value-model.ts";
import { UNKNOWN_SENTINELS } from "./wire.ts";

/** The id the engine gives a provider created during a preview. */
export const UNKNOWN_PROVIDER_ID = UNKNOWN_SENTINELS.string;

// True when a diff asks for replacement (DiffResult.Replace: replaces, or any *-replace kind).
export function isReplacement(diff: Pick<DiffResult, "replaces" | "detailedDiff">): boolean {
  return diff.replaces.length > 0 || Object.values(diff.detailedDiff ?? {}).some((d) => d.kind.endsWith("-replace"));
}

// Registers the default provider from stack config: CheckConfig, DiffConfig against the old
// provider state, then Configure with the inputs the engine would use for Same/Update/Create.
export async function registerDefaultProvider(d: Deployment, config: Record<string, ConfigValue>, version: string | undefined): Promise<void> {
  const { project, stack, pkg } = d.identity;
  const urn = makeUrn(stack, project, `pulumi:providers:${pkg}`, defaultProviderName(version));
  const news: ValueMap = { ...config, ...(version ? { version } : {}) };
  const old = d.olds.provider?.urn === urn ? d.olds.provider : undefined;
  const check = await d.provider.checkConfig({ urn, olds: old?.inputs ?? {}, news, allowUnknowns: true });
  if (check.failures.length > 0) d.failChecks(urn, check.failures, news);
  const inputs = { ...(check.inputs ?? {}) };
  if (!("version" in inputs) && "version" in news) inputs.version = news.version ?? null;
  if ("version" in news && !deepEqual(inputs.version ?? null, news.version ?? null)) {
    d.fail(`provider "${urn}" attempted to change version from "${String(news.version)}" to "${String(inputs.version)}"`);
  }
  let id = d.dryRun ? UNKNOWN_PROVIDER_ID : randomUUID();
  let configureWith = inputs;
  if (old !== undefined) {
    const diff = await d.provider.diffConfig({ urn, oldInputs: old.inputs, oldOutputs: old.outputs, newInputs: inputs });
    const changed = diff.changes === "unknown" ? !mapsEqual(old.outputs, inputs) : diff.changes === "some";
    if (!changed) {
      id = old.id;
      configureWith = old.inputs; // a Same step configures with the old inputs
    } else if (!isReplacement(diff)) {
      id = old.id;
    }
  }
  await configure(d, urn, id, configureWith);
  d.providerRef = `${urn}::${id}`;
  d.news.provider = { urn, id, inputs, outputs: inputs };
}

// Configures the provider from the state, as refresh and destroy do (no CheckConfig).
export async function loadProviderFromState(d: Deployment): Promise<void> {
  const p = d.olds.provider;
  if (p === undefined) return;
  await configure(d, p.urn, p.id, p.inputs);
  d.providerRef = `${p.urn}::${p.id}`;
}

async function configure(d: Deployment, urn: string, id: string, inputs: ValueMap): Promise<void> {
  try {
    await d.provider.configure({ urn, id, inputs });
  } catch (e) {
    d.fail(`configure provider '${urn}': ${(e as Error).message}`, e);
  }
}

// Whether a resource must be replaced because its provider changed (stepGenerator.providerChanged):
// a different provider reference, and the new provider's DiffConfig asks for replacement.
export async function providerChanged(d: Deployment, old: ResourceState): Promise<boolean> {
  if (old.provider === d.providerRef) return false;
  const oldProvider: ProviderState | undefined = d.olds.provider;
  const current = d.news.provider;
  if (oldProvider === undefined || current === undefined) return true;
  const diff = await d.provider.diffConfig({ urn: current.urn, oldInputs: oldProvider.inputs, oldOutputs: oldProvider.outputs, newInputs: current.inputs });
  return isReplacement(diff);
}
