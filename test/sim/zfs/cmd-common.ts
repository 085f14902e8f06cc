// Helpers shared by zfs subcommands: depth parsing, txg/objset allocation, new dataset records.

import type { DatasetRecord, DatasetType, PropValue, ZplProps } from "../core/types.ts";
import { nextTxg, randomGuid } from "../core/store.ts";
import { err, type ZfsCtx } from "./context.ts";
import { usage } from "./usage.ts";

/** parse_depth: -d N must be a non-negative integer, else usage. */
export function parseDepth(ctx: ZfsCtx, arg: string, command: string): number {
  const m = /^\s*([+-]?)(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(arg);
  if (!m || m[0].length !== arg.length) {
    err(ctx, `${arg} is not an integer`);
    usage(ctx, command);
  }
  const value = Number.parseInt(m[2]!, m[2]!.startsWith("0x") ? 16 : m[2]!.length > 1 && m[2]!.startsWith("0") ? 8 : 10);
  const depth = m[1] === "-" ? -value : value;
  if (depth < 0) {
    err(ctx, "Depth can not be negative.");
    usage(ctx, command);
  }
  return depth;
}

export interface NewDataset {
  type: DatasetType;
  props?: Record<string, PropValue>;
  user?: Record<string, string>;
  zpl?: ZplProps;
  volsize?: number;
  volblocksize?: number;
  refer: number;
  logicalrefer: number;
  origin?: string;
}

/** Builds a dataset record stamped with the next txg, a fresh guid and objset id. */
export function newRecord(ctx: ZfsCtx, spec: NewDataset): DatasetRecord {
  const txg = nextTxg(ctx.disk, ctx.now);
  const objsetid = ctx.disk.nextObjsetId;
  ctx.disk.nextObjsetId += 1 + Math.floor(Math.random() * 3) * 128;
  const rec: DatasetRecord = {
    type: spec.type,
    guid: randomGuid(),
    createtxg: txg,
    creation: ctx.now,
    objsetid,
    props: { ...(spec.props ?? {}) },
    user: { ...(spec.user ?? {}) },
    refer: spec.refer,
    logicalrefer: spec.logicalrefer,
    written: spec.refer,
  };
  if (spec.zpl) rec.zpl = { ...spec.zpl };
  if (spec.volsize !== undefined) rec.volsize = spec.volsize;
  if (spec.volblocksize !== undefined) rec.volblocksize = spec.volblocksize;
  if (spec.origin) rec.origin = spec.origin;
  return rec;
}

/** Space a fresh empty file system references (96K, as on FreeBSD 14). */
export const EMPTY_FS_REFER = 98304;
export const EMPTY_FS_LOGICAL = 43520;
/** Space a fresh volume references (56K). */
export const EMPTY_VOL_REFER = 57344;
export const EMPTY_VOL_LOGICAL = 26624;

/** zvol_volsize_to_reservation for a pool without raidz/draid vdevs. */
export function volsizeToReservation(volsize: number, volblocksize: number, copies: number): number {
  let nblocks = Math.floor(volsize / volblocksize);
  let numdb = 7;
  while (nblocks > 1) {
    nblocks = Math.floor((nblocks + 1023) / 1024);
    numdb += nblocks;
  }
  numdb *= Math.min(3, copies + 1);
  return volsize * copies + numdb * 131072;
}

/** The ZPL properties a new file system inherits from its parent unless given. */
export function inheritZpl(ctx: ZfsCtx, parent: string | undefined, given: Map<string, PropValue>): ZplProps {
  const base = parent ? ctx.disk.datasets[parent]?.zpl : undefined;
  const pick = (k: keyof ZplProps, dflt: string): string => {
    const v = given.get(k);
    return v !== undefined ? String(v) : base?.[k] ?? dflt;
  };
  const version = given.get("version");
  return {
    version: version === undefined || version === "current" ? "5" : String(version),
    utf8only: pick("utf8only", "off"),
    normalization: pick("normalization", "none"),
    casesensitivity: pick("casesensitivity", "sensitive"),
  };
}
