// Space accounting: used/available/usedby* derived from each dataset's referenced bytes, its
// children, quotas and reservations, the way the DSL adds them up (numbers are invented but consistent).

import type { DatasetRecord } from "../core/types.ts";
import { childrenOf, memo, mustDs, nameOfGuid, parentOf, poolOf, snapshotsOf, type ZfsCtx } from "./context.ts";

export interface Space {
  used: number;
  usedbydataset: number;
  usedbysnapshots: number;
  usedbychildren: number;
  usedbyrefreservation: number;
  logicalused: number;
}

function num(rec: DatasetRecord, prop: string): number {
  const v = rec.props[prop];
  return typeof v === "number" && v > 0 ? v : 0;
}

/** Space used by a file system or volume and its breakdown. */
export function spaceOf(ctx: ZfsCtx, name: string): Space {
  return memo(ctx, `space:${name}`, () => computeSpace(ctx, name));
}

function computeSpace(ctx: ZfsCtx, name: string): Space {
  const rec = mustDs(ctx, name);
  if (rec.type === "snapshot") {
    const unique = rec.unique ?? 0;
    return { used: unique, usedbydataset: unique, usedbysnapshots: 0, usedbychildren: 0,
      usedbyrefreservation: 0, logicalused: unique };
  }
  const usedbydataset = uniqueOf(ctx, rec);
  let usedbysnapshots = 0;
  for (const snap of snapshotsOf(ctx, name)) usedbysnapshots += mustDs(ctx, snap).unique ?? 0;
  let usedbychildren = 0;
  let logicalChildren = 0;
  for (const child of childrenOf(ctx, name)) {
    const childSpace = spaceOf(ctx, child);
    usedbychildren += Math.max(childSpace.used, num(mustDs(ctx, child), "reservation"));
    logicalChildren += childSpace.logicalused;
  }
  const usedbyrefreservation = Math.max(0, num(rec, "refreservation") - usedbydataset);
  return {
    used: usedbydataset + usedbysnapshots + usedbychildren + usedbyrefreservation,
    usedbydataset, usedbysnapshots, usedbychildren, usedbyrefreservation,
    logicalused: rec.logicalrefer + logicalChildren,
  };
}

/** Bytes only this dataset holds (a fresh clone shares everything with its origin). */
function uniqueOf(ctx: ZfsCtx, rec: DatasetRecord): number {
  if (!rec.origin) return rec.refer;
  const originName = nameOfGuid(ctx, rec.origin);
  const originRefer = originName ? mustDs(ctx, originName).refer : 0;
  return Math.max(0, rec.refer - originRefer);
}

/** Slop space ZFS keeps back from a pool: 1/32 of it, between 128M and 128G. */
export function slopOf(size: number): number {
  const min = 128 * 2 ** 20;
  const max = 128 * 2 ** 30;
  return Math.min(max, Math.max(min, Math.floor(size / 32)));
}

/** Bytes available to a file system or volume. */
export function availableOf(ctx: ZfsCtx, name: string): number {
  return memo(ctx, `avail:${name}`, () => computeAvail(ctx, name));
}

function computeAvail(ctx: ZfsCtx, name: string): number {
  const rec = mustDs(ctx, name);
  const space = spaceOf(ctx, name);
  const parent = parentOf(name);
  let avail: number;
  if (parent === undefined) {
    const pool = ctx.disk.pools[poolOf(name)];
    const size = pool?.sizeBytes ?? 0;
    avail = size - slopOf(size) - space.used;
  } else {
    avail = availableOf(ctx, parent) + Math.max(0, num(rec, "reservation") - space.used);
  }
  const quota = num(rec, "quota");
  if (quota > 0) avail = Math.min(avail, quota - space.used);
  avail += Math.max(0, num(rec, "refreservation") - space.usedbydataset) - space.usedbyrefreservation;
  const refquota = num(rec, "refquota");
  if (refquota > 0) avail = Math.min(avail, refquota - rec.refer);
  return Math.max(0, avail);
}

/** Bytes physically allocated in a pool (reservations excluded). */
export function allocatedOf(ctx: ZfsCtx, pool: string): number {
  const walk = (name: string): number => {
    const s = spaceOf(ctx, name);
    let total = s.usedbydataset + s.usedbysnapshots;
    for (const child of childrenOf(ctx, name)) total += walk(child);
    return total;
  };
  return ctx.disk.datasets[pool] ? walk(pool) + 1_179_648 : 0;
}
