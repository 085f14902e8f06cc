// Creating a fresh host: pool zroot with bsdinstall's layout (plus optional extra pools), the root
// file system skeleton, and a booted kernel state with every canmount=on file system mounted.

import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { statePaths, type StatePaths } from "../core/paths.ts";
import { randomGuid, saveDisk, saveKernel, withLock } from "../core/store.ts";
import type { DatasetRecord, DiskState, HostInfo, KernelState, PoolRecord, PropValue } from "../core/types.ts";
import { makeCtx } from "../zfs/context.ts";
import { FEATURES } from "../zpool/props.ts";
import { writeRootfs, writeWrappers } from "./rootfs.ts";
import { bootModel, bootRest, type BootRun } from "./boot.ts";
import type { RcStep } from "./rc-order.ts";
import { buildToolCode } from "./code-cache.ts";
import { SIM_CODE_DIR } from "./sandbox.ts";
import { releaseFacts } from "../release/releases.ts";

export interface PoolSpec {
  name: string;
  /** Pool size in bytes (default 100G for zroot, 1T otherwise). */
  sizeBytes?: number;
  vdev?: string;
}

export interface InitOptions {
  hostname?: string;
  /** Extra pools besides zroot (each gets just its root file system). */
  pools?: PoolSpec[];
  ncpu?: number;
  physmem?: number;
  /** The release the host runs: `14.3-RELEASE` (default) or `15.0-RELEASE` (release/releases.ts). */
  release?: string;
}

const DAY = 86400;

/** bsdinstall's datasets: name, local properties, referenced bytes. */
const BSDINSTALL: [string, Record<string, PropValue>, number][] = [
  ["zroot", { mountpoint: "/zroot", compression: "lz4", atime: "off" }, 98304],
  ["zroot/ROOT", { mountpoint: "none" }, 98304],
  ["zroot/ROOT/default", { mountpoint: "/", canmount: "noauto" }, 1_342_177_280],
  ["zroot/home", { mountpoint: "/home" }, 131072],
  ["zroot/tmp", { mountpoint: "/tmp", exec: "on", setuid: "off" }, 163840],
  ["zroot/usr", { mountpoint: "/usr", canmount: "off" }, 98304],
  ["zroot/usr/ports", { setuid: "off" }, 98304],
  ["zroot/usr/src", {}, 98304],
  ["zroot/var", { mountpoint: "/var", canmount: "off" }, 98304],
  ["zroot/var/audit", { exec: "off", setuid: "off" }, 98304],
  ["zroot/var/crash", { exec: "off", setuid: "off" }, 98304],
  ["zroot/var/log", { exec: "off", setuid: "off" }, 241664],
  ["zroot/var/mail", { atime: "on" }, 98304],
  ["zroot/var/tmp", { setuid: "off" }, 98304],
];

function fsRecord(props: Record<string, PropValue>, refer: number, txg: number, creation: number, objsetid: number): DatasetRecord {
  return {
    type: "filesystem", guid: randomGuid(), createtxg: txg, creation, objsetid, props: { ...props }, user: {},
    zpl: { version: "5", utf8only: "off", normalization: "none", casesensitivity: "sensitive" },
    refer, logicalrefer: Math.round(refer * 0.45), written: refer,
  };
}

function poolRecord(name: string, sizeBytes: number, vdev: string, props: Record<string, string>): PoolRecord {
  return {
    name, guid: randomGuid(), sizeBytes, health: "ONLINE", ashift: 12, vdev, createTxg: 4, fragmentation: 0,
    props, features: Object.fromEntries(FEATURES),
  };
}

/** The persistent model of a freshly installed host. */
export function freshDisk(opts: InitOptions, now: number): DiskState {
  const release = opts.release ?? "14.3-RELEASE";
  const facts = releaseFacts(release);
  const host: HostInfo = {
    osrelease: release, osreldate: facts.osreldate, ncpu: opts.ncpu ?? 4, physmem: opts.physmem ?? 8_589_934_592,
    machine: "amd64", kernVersion: facts.kernVersion,
  };
  const installed = now - DAY;
  const disk: DiskState = { version: 1, host, txg: 0, txgTime: now, nextObjsetId: 54, pools: {}, datasets: {} };
  disk.pools["zroot"] = poolRecord("zroot", 107_374_182_400, "ada0p4", { bootfs: "zroot/ROOT/default" });
  BSDINSTALL.forEach(([name, props, refer], i) => {
    disk.datasets[name] = fsRecord(props, refer, i === 0 ? 1 : 7 + i, installed, i === 0 ? 54 : 128 + i * 129);
  });
  (opts.pools ?? []).forEach((spec, i) => {
    disk.pools[spec.name] = poolRecord(spec.name, spec.sizeBytes ?? 1_099_511_627_776, spec.vdev ?? `ada${i + 1}`, {});
    disk.datasets[spec.name] = fsRecord({}, 98304, 1, installed + 600, 54);
  });
  disk.txg = Math.floor(DAY / 5);
  disk.nextObjsetId = 4096;
  return disk;
}

/** Creates a host in an empty state directory; returns false when it already holds one. */
export function initHost(stateDir: string, opts: InitOptions = {}): boolean {
  const paths = statePaths(stateDir);
  for (const d of [paths.root, paths.stash, paths.db, paths.log]) mkdirSync(d, { recursive: true });
  writeWrappers(paths);
  buildToolCode(SIM_CODE_DIR, paths.lib);
  if (existsSync(paths.disk)) return false;
  const rest = withLock(paths, false, () => {
    if (existsSync(paths.disk)) return undefined;
    const now = Math.floor(Date.now() / 1000);
    writeRootfs(paths, opts.hostname ?? "freebsd", opts.release ?? "14.3-RELEASE");
    const disk = freshDisk(opts, now);
    const kernel: KernelState = { version: 1, bootTime: now, zfsMounts: {}, mounts: [] };
    const left = boot(paths, disk, kernel, now);
    for (const dir of ["tmp", "var/tmp"]) chmodSync(`${paths.root}/${dir}`, 0o1777);
    saveDisk(paths, disk);
    return left;
  });
  if (rest === undefined) return false;
  // The boot's last steps (rc.d/jail) run commands that take the lock themselves.
  bootRest(stateDir, rest);
  return true;
}

/** Boots the host up to its first step that runs on the host (see host/boot.ts); saves the kernel
 * state and returns the steps left to run once the lock is free. */
export function boot(paths: StatePaths, disk: DiskState, kernel: KernelState, now: number): RcStep<BootRun>[] {
  const ctx = makeCtx(paths, disk, kernel, now);
  const rest = bootModel(ctx);
  saveKernel(paths, kernel);
  return rest;
}
