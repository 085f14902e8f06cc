// Deleting a resource as the engine's DeleteStep does: protection, previews, retainOnDelete.
import type { Deployment } from "./deployment.ts";
import type { ResourceState } from "./stack-types.ts";

// Runs the provider Delete for `old` unless the engine would not (preview, retainOnDelete);
// refuses protected resources unless they are being replaced. Leaves state to the caller.
export async function deleteResource(d: Deployment, old: ResourceState, opts: { replacing: boolean }): Promise<void> {
  if (!opts.replacing && old.protect) {
    d.fail(`resource "${old.urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, either remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${old.urn}'\``);
  }
  if (d.dryRun || old.retainOnDelete) return;
  const prov = await d.providerFor(old.provider);
  try {
    await prov.delete({ urn: old.urn, id: old.id, inputs: old.inputs, outputs: old.outputs });
  } catch (e) {
    d.fail(`${old.urn}: deleting failed: ${(e as Error).message}`, e);
  }
}

// Deletes what the program no longer has and what create-before-delete replacements left behind,
// in reverse order of the old state (GenerateDeletes).
export async function deleteLeftovers(d: Deployment, registered: ReadonlySet<string>): Promise<void> {
  for (const old of [...d.olds.resources].reverse()) {
    const pending = d.pendingDeletes.find((p) => p.urn === old.urn);
    if (pending === undefined && registered.has(old.urn)) continue;
    // A resource already deleted by an unfinished delete-before-replace is only dropped from state.
    if (pending !== undefined || !old.pendingReplacement) await deleteResource(d, pending ?? old, { replacing: pending !== undefined });
    if (pending === undefined) {
      d.drop(old.urn);
      d.record({ name: old.name, urn: old.urn, type: old.type, op: "delete", id: old.id });
    }
  }
}
