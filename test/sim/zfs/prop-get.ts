// Property values and sources as `zfs get` reports them (libzfs zfs_prop_get + the kernel's
// dsl_prop_get_all/dsl_dataset_stats): inheritance, defaults, read-only statistics.

import type { DatasetRecord, PropValue } from "../core/types.ts";
import { canonicalIndex, isInheritable, T_SNAP, typeBit, type PropDef } from "./prop-table.ts";
import { clonesOf, descendantsOf, mustDs, nameOfGuid, parentOf, snapshotsOf, type ZfsCtx } from "./context.ts";
import { availableOf, spaceOf } from "./space.ts";
import { ctimeShort, nicebytes, nicenum, ratio } from "./nicenum.ts";
import { writtenOf } from "./written.ts";
import { isInconsistent, resumeTokenOf } from "./recv-state.ts";

export type SourceKind = "none" | "default" | "local" | "inherited" | "temporary" | "received";

export interface Got {
  value: string;
  source: SourceKind;
  /** For inherited values: the dataset the value comes from. */
  from?: string;
}

interface Found {
  value: PropValue;
  setpoint: string;
}

/** Walks a dataset, then (for snapshots) its head, then its ancestors for a locally set native property. */
export function lookupChain(ctx: ZfsCtx, name: string, prop: string, inherit: boolean): Found | undefined {
  let cur: string | undefined = name;
  while (cur !== undefined) {
    const rec = ctx.disk.datasets[cur];
    const v = rec?.props[prop];
    if (v !== undefined) return { value: v, setpoint: cur };
    if (!inherit && !cur.includes("@")) return undefined;
    cur = parentOf(cur);
  }
  return undefined;
}

/** Same as lookupChain for a user property. */
export function lookupUser(ctx: ZfsCtx, name: string, prop: string): Found | undefined {
  let cur: string | undefined = name;
  while (cur !== undefined) {
    const v = ctx.disk.datasets[cur]?.user[prop];
    if (v !== undefined) return { value: v, setpoint: cur };
    cur = parentOf(cur);
  }
  return undefined;
}

/** Effective user properties of a dataset (local and inherited), name -> value/source. */
export function userProps(ctx: ZfsCtx, name: string): Map<string, Got> {
  const result = new Map<string, Got>();
  let cur: string | undefined = name;
  while (cur !== undefined) {
    const user = ctx.disk.datasets[cur]?.user ?? {};
    for (const [k, v] of Object.entries(user)) {
      if (result.has(k)) continue;
      result.set(k, cur === name ? { value: v, source: "local" } : { value: v, source: "inherited", from: cur });
    }
    cur = parentOf(cur);
  }
  return result;
}

function fromFound(name: string, found: Found | undefined, fallback: PropValue): { value: PropValue } & Omit<Got, "value"> {
  if (!found) return { value: fallback, source: "default" };
  if (found.setpoint === name) return { value: found.value, source: "local" };
  return { value: found.value, source: "inherited", from: found.setpoint };
}

/** The type a snapshot's properties are checked against (get_numeric_property's head-type test). */
function headTypeOk(ctx: ZfsCtx, name: string, rec: DatasetRecord, def: PropDef): boolean {
  if (rec.type !== "snapshot" || def.kind === "string") return true;
  if (def.types === T_SNAP) return true;
  const head = mustDs(ctx, parentOf(name)!);
  return (def.types & typeBit(head.type)) !== 0;
}

/** Mountpoint value: the setpoint's path plus the path below it, as libzfs composes it. */
function mountpointOf(ctx: ZfsCtx, name: string): Got {
  const found = lookupChain(ctx, name, "mountpoint", true);
  const raw = String(found?.value ?? "/");
  const source = found ? (found.setpoint === name ? "local" : "inherited") : "default";
  const got: Got = { value: raw, source, from: source === "inherited" ? found!.setpoint : undefined };
  if (!raw.startsWith("/")) return got;
  const setpoint = found?.setpoint ?? "";
  let rel = name.slice(setpoint.length);
  if (rel.startsWith("/")) rel = rel.slice(1);
  let str = raw;
  if (str === "/" && rel !== "") str = "";
  got.value = rel === "" ? str : `${str}${rel.startsWith("@") ? "" : "/"}${rel}`;
  return got;
}

/** Resolved mountpoint path of a file system (`/zroot/a`, `none`, `legacy`). */
export function mountpointPath(ctx: ZfsCtx, name: string): string {
  return mountpointOf(ctx, name).value;
}

function sizeText(v: number, literal: boolean): string {
  return literal ? String(v) : nicebytes(v);
}

function numText(v: number, literal: boolean): string {
  return literal ? String(v) : nicenum(v);
}

