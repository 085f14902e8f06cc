// What a snapshot stream carries: the objects of the snapshot's tree (a full stream), or only what
// changed since the incremental source (an incremental one: new and changed entries, freed paths,
// new and dropped extents of synthetic data). Entries compare by kind, size, mode, mtime and link
// target, the way a changed block is what an incremental stream sends.

import { existsSync, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { droppedExtents, newExtents, type FillExtent } from "./fill.ts";
import type { StreamObject } from "./stream.ts";

/** One entry of a file system's tree. */
export interface TreeEntry {
  kind: "d" | "f" | "l";
  path: string;
  mode: number;
  /** Modification time in whole milliseconds. */
  mtime: number;
  size: number;
  target: string;
}

/** A snapshot's (or a file system's) content: its tree and its synthetic extents. */
export interface Content {
  tree: TreeEntry[];
  fill: readonly FillExtent[];
}

/** Lists a directory tree in pre-order, names sorted, leaving out what lies inside excluded (mounted) directories. */
export function listTree(dir: string, excludes: readonly string[] = []): TreeEntry[] {
  const out: TreeEntry[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const p = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const mtime = Math.floor(st.mtimeMs);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out.push({ kind: "l", path: r, mode: 0o777, mtime, size: 0, target: readlinkSync(p) });
      else if (st.isDirectory()) {
        out.push({ kind: "d", path: r, mode, mtime, size: 0, target: "" });
        if (!excludes.includes(p)) walk(p, r);
      } else if (st.isFile()) out.push({ kind: "f", path: r, mode, mtime, size: st.size, target: "" });
    }
  };
  if (existsSync(dir)) walk(dir, "");
  return out;
}

/** Whether an entry is unchanged. Only files compare mtimes: copies (snapshots) keep no directory's or link's. */
function same(a: TreeEntry, b: TreeEntry): boolean {
  if (a.kind !== b.kind || a.mode !== b.mode || a.size !== b.size || a.target !== b.target) return false;
  // Times set through utimes(2) from a float may land a millisecond apart; a copied symlink is a new one.
  return a.kind !== "f" || Math.abs(a.mtime - b.mtime) <= 1;
}

/** The objects of a stream from `from` (undefined: a full stream) to `to`, numbered from 1. */
export function streamObjects(from: Content | undefined, to: Content): StreamObject[] {
  const before = new Map((from?.tree ?? []).map((e) => [e.path, e]));
  const after = new Map(to.tree.map((e) => [e.path, e]));
  type Unnumbered = StreamObject extends infer O ? (O extends StreamObject ? Omit<O, "id"> : never) : never;
  const objects: Unnumbered[] = [];
  // Freed first: a path gone, or whose kind changed (a file that became a directory), below no freed directory.
  const freed: string[] = [];
  for (const [path, e] of before) {
    const now = after.get(path);
    if (now && now.kind === e.kind) continue;
    if (freed.some((f) => path.startsWith(`${f}/`))) continue;
    freed.push(path);
    objects.push({ kind: "free", path });
  }
  for (const e of to.tree) {
    const was = before.get(e.path);
    if (was && same(was, e)) continue;
    if (e.kind === "d") objects.push({ kind: "d", path: e.path, mode: e.mode, mtime: e.mtime });
    else if (e.kind === "l") objects.push({ kind: "l", path: e.path, mtime: e.mtime, target: e.target });
    else objects.push({ kind: "f", path: e.path, mode: e.mode, mtime: e.mtime, size: e.size });
  }
  for (const seed of droppedExtents(from?.fill, to.fill)) objects.push({ kind: "unfill", seed });
  for (const e of newExtents(from?.fill, to.fill)) objects.push({ kind: "fill", seed: e.seed, size: e.bytes });
  return objects.map((o, i) => ({ ...o, id: i + 1 }) as StreamObject);
}

/** Bytes written to a file system since a snapshot of it: new and changed files, and 512 per other changed entry. */
export function changedBytes(snapshot: Content, now: Content): number {
  let bytes = 0;
  for (const o of streamObjects(snapshot, now)) {
    if (o.kind === "f") bytes += Math.max(512, Math.ceil(o.size / 512) * 512);
    else if (o.kind === "fill") bytes += o.size;
    else bytes += 512;
  }
  return bytes;
}
