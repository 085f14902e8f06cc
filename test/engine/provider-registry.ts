// Provider resources as the engine treats them (pkg/resource/deploy/providers/registry.go): a
// resource whose Check is CheckConfig, whose Diff is DiffConfig and whose Create/Update/Same is a
// Configure of the plugin (the default provider from stack config, explicit ones from a program);
// and the provider-changed test that replaces every resource a provider manages.
import { randomUUID } from "node:crypto";
import type { ProviderClient } from "./client.ts";
import { findProvider, type Deployment, type ProviderBinding } from "./deployment.ts";
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

/** What registering a provider resource did: its state, its binding and the step the engine shows. */
export interface ProviderRegistration {
  state: ProviderState;
  binding: ProviderBinding;
  op: "create" | "update" | "replace" | "same";
}

// Registers the default provider from stack config: CheckConfig, DiffConfig against the old
// provider state, then Configure with the inputs the engine would use for Same/Update/Create.
export async function registerDefaultProvider(d: Deployment, config: Record<string, ConfigValue>, version: string | undefined): Promise<void> {
  const { project, stack, pkg } = d.identity;
  const urn = makeUrn(stack, project, `pulumi:providers:${pkg}`, defaultProviderName(version));
  const news: ValueMap = { ...config, ...(version ? { version } : {}) };
  const old = d.olds.provider?.urn === urn ? d.olds.provider : undefined;
  const reg = await registerProvider(d, d.provider, urn, news, old);
  d.providerRef = reg.binding.ref;
  d.news.provider = reg.state;
}

// A provider resource as the engine registers it (providers/registry.go): its Check is CheckConfig,
// its Diff is DiffConfig, and its Create, Update or Same is a Configure of the plugin (with the old
// inputs for Same); a create gets a new id (unknown in a preview), a replacement too.
export async function registerProvider(d: Deployment, client: ProviderClient, urn: string, news: ValueMap,
  old: ProviderState | undefined): Promise<ProviderRegistration> {
  const check = await client.checkConfig({ urn, olds: old?.inputs ?? {}, news, allowUnknowns: true });
  if (check.failures.length > 0) d.failChecks(urn, check.failures, news);
  const inputs = { ...(check.inputs ?? {}) };
  if (!("version" in inputs) && "version" in news) inputs.version = news.version ?? null;
  if ("version" in news && !deepEqual(inputs.version ?? null, news.version ?? null)) {
    d.fail(`provider "${urn}" attempted to change version from "${String(news.version)}" to "${String(inputs.version)}"`);
  }
  let id = d.dryRun ? UNKNOWN_PROVIDER_ID : randomUUID();
  let configureWith = inputs;
  let op: ProviderRegistration["op"] = "create";
  if (old !== undefined) {
    const diff = await client.diffConfig({ urn, oldInputs: old.inputs, oldOutputs: old.outputs, newInputs: inputs });
    const changed = diff.changes === "unknown" ? !mapsEqual(old.outputs, inputs) : diff.changes === "some";
    if (!changed) {
      id = old.id;
      configureWith = old.inputs; // a Same step configures with the old inputs
      op = "same";
    } else if (!isReplacement(diff)) {
      id = old.id;
      op = "update";
    } else {
      op = "replace";
    }
  }
  await configure(d, client, urn, id, configureWith);
  return { state: { urn, id, inputs, outputs: inputs }, binding: { ref: `${urn}::${id}`, client }, op };
}

// Configures the provider from the state, as refresh and destroy do (no CheckConfig).
export async function loadProviderFromState(d: Deployment): Promise<void> {
  const p = d.olds.provider;
  if (p === undefined) return;
  await configure(d, d.provider, p.urn, p.id, p.inputs);
  d.providerRef = `${p.urn}::${p.id}`;
}

// Configures a provider plugin from a provider resource's state (what the engine does for the providers
// of the old state before a refresh or a destroy).
export async function configureFromState(d: Deployment, client: ProviderClient, p: ProviderState): Promise<ProviderBinding> {
  await configure(d, client, p.urn, p.id, p.inputs);
  return { ref: `${p.urn}::${p.id}`, client };
}

async function configure(d: Deployment, client: ProviderClient, urn: string, id: string, inputs: ValueMap): Promise<void> {
  try {
    await client.configure({ urn, id, inputs });
  } catch (e) {
    d.fail(`configure provider '${urn}': ${(e as Error).message}`, e);
  }
}

// Whether a resource must be replaced because its provider changed (stepGenerator.providerChanged):
// a different provider reference, and the new provider's DiffConfig, from the old provider's state
// to the new one's inputs, asks for replacement.
export async function providerChanged(d: Deployment, old: ResourceState, binding: ProviderBinding = d.defaultBinding()): Promise<boolean> {
  if (old.provider === binding.ref) return false;
  const oldProvider = findProvider(d.olds, old.provider);
  const current = findProvider(d.news, binding.ref);
  if (oldProvider === undefined || current === undefined) return true;
  const diff = await binding.client.diffConfig({ urn: current.urn, oldInputs: oldProvider.inputs, oldOutputs: oldProvider.outputs, newInputs: current.inputs });
  return isReplacement(diff);
}
