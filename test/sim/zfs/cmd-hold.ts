// zfs hold, zfs release and zfs holds (cmd/zfs/zfs_main.c zfs_do_hold_rele_impl, zfs_do_holds,
// print_holds; lib/libzfs/libzfs_dataset.c zfs_hold, zfs_hold_nvl, zfs_release; the kernel's
// module/zfs/dsl_userhold.c): user holds keep a snapshot from being destroyed; `userrefs` counts them.

import { childrenOf, clonesOf, err, mustDs, out, touch, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { openDataset } from "./open.ts";
import { forEach } from "./iterate.ts";
import { T_FS, T_SNAP, T_VOL } from "./prop-table.ts";
import { removeDataset, userrefs } from "./dependents.ts";
import { holdTime } from "./nicenum.ts";

/** MAXNAMELEN: dsl_dataset_user_hold_check_one refuses a longer tag with E2BIG. */
const MAX_TAG = 256;

/** zfs hold [-r] [-t] tag snapshot... */
export function zfsHold(ctx: ZfsCtx, argv: string[]): number {
  return holdRelease(ctx, argv, true);
}

/** zfs release [-r] tag snapshot... */
export function zfsRelease(ctx: ZfsCtx, argv: string[]): number {
  return holdRelease(ctx, argv, false);
}

function holdRelease(ctx: ZfsCtx, argv: string[], holding: boolean): number {
  const cmd = holding ? "hold" : "release";
  let recursive = false;
  const { opts, rest } = getopt(argv, holding ? "rt" : "r");
  for (const o of opts) {
    if (o.opt === "r") recursive = true;
    else if (o.opt === "?") {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, cmd);
    }
  }
  if (rest.length < 2) usage(ctx, cmd);
  const tag = rest[0]!;
  if (holding && tag.startsWith(".")) {
    // Tags starting with '.' are reserved for libzfs.
    err(ctx, "tag may not start with '.'");
    usage(ctx, cmd);
  }
  let errors = 0;
  for (const path of rest.slice(1)) {
    const at = path.indexOf("@");
    if (at < 0) {
      err(ctx, `'${path}' is not a snapshot`);
      errors++;
      continue;
    }
    const parent = openDataset(ctx, path.slice(0, at), T_FS | T_VOL);
    if (parent === undefined) {
      errors++;
      continue;
    }
    const snapname = path.slice(at + 1);
    const ok = holding ? hold(ctx, parent, snapname, tag, recursive) : release(ctx, parent, snapname, tag, recursive);
    if (!ok) errors++;
  }
  return errors !== 0 ? 1 : 0;
}

/** The file system and (with -r) every file system and volume below it, as zfs_iter_filesystems visits them. */
function tree(ctx: ZfsCtx, fs: string, recursive: boolean): string[] {
  const names = [fs];
  if (recursive) for (const child of childrenOf(ctx, fs)) names.push(...tree(ctx, child, true));
  return names;
}

/** zfs_hold + lzc_hold: every existing `fs@snap` below gets the tag, or none does (the first refusal is reported). */
function hold(ctx: ZfsCtx, fs: string, snapname: string, tag: string, recursive: boolean): boolean {
  const snaps = tree(ctx, fs, recursive).map((d) => `${d}@${snapname}`).filter((s) => ctx.disk.datasets[s]);
  if (snaps.length === 0) {
    err(ctx, `cannot hold snapshot '${fs}@${snapname}': dataset does not exist`);
    return false;
  }
  // dsl_dataset_user_hold_check stops at the first snapshot that refuses; nothing is held then.
  for (const snap of snaps) {
    const why = tag.length > MAX_TAG ? "tag too long"
      : mustDs(ctx, snap).holds?.[tag] !== undefined ? "tag already exists on this dataset" : undefined;
    if (why) {
      err(ctx, `cannot hold snapshot '${snap}': ${why}`);
      return false;
    }
  }
  for (const snap of snaps) {
    const rec = mustDs(ctx, snap);
    rec.holds = { ...(rec.holds ?? {}), [tag]: ctx.now };
  }
  touch(ctx);
  return true;
}

/**
 * zfs_release + lzc_release: the tag comes off every `fs@snap` below that has it. With none to release,
 * the last reason one could not be is reported (no such snapshot, or no such tag on it). A snapshot
 * whose destruction was deferred goes with its last hold when no clone is left (dsl_userhold.c).
 */
