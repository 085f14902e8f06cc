// Bulk set-up for tests and benchmarks: creates many file systems in one locked model update,
// exactly as a series of `zfs create -p` would leave them (records, properties, mounts).

import { statePaths } from "../core/paths.ts";
import { loadDisk, loadKernel, saveDisk, saveKernel, withLock } from "../core/store.ts";
import { makeCtx } from "../zfs/context.ts";
import { createAncestors, createDataset } from "../zfs/cmd-create.ts";
import { isAutoMountable, mountDataset } from "../zfs/mount.ts";

/** Creates file systems (and missing parents) with optional local properties; returns any error output. */
export function seedFilesystems(stateDir: string, names: string[], props: Record<string, string> = {}): string {
  const paths = statePaths(stateDir);
  return withLock(paths, false, () => {
    const ctx = makeCtx(paths, loadDisk(paths), loadKernel(paths), Math.floor(Date.now() / 1000));
    for (const name of names) {
      if (ctx.disk.datasets[name]) continue;
      if (!createAncestors(ctx, name)) break;
      createDataset(ctx, name, "filesystem", { native: new Map(Object.entries(props)), user: new Map() });
      if (isAutoMountable(ctx, name)) {
        const e = mountDataset(ctx, name);
        if (e) ctx.io.err.push(e + "\n");
      }
    }
    saveDisk(paths, ctx.disk);
    saveKernel(paths, ctx.kernel);
    return ctx.io.err.join("");
  });
}
