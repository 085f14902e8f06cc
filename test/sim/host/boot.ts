// What the kernel mounts at boot: the boot environment at /, devfs on /dev, then every file system
// `zfs mount -a` would mount (canmount=on, a path mountpoint, not jailed), parents first.

import type { ZfsCtx } from "../zfs/context.ts";
import { isAutoMountable, mountDataset } from "../zfs/mount.ts";
import { mountpointPath } from "../zfs/prop-get.ts";
import { touchKernel } from "../zfs/context.ts";

/** Mounts the root and all auto-mountable file systems into an empty kernel state. */
export function bootMounts(ctx: ZfsCtx): void {
  for (const pool of Object.values(ctx.disk.pools)) {
    const bootfs = pool.props["bootfs"];
    const rec = bootfs ? ctx.disk.datasets[bootfs] : undefined;
    if (rec && mountpointPath(ctx, bootfs!) === "/") ctx.kernel.zfsMounts[rec.guid] = "/";
  }
  ctx.kernel.mounts.push({ fstype: "devfs", special: "devfs", path: "/dev" });
  touchKernel(ctx);
  const names = Object.keys(ctx.disk.datasets).filter((n) => !n.includes("@") && isAutoMountable(ctx, n));
  names.sort((a, b) => mountpointPath(ctx, a).length - mountpointPath(ctx, b).length || (a < b ? -1 : 1));
  for (const name of names) {
    if (ctx.kernel.zfsMounts[ctx.disk.datasets[name]!.guid] !== undefined) continue;
    const e = mountDataset(ctx, name);
    if (e) ctx.io.err.push(e + "\n");
  }
}