/** A native property of a dataset, or null when zfs_prop_get would fail (not applicable / not present). */
export function getNative(ctx: ZfsCtx, name: string, def: PropDef, literal: boolean): Got | null {
  const rec = mustDs(ctx, name);
  if ((def.types & typeBit(rec.type)) === 0) return null;
  if (!headTypeOk(ctx, name, rec, def)) return null;
  const none = (value: string): Got => ({ value, source: "none" });
  switch (def.name) {
    case "type": return none(rec.type);
    case "name": return none(name);
    case "creation": return none(literal ? String(rec.creation) : ctimeShort(rec.creation));
    case "mountpoint": return mountpointOf(ctx, name);
    case "origin": {
      const origin = rec.origin ? nameOfGuid(ctx, rec.origin) : undefined;
      return origin ? none(origin) : null;
    }
    case "clones":
      // Why: the kernel adds the clones stat to every snapshot (dsl_dataset_stats -> get_clones_stat), so a
      // snapshot without clones has the empty list, printed as an empty value, not "-" (OpenZFS 2.2.7).
      return none(clonesOf(ctx, name).join(","));
    case "quota": case "refquota": case "reservation": case "refreservation": {
      const local = rec.props[def.name];
      const v = typeof local === "number" ? local : 0;
      const value = v === 0 ? (literal ? "0" : "none") : sizeText(v, literal);
      return { value, source: local === undefined ? "default" : "local" };
    }
    case "filesystem_limit": case "snapshot_limit": {
      const local = rec.props[def.name];
      const v = typeof local === "number" ? local : -1;
      return { value: v < 0 ? "none" : numText(v, literal), source: local === undefined ? "default" : "local" };
    }
    case "filesystem_count": case "snapshot_count": {
      // Counts are kept only below a dataset with a limit (filesystem_limits feature); the kernel adds
      // them without a source, which get_numeric_property turns into "local".
      const limited = lookupChain(ctx, name, "filesystem_limit", true) ?? lookupChain(ctx, name, "snapshot_limit", true);
      if (!limited) return { value: "none", source: "default" };
      const below = descendantsOf(ctx, name);
      const n = def.name === "filesystem_count" ? below.length
        : [name, ...below].reduce((sum, d) => sum + snapshotsOf(ctx, d).length, 0);
      return { value: numText(n, literal), source: "local" };
    }
    case "compressratio": case "refcompressratio": return none(ratio(100, literal));
    case "mounted": return none(ctx.kernel.zfsMounts[rec.guid] !== undefined ? "yes" : "no");
    case "guid": return none(rec.streamGuid ?? rec.guid);
    case "createtxg": return none(String(rec.createtxg));
    case "objsetid": return none(String(rec.objsetid));
    case "used": case "usedbydataset": case "usedbysnapshots": case "usedbychildren": case "usedbyrefreservation":
      return none(sizeText(spaceOf(ctx, name)[def.name], literal));
    case "available": return none(sizeText(availableOf(ctx, name), literal));
    case "referenced": return none(sizeText(rec.refer, literal));
    case "written": return none(numText(writtenOf(ctx, name), literal));
    case "logicalused": return none(numText(spaceOf(ctx, name).logicalused, literal));
    case "logicalreferenced": return none(numText(rec.logicalrefer, literal));
    case "snapshots_changed":
      return rec.snapshotsChanged ? none(literal ? String(rec.snapshotsChanged) : ctimeShort(rec.snapshotsChanged, true))
        : null;
    case "version": case "utf8only": case "normalization": case "casesensitivity": {
      const zpl = rec.zpl ?? (rec.type === "snapshot" ? mustDs(ctx, parentOf(name)!).zpl : undefined);
      return zpl ? none(zpl[def.name]) : null;
    }
    case "volsize": return rec.volsize === undefined ? null : { value: numText(rec.volsize, literal), source: "local" };
    case "volblocksize": return rec.volblocksize === undefined ? null : none(numText(rec.volblocksize, literal));
    case "userrefs": return none(String(Object.keys(rec.holds ?? {}).length));
    case "defer_destroy": return none(rec.deferDestroy ? "on" : "off");
    case "receive_resume_token": {
      // Only present with a partial `zfs receive -s` (dsl_dataset_stats): `zfs get all` then leaves it out.
      const token = rec.type === "snapshot" ? undefined : resumeTokenOf(rec);
      return token === undefined ? null : none(token);
    }
    case "inconsistent": return none(isInconsistent(rec) ? "1" : "0");
    case "keystatus": case "encryptionroot": case "redact_snaps":
      return null;
  }
  if (!def.visible) return null;
  return genericValue(ctx, name, def, literal);
}

function genericValue(ctx: ZfsCtx, name: string, def: PropDef, literal: boolean): Got | null {
  const inherit = isInheritable(def);
  const found = inherit ? lookupChain(ctx, name, def.name, true) : lookupChain(ctx, name, def.name, false);
  const fallback = def.kind === "number" ? def.numDefault : def.strDefault ?? "";
  const r = fromFound(name, found, fallback);
  let value: string;
  if (def.kind === "number") value = numText(Number(r.value), literal);
  else if (def.kind === "index") value = canonicalIndex(def, String(r.value)) ?? String(r.value);
  else value = String(r.value);
  return { value, source: r.source, from: r.from };
}

/** Numeric value of a property for sorting (`zfs list -s used`), or undefined when not applicable. */
export function getNumber(ctx: ZfsCtx, name: string, def: PropDef): number | undefined {
  const got = getNative(ctx, name, def, true);
  if (!got) return undefined;
  const n = Number(got.value);
  return Number.isFinite(n) ? n : 0;
}

/** The text of a SOURCE column. */
export function sourceText(got: Pick<Got, "source" | "from">): string {
  switch (got.source) {
    case "none": return "-";
    case "inherited": return `inherited from ${got.from}`;
    default: return got.source;
  }
}
