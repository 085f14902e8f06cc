// zfs_for_each (cmd/zfs/zfs_iter.c): which datasets a list/get/set/inherit command visits, in the
// order libzfs' AVL tree sorts them (name, a dataset before its snapshots, snapshots by createtxg).

import { childrenOf, compareNames, mustDs, snapshotsOf, type ZfsCtx } from "./context.ts";
import { findProp, T_BOOKMARK, T_FS, T_SNAP, T_VOL, typeBit } from "./prop-table.ts";
import { getNative, getNumber, lookupUser } from "./prop-get.ts";
import { openArg, openDataset } from "./open.ts";

export interface SortCol {
  name: string;
  reverse: boolean;
}

export interface ForEachOpts {
  args: string[];
  recurse: boolean;
  /** -d: a depth limit (implies recurse). */
  depthLimit?: number;
  types: number;
  /** zfs list without -t: snapshots only when the pool has listsnapshots=on. */
  listsnapsProp?: boolean;
  argsCanBePaths?: boolean;
  sort?: SortCol[];
}

export interface ForEachResult {
  names: string[];
  ret: number;
}

/** Collects the datasets a command operates on, sorted as libzfs does. */
export function forEach(ctx: ZfsCtx, o: ForEachOpts): ForEachResult {
  const found = new Set<string>();
  let ret = 0;
  const limited = o.depthLimit !== undefined;
  const limit = o.depthLimit ?? 0;
  // zfs_iter_root (no arguments) always recurses.
  const recurse = o.recurse || limited || o.args.length === 0;
  let depth = 0;
  const includeSnaps = (name: string): boolean => {
    if (!o.listsnapsProp) return (o.types & T_SNAP) !== 0;
    return ctx.disk.pools[name.split(/[/@]/)[0]!]?.props["listsnapshots"] === "on";
  };
  const visit = (name: string): void => {
    const type = mustDs(ctx, name).type;
    const snaps = includeSnaps(name);
    if ((typeBit(type) & o.types) || (type === "snapshot" && snaps)) found.add(name);
    if (!recurse || (limited && depth >= limit)) return;
    depth++;
    if ((depth < limit || !limited || (o.types & (T_FS | T_VOL))) && type === "filesystem") {
      for (const child of childrenOf(ctx, name)) visit(child);
    }
    if (type !== "snapshot" && snaps) for (const snap of snapshotsOf(ctx, name)) visit(snap);
    depth--;
  };
  if (o.args.length === 0) {
    for (const pool of Object.keys(ctx.disk.pools).sort(compareNames)) if (ctx.disk.datasets[pool]) visit(pool);
  } else {
    let argtype = o.types;
    if (recurse) {
      argtype |= T_FS;
      if (o.types & (T_SNAP | T_BOOKMARK)) argtype |= T_VOL;
    }
    for (const arg of o.args) {
      const name = o.argsCanBePaths ? openArg(ctx, arg, argtype) : openDataset(ctx, arg, argtype);
      if (name === undefined) ret = 1;
      else visit(name);
    }
  }
  const names = [...found].sort((a, b) => compareSorted(ctx, a, b, o.sort ?? []));
  return { names, ret };
}

/** zfs_compare: by dataset name, a dataset before its snapshots, snapshots by createtxg. */
export function compareDatasets(ctx: ZfsCtx, a: string, b: string): number {
  const [la, sa] = splitAt(a);
  const [lb, sb] = splitAt(b);
  const c = compareNames(la, lb);
  if (c !== 0 || (sa === undefined && sb === undefined)) return c;
  if (sa === undefined) return -1;
  if (sb === undefined) return 1;
  const ta = mustDs(ctx, a).createtxg;
  const tb = mustDs(ctx, b).createtxg;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

function splitAt(name: string): [string, string | undefined] {
  const at = name.indexOf("@");
  return at < 0 ? [name, undefined] : [name.slice(0, at), name.slice(at + 1)];
}

function compareSorted(ctx: ZfsCtx, a: string, b: string, cols: SortCol[]): number {
  for (const col of cols) {
    const r = compareColumn(ctx, a, b, col.name);
    if (r === undefined) continue;
    if (r.bottom !== 0) return r.bottom;
    if (r.cmp !== 0) return col.reverse ? -r.cmp : r.cmp;
  }
  return compareDatasets(ctx, a, b);
}

function compareColumn(ctx: ZfsCtx, a: string, b: string, prop: string): { cmp: number; bottom: number } | undefined {
  const def = findProp(prop);
  let la: string | number | undefined;
  let lb: string | number | undefined;
  if (def?.name === "name") {
    la = a;
    lb = b;
  } else if (!def) {
    la = lookupUser(ctx, a, prop)?.value as string | undefined;
    lb = lookupUser(ctx, b, prop)?.value as string | undefined;
  } else if (def.kind !== "number") {
    la = getNative(ctx, a, def, true)?.value;
    lb = getNative(ctx, b, def, true)?.value;
  } else {
    la = getNumber(ctx, a, def);
    lb = getNumber(ctx, b, def);
  }
  if (la === undefined && lb === undefined) return undefined;
  if (la === undefined) return { cmp: 0, bottom: 1 };
  if (lb === undefined) return { cmp: 0, bottom: -1 };
  const cmp = typeof la === "number" && typeof lb === "number" ? Math.sign(la - lb) : compareNames(String(la), String(lb));
  return { cmp, bottom: 0 };
}
