import type { Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import type { Existing } from "../../core/resource.ts";
import type { Inventory } from "../../host/inventory.ts";
import { zfsCreate, zfsDestroy, zfsInherit, zfsMount, zfsRename, zfsSet } from "../../freebsd/zfs-commands.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import { resetValues } from "../../freebsd/zfs-names.ts";
import { nativeProperties } from "../../freebsd/zfs-properties.ts";
import { sameValue } from "../../freebsd/zfs-values.ts";
import { findDataset } from "./read.ts";
import type { DatasetInputs, DatasetOutputs } from "./schema.ts";

// The command plans of freebsd:zfs:Dataset: pure functions of the inputs and the host inventory.

type Current = Existing<DatasetOutputs, DatasetInputs>;

/** The parent of a dataset name (`zroot/a/b` -> `zroot/a`). */
function parentOf(name: string): string {
  return name.slice(0, name.lastIndexOf("/"));
}

/** Refuses when the place for a new dataset name is taken or its parent is missing. */
function checkPlace(inv: Inventory, name: string, createParents: boolean, verb: string): void {
  if (inv.datasets.has(name)) {
    throw new RefusedError(
      `cannot ${verb} ${name}: a dataset of that name already exists on ${inv.host}; ` +
        `to manage it, import it: pulumi import freebsd:zfs:Dataset <resource-name> ${name}`,
    );
  }
  const pool = name.split("/")[0]!;
  if (!inv.pools.some((p) => p.name === pool)) {
    const pools = inv.pools.map((p) => p.name).join(", ") || "none";
    throw new RefusedError(`cannot ${verb} ${name}: ${inv.host} has no pool ${pool} (its pools: ${pools})`);
  }
  const parent = parentOf(name);
  if (!createParents && !inv.datasets.has(parent)) {
    throw new RefusedError(
      `cannot ${verb} ${name}: its parent ${parent} does not exist; set createParents: true or create the parent first`,
    );
  }
}

/** True for a filesystem that zfs would mount but that is not mounted. */
function shouldBeMounted(record: DatasetRecord): boolean {
  const value = (prop: string) => record.properties[prop]?.value;
  return (
    value("type") === "filesystem" && value("mounted") === "no" && value("canmount") === "on" &&
    value("jailed") !== "on" && (value("mountpoint") ?? "").startsWith("/")
  );
}

/** Commands that create the dataset. */
export function planCreate(inputs: DatasetInputs, inv: Inventory): Command[] {
  checkPlace(inv, inputs.name, inputs.createParents, "create");
  const options: Parameters<typeof zfsCreate>[1] = { parents: inputs.createParents, properties: inputs.properties };
  if (inputs.type === "volume") {
    options.volsize = inputs.volsize;
    options.volblocksize = inputs.volblocksize;
  }
  return [zfsCreate(inputs.name, options)];
}

/** Commands that bring the dataset to the new inputs in place: rename, set, inherit. */
export function planUpdate(current: Current, news: DatasetInputs, inv: Inventory): Command[] {
  const record = findDataset(inv, current.id, current.state);
  if (!record) throw new RefusedError(`dataset ${current.id} no longer exists on ${inv.host}; run pulumi refresh`);
  const commands: Command[] = [];
  if (record.name !== news.name) {
    checkPlace(inv, news.name, news.createParents, "rename to");
    commands.push(zfsRename(record.name, news.name, { parents: news.createParents }));
  }
  const isLocal = (prop: string, value: string) => {
    const pv = record.properties[prop];
    return pv !== undefined && pv.source === "local" && sameValue(prop, value, pv.value);
  };
  const sets: Record<string, string> = {};
  for (const [prop, value] of Object.entries(news.properties)) if (!isLocal(prop, value)) sets[prop] = value;
  if (news.volsize !== undefined && !isLocal("volsize", news.volsize)) sets["volsize"] = news.volsize;
  if (Object.keys(sets).length > 0) commands.push(zfsSet(news.name, sets));
  // A filesystem that should be mounted but is not (a mount that failed at create) is mounted again;
  // a change of mountpoint or canmount makes `zfs set` do that itself (libzfs changelist_postfix).
  if (!("mountpoint" in sets) && !("canmount" in sets) && shouldBeMounted(record)) commands.push(zfsMount(news.name));
  for (const prop of Object.keys(current.inputs.properties ?? {})) {
    if (prop in news.properties || record.properties[prop]?.source !== "local") continue;
    const reset = resetValues[prop];
    const inheritable = prop.includes(":") || nativeProperties[prop]?.inheritable === true;
    if (inheritable) commands.push(zfsInherit(news.name, prop));
    else if (reset !== undefined) commands.push(zfsSet(news.name, { [prop]: reset }));
  }
  return commands;
}

/** Names a few items of a list for a message. */
function some(items: string[]): string {
  return items.length <= 5 ? items.join(", ") : `${items.slice(0, 5).join(", ")} and ${items.length - 5} more`;
}

/** Commands that destroy the dataset; refuses when that would destroy more than the dataset itself. */
export function planDelete(current: Current, inv: Inventory): Command[] {
  const record = findDataset(inv, current.id, current.state);
  if (!record) return [];
  const name = record.name;
  const inside = (n: string) => n === name || n.startsWith(`${name}/`);
  const children = [...inv.datasets.keys()].filter((n) => n.startsWith(`${name}/`));
  const snapshots = [...inv.snapshots.values()].filter((s) => inside(s.dataset));
  const clones = snapshots.flatMap((s) => s.clones.filter((c) => !inside(c)).map((c) => `${c} (from ${s.name})`));
  if (clones.length > 0) {
    throw new RefusedError(
      `refusing to destroy ${name} on ${inv.host}: clones outside it depend on its snapshots: ${some(clones)}; ` +
        `promote (zfs promote) or destroy those clones first`,
    );
  }
  const force = current.inputs.forceDestroy === true || current.state.forceDestroy === true;
  if ((children.length > 0 || snapshots.length > 0) && !force) {
    const what = [
      children.length > 0 ? `${children.length} child dataset(s): ${some(children)}` : "",
      snapshots.length > 0 ? `${snapshots.length} snapshot(s): ${some(snapshots.map((s) => s.name))}` : "",
    ].filter(Boolean);
    throw new RefusedError(
      `refusing to destroy ${name} on ${inv.host}: it has ${what.join(" and ")}; nothing was destroyed. ` +
        `Set forceDestroy: true (and run pulumi up) to destroy them with it`,
    );
  }
  return [zfsDestroy(name, { recursive: children.length > 0 || snapshots.length > 0 })];
}
