// Opening datasets by name or mounted path, with libzfs' error lines (zfs_open, zfs_path_to_zhandle).

import { existsSync } from "node:fs";
import { err, nameOfGuid, type ZfsCtx } from "./context.ts";
import { T_FS, typeBit } from "./prop-table.ts";
import { validateName } from "./names.ts";
import { hostPath } from "../core/paths.ts";

/** zfs_open: the dataset name when it exists with an allowed type, else prints the error and returns undefined. */
export function openDataset(ctx: ZfsCtx, name: string, typeMask: number): string | undefined {
  const bad = validateName(name, typeMask, false);
  if (bad) {
    err(ctx, `cannot open '${name}': ${bad}`);
    return undefined;
  }
  const rec = ctx.disk.datasets[name];
  if (!rec) {
    err(ctx, `cannot open '${name}': dataset does not exist`);
    return undefined;
  }
  if (!(typeBit(rec.type) & typeMask)) {
    err(ctx, `cannot open '${name}': operation not applicable to datasets of this type`);
    return undefined;
  }
  return name;
}

/** zfs_path_to_zhandle: names open as datasets; `/path` and `./path` resolve to the file system mounted there. */
export function openArg(ctx: ZfsCtx, arg: string, typeMask: number): string | undefined {
  if (!arg.startsWith("/") && !arg.startsWith("./")) return openDataset(ctx, arg, typeMask);
  const abs = arg.startsWith("./") ? `/root/${arg.slice(2)}` : arg;
  if (!existsSync(hostPath(ctx.paths, abs))) {
    err(ctx, `cannot open '${arg}': No such file or directory`);
    return undefined;
  }
  const mount = mountContaining(ctx, abs);
  if (!mount || mount.fstype !== "zfs") {
    err(ctx, `'${arg}': not a ZFS filesystem`);
    return undefined;
  }
  return openDataset(ctx, mount.special, T_FS);
}

/** The mount (ZFS or other) whose mount point is the deepest prefix of a path. */
export function mountContaining(ctx: ZfsCtx, path: string): { fstype: string; special: string; path: string } | undefined {
  let best: { fstype: string; special: string; path: string } | undefined;
  const consider = (m: { fstype: string; special: string; path: string }): void => {
    const inside = m.path === "/" || path === m.path || path.startsWith(m.path + "/");
    if (inside && (!best || m.path.length > best.path.length)) best = m;
  };
  for (const [guid, mp] of Object.entries(ctx.kernel.zfsMounts)) {
    const special = nameOfGuid(ctx, guid);
    if (special) consider({ fstype: "zfs", special, path: mp });
  }
  for (const m of ctx.kernel.mounts) consider(m);
  return best;
}

/** True when a dataset exists with one of the types in the mask. */
export function exists(ctx: ZfsCtx, name: string, typeMask: number): boolean {
  const rec = ctx.disk.datasets[name];
  return rec !== undefined && (typeBit(rec.type) & typeMask) !== 0;
}
