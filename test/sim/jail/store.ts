// Short critical sections over the model for tools that run other programs (jail, jexec, service):
// the state lock is held only while the kernel model is read or changed, never while a command runs,
// so the commands themselves can run simulated tools (zfs jail, jls, ifconfig).

import { statePaths, type StatePaths } from "../core/paths.ts";
import { acquireLock, loadDisk, loadKernel, releaseLock, saveKernel } from "../core/store.ts";
import type { DiskState, KernelState } from "../core/types.ts";

/** The state directory as the sandbox sees it, with its derived paths. */
export function pathsOf(stateDir: string): StatePaths {
  return statePaths(stateDir);
}

/** Runs fn on the model under the lock (shared for reads); a writer saves the kernel model after it. */
export function withModel<T>(paths: StatePaths, write: boolean,
  fn: (disk: DiskState, kernel: KernelState) => T): T {
  const fd = acquireLock(paths.lock, !write);
  try {
    const disk = loadDisk(paths);
    const kernel = loadKernel(paths);
    const result = fn(disk, kernel);
    if (write) saveKernel(paths, kernel);
    return result;
  } finally {
    releaseLock(fd);
  }
}
