// Loading and saving the model under the state lock. Writes go to a temp file renamed into place,
// so a reader never sees half a file.

import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import type { DiskState, KernelState } from "./types.ts";
import { SANDBOX_STATE, statePaths, type StatePaths } from "./paths.ts";

const FLOCK = "/usr/bin/flock";

/** Takes flock(2) on the lock file and returns the fd holding it (released by closeLock or exit). */
export function acquireLock(lockFile: string, shared: boolean): number {
  const fd = openSync(lockFile, "a");
  // flock(1) locks the open file description we pass as its fd 3; the lock stays with our fd.
  const res = spawnSync(FLOCK, [shared ? "-s" : "-x", "3"], { stdio: ["ignore", "ignore", "inherit", fd] });
  if (res.status !== 0) {
    closeSync(fd);
    throw new Error(`flock ${lockFile} failed: ${res.error?.message ?? `status ${res.status}`}`);
  }
  return fd;
}

/** Releases a lock taken by acquireLock. */
export function releaseLock(fd: number): void {
  closeSync(fd);
}

/** Runs fn while holding the state lock. */
export function withLock<T>(paths: StatePaths, shared: boolean, fn: () => T): T {
  const fd = acquireLock(paths.lock, shared);
  try {
    return fn();
  } finally {
    releaseLock(fd);
  }
}

/** Reads the persistent model. */
export function loadDisk(paths: StatePaths): DiskState {
  const disk = JSON.parse(readFileSync(paths.disk, "utf8")) as DiskState;
  loadedRelease = disk.host.osrelease;
  return disk;
}

let loadedRelease: string | undefined;

/**
 * The release of the host this process works on: the last model loaded, else (a tool that has not
 * loaded it yet, inside the sandbox) the one at SANDBOX_STATE; undefined when there is none.
 */
export function hostRelease(): string | undefined {
  if (loadedRelease === undefined) {
    const disk = statePaths(SANDBOX_STATE).disk;
    if (existsSync(disk)) loadedRelease = (JSON.parse(readFileSync(disk, "utf8")) as DiskState).host.osrelease;
  }
  return loadedRelease;
}

/** Reads the runtime model, or an empty one when the host has just booted. */
export function loadKernel(paths: StatePaths): KernelState {
  if (!existsSync(paths.kernel)) return emptyKernel();
  return JSON.parse(readFileSync(paths.kernel, "utf8")) as KernelState;
}

/** A kernel state with nothing mounted or running. */
export function emptyKernel(): KernelState {
  return { version: 1, bootTime: Math.floor(Date.now() / 1000), zfsMounts: {}, mounts: [] };
}

/** Atomically replaces the persistent model. */
export function saveDisk(paths: StatePaths, disk: DiskState): void {
  writeAtomic(paths.disk, JSON.stringify(disk));
}

/** Atomically replaces the runtime model. */
export function saveKernel(paths: StatePaths, kernel: KernelState): void {
  writeAtomic(paths.kernel, JSON.stringify(kernel));
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Advances the host's txg counter like a pool syncing every 5 seconds, and returns the new txg. */
export function nextTxg(disk: DiskState, nowSeconds: number): number {
  const idle = Math.max(0, Math.floor((nowSeconds - disk.txgTime) / 5));
  disk.txg += 1 + idle;
  disk.txgTime = nowSeconds;
  return disk.txg;
}

/** A random 64-bit identifier in decimal, as zfs prints guids. */
export function randomGuid(): string {
  const hi = BigInt(Math.floor(Math.random() * 2 ** 32));
  const lo = BigInt(Math.floor(Math.random() * 2 ** 32));
  const value = (hi << 32n) | lo;
  return (value === 0n ? 1n : value).toString();
}
