// What a file system or snapshot holds (its tree and synthetic extents), and the `written` property
// of a file system: bytes written since its most recent snapshot. The simulator's files are plain
// directories that anyone writes to, so `written` is measured: the tree against the snapshot's copy.
// A receive into a file system written to since its most recent snapshot is refused without -F
// (dmu_recv.c recv_begin_check_existing_impl: ETXTBSY).

import { memo, mustDs, nameOfGuid, parentOf, snapshotsOf, type ZfsCtx } from "./context.ts";
import { fillTotal } from "./fill.ts";
import { contentDir, nestedMountDirs, snapshotDir } from "./mount.ts";
import { changedBytes, listTree, type Content } from "./stream-objects.ts";

/** The content of a file system (its mounted or stashed directory) or of a snapshot (its frozen copy). */
export function contentOf(ctx: ZfsCtx, name: string): Content {
  const rec = mustDs(ctx, name);
  const fill = rec.fill ?? [];
  if (rec.type === "snapshot") {
    const head = mustDs(ctx, parentOf(name)!);
    return { tree: head.type === "filesystem" ? listTree(snapshotDir(ctx, name)) : [], fill };
  }
  return { tree: rec.type === "filesystem" ? listTree(contentDir(ctx, name), nestedMountDirs(ctx, name)) : [], fill };
}

/** The most recent snapshot of a file system or volume. */
export function latestSnapshot(ctx: ZfsCtx, name: string): string | undefined {
  const snaps = snapshotsOf(ctx, name);
  return snaps[snaps.length - 1];
}

/** Bytes written to a file system or volume since its most recent snapshot (a snapshot's own `written` as recorded). */
export function writtenOf(ctx: ZfsCtx, name: string): number {
  const rec = mustDs(ctx, name);
  if (rec.type === "snapshot") return rec.written;
  return memo(ctx, `written:${name}`, () => {
    // The previous snapshot: the most recent one, or for a clone without any, its origin.
    const latest = latestSnapshot(ctx, name) ?? (rec.origin ? nameOfGuid(ctx, rec.origin) : undefined);
    if (!latest) return rec.written + fillTotal(rec.fill);
    return rec.written + changedBytes(contentOf(ctx, latest), contentOf(ctx, name));
  });
}
