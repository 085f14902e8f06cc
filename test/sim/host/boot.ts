// Boot and reboot. The kernel mounts the boot environment at /, devfs on /dev and reads the loader
// tunables; then /etc/rc runs the rc.d scripts in rcorder(8) order (BOOT_STEPS): zfs mounts every
// file system `zfs mount -a` would, hostname, netif, rctl, and late in the boot jail. Steps of kind
// "model" change the model under the state lock; "host" steps run commands on the host (rc.d/jail
// runs jail(8), which takes the lock itself), so the lock is free while they run. Reboot unmounts
// everything, drops the kernel state (db/kernel.json) and boots.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { statePaths } from "../core/paths.ts";
import { emptyKernel, loadDisk, loadKernel, saveKernel, withLock } from "../core/store.ts";
import { makeCtx, nameOfGuid, touchKernel, type ZfsCtx } from "../zfs/context.ts";
import { isAutoMountable, mountDataset, unmountDataset } from "../zfs/mount.ts";
import { mountpointPath } from "../zfs/prop-get.ts";
import { configuredHostname } from "./rootfs.ts";
import { applyRacctTunable, rctlStart } from "../rctl/rc-rctl.ts";
import { startNetwork } from "../net/host-net.ts";
import { runJailRc } from "../jail/boot-rc.ts";
import { rcorder, type RcStep } from "./rc-order.ts";

/** What a boot step does: on the model under the lock, or as commands on the host with the lock free. */
export type BootRun = { kind: "model"; run(ctx: ZfsCtx): void } | { kind: "host"; run(stateDir: string): void };

const model = (run: (ctx: ZfsCtx) => void): BootRun => ({ kind: "model", run });

/** The rc.d scripts of the boot with their 14.3 headers (libexec/rc/rc.d/*), in the /etc/rc.d/* glob's order. */
export const BOOT_STEPS: readonly RcStep<BootRun>[] = [
  { name: "DAEMON", require: ["NETWORKING", "SERVERS"] },
  { name: "FILESYSTEMS", require: ["root", "mountcritlocal", "cleanvar", "tmp"] },
  { name: "LOGIN", require: ["DAEMON"] },
  { name: "NETWORKING", require: ["netif", "netwait", "netoptions", "routing", "ppp", "ipfw", "stf"] },
  { name: "hostname", require: ["FILESYSTEMS"], before: ["netif"], run: model(setHostname) },
  { name: "jail", require: ["LOGIN", "FILESYSTEMS"], before: ["securelevel"], run: { kind: "host", run: runJailRc } },
  { name: "netif", require: ["FILESYSTEMS", "iovctl", "serial", "sppp", "sysctl", "hostid"], run: model((ctx) => void startNetwork(ctx)) },
  { name: "rctl", require: ["FILESYSTEMS"], before: ["LOGIN"], run: model((ctx) => rctlStart(ctx.paths, ctx.kernel)) },
  { name: "zfs", require: ["zfsbe"], before: ["FILESYSTEMS", "tmp", "var"], run: model(mountAll) },
];

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

/** The kernel's part: the root file system, devfs, the loader tunables. */
function kernelBoot(ctx: ZfsCtx): void {
  for (const pool of Object.values(ctx.disk.pools)) {
    const bootfs = pool.props["bootfs"];
    const rec = bootfs ? ctx.disk.datasets[bootfs] : undefined;
    if (rec && mountpointPath(ctx, bootfs!) === "/") ctx.kernel.zfsMounts[rec.guid] = "/";
  }
  ctx.kernel.mounts.push({ fstype: "devfs", special: "devfs", path: "/dev" });
  const tunables = readTunables(ctx);
  if (Object.keys(tunables).length) ctx.kernel.sysctls = { ...(ctx.kernel.sysctls ?? {}), ...tunables };
  applyRacctTunable(ctx.kernel);
  touchKernel(ctx);
}

/** rc.d/hostname: kern.hostname from rc.conf. */
function setHostname(ctx: ZfsCtx): void {
  ctx.kernel.hostname = configuredHostname(ctx.paths);
  touchKernel(ctx);
}

/** rc.d/zfs: `zfs mount -va`, parents first. */
function mountAll(ctx: ZfsCtx): void {
  const names = Object.keys(ctx.disk.datasets).filter((n) => !n.includes("@") && isAutoMountable(ctx, n));
  names.sort((a, b) => mountpointPath(ctx, a).length - mountpointPath(ctx, b).length || (a < b ? -1 : 1));
  for (const name of names) {
    if (ctx.kernel.zfsMounts[ctx.disk.datasets[name]!.guid] !== undefined) continue;
    const e = mountDataset(ctx, name);
    if (e) ctx.io.err.push(e + "\n");
  }
}

/** Boots an empty kernel state held in ctx (the caller holds the lock): the kernel's part, then the
 * rc.d steps up to the first that runs on the host. Returns the steps left for bootRest. */
export function bootModel(ctx: ZfsCtx): RcStep<BootRun>[] {
  kernelBoot(ctx);
  const steps = rcorder(BOOT_STEPS).filter((s) => s.run);
  while (steps.length > 0) {
    const run = steps[0]!.run;
    if (run?.kind !== "model") break;
    steps.shift();
    run.run(ctx);
  }
  return steps;
}

/** Runs the remaining boot steps with the lock free: host steps as they are, model steps each under the lock. */
export function bootRest(stateDir: string, steps: RcStep<BootRun>[]): string {
  const paths = statePaths(stateDir);
  let errors = "";
  for (const { run } of steps) {
    if (run?.kind === "host") run.run(stateDir);
    else if (run?.kind === "model") {
      errors += withLock(paths, false, () => {
        const kernel = loadKernel(paths);
        const ctx = makeCtx(paths, loadDisk(paths), kernel, Math.floor(Date.now() / 1000));
        run.run(ctx);
        saveKernel(paths, kernel);
        return ctx.io.err.join("");
      });
    }
  }
  return errors;
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
  const { errors, rest } = withLock(paths, false, () => {
    const disk = loadDisk(paths);
    const now = Math.floor(Date.now() / 1000);
    const old = makeCtx(paths, disk, loadKernel(paths), now);
    unmountAll(old);
    const ctx = makeCtx(paths, disk, emptyKernel(), now);
    const left = bootModel(ctx);
    saveKernel(paths, ctx.kernel);
    return { errors: ctx.io.err.join(""), rest: left };
  });
  return errors + bootRest(stateDir, rest);
}
