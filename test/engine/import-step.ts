// Adopting an existing resource: the `import` resource option (ImportStep) and `pulumi import`.
import type { Deployment } from "./deployment.ts";
import { ProviderError } from "./errors.ts";
import type { Registration } from "./resource-steps.ts";
import type { ResourceState } from "./stack-types.ts";

/** What Read returned for an import. */
export interface ImportedState {
  id: string;
  inputs: ResourceState["inputs"];
  outputs: ResourceState["outputs"];
  initErrors: string[];
}

// Reads a resource by id alone and fails as the engine does when it is absent or has no inputs.
export async function readForImport(d: Deployment, urn: string, importId: string, timeout = 0, client = d.provider): Promise<ImportedState> {
  let res;
  let initErrors: string[] = [];
  try {
    res = await client.read({ urn, id: importId, timeout });
  } catch (e) {
    if (!(e instanceof ProviderError && e.initFailed)) d.fail(`${urn}: reading for import failed: ${(e as Error).message}`, e);
    initErrors = e.initFailed.reasons;
    res = { id: e.initFailed.id, properties: e.initFailed.properties, inputs: e.initFailed.inputs };
  }
  if (res.properties === undefined) d.fail(`resource '${importId}' does not exist`);
  if (res.inputs === undefined) {
    d.fail(`provider does not support importing resources; please try updating the '${d.identity.pkg}' plugin`);
  }
  return { id: res.id !== "" ? res.id : importId, inputs: res.inputs, outputs: res.properties, initErrors };
}

// The `import` option: read the resource, record it, and return it as the old state to diff against.
export async function importResource(d: Deployment, reg: Registration, importId: string): Promise<ResourceState> {
  const read = await readForImport(d, reg.urn, importId, reg.spec.options?.customTimeouts?.read, reg.provider.client);
  const o = reg.spec.options ?? {};
  const state: ResourceState = {
    urn: reg.urn, name: reg.name, type: reg.spec.type, ...read, provider: reg.provider.ref, importId,
    protect: o.protect ?? false, retainOnDelete: o.retainOnDelete ?? false, ignoreChanges: o.ignoreChanges ?? [],
  };
  d.put(state);
  d.record({ name: reg.name, urn: reg.urn, type: reg.spec.type, op: "import", imported: true, id: read.id, inputs: read.inputs, outputs: read.outputs });
  return state;
}