function release(ctx: ZfsCtx, fs: string, snapname: string, tag: string, recursive: boolean): boolean {
  let why = "";
  const releasing: string[] = [];
  for (const d of tree(ctx, fs, recursive)) {
    const snap = `${d}@${snapname}`;
    const rec = ctx.disk.datasets[snap];
    if (!rec) why = "dataset does not exist";
    else if (rec.holds?.[tag] === undefined) why = "no such tag on this dataset";
    else releasing.push(snap);
  }
  if (releasing.length === 0) {
    err(ctx, `cannot release hold from snapshot '${fs}@${snapname}': ${why}`);
    return false;
  }
  for (const snap of releasing) {
    const rec = mustDs(ctx, snap);
    const { [tag]: _gone, ...left } = rec.holds ?? {};
    if (Object.keys(left).length > 0) rec.holds = left;
    else delete rec.holds;
    touch(ctx);
    if (rec.deferDestroy && userrefs(ctx, snap) === 0 && clonesOf(ctx, snap).length === 0) removeDataset(ctx, snap);
  }
  return true;
}

/** zfs holds [-rHp] snapshot... */
export function zfsHolds(ctx: ZfsCtx, argv: string[]): number {
  let recursive = false;
  let scripted = false;
  let parsable = false;
  const { opts, rest } = getopt(argv, "rHp");
  for (const o of opts) {
    if (o.opt === "r") recursive = true;
    else if (o.opt === "H") scripted = true;
    else if (o.opt === "p") parsable = true;
    else {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "holds");
    }
  }
  if (rest.length < 1) usage(ctx, "holds");
  let errors = false;
  // An nvlist with unique names: a snapshot named twice moves to the end (nvlist_add_nvlist replaces).
  const found = new Map<string, Record<string, number>>();
  const add = (snap: string) => {
    found.delete(snap);
    found.set(snap, mustDs(ctx, snap).holds ?? {});
  };
  for (const arg of rest) {
    const at = arg.indexOf("@");
    if (at < 0) {
      err(ctx, `'${arg}' is not a snapshot`);
      errors = true;
      continue;
    }
    const snapname = arg.slice(at + 1);
    if (!recursive) {
      // zfs_for_each opens the snapshot itself (types: snapshot only).
      const { names, ret } = forEach(ctx, { args: [arg], recurse: false, types: T_SNAP });
      if (ret !== 0) errors = true;
      names.forEach(add);
      continue;
    }
    // With -r the argument is cut at '@' and every snapshot of that name below the file system is taken.
    const { names, ret } = forEach(ctx, { args: [arg.slice(0, at)], recurse: true, types: T_SNAP | T_FS | T_VOL });
    if (ret !== 0) errors = true;
    for (const name of names) if (name.includes("@") && name.slice(name.indexOf("@") + 1) === snapname) add(name);
  }
  printHolds(ctx, found, scripted, parsable);
  if (found.size === 0) err(ctx, "no datasets available");
  return errors ? 1 : 0;
}

/**
 * print_holds: NAME, TAG, TIMESTAMP; `-H` TAB-separated without a header, `-p` epoch seconds. The
 * kernel returns a snapshot's holds in ZAP order, which nothing promises; the simulator sorts them by tag.
 */
function printHolds(ctx: ZfsCtx, found: Map<string, Record<string, number>>, scripted: boolean, parsable: boolean): void {
  let nwidth = 0;
  let tagwidth = 0;
  for (const [name, holds] of found) {
    nwidth = Math.max(nwidth, name.length);
    for (const tag of Object.keys(holds)) tagwidth = Math.max(tagwidth, tag.length);
  }
  if (!scripted) out(ctx, `${"NAME".padEnd(nwidth)}  ${"TAG".padEnd(tagwidth)}  TIMESTAMP`);
  for (const [name, holds] of found) {
    for (const tag of Object.keys(holds).sort()) {
      const when = parsable ? String(holds[tag]) : holdTime(holds[tag]!);
      out(ctx, scripted ? `${name}\t${tag}\t${when}` : `${name.padEnd(nwidth)}  ${tag.padEnd(tagwidth)}  ${when}`);
    }
  }
}
