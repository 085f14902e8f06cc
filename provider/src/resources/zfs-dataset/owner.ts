import { RefusedError } from "../../core/errors.ts";
import type { Context, Props } from "../../core/resource.ts";
import type { Inventory } from "../../host/inventory.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";

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

/**
 * Refuses to read a dataset whose pool the host does not have: an exported (or faulted, not imported)
 * pool hides its datasets without destroying them, so they must not read as gone.
 */
export function requirePool(inv: Inventory, name: string, doing = `dataset ${name} cannot be read, so it is not known to be gone`): void {
  const pool = poolOf(name);
  if (inv.pools.some((p) => p.name === pool)) return;
  const pools = inv.pools.map((p) => p.name).join(", ") || "none";
  throw new RefusedError(
    `${inv.host} has no pool ${pool} (its pools: ${pools}): ${doing}. If the pool is exported or not imported yet, ` +
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
 * means the dataset is gone, whatever now has its name), else by name (import, create).
 * A stranger under the name is reported through `ctx.warn`, never returned.
 */
export function findDataset(inv: Inventory, id: string, state?: Props, ctx?: Context): DatasetRecord | undefined {
  const guid = guidOf(state);
  const byName = inv.datasets.get(id);
  if (guid === undefined) {
    if (!byName) requirePool(inv, id);
    return byName;
  }
  for (const record of inv.datasets.values()) if (record.properties["guid"]?.value === guid) return record;
  requirePool(inv, id);
  if (byName) {
    ctx?.warn(
      `dataset ${id} on ${inv.host} is not the one this resource manages: it has guid ${byName.properties["guid"]?.value ?? "?"}, ` +
        `the managed one had guid ${guid} and is gone. It is left alone; import it to manage it`,
    );
  }
  return undefined;
}
