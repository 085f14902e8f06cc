// Dependents of a dataset in libzfs' zfs_iter_dependents order (children, then snapshots with their
// clones, depth first and post-order), and removing one dataset from the model and the disk.

import { rmSync } from "node:fs";
import { join } from "node:path";
import { childrenOf, clonesOf, err, mustDs, nameOfGuid, parentOf, snapshotsOf, touch, type ZfsCtx } from "./context.ts";
import { contentDir, isMounted, removeMountpoint, snapshotDir } from "./mount.ts";
import { lookupChain, mountpointPath } from "./prop-get.ts";

/** Every dependent of a dataset (not the dataset itself), each listed after its own dependents. */
export function dependentsOf(ctx: ZfsCtx, name: string): string[] {
  const result: string[] = [];
  const seen = new Set<string>([name]);
  const walk = (n: string): void => {
    const type = mustDs(ctx, n).type;
    if (type === "snapshot") {
      for (const clone of clonesOf(ctx, n)) visit(clone);
      return;
    }
    for (const child of childrenOf(ctx, n)) visit(child);
    for (const snap of snapshotsOf(ctx, n)) visit(snap);
  };
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    walk(n);
    result.push(n);
  };
  walk(name);
  return result;
}

/** True when `candidate` is `target` itself or below it (`t/...` or `t@...`). */
export function isDirectDescendant(target: string, candidate: string): boolean {
  return candidate.startsWith(target) && (candidate[target.length] === "/" || candidate[target.length] === "@");
}

/** Removes an unmounted dataset or snapshot: its record, its files and (for file systems) its mount point. */
export function removeDataset(ctx: ZfsCtx, name: string): void {
  const rec = mustDs(ctx, name);
  if (rec.type === "snapshot") {
    rmSync(snapshotDir(ctx, name), { recursive: true, force: true });
    const head = ctx.disk.datasets[parentOf(name)!];
    if (head) head.snapshotsChanged = ctx.now;
  } else {
    // remove_mountpoint (libzfs_mount.c): the directory goes only when the mountpoint is the default or
    // inherited; one set on the dataset itself stays, as the administrator made it.
    const own = lookupChain(ctx, name, "mountpoint", true)?.setpoint === name;
    const mp = rec.type === "filesystem" && !own ? mountpointPath(ctx, name) : "";
    if (!isMounted(ctx, name)) rmSync(contentDir(ctx, name), { recursive: true, force: true });
    // A partial `zfs receive -s` (zfs/recv-state.ts) goes with its file system.
    if (rec.recv) rmSync(join(ctx.paths.stash, rec.recv.stage), { recursive: true, force: true });
    removeMountpoint(ctx, mp);
  }
  const origin = rec.origin ? nameOfGuid(ctx, rec.origin) : undefined;
  delete ctx.disk.datasets[name];
  touch(ctx);
  // A snapshot whose destruction was deferred (zfs destroy -d) goes with its last clone, unless still held.
  if (origin && ctx.disk.datasets[origin]?.deferDestroy && clonesOf(ctx, origin).length === 0 && userrefs(ctx, origin) === 0) {
    removeDataset(ctx, origin);
  }
}

/** The number of user holds on a snapshot (`userrefs`). */
export function userrefs(ctx: ZfsCtx, snap: string): number {
  return Object.keys(ctx.disk.datasets[snap]?.holds ?? {}).length;
}

/**
 * Destroys snapshots all or nothing, as lzc_destroy_snaps does (dsl_destroy_snapshots_nvl checks every
 * snapshot first, dsl_destroy_snapshot_check_impl: a held one is EBUSY, a cloned one EEXIST, unless
 * deferred). With `defer`, a held or cloned snapshot is marked defer_destroy instead; it goes with its
 * last hold or clone (dsl_destroy_snapshot_sync). The messages are zfs_destroy_snaps_nvl's.
 */
export function destroySnapshotBatch(ctx: ZfsCtx, snaps: readonly string[], defer: boolean): boolean {
  const failures: string[] = [];
  for (const snap of snaps) {
    if (!ctx.disk.datasets[snap] || defer) continue;
    // EBUSY reaches zfs_standard_error through errno ("dataset is busy"); EEXIST has its own text.
    if (userrefs(ctx, snap) > 0) failures.push(`cannot destroy snapshot ${snap}: dataset is busy`);
    else if (clonesOf(ctx, snap).length > 0) failures.push(`cannot destroy snapshot ${snap}: snapshot is cloned`);
  }
  if (failures.length > 0) {
    for (const line of failures) err(ctx, line);
    return false;
  }
  for (const snap of snaps) {
    const rec = ctx.disk.datasets[snap];
    if (!rec) continue;
    if (defer && (userrefs(ctx, snap) > 0 || clonesOf(ctx, snap).length > 0)) {
      rec.deferDestroy = true;
      ctx.dirtyDisk = true;
      continue;
    }
    removeDataset(ctx, snap);
  }
  return true;
}
