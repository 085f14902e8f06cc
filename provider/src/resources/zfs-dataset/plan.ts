import type { Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import { zfsCreate, zfsDestroy, zfsRename } from "../../freebsd/zfs-commands.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import type { HostView } from "../../inventory/view.ts";
import { datasets, datasetTree, snapshots } from "../../sections/zfs.ts";
import type { Context, Existing } from "../contract.ts";
import { planConverge } from "./converge.ts";
import { parentOf } from "./inputs.ts";
import { markerOf, markerProperty, requirePool } from "./owner.ts";
import type { DatasetInputs, DatasetOutputs } from "./schema.ts";

// The command plans of freebsd:zfs:Dataset: pure functions of the inputs and what the host has.

type Current = Existing<DatasetOutputs, DatasetInputs>;

/** Refuses when the place for a new dataset name is taken or its parent is missing. */
function checkPlace(view: HostView, name: string, createParents: boolean, verb: string): void {
  const existing = view.get(datasets).get(name);
  if (existing) {
    const owner = markerOf(existing);
    const whose = owner === undefined ? "" : ` (created by ${owner})`;
    throw new RefusedError(
      `cannot ${verb} ${name}: a dataset of that name already exists on ${view.host}${whose}; ` +
        `to manage it, import it: pulumi import freebsd:zfs:Dataset <resource-name> ${name}`,
    );
  }
  requirePool(view, name, `cannot ${verb} ${name}`);
  const parent = parentOf(name);
  if (!createParents && !view.get(datasets).has(parent)) {
    throw new RefusedError(
      `cannot ${verb} ${name}: its parent ${parent} does not exist; set createParents: true or create the parent first`,
    );
  }
}

/** Commands that create the dataset, marked with the resource's URN. */
export function planCreate(inputs: DatasetInputs, view: HostView, ctx: Context): Command[] {
  checkPlace(view, inputs.name, inputs.createParents, "create");
  const properties = { ...inputs.properties, [markerProperty]: ctx.urn };
  const options: Parameters<typeof zfsCreate>[1] = { parents: inputs.createParents, properties };
  if (inputs.type === "volume") {
    options.volsize = inputs.volsize;
    options.volblocksize = inputs.volblocksize;
  }
  return [zfsCreate(inputs.name, options)];
}

/** Commands that bring the dataset to the new inputs in place: rename, set, inherit. */
export function planUpdate(record: DatasetRecord, _current: Current, news: DatasetInputs, view: HostView): Command[] {
  const commands: Command[] = [];
  if (record.name !== news.name) {
    checkPlace(view, news.name, news.createParents, "rename to");
    commands.push(zfsRename(record.name, news.name, { parents: news.createParents }));
  }
  return [...commands, ...planConverge(record, news, view)];
}

/** Names a few items of a list for a message. */
function some(items: string[]): string {
  return items.length <= 5 ? items.join(", ") : `${items.slice(0, 5).join(", ")} and ${items.length - 5} more`;
}

/** Commands that destroy the dataset; refuses when that would destroy more than the dataset itself. */
export function planDelete(record: DatasetRecord, current: Current, view: HostView): Command[] {
  const name = record.name;
  const inside = (n: string) => n === name || n.startsWith(`${name}/`);
  const children = [...view.get(datasetTree).names()].filter((n) => n.startsWith(`${name}/`));
  const snaps = [...view.get(snapshots).values()].filter((s) => inside(s.dataset));
  const clones = snaps.flatMap((s) => s.clones.filter((c) => !inside(c)).map((c) => `${c} (from ${s.name})`));
  if (clones.length > 0) {
    throw new RefusedError(
      `refusing to destroy ${name} on ${view.host}: clones outside it depend on its snapshots: ${some(clones)}; ` +
        `promote (zfs promote) or destroy those clones first`,
    );
  }
  const force = current.inputs.forceDestroy === true || current.state.forceDestroy === true;
  if ((children.length > 0 || snaps.length > 0) && !force) {
    const what = [
      children.length > 0 ? `${children.length} child dataset(s): ${some(children)}` : "",
      snaps.length > 0 ? `${snaps.length} snapshot(s): ${some(snaps.map((s) => s.name))}` : "",
    ].filter(Boolean);
    throw new RefusedError(
      `refusing to destroy ${name} on ${view.host}: it has ${what.join(" and ")}; nothing was destroyed. ` +
        `Set forceDestroy: true (and run pulumi up) to destroy them with it; to replace it, apply forceDestroy: true ` +
        `in an up of its own first, as a replacement's delete reads the recorded inputs`,
    );
  }
  return [zfsDestroy(name, { recursive: children.length > 0 || snaps.length > 0 })];
}
