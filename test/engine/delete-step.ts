// Deleting a resource as the engine's DeleteStep does: protection, previews, retainOnDelete, external.
import type { Deployment } from "./deployment.ts";
import type { ResourceState } from "./stack-types.ts";

// Runs the provider Delete for `old` unless the engine would not (preview, retainOnDelete);
// refuses protected resources unless they are being replaced. Leaves state to the caller.
export async function deleteResource(d: Deployment, old: ResourceState, opts: { replacing: boolean }): Promise<void> {
  if (!opts.replacing && old.protect) {
    d.fail(`resource "${old.urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, either remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${old.urn}'\``);
  }
  // An external resource (read with Resource.get) is not Pulumi's to delete: it only leaves the state.
  if (d.dryRun || old.retainOnDelete || old.external) return;
  const prov = await d.providerFor(old.provider);
  try {
    const timeout = old.customTimeouts?.delete;
    await prov.delete({ urn: old.urn, id: old.id, inputs: old.inputs, outputs: old.outputs, ...(timeout ? { timeout } : {}) });
  } catch (e) {
    d.fail(`${old.urn}: deleting failed: ${(e as Error).message}`, e);
  }
}

// Deletes what the program no longer has and what create-before-delete replacements left behind,
// in reverse order of the old state (GenerateDeletes); in parallel, each as soon as nothing that
// depends on it is left.
export async function deleteLeftovers(d: Deployment, registered: ReadonlySet<string>, parallel = false): Promise<void> {
  const gone = [...d.olds.resources].reverse().filter((old) => !registered.has(old.urn) || d.pendingDeletes.some((p) => p.urn === old.urn));
  const remove = async (old: ResourceState): Promise<void> => {
    const pending = d.pendingDeletes.find((p) => p.urn === old.urn);
    // A resource already deleted by an unfinished delete-before-replace is only dropped from state.
    if (pending !== undefined || !old.pendingReplacement) await deleteResource(d, pending ?? old, { replacing: pending !== undefined });
    if (pending === undefined) {
      d.drop(old.urn);
      d.record({ name: old.name, urn: old.urn, type: old.type, op: "delete", id: old.id });
    }
  };
  if (!parallel) {
    for (const old of gone) await remove(old);
    return;
  }
  await deleteInDependencyOrder(gone, remove);
}

// Runs `remove` on every resource once those that depend on it are removed; the first failure is thrown
// once the others in flight have finished.
export async function deleteInDependencyOrder(resources: ResourceState[], remove: (r: ResourceState) => Promise<void>): Promise<void> {
  const steps = new Map<string, Promise<void>>();
  const start = (r: ResourceState): Promise<void> => {
    let step = steps.get(r.urn);
    if (step === undefined) {
      const dependents = resources.filter((o) => o.dependencies?.includes(r.urn));
      step = Promise.all(dependents.map(start)).then(() => remove(r));
      steps.set(r.urn, step);
    }
    return step;
  };
  const outcomes = await Promise.allSettled(resources.map(start));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failed) throw failed.reason;
}
