// What the engine does with one registered resource during a preview or an update
// (step_generator.go continueStepsFromImport/continueStepsFromDiff, step.go Create/Update steps).
import type { Deployment, ProviderBinding } from "./deployment.ts";
import { diffOf } from "./diff-rules.ts";
import { ProviderError } from "./errors.ts";
import { applyIgnoreChanges } from "./property-path.ts";
import { isReplacement } from "./provider-registry.ts";
import type { DiffSummary, ResourceSpec, ResourceState, StepRecord } from "./stack-types.ts";
import { makeUrn } from "./urn.ts";
import { containsUnknowns, type ValueMap } from "./value-model.ts";
import { deleteResource } from "./delete-step.ts";
import { importResource } from "./import-step.ts";

/** A resource being registered: its name, URN, program spec, provider and old state. */
export interface Registration {
  name: string;
  urn: string;
  spec: ResourceSpec;
  old: ResourceState | undefined;
  /** The provider it is registered with. */
  provider: ProviderBinding;
  /** URNs of the resources it depends on. */
  dependencies?: string[];
}

/** Where a resource is registered, when not at the top of the stack with the default provider. */
export interface Placement {
  /** Its URN (a child's has its parent's type in it); default a top-level URN. */
  urn?: string;
  /** Its provider; default the deployment's default provider. */
  provider?: ProviderBinding;
}

// Registers one resource of the program: import, create, update, replace or same.
export async function registerResource(d: Deployment, name: string, spec: ResourceSpec, dependencies: string[] = [], at: Placement = {}): Promise<void> {
  const urn = at.urn ?? makeUrn(d.identity.stack, d.identity.project, spec.type, name);
  const provider = at.provider ?? d.defaultBinding();
  if (!d.dryRun && containsUnknowns(spec.inputs)) {
    d.fail(`resource '${name}' has unknown inputs in an update; the SDK resolves every input before registering it`);
  }
  let old = d.olds.resources.find((r) => r.urn === urn);
  const importId = spec.options?.import;
  let imported = false;
  if (importId !== undefined && (old === undefined || (old.importId ?? old.id) !== importId)) {
    if (old !== undefined) d.fail(`harness: importing over the existing resource ${urn} (an import-replacement) is not modelled`);
    old = await importResource(d, { name, urn, spec, old, provider }, importId);
    imported = true;
  }
  const reg: Registration = { name, urn, spec, old, provider, dependencies };
  const inputs = await checkInputs(d, reg);
  if (old === undefined) return createResource(d, reg, inputs, "create");
  return diffAndApply(d, reg, old, inputs, imported);
}

// Check with olds = the old inputs (ignoreChanges applied to the news first), or none on create.
async function checkInputs(d: Deployment, reg: Registration): Promise<ValueMap> {
  let news = reg.spec.inputs;
  if (reg.old !== undefined) {
    const ignored = applyIgnoreChanges(news, reg.old.inputs, reg.spec.options?.ignoreChanges ?? []);
    if (ignored.invalidPaths.length > 0) {
      d.diag("info", `cannot ignore changes in added or removed elements of the path: ${JSON.stringify(ignored.invalidPaths.join(", "))}`, reg.urn);
    }
    news = ignored.inputs;
  }
  return checkWith(d, reg, reg.old?.inputs, news);
}

async function checkWith(d: Deployment, reg: Registration, olds: ValueMap | undefined, news: ValueMap): Promise<ValueMap> {
  const res = await reg.provider.client.check({ urn: reg.urn, olds, news, allowUnknowns: d.dryRun, randomSeed: d.seed(reg.urn) });
  if (res.failures.length > 0) d.failChecks(reg.urn, res.failures, news);
  if (res.inputs === undefined) d.fail(`Check(${reg.name}) returned no inputs: the engine would pass nil inputs on and fail`);
  return res.inputs;
}

// Diff against the old state and carry out what the engine decides.
async function diffAndApply(d: Deployment, reg: Registration, old: ResourceState, inputs: ValueMap, imported: boolean): Promise<void> {
  const diff = await diffOf(d, reg, old, inputs);
  if (diff.changes === "some" || old.pendingReplacement) {
    if (isReplacement(diff) || old.pendingReplacement) {
      if (imported || reg.spec.options?.import !== undefined) {
        const message = "previously-imported resources that still specify an ID may not be replaced; please remove the `import` declaration from your program";
        if (!d.dryRun) d.fail(message);
        d.diag("warning", message, reg.urn);
      }
      return replaceResource(d, reg, old, diff);
    }
    return updateResource(d, reg, old, inputs, diff, imported);
  }
  if (old.initErrors.length > 0) return updateResource(d, reg, old, inputs, diff, imported);
  if (imported) return; // the import step already reported and recorded it
  d.put({ ...old, inputs, provider: reg.provider.ref, ...stateOptions(reg) });
  d.record({ ...stepBase(reg), op: "same", diff, id: old.id, inputs, outputs: old.outputs });
}

