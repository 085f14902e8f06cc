// zfs snapshot and zfs rollback (zfs_do_snapshot/zfs_snapshot_nvl, zfs_do_rollback/zfs_rollback).

import { childrenOf, err, mustDs, parentOf, snapshotsOf, touch, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { openDataset } from "./open.ts";
import { parsePropArg, validateProps } from "./prop-parse.ts";
import { validateName } from "./names.ts";
import { T_DATASET, T_FS, T_SNAP, T_VOL } from "./prop-table.ts";
import { nextTxg, randomGuid } from "../core/store.ts";
import { contentDir, nestedMountDirs, snapshotDir, unmountDataset } from "./mount.ts";
import { copyTree, restoreTree } from "./content.ts";
import { dependentsOf, removeDataset, userrefs } from "./dependents.ts";

/** zfs snapshot [-r] [-o prop=value]... ds@snap ... */
export function zfsSnapshot(ctx: ZfsCtx, argv: string[]): number {
  const settings = new Map<string, string>();
  let recursive = false;
  const { opts, rest } = getopt(argv, "ro:");
  for (const o of opts) {
    if (o.opt === "o") {
      if (!parsePropArg(ctx, o.arg!, settings)) return 1;
    } else if (o.opt === "r") recursive = true;
    else {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "snapshot");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing snapshot argument");
    usage(ctx, "snapshot");
  }
  const multiple = recursive || rest.length > 1;
  const wanted: string[] = [];
  for (const arg of rest) {
    const at = arg.indexOf("@");
    if (at < 0) usage(ctx, "snapshot");
    const fs = openDataset(ctx, arg.slice(0, at), T_FS | T_VOL);
    if (fs === undefined) usage(ctx, "snapshot");
    const snapname = arg.slice(at + 1);
    const add = (name: string): void => {
      if (!wanted.includes(`${name}@${snapname}`)) wanted.push(`${name}@${snapname}`);
      if (recursive) for (const child of childrenOf(ctx, name)) add(child);
    };
    add(fs);
  }
  const ret = createSnapshots(ctx, wanted, settings);
  if (ret !== 0 && multiple) err(ctx, "no snapshots were created");
  return ret === 0 ? 0 : 1;
}

function createSnapshots(ctx: ZfsCtx, wanted: string[], settings: Map<string, string>): number {
  for (const name of wanted) {
    const bad = validateName(name, T_SNAP, true);
    if (bad) {
      err(ctx, `cannot create snapshot '${name}': ${bad}`);
      return -1;
    }
  }
  const parsed = validateProps(ctx, [...settings], { type: "snapshot", creating: false, zoned: false,
    errbuf: "cannot create snapshots " });
  if (!parsed) return -1;
  const heads = wanted.map((w) => parentOf(w)!);
  if (new Set(heads).size !== heads.length) {
    err(ctx, "cannot create snapshots : multiple snapshots of same fs not allowed");
    return -1;
  }
  let failed = false;
  for (const name of wanted) {
    if (ctx.disk.datasets[name]) {
      err(ctx, `cannot create snapshot '${name}': dataset already exists`);
      failed = true;
    }
  }
  if (failed) return -1;
  const txg = nextTxg(ctx.disk, ctx.now);
  for (const name of wanted) {
    const head = mustDs(ctx, parentOf(name)!);
    ctx.disk.datasets[name] = {
      type: "snapshot", guid: randomGuid(), createtxg: txg, creation: ctx.now,
      objsetid: ctx.disk.nextObjsetId++, props: {}, user: Object.fromEntries(parsed.user),
      volsize: head.volsize, volblocksize: head.volblocksize,
      refer: head.refer, logicalrefer: head.logicalrefer, written: head.written, unique: 0,
      ...(head.fill ? { fill: [...head.fill] } : {}),
    };
    const headName = parentOf(name)!;
    if (head.type === "filesystem") {
      copyTree(contentDir(ctx, headName), snapshotDir(ctx, name), nestedMountDirs(ctx, headName));
    }
    head.written = 0;
    head.snapshotsChanged = ctx.now;
  }
  touch(ctx);
  return 0;
}

/** zfs rollback [-rRf] snapshot */
export function zfsRollback(ctx: ZfsCtx, argv: string[]): number {
  let recurse = false;
  let doclones = false;
  const { opts, rest } = getopt(argv, "rRf");
  for (const o of opts) {
    if (o.opt === "r") recurse = true;
    else if (o.opt === "R") recurse = doclones = true;
    else if (o.opt !== "f") {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "rollback");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing dataset argument");
    usage(ctx, "rollback");
  }
  if (rest.length > 1) {
    err(ctx, "too many arguments");
    usage(ctx, "rollback");
  }
  const snap = openDataset(ctx, rest[0]!, T_SNAP);
  if (snap === undefined) return 1;
  const fs = openDataset(ctx, parentOf(snap)!, T_DATASET);
  if (fs === undefined) return 1;
  const target = mustDs(ctx, snap);
  const newer = snapshotsOf(ctx, fs).filter((s) => mustDs(ctx, s).createtxg > target.createtxg);
  if (!doclones && reportNewer(ctx, snap, newer, recurse)) return 1;
  // zfs_rollback (libzfs_dataset.c) destroys each newer snapshot after its clones (rollback_destroy),
  // going on past failures, and rolls back only when all of them went: a held one fails zfs_destroy
  // with EBUSY ("cannot destroy 'S': dataset is busy") and stays, with the others already gone.
  let failed = false;
  for (const s of newer) {
    for (const dep of dependentsOf(ctx, s)) {
      if (!ctx.disk.datasets[dep]) continue;
      const busy = mustDs(ctx, dep).type === "snapshot" ? undefined : unmountDataset(ctx, dep);
      if (busy) {
        err(ctx, busy);
        return 1;
      }
      removeDataset(ctx, dep);
    }
    if (userrefs(ctx, s) > 0) {
      err(ctx, `cannot destroy '${s}': dataset is busy`);
      failed = true;
      continue;
    }
    removeDataset(ctx, s);
  }
  if (failed) return 1;
  const rec = mustDs(ctx, fs);
  if (rec.type === "filesystem") restoreTree(contentDir(ctx, fs), snapshotDir(ctx, snap), nestedMountDirs(ctx, fs));
  rec.refer = target.refer;
  rec.logicalrefer = target.logicalrefer;
  rec.written = 0;
  if (target.fill) rec.fill = [...target.fill];
  else delete rec.fill;
  if (rec.type === "volume" && target.volsize !== undefined) rec.volsize = target.volsize;
  touch(ctx);
  return 0;
}

/** rollback_check: refuses when newer snapshots (without -r) or their clones (without -R) exist. */
function reportNewer(ctx: ZfsCtx, snap: string, newer: string[], recurse: boolean): boolean {
  let first = true;
  let printed = 0;
  for (const s of newer) {
    if (!recurse) {
      if (first) {
        err(ctx, `cannot rollback to '${snap}': more recent snapshots or bookmarks exist`);
        err(ctx, "use '-r' to force deletion of the following snapshots and bookmarks:");
        first = false;
      }
      err(ctx, s);
      if (++printed === 32) {
        err(ctx, "Output limited to 32 snapshots/bookmarks");
        return true;
      }
      continue;
    }
    for (const dep of dependentsOf(ctx, s)) {
      if (first) {
        err(ctx, `cannot rollback to '${snap}': clones of previous snapshots exist`);
        err(ctx, "use '-R' to force deletion of the following clones and dependents:");
        first = false;
      }
      err(ctx, dep);
    }
  }
  return !first;
}
