import type { Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import { zfsClone, zfsCreate, zfsDestroy, zfsPromote, zfsRename, zfsSet } from "../../freebsd/zfs-commands.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import type { HostView } from "../../inventory/view.ts";
import { datasetFiles, datasets, datasetTree, snapshots } from "../../sections/zfs.ts";
import type { Context, Existing } from "../contract.ts";
import { planConverge } from "./converge.ts";
import { originOf, parentOf } from "./inputs.ts";
import { markerOf, markerProperty, requirePool } from "./owner.ts";
import type { DatasetInputs, DatasetOutputs } from "./schema.ts";
import { formatSize, parseSize } from "../../freebsd/zfs-values.ts";
import { filesShown } from "../../freebsd/zfs-files.ts";

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

/**
 * Commands that create the dataset as a clone of `cloneFrom` (`zfs clone`, properties as `-o`), then
 * grow a volume clone to its `volsize` and promote it when asked. Refused when the snapshot is missing,
 * is of the other type, or the volume would shrink (a clone holds its origin's data).
 */
function planClone(inputs: DatasetInputs & { cloneFrom: string }, view: HostView, ctx: Context): Command[] {
  const snap = view.get(snapshots).get(inputs.cloneFrom);
  if (!snap) {
    throw new RefusedError(
      `cannot clone ${inputs.cloneFrom} to ${inputs.name}: that snapshot does not exist on ${view.host}; create it first ` +
        `(a freebsd:zfs:Snapshot the dataset depends on)`,
    );
  }
  const source = view.get(datasets).get(snap.dataset);
  const type = source?.properties["type"]?.value ?? "filesystem";
  if (type !== inputs.type) {
    throw new RefusedError(`cannot clone ${inputs.cloneFrom} to ${inputs.name}: it is a snapshot of a ${type}, so its clone is a ${type}; set type: ${type}`);
  }
  const properties = { ...inputs.properties, [markerProperty]: ctx.urn };
  const commands = [zfsClone(inputs.cloneFrom, inputs.name, { parents: inputs.createParents, properties })];
  if (inputs.type === "volume" && inputs.volsize !== undefined) {
    const has = Number(source?.properties["volsize"]?.value ?? "0");
    const wanted = parseSize(inputs.volsize) ?? 0;
    if (wanted < has && !inputs.forceDestroy) {
      throw new RefusedError(
        `cannot clone ${inputs.cloneFrom} to ${inputs.name} with volsize ${inputs.volsize}: the origin is ${formatSize(has)}, and a ` +
          `smaller clone loses the data past the new size. Leave volsize out (the clone has the origin's size) or set forceDestroy: true`,
      );
    }
    if (wanted !== has) commands.push(zfsSet(inputs.name, { volsize: inputs.volsize }));
  }
  if (inputs.promote) commands.push(zfsPromote(inputs.name));
  return commands;
}

/** Commands that create the dataset, marked with the resource's URN. */
export function planCreate(inputs: DatasetInputs, view: HostView, ctx: Context): Command[] {
  checkPlace(view, inputs.name, inputs.createParents, "create");
  if (inputs.cloneFrom !== undefined) return planClone({ ...inputs, cloneFrom: inputs.cloneFrom }, view, ctx);
  const properties = { ...inputs.properties, [markerProperty]: ctx.urn };
  const options: Parameters<typeof zfsCreate>[1] = { parents: inputs.createParents, properties };
  if (inputs.type === "volume") {
    options.volsize = inputs.volsize;
    options.volblocksize = inputs.volblocksize;
  }
  return [zfsCreate(inputs.name, options)];
}

/**
 * The promote a clone's inputs ask for; refuses to take one back (a promote done by hand shows as
 * `promote: true`), naming the dataset that now depends on this one.
 */
function planPromote(record: DatasetRecord, news: DatasetInputs, view: HostView): Command[] {
  if (news.cloneFrom === undefined) return [];
  const origin = originOf(record);
  if (news.promote && origin !== undefined) return [zfsPromote(news.name)];
  if (news.promote || origin !== undefined) return [];
  const mine = (s: { dataset: string }) => s.dataset === record.name;
  const dependents = view.covers(snapshots, record.name)
    ? [...view.get(snapshots).values()].filter(mine).flatMap((s) => s.clones.map((c) => `${c} (a clone of ${s.name})`))
    : [];
  throw new RefusedError(
    `${record.name} on ${view.host} was promoted (zfs promote): it no longer depends on ${news.cloneFrom}; the snapshots up to ` +
      `it moved to ${record.name}${dependents.length > 0 ? ` and ${some(dependents)} now depend on them` : ""}. This resource cannot ` +
      `undo a promote (promoting the origin's dataset back would); set promote: true to keep it as it is`,
  );
}

/** Commands that bring the dataset to the new inputs in place: rename, set, inherit, promote. */
export function planUpdate(record: DatasetRecord, _current: Current, news: DatasetInputs, view: HostView): Command[] {
  const commands: Command[] = [];
  if (record.name !== news.name) {
    checkPlace(view, news.name, news.createParents, "rename to");
    commands.push(zfsRename(record.name, news.name, { parents: news.createParents }));
  }
  return [...commands, ...planConverge(record, news, view), ...planPromote(record, news, view)];
}

/** Names a few items of a list for a message. */
function some(items: string[]): string {
  return items.length <= 5 ? items.join(", ") : `${items.slice(0, 5).join(", ")} and ${items.length - 5} more`;
}

/**
 * Logical bytes past which a dataset whose files cannot be listed (a volume, a file system that is not
 * mounted) counts as holding data: an empty file system references about 43 KiB, an empty volume 26 KiB.
 */
export const unlistedDataBytes = 1024 * 1024;

/** What data the dataset holds, for a refusal; undefined when it holds none that can be seen. */
function dataOf(record: DatasetRecord, view: HostView): string | undefined {
  const files = view.get(datasetFiles).get(record.name);
  if (files !== undefined) {
    if (files.length === 0) return undefined;
    const shown = files.slice(0, filesShown).join(", ");
    return `files (${files.length > filesShown ? `${shown} and more` : shown})`;
  }
  const logical = Number(record.properties["logicalreferenced"]?.value);
  if (!(logical > unlistedDataBytes)) return undefined;
  const why = record.properties["type"]?.value === "volume" ? "a volume" : "a file system that is not mounted";
  return `${(logical / 2 ** 20).toFixed(1)} MiB of data (logicalreferenced; ${why}, whose files cannot be listed)`;
}

/** Commands that destroy the dataset; refuses when that would destroy more than the dataset itself or data. */
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
  if (!force) {
    const data = dataOf(record, view);
    const what = [
      children.length > 0 ? `${children.length} child dataset(s): ${some(children)}` : "",
      snaps.length > 0 ? `${snaps.length} snapshot(s): ${some(snaps.map((s) => s.name))}` : "",
      data ?? "",
    ].filter(Boolean);
    if (what.length > 0) {
      throw new RefusedError(
        `refusing to destroy ${name} on ${view.host}: it holds ${what.join(" and ")}; nothing was destroyed. ` +
          `Set forceDestroy: true (and run pulumi up) to destroy it with them; to replace it, apply forceDestroy: true ` +
          `in an up of its own first, as a replacement's delete reads the recorded inputs`,
      );
    }
  }
  return [zfsDestroy(name, { recursive: children.length > 0 || snaps.length > 0 })];
}
