// Mounting as directory moves. Choice: a mounted file system's contents are a plain directory at its
// mount point under STATE/root; unmounting renames that directory to STATE/stash/<guid> (and a mount
// puts it back), so files survive unmount/rename/remount and `mounted` is true exactly when the
// kernel's mount table (kernel.json zfsMounts) has the dataset. A directory hidden by a mount is kept
// in STATE/stash/under-<guid> and restored at unmount. Renames are O(1), so 1,000 datasets stay cheap.

import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { mustDs, nameOfGuid, touchKernel, type ZfsCtx } from "./context.ts";
import { getNative, mountpointPath } from "./prop-get.ts";
import { prop } from "./prop-table.ts";
import { hostPath } from "../core/paths.ts";

/** True when the file system is in the kernel's mount table. */
export function isMounted(ctx: ZfsCtx, name: string): boolean {
  return ctx.kernel.zfsMounts[mustDs(ctx, name).guid] !== undefined;
}

/** Where a mounted file system is mounted. */
export function mountedAt(ctx: ZfsCtx, name: string): string | undefined {
  return ctx.kernel.zfsMounts[mustDs(ctx, name).guid];
}

function propText(ctx: ZfsCtx, name: string, p: string): string {
  return getNative(ctx, name, prop(p), false)?.value ?? "";
}

/** zfs_is_mountable: a file system with a path mount point, canmount not off, not jailed. */
export function isMountable(ctx: ZfsCtx, name: string): boolean {
  if (mustDs(ctx, name).type !== "filesystem") return false;
  const mp = mountpointPath(ctx, name);
  if (!mp.startsWith("/")) return false;
  if (propText(ctx, name, "canmount") === "off") return false;
  return propText(ctx, name, "jailed") !== "on";
}

/** True when the file system would be mounted automatically (canmount=on), e.g. after create. */
export function isAutoMountable(ctx: ZfsCtx, name: string): boolean {
  return isMountable(ctx, name) && propText(ctx, name, "canmount") === "on";
}

function stashDir(ctx: ZfsCtx, guid: string): string {
  return join(ctx.paths.stash, guid);
}

function underDir(ctx: ZfsCtx, guid: string): string {
  return join(ctx.paths.stash, `under-${guid}`);
}

/** Mounts a file system at its mount point; returns an error line or undefined. */
export function mountDataset(ctx: ZfsCtx, name: string): string | undefined {
  const rec = mustDs(ctx, name);
  if (ctx.kernel.zfsMounts[rec.guid] !== undefined) return undefined;
  const mp = mountpointPath(ctx, name);
  const target = hostPath(ctx.paths, mp);
  const stash = stashDir(ctx, rec.guid);
  if (!existsSync(stash)) mkdirSync(stash, { recursive: true });
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) return `cannot mount '${mp}': failed to create mountpoint: File exists`;
    if (readdirSync(target).length > 0) {
      if (propText(ctx, name, "overlay") !== "on") return `cannot mount '${mp}': directory is not empty`;
      renameSync(target, underDir(ctx, rec.guid));
    } else {
      rmdirSync(target);
    }
  } else {
    mkdirSync(dirname(target), { recursive: true });
  }
  renameSync(stash, target);
  ctx.kernel.zfsMounts[rec.guid] = mp;
  touchKernel(ctx);
  return undefined;
}

/** Paths of all mounts (ZFS and other) strictly below a path. */
function mountsBelow(ctx: ZfsCtx, path: string, selfGuid: string): string[] {
  const prefix = path === "/" ? "/" : `${path}/`;
  const below: string[] = [];
  for (const [guid, mp] of Object.entries(ctx.kernel.zfsMounts)) {
    if (guid !== selfGuid && mp.startsWith(prefix)) below.push(mp);
  }
  for (const m of ctx.kernel.mounts) if (m.path.startsWith(prefix) || m.path === path) below.push(m.path);
  return below;
}

/** Unmounts a file system; returns the libzfs error line when it is busy. */
export function unmountDataset(ctx: ZfsCtx, name: string): string | undefined {
  const rec = mustDs(ctx, name);
  const mp = ctx.kernel.zfsMounts[rec.guid];
  if (mp === undefined) return undefined;
  if (mp === "/" || mountsBelow(ctx, mp, rec.guid).length > 0) {
    return `cannot unmount '${mp}': pool or dataset is busy`;
  }
  const target = hostPath(ctx.paths, mp);
  if (existsSync(target)) renameSync(target, stashDir(ctx, rec.guid));
  else mkdirSync(stashDir(ctx, rec.guid), { recursive: true });
  const under = underDir(ctx, rec.guid);
  if (existsSync(under)) renameSync(under, target);
  else mkdirSync(target, { recursive: true });
  delete ctx.kernel.zfsMounts[rec.guid];
  touchKernel(ctx);
  return undefined;
}

/** Removes an empty mount point directory left behind by a destroyed file system (remove_mountpoint). */
export function removeMountpoint(ctx: ZfsCtx, mp: string): void {
  if (mp === "/" || !mp.startsWith("/")) return;
  try {
    rmdirSync(hostPath(ctx.paths, mp));
  } catch {
    // Not empty or already gone: libzfs ignores this too.
  }
}

/** Real directory holding a dataset's files: its mount point when mounted, else its stash. */
export function contentDir(ctx: ZfsCtx, name: string): string {
  const rec = mustDs(ctx, name);
  const mp = ctx.kernel.zfsMounts[rec.guid];
  return mp !== undefined ? hostPath(ctx.paths, mp) : stashDir(ctx, rec.guid);
}

/** Real paths of other mounts nested inside a mounted dataset (excluded when copying its files). */
export function nestedMountDirs(ctx: ZfsCtx, name: string): string[] {
  const rec = mustDs(ctx, name);
  const mp = ctx.kernel.zfsMounts[rec.guid];
  if (mp === undefined) return [];
  return mountsBelow(ctx, mp, rec.guid).map((p) => hostPath(ctx.paths, p));
}

/** Directory holding a snapshot's frozen copy of its dataset's files. */
export function snapshotDir(ctx: ZfsCtx, snapName: string): string {
  return stashDir(ctx, mustDs(ctx, snapName).guid);
}

/** Name of the file system mounted at a path, if any. */
export function datasetMountedAt(ctx: ZfsCtx, path: string): string | undefined {
  for (const [guid, mp] of Object.entries(ctx.kernel.zfsMounts)) if (mp === path) return nameOfGuid(ctx, guid);
  return undefined;
}
