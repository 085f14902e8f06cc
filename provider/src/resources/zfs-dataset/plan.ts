import type { Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import type { Context, Existing } from "../../core/resource.ts";
import type { Inventory } from "../../host/inventory.ts";
import { zfsCreate, zfsDestroy, zfsRename } from "../../freebsd/zfs-commands.ts";
import { planConverge } from "./converge.ts";
import { parentOf } from "./inputs.ts";
import { findDataset, markerOf, markerProperty, requirePool } from "./owner.ts";
import type { DatasetInputs, DatasetOutputs } from "./schema.ts";

// The command plans of freebsd:zfs:Dataset: pure functions of the inputs and the host inventory.

type Current = Existing<DatasetOutputs, DatasetInputs>;

/** Refuses when the place for a new dataset name is taken or its parent is missing. */
function checkPlace(inv: Inventory, name: string, createParents: boolean, verb: string): void {
  const existing = inv.datasets.get(name);
  if (existing) {
    const owner = markerOf(existing);
    const whose = owner === undefined ? "" : ` (created by ${owner})`;
    throw new RefusedError(
      `cannot ${verb} ${name}: a dataset of that name already exists on ${inv.host}${whose}; ` +
        `to manage it, import it: pulumi import freebsd:zfs:Dataset <resource-name> ${name}`,
    );
  }
  requirePool(inv, name, `cannot ${verb} ${name}`);
  const parent = parentOf(name);
  if (!createParents && !inv.datasets.has(parent)) {
    throw new RefusedError(
      `cannot ${verb} ${name}: its parent ${parent} does not exist; set createParents: true or create the parent first`,
    );
  }
}

/**
 * Commands that create the dataset, marked with the resource's URN. A dataset of that name that
 * already carries this URN is an earlier create of this resource whose answer was lost: it is adopted
 * and brought to the inputs in place.
 */
export function planCreate(inputs: DatasetInputs, inv: Inventory, ctx?: Context): Command[] {
  const existing = inv.datasets.get(inputs.name);
  if (existing && ctx && markerOf(existing) === ctx.urn) {
    if ((existing.properties["type"]?.value ?? "filesystem") !== inputs.type) {
      throw new RefusedError(`cannot create ${inputs.name}: this resource's earlier create left a ${existing.properties["type"]?.value} of that name; destroy it first`);
    }
    return planConverge(existing, inputs, inv);
  }
  checkPlace(inv, inputs.name, inputs.createParents, "create");
  const properties = ctx ? { ...inputs.properties, [markerProperty]: ctx.urn } : inputs.properties;
  const options: Parameters<typeof zfsCreate>[1] = { parents: inputs.createParents, properties };
  if (inputs.type === "volume") {
    options.volsize = inputs.volsize;
    options.volblocksize = inputs.volblocksize;
  }
  return [zfsCreate(inputs.name, options)];
}

/** Commands that bring the dataset to the new inputs in place: rename, set, inherit. */
export function planUpdate(current: Current, news: DatasetInputs, inv: Inventory, ctx?: Context): Command[] {
  const record = findDataset(inv, current.id, current.state, ctx);
  if (!record) throw new RefusedError(`dataset ${current.id} no longer exists on ${inv.host}; run pulumi refresh`);
  const commands: Command[] = [];
  if (record.name !== news.name) {
    checkPlace(inv, news.name, news.createParents, "rename to");
    commands.push(zfsRename(record.name, news.name, { parents: news.createParents }));
  }
  return [...commands, ...planConverge(record, news, inv)];
}

/** Names a few items of a list for a message. */
function some(items: string[]): string {
  return items.length <= 5 ? items.join(", ") : `${items.slice(0, 5).join(", ")} and ${items.length - 5} more`;
}

/** Commands that destroy the dataset; refuses when that would destroy more than the dataset itself. */
export function planDelete(current: Current, inv: Inventory, ctx?: Context): Command[] {
  const record = findDataset(inv, current.id, current.state, ctx);
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
        `Set forceDestroy: true (and run pulumi up) to destroy them with it; to replace it, apply forceDestroy: true ` +
        `in an up of its own first, as a replacement's delete reads the recorded inputs`,
    );
  }
  return [zfsDestroy(name, { recursive: children.length > 0 || snapshots.length > 0 })];
}
