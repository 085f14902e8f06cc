import type { Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import { zfsDestroy, zfsHold, zfsInherit, zfsRelease, zfsRename, zfsSet, zfsSnapshot } from "../../freebsd/zfs-commands.ts";
import type { SnapshotRecord } from "../../freebsd/zfs-output.ts";
import type { HostView } from "../../inventory/view.ts";
import { datasetTree, snapshots } from "../../sections/zfs.ts";
import type { Context, Existing } from "../contract.ts";
import { markerProperty, requirePool } from "../zfs-dataset/owner.ts";
import { shortOf, type SnapshotFound } from "./owner.ts";
import { ownHolds } from "./read.ts";
import type { SnapshotInputs, SnapshotOutputs } from "./schema.ts";

// The command plans of freebsd:zfs:Snapshot: pure functions of the inputs and what the host has.

type Current = Existing<SnapshotOutputs, SnapshotInputs>;

/** Names a few items of a list for a message. */
function some(items: string[]): string {
  return items.length <= 5 ? items.join(", ") : `${items.slice(0, 5).join(", ")} and ${items.length - 5} more`;
}

/** Commands that take the snapshot (marked with the resource's URN) and place its holds. */
export function planCreate(inputs: SnapshotInputs, view: HostView, ctx: Context): Command[] {
  const full = `${inputs.dataset}@${inputs.name}`;
  requirePool(view, inputs.dataset, `cannot snapshot ${inputs.dataset}`);
  if (!view.get(datasetTree).has(inputs.dataset)) {
    throw new RefusedError(
      `cannot snapshot ${inputs.dataset}: it does not exist on ${view.host}; create it first (a freebsd:zfs:Dataset the snapshot depends on)`,
    );
  }
  const properties = { ...inputs.properties, [markerProperty]: ctx.urn };
  return [
    zfsSnapshot(full, { recursive: inputs.recursive, properties }),
    ...inputs.holds.map((tag) => zfsHold(tag, [full], { recursive: inputs.recursive })),
  ];
}

/** The snapshots a change or delete acts on: the snapshot, and its namesakes below when it is recursive. */
function members(found: SnapshotFound, recursive: boolean): SnapshotRecord[] {
  return recursive ? [found.snap, ...found.below] : [found.snap];
}

/** Commands that bring the snapshot to the new inputs in place: rename, user properties, holds. */
export function planUpdate(found: SnapshotFound, current: Current, news: SnapshotInputs, view: HostView): Command[] {
  const snap = found.snap;
  const taken = current.inputs.dataset ?? current.state.dataset;
  if (news.dataset !== taken && news.dataset !== snap.dataset) {
    throw new RefusedError(
      `snapshot ${snap.name} holds the data of ${snap.dataset}; it cannot become a snapshot of ${news.dataset}. To snapshot ` +
        `${news.dataset}, add a new freebsd:zfs:Snapshot resource (or replace this one: pulumi up --replace <urn>, which destroys this snapshot)`,
    );
  }
  const commands: Command[] = [];
  const renamed = (s: SnapshotRecord) => (shortOf(snap.name) === news.name ? s.name : `${s.dataset}@${news.name}`);
  const name = renamed(snap);
  if (name !== snap.name) {
    if (view.get(snapshots).has(name)) {
      throw new RefusedError(`cannot rename snapshot ${snap.name} to ${name}: a snapshot of that name already exists on ${view.host}`);
    }
    commands.push(zfsRename(snap.name, name, { recursive: news.recursive }));
  }
  const sets: Record<string, string> = {};
  for (const [prop, value] of Object.entries(news.properties)) {
    const pv = found.props[prop];
    if (pv?.source !== "local" || pv.value !== value) sets[prop] = value;
  }
  if (Object.keys(sets).length > 0) commands.push(zfsSet(name, sets));
  for (const [prop, pv] of Object.entries(found.props)) {
    if (pv.source === "local" && prop.includes(":") && prop !== markerProperty && !(prop in news.properties)) {
      commands.push(zfsInherit(name, prop));
    }
  }
  const set = members(found, news.recursive);
  for (const tag of news.holds) {
    const lacking = set.filter((s) => !found.holdsOf(s.name).has(tag)).map(renamed);
    if (lacking.length > 0) commands.push(zfsHold(tag, lacking));
  }
  for (const tag of ownHolds(current.inputs, current.state).filter((t) => !news.holds.includes(t))) {
    const having = set.filter((s) => found.holdsOf(s.name).has(tag)).map(renamed);
    if (having.length > 0) commands.push(zfsRelease(tag, having));
  }
  return commands;
}

/**
 * Commands that release the resource's own holds and destroy the snapshot. Clones that depend on it,
 * or holds others placed, refuse the delete (naming them) unless forceDestroy: then it is destroyed
 * deferred (`zfs destroy -d`), to go with its last clone and hold; `-R`, which destroys clones, never.
 */
export function planDelete(found: SnapshotFound, current: Current, view: HostView, ctx: Context): Command[] {
  const recursive = current.inputs.recursive ?? current.state.recursive ?? false;
  const force = current.inputs.forceDestroy === true || current.state.forceDestroy === true;
  const set = members(found, recursive);
  const ours = ownHolds(current.inputs, current.state);
  const clones = set.flatMap((s) => s.clones.map((c) => `${c} (a clone of ${s.name})`));
  const foreign = set.flatMap((s) => [...found.holdsOf(s.name).keys()].filter((t) => !ours.includes(t)).map((t) => `${t} (on ${s.name})`));
  const name = found.snap.name;
  if ((clones.length > 0 || foreign.length > 0) && !force) {
    const why = [
      clones.length > 0 ? `datasets are cloned from it: ${some(clones)}` : "",
      foreign.length > 0 ? `it is held by tags this resource did not place: ${some(foreign)}` : "",
    ].filter(Boolean).join("; and ");
    throw new RefusedError(
      `refusing to destroy snapshot ${name} on ${view.host}: ${why}; nothing was destroyed. Destroy or promote the clones ` +
        `(zfs promote) and release the holds (zfs release TAG ${name}) first, or set forceDestroy: true (and run pulumi up) ` +
        `to have it destroyed when the last of them is gone (zfs destroy -d; clones are never destroyed)`,
    );
  }
  const commands: Command[] = [];
  for (const tag of ours) {
    const having = set.filter((s) => found.holdsOf(s.name).has(tag)).map((s) => s.name);
    if (having.length > 0) commands.push(zfsRelease(tag, having));
  }
  if (clones.length > 0 || foreign.length > 0) {
    ctx.warn(
      `snapshot ${name} is destroyed deferred (zfs destroy -d): it stays, with defer_destroy=on, until ` +
        [clones.length > 0 ? `its clones are gone (${some(clones)})` : "", foreign.length > 0 ? `the holds ${some(foreign)} are released` : ""]
          .filter(Boolean).join(" and "),
    );
    return [...commands, zfsDestroy(name, { recursive, defer: true })];
  }
  return [...commands, zfsDestroy(name, { recursive })];
}