// Create (or, for a replacement, the create half) of a resource.
async function createResource(d: Deployment, reg: Registration, inputs: ValueMap, op: "create" | "replace", diff?: DiffSummary): Promise<void> {
  const timeout = reg.spec.options?.customTimeouts?.create;
  try {
    const res = await reg.provider.client.create({ urn: reg.urn, properties: inputs, preview: d.dryRun, ...(timeout ? { timeout } : {}) });
    const outputs = res.properties ?? {};
    d.put({ ...newState(d, reg, res.id, inputs, outputs), initErrors: [] });
    d.record({ ...stepBase(reg), op, ...(diff ? { diff } : {}), id: res.id, inputs, outputs });
  } catch (e) {
    if (e instanceof ProviderError && e.initFailed) {
      const outputs = e.initFailed.properties ?? {};
      d.put({ ...newState(d, reg, e.initFailed.id, inputs, outputs), initErrors: e.initFailed.reasons });
      d.record({ ...stepBase(reg), op, ...(diff ? { diff } : {}), id: e.initFailed.id, inputs, outputs });
    }
    d.fail(`${reg.urn}: creating failed: ${(e as Error).message}`, e);
  }
}

// Update in place (also the "finish initialising" update of a resource with initErrors).
async function updateResource(d: Deployment, reg: Registration, old: ResourceState, inputs: ValueMap, diff: DiffSummary, imported: boolean): Promise<void> {
  const timeout = reg.spec.options?.customTimeouts?.update;
  const step = { ...stepBase(reg), op: "update" as const, diff, id: old.id, inputs, ...(imported ? { imported } : {}) };
  try {
    const res = await reg.provider.client.update({ // the step's provider is the new one (UpdateStep.Provider)
      urn: reg.urn, id: old.id, oldInputs: old.inputs, oldOutputs: old.outputs, newInputs: inputs, preview: d.dryRun,
      ignoreChanges: reg.spec.options?.ignoreChanges ?? [], ...(timeout ? { timeout } : {}),
    });
    const outputs = res.properties ?? {};
    d.put({ ...old, ...stateOptions(reg), provider: reg.provider.ref, inputs, outputs, initErrors: [] });
    d.record({ ...step, outputs });
  } catch (e) {
    if (e instanceof ProviderError && e.initFailed) {
      const outputs = e.initFailed.properties ?? {};
      d.put({ ...old, ...stateOptions(reg), provider: reg.provider.ref, inputs, outputs, initErrors: e.initFailed.reasons });
      d.record({ ...step, outputs });
    }
    d.fail(`${reg.urn}: updating failed: ${(e as Error).message}`, e);
  }
}

// Replace: a second Check with no olds, then delete-before-create or create-before-delete.
async function replaceResource(d: Deployment, reg: Registration, old: ResourceState, diff: DiffSummary): Promise<void> {
  if (reg.spec.options?.protect && old.protect) {
    d.fail(`unable to replace resource "${reg.urn}"\nas it is currently marked for protection. To unprotect the resource, remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\``);
  }
  const inputs = await checkWith(d, reg, undefined, reg.spec.inputs);
  const deleteFirst = reg.spec.options?.deleteBeforeReplace ?? diff.deleteBeforeReplace;
  if (deleteFirst && !old.pendingReplacement) {
    const dependents = d.news.resources.filter((r) => r.dependencies?.includes(old.urn)).map((r) => r.name);
    if (dependents.length > 0 && d.refusesDependentReplacements) {
      d.fail(`harness: replacing ${reg.urn} delete-before-create while ${dependents.join(", ")} depend${dependents.length === 1 ? "s" : ""} on it: ` +
        "the engine would first replace or delete the dependents whose inputs come from it (dependent replacements), which is not modelled; " +
        "remove the dependents in one update and replace the resource in the next");
    }
    await deleteResource(d, old, { replacing: true });
    d.put({ ...old, pendingReplacement: true });
  }
  await createResource(d, reg, inputs, "replace", diff);
  if (!deleteFirst) d.pendingDeletes.push(old);
}

function newState(d: Deployment, reg: Registration, id: string, inputs: ValueMap, outputs: ValueMap): ResourceState {
  return {
    urn: reg.urn, name: reg.name, type: reg.spec.type, id, inputs, outputs, initErrors: [], provider: reg.provider.ref,
    ...stateOptions(reg),
  };
}

// The resource options the engine keeps in state.
export function stateOptions(reg: Registration): Pick<ResourceState, "protect" | "retainOnDelete" | "ignoreChanges" | "dependencies" | "customTimeouts"> & { importId?: string } {
  const o = reg.spec.options ?? {};
  const dependencies = reg.dependencies ?? [];
  return {
    protect: o.protect ?? false, retainOnDelete: o.retainOnDelete ?? false, ignoreChanges: o.ignoreChanges ?? [],
    ...(o.import !== undefined ? { importId: o.import } : {}),
    ...(dependencies.length > 0 ? { dependencies } : {}),
    ...(o.customTimeouts !== undefined ? { customTimeouts: o.customTimeouts } : {}),
  };
}

// The identifying part of a step record.
export function stepBase(reg: Pick<Registration, "name" | "urn" | "spec">): Pick<StepRecord, "name" | "urn" | "type"> {
  return { name: reg.name, urn: reg.urn, type: reg.spec.type };
}
