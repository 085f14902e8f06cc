// Laying a received snapshot stream down (under the state lock): a whole stream makes or updates the
// file system from its base snapshot plus what the stream carried, then takes the snapshot with the
// sender's guid; a stream cut short under -s is kept as a partial receive (recv-state.ts).

import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, symlinkSync, utimesSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DatasetRecord } from "../core/types.ts";
import { nextTxg, randomGuid } from "../core/store.ts";
import { mustDs, nameOfGuid, touch, type ZfsCtx } from "./context.ts";
import { newRecord } from "./cmd-common.ts";
import { contentDir, isMounted, mountDataset, nestedMountDirs, snapshotDir, unmountDataset } from "./mount.ts";
import { clearTree, copyTree } from "./content.ts";
import { removeDataset } from "./dependents.ts";
import type { FillExtent } from "./fill.ts";
import { stageDir, type PartialReceive } from "./recv-state.ts";
import type { Stage } from "./recv-stage.ts";
import type { Destination } from "./cmd-receive.ts";
import type { BeginInfo } from "./stream.ts";

/** The BEGN a destination's data comes from: a resumed receive's first stream, else this one. */
function originOf(d: Destination, b: BeginInfo): BeginInfo {
  return d.partial?.begin ?? b;
}

/** The file system record a stream lands in, created for a new file system. */
function landingRecord(ctx: ZfsCtx, d: Destination, b: BeginInfo): DatasetRecord {
  const existing = ctx.disk.datasets[d.fs];
  if (existing) return existing;
  const rec = newRecord(ctx, {
    type: b.type, props: { ...(b.props ?? {}) }, user: { ...(b.userProps ?? {}) }, zpl: b.zpl, volsize: b.volsize,
    volblocksize: b.volblocksize, refer: b.refer, logicalrefer: b.logicalrefer,
  });
  rec.fill = [];
  ctx.disk.datasets[d.fs] = rec;
  touch(ctx);
  return rec;
}

/** Keeps a stream cut short as a partial receive on the file system (creating it, inconsistent, for a new one). */
export function savePartial(ctx: ZfsCtx, d: Destination, b: BeginInfo, stage: Stage): void {
  const first = originOf(d, b);
  const newfs = d.partial ? d.partial.newfs : d.kind === "newfs";
  const rec = landingRecord(ctx, d, first);
  const name = stage.dir.slice(stage.dir.lastIndexOf("/") + 1);
  const partial: PartialReceive = { newfs, begin: first, stage: name, ops: stage.ops, ...stage.progress };
  rec.recv = partial;
  touch(ctx);
}

/** Drops a partial receive that a failed resume without -s does not keep. */
export function dropPartial(ctx: ZfsCtx, d: Destination): void {
  const rec = ctx.disk.datasets[d.fs];
  if (!rec?.recv) return;
  rmSync(stageDir(ctx.paths, rec.recv.stage), { recursive: true, force: true });
  if (rec.recv.newfs) removeDataset(ctx, d.fs);
  else {
    delete rec.recv;
    touch(ctx);
  }
}

/** Lays a whole stream down; returns the libzfs error line when the file system is busy. */
export function commitStream(ctx: ZfsCtx, d: Destination, b: BeginInfo, stage: Stage): string | undefined {
  const first = originOf(d, b);
  for (const snap of [...d.rollback].reverse()) removeDataset(ctx, snap);
  const rec = landingRecord(ctx, d, first);
  const base = d.base ? mustDs(ctx, d.base) : undefined;
  let remounted = false;
  if (rec.type === "filesystem") {
    const dir = contentDir(ctx, d.fs);
    const remount = isMounted(ctx, d.fs) && (d.kind === "replace" || (d.kind === "resume" && !d.base));
    if (remount) {
      // A full stream replaces the file system: unmounted for the swap (zfs_receive_one's changelist).
      const busy = unmountDataset(ctx, d.fs);
      if (busy) return busy;
      remounted = true;
    }
    const target = remount ? contentDir(ctx, d.fs) : dir;
    clearTree(target, nestedMountDirs(ctx, d.fs));
    if (d.base) copyTree(snapshotDir(ctx, d.base), target, []);
    layDown(target, stage);
  }
  const unfilled = new Set(stage.ops.unfills);
  const fill: FillExtent[] = [...(base?.fill ?? []).filter((e) => !unfilled.has(e.seed)), ...stage.ops.fills];
  rec.fill = fill;
  delete rec.recv;
  stage.discard();
  // Snapshot guids survive send/receive. ZFS allows the same guid twice in a pool; the model keys
  // snapshot files by guid, so a second copy gets its own key and shows the sender's guid.
  const taken = nameOfGuid(ctx, first.toguid) !== undefined;
  const refer = first.refer;
  const snap: DatasetRecord = {
    type: "snapshot", guid: taken ? randomGuid() : first.toguid, createtxg: nextTxg(ctx.disk, ctx.now), creation: first.creation,
    objsetid: ctx.disk.nextObjsetId++, props: {}, user: { ...first.user }, volsize: first.volsize, volblocksize: rec.volblocksize,
    refer, logicalrefer: first.logicalrefer, written: refer, unique: 0, ...(fill.length > 0 ? { fill: [...fill] } : {}),
  };
  if (taken) snap.streamGuid = first.toguid;
  ctx.disk.datasets[d.snapName] = snap;
  touch(ctx);
  if (rec.type === "filesystem") copyTree(contentDir(ctx, d.fs), snapshotDir(ctx, d.snapName), nestedMountDirs(ctx, d.fs));
  rec.refer = refer;
  rec.logicalrefer = first.logicalrefer;
  rec.written = 0;
  if (first.volsize !== undefined) rec.volsize = first.volsize;
  rec.snapshotsChanged = ctx.now;
  return remounted ? mountDataset(ctx, d.fs) : undefined;
}

/** Applies a stage to a directory: freed paths removed, staged entries moved in, then modes and times. */
function layDown(dir: string, stage: Stage): void {
  for (const path of stage.ops.frees) rmSync(join(dir, path), { recursive: true, force: true });
  for (const e of stage.ops.entries) {
    const to = join(dir, e.path);
    const from = join(stage.tree, e.path);
    if (e.kind === "d") {
      if (existsSync(to) && !lstatSync(to).isDirectory()) rmSync(to, { force: true });
      mkdirSync(to, { recursive: true });
      continue;
    }
    mkdirSync(dirname(to), { recursive: true });
    rmSync(to, { recursive: true, force: true });
    if (e.kind === "l") symlinkSync(readlinkSync(from), to);
    else moveFile(from, to);
  }
  for (const e of stage.ops.entries) if (e.kind === "f") {
    chmodSync(join(dir, e.path), e.mode);
    utimesSync(join(dir, e.path), new Date(e.mtime), new Date(e.mtime));
  }
  const dirs = stage.ops.entries.filter((e) => e.kind === "d").reverse();
  for (const e of dirs) {
    chmodSync(join(dir, e.path), e.mode);
    utimesSync(join(dir, e.path), new Date(e.mtime), new Date(e.mtime));
  }
}

function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
