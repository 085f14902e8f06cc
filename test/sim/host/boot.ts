// Boot and reboot. Boot mounts the boot environment at /, devfs on /dev, then every file system
// `zfs mount -a` would mount (canmount=on, a path mountpoint, not jailed), parents first, and reads
// loader tunables. Reboot unmounts everything, drops the kernel state (db/kernel.json) and boots.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { statePaths } from "../core/paths.ts";
import { emptyKernel, loadDisk, loadKernel, saveKernel, withLock } from "../core/store.ts";
import { makeCtx, nameOfGuid, touchKernel, type ZfsCtx } from "../zfs/context.ts";
import { isAutoMountable, mountDataset, unmountDataset } from "../zfs/mount.ts";
import { mountpointPath } from "../zfs/prop-get.ts";
import { configuredHostname } from "./rootfs.ts";
import { rctlBoot } from "../rctl/rc-rctl.ts";
import { startNetwork } from "../net/host-net.ts";
import { runJailRc } from "../jail/boot-rc.ts";

/** Loader tunables the kernel reads at boot (from /boot/loader.conf). */
const TUNABLES = ["kern.racct.enable"];

function readTunables(ctx: ZfsCtx): Record<string, string> {
  const file = join(ctx.paths.root, "boot/loader.conf");
  const found: Record<string, string> = {};
  if (!existsSync(file)) return found;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*([\w.]+)\s*=\s*"?([^"#\s]*)"?/.exec(line);
    if (m && TUNABLES.includes(m[1]!)) found[m[1]!] = m[2]!;
  }
  return found;
}

/** Mounts the root and all auto-mountable file systems into an empty kernel state. */
export function bootMounts(ctx: ZfsCtx): void {
  for (const pool of Object.values(ctx.disk.pools)) {
    const bootfs = pool.props["bootfs"];
    const rec = bootfs ? ctx.disk.datasets[bootfs] : undefined;
    if (rec && mountpointPath(ctx, bootfs!) === "/") ctx.kernel.zfsMounts[rec.guid] = "/";
  }
  ctx.kernel.mounts.push({ fstype: "devfs", special: "devfs", path: "/dev" });
  ctx.kernel.hostname = configuredHostname(ctx.paths);
  const tunables = readTunables(ctx);
  if (Object.keys(tunables).length) ctx.kernel.sysctls = { ...(ctx.kernel.sysctls ?? {}), ...tunables };
  touchKernel(ctx);
  const names = Object.keys(ctx.disk.datasets).filter((n) => !n.includes("@") && isAutoMountable(ctx, n));
  names.sort((a, b) => mountpointPath(ctx, a).length - mountpointPath(ctx, b).length || (a < b ? -1 : 1));
  for (const name of names) {
    if (ctx.kernel.zfsMounts[ctx.disk.datasets[name]!.guid] !== undefined) continue;
    const e = mountDataset(ctx, name);
    if (e) ctx.io.err.push(e + "\n");
  }
  // rc.d/rctl runs after FILESYSTEMS; the racct tunable was read by the kernel long before.
  rctlBoot(ctx.paths, ctx.kernel);
  // rc.d/netif: the host's interfaces configured from rc.conf (test/sim/net/netif.ts).
  startNetwork(ctx);
}

/** Unmounts every file system but the root, deepest first, dropping other mounts first. */
export function unmountAll(ctx: ZfsCtx): void {
  ctx.kernel.mounts = [];
  const mounted = Object.entries(ctx.kernel.zfsMounts)
    .filter(([, mp]) => mp !== "/")
    .sort(([, a], [, b]) => b.length - a.length);
  for (const [guid] of mounted) {
    const name = nameOfGuid(ctx, guid);
    if (name) unmountDataset(ctx, name);
    else delete ctx.kernel.zfsMounts[guid];
  }
  touchKernel(ctx);
}

/** Reboots a host: everything unmounted, the kernel state replaced by a freshly booted one. */
export function rebootHost(stateDir: string): string {
  const paths = statePaths(stateDir);
  const errors = withLock(paths, false, () => {
    const disk = loadDisk(paths);
    const now = Math.floor(Date.now() / 1000);
    const old = makeCtx(paths, disk, loadKernel(paths), now);
    unmountAll(old);
    const ctx = makeCtx(paths, disk, emptyKernel(), now);
    bootMounts(ctx);
    saveKernel(paths, ctx.kernel);
    return ctx.io.err.join("");
  });
  // rc.d/jail starts jails late in the boot, with the lock free so jail(8) and its commands can take it.
  runJailRc(stateDir);
  return errors;
}
