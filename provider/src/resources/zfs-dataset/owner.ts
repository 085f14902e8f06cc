import { RefusedError } from "../../core/errors.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import { want } from "../../inventory/section.ts";
import { ReadMore, type HostView } from "../../inventory/view.ts";
import { datasets, datasetTree, pools } from "../../sections/zfs.ts";
import type { Claim, Context, Props, Ref } from "../contract.ts";
import type { DatasetInputs } from "./schema.ts";

// Which dataset is whose: the GUID a resource's state remembers, and the `pulumi:urn` user property
// a create sets so that a later create (or the read-back of this one) can tell its own dataset from
// a stranger's of the same name.

/** The user property that marks a dataset with the URN of the resource that created it. */
export const markerProperty = "pulumi:urn";

/** The dataset's own marker; an inherited one (zfs(8): user properties are inherited) belongs to a parent. */
export function markerOf(record: DatasetRecord): string | undefined {
  const pv = record.properties[markerProperty];
  return pv?.source === "local" ? pv.value : undefined;
}

/** The pool of a dataset name. */
export function poolOf(name: string): string {
  return name.split("/")[0]!;
}

/** A dataset's name and those of the datasets above it, up to its pool's root dataset. */
export function lineOf(name: string): string[] {
  const parts = name.split("/");
  return parts.map((_, i) => parts.slice(0, i + 1).join("/")).reverse();
}

/**
 * Refuses to read a dataset whose pool the host does not have: an exported (or faulted, not imported)
 * pool hides its datasets without destroying them, so they must not read as gone.
 */
export function requirePool(view: HostView, name: string, doing = `dataset ${name} cannot be read, so it is not known to be gone`): void {
  const pool = poolOf(name);
  const all = view.get(pools);
  if (all.some((p) => p.name === pool)) return;
  const names = all.map((p) => p.name).join(", ") || "none";
  throw new RefusedError(
    `${view.host} has no pool ${pool} (its pools: ${names}): ${doing}. If the pool is exported or not imported yet, ` +
      `import it (zpool import ${pool}) and run again; if it is gone for good, remove the resource from the stack`,
  );
}

/** The GUID an earlier state remembers, if any. */
function guidOf(state: Props | undefined): string | undefined {
  const guid = state?.["guid"];
  return typeof guid === "string" && guid !== "" ? guid : undefined;
}

/**
 * Finds the managed dataset: by the GUID of earlier state (it survives renames; a GUID that is gone
 * means the dataset is gone, whatever now has its name), else by name (import). A dataset renamed out
 * of band is looked for among every dataset's GUID, which is read only then. A stranger under the
 * name is reported through `ctx.warn`, never returned.
 */
export function findDataset(view: HostView, ref: Ref, ctx: Context): DatasetRecord | undefined {
  const guid = guidOf(ref.state);
  const records = view.get(datasets);
  const byName = records.get(ref.id);
  if (guid === undefined || byName?.properties["guid"]?.value === guid) {
    if (!byName) requirePool(view, ref.id);
    return byName;
  }
  if (!view.coversAll(datasetTree)) throw new ReadMore([want(datasetTree)]);
  const tree = view.get(datasetTree);
  const renamed = [...tree.names()].find((name) => tree.get(name) === guid);
  if (renamed !== undefined) {
    if (!view.covers(datasets, renamed)) throw new ReadMore([want(datasets, lineOf(renamed))]);
    return records.get(renamed);
  }
  requirePool(view, ref.id);
  if (byName) {
    ctx.warn(
      `dataset ${ref.id} on ${view.host} is not the one this resource manages: it has guid ${byName.properties["guid"]?.value ?? "?"}, ` +
        `the managed one had guid ${guid} and is gone. It is left alone; import it to manage it`,
    );
  }
  return undefined;
}

/** Whose the dataset of a create's name is: absent, this resource's (its marker), or another's. */
export function claimDataset(view: HostView, inputs: DatasetInputs, ctx: Context): Claim<DatasetRecord> {
  const existing = view.get(datasets).get(inputs.name);
  if (!existing) return { kind: "absent" };
  const owner = markerOf(existing);
  if (owner === ctx.urn) {
    const type = existing.properties["type"]?.value ?? "filesystem";
    if (type === inputs.type) return { kind: "own", record: existing };
    return { kind: "other", why: `cannot create ${inputs.name}: this resource's earlier create left a ${type} of that name; destroy it first` };
  }
  const whose = owner === undefined ? "" : ` (created by ${owner})`;
  return {
    kind: "other",
    why: `cannot create ${inputs.name}: a dataset of that name already exists on ${view.host}${whose}; ` +
      `to manage it, import it: pulumi import freebsd:zfs:Dataset <resource-name> ${inputs.name}`,
  };
}
