// File contents of datasets: snapshots keep a copy of their file system's directory, clones start
// from that copy and rollback puts it back. Other mounts nested inside a file system are left alone.

import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/** Copies a directory tree, leaving out what lies inside the excluded (nested mount) directories. */
export function copyTree(src: string, dst: string, excludes: string[]): void {
  mkdirSync(dst, { recursive: true });
  if (!existsSync(src)) return;
  cpSync(src, dst, {
    recursive: true,
    force: true,
    preserveTimestamps: true,
    verbatimSymlinks: true,
    filter: (path) => !excludes.some((e) => path.startsWith(`${e}/`)),
  });
}

/** Empties a directory except for the kept paths (nested mounts) and the directories leading to them. */
export function clearTree(dir: string, keep: string[]): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (keep.includes(path)) continue;
    const leadsToKept = keep.some((k) => k.startsWith(`${path}/`));
    if (leadsToKept && statSync(path).isDirectory()) clearTree(path, keep);
    else rmSync(path, { recursive: true, force: true });
  }
}

/** Replaces a directory's contents with a snapshot copy (zfs rollback). */
export function restoreTree(dir: string, from: string, keep: string[]): void {
  clearTree(dir, keep);
  copyTree(from, dir, keep);
}
