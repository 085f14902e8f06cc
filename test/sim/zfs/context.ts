// The state a zfs/zpool invocation works on, and the derived name index over the datasets.

import type { DatasetRecord, DiskState, KernelState } from "../core/types.ts";
import type { StatePaths } from "../core/paths.ts";

export interface Io {
  out: string[];
  err: string[];
}

export interface ZfsCtx {
  paths: StatePaths;
  disk: DiskState;
  kernel: KernelState;
  io: Io;
  now: number;
  dirtyDisk: boolean;
  dirtyKernel: boolean;
  /** Derived data, dropped whenever the dataset set changes (see touch()). */
  index?: NameIndex;
  memo: Map<string, unknown>;
}

export interface NameIndex {
  children: Map<string, string[]>;
  snapshots: Map<string, string[]>;
  byGuid: Map<string, string>;
  clones: Map<string, string[]>;
}

/** Thrown to end a command with an exit status (usage errors exit 2 from deep inside parsers). */
export class ExitError extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** Creates a context over loaded state. */
export function makeCtx(paths: StatePaths, disk: DiskState, kernel: KernelState, now: number): ZfsCtx {
  return { paths, disk, kernel, io: { out: [], err: [] }, now, dirtyDisk: false, dirtyKernel: false, memo: new Map() };
}

/** Writes a line to stdout. */
export function out(ctx: ZfsCtx, line: string): void {
  ctx.io.out.push(line + "\n");
}

/** Writes a line to stderr. */
export function err(ctx: ZfsCtx, line: string): void {
  ctx.io.err.push(line + "\n");
}

/** Marks the disk model changed and drops derived data. */
export function touch(ctx: ZfsCtx): void {
  ctx.dirtyDisk = true;
  ctx.index = undefined;
  ctx.memo.clear();
}

/** Marks the kernel model changed. */
export function touchKernel(ctx: ZfsCtx): void {
  ctx.dirtyKernel = true;
  ctx.memo.clear();
}

/** The dataset record of a name, if it exists. */
export function ds(ctx: ZfsCtx, name: string): DatasetRecord | undefined {
  return ctx.disk.datasets[name];
}

/** Returns the dataset record of a name known to exist. */
export function mustDs(ctx: ZfsCtx, name: string): DatasetRecord {
  const rec = ctx.disk.datasets[name];
  if (!rec) throw new Error(`dataset ${name} missing from the model`);
  return rec;
}

/** Parent file system of a dataset (`a/b` -> `a`), the head of a snapshot, or undefined for a pool root. */
export function parentOf(name: string): string | undefined {
  const at = name.indexOf("@");
  if (at >= 0) return name.slice(0, at);
  const slash = name.lastIndexOf("/");
  return slash < 0 ? undefined : name.slice(0, slash);
}

/** Pool part of a dataset name. */
export function poolOf(name: string): string {
  const end = name.search(/[/@#]/);
  return end < 0 ? name : name.slice(0, end);
}

/** The index of children, snapshots, guids and clones. */
export function index(ctx: ZfsCtx): NameIndex {
  if (ctx.index) return ctx.index;
  const idx: NameIndex = { children: new Map(), snapshots: new Map(), byGuid: new Map(), clones: new Map() };
  const names = Object.keys(ctx.disk.datasets);
  for (const name of names) {
    const rec = ctx.disk.datasets[name]!;
    idx.byGuid.set(rec.guid, name);
    const parent = parentOf(name);
    if (parent === undefined) continue;
    const map = rec.type === "snapshot" ? idx.snapshots : idx.children;
    const list = map.get(parent);
    if (list) list.push(name);
    else map.set(parent, [name]);
  }
  for (const list of idx.children.values()) list.sort(compareNames);
  for (const list of idx.snapshots.values()) list.sort((a, b) => txgOf(ctx, a) - txgOf(ctx, b));
  for (const name of names) {
    const origin = ctx.disk.datasets[name]!.origin;
    if (!origin) continue;
    const list = idx.clones.get(origin);
    if (list) list.push(name);
    else idx.clones.set(origin, [name]);
  }
  for (const list of idx.clones.values()) list.sort((a, b) => txgOf(ctx, a) - txgOf(ctx, b));
  ctx.index = idx;
  return idx;
}

function txgOf(ctx: ZfsCtx, name: string): number {
  return ctx.disk.datasets[name]?.createtxg ?? 0;
}

/** strcmp order, which is how libzfs sorts names. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Direct child file systems and volumes. */
export function childrenOf(ctx: ZfsCtx, name: string): string[] {
  return index(ctx).children.get(name) ?? [];
}

/** Snapshots of a dataset, oldest first. */
export function snapshotsOf(ctx: ZfsCtx, name: string): string[] {
  return index(ctx).snapshots.get(name) ?? [];
}

/** Datasets cloned from a snapshot, oldest first. */
export function clonesOf(ctx: ZfsCtx, snapName: string): string[] {
  const rec = ctx.disk.datasets[snapName];
  return rec ? index(ctx).clones.get(rec.guid) ?? [] : [];
}

/** Name of the dataset with a guid. */
export function nameOfGuid(ctx: ZfsCtx, guid: string): string | undefined {
  return index(ctx).byGuid.get(guid);
}

/** All file systems and volumes below a dataset, depth first in name order. */
export function descendantsOf(ctx: ZfsCtx, name: string): string[] {
  const outList: string[] = [];
  const walk = (n: string): void => {
    for (const child of childrenOf(ctx, n)) {
      outList.push(child);
      walk(child);
    }
  };
  walk(name);
  return outList;
}

/** Memoises a derived value for the lifetime of the current model version. */
export function memo<T>(ctx: ZfsCtx, key: string, compute: () => T): T {
  if (ctx.memo.has(key)) return ctx.memo.get(key) as T;
  const value = compute();
  ctx.memo.set(key, value);
  return value;
}
