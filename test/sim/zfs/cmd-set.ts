// zfs set and zfs inherit (zfs_do_set/zfs_prop_set_list_flags, zfs_do_inherit/zfs_prop_inherit).

import { err, mustDs, touch, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { forEach } from "./iterate.ts";
import { AUTO_RESV, parsePropArg, validateProps, type ParsedProps } from "./prop-parse.ts";
import { findProp, isInheritable, isReadonly, isUserProp, T_DATASET, typeBit, validFor } from "./prop-table.ts";
import { lookupChain } from "./prop-get.ts";
import { availableOf, spaceOf } from "./space.ts";
import { gather, postfix, prefix, type ChangeKind, type ChangeList } from "./changelist.ts";
import { isMounted } from "./mount.ts";
import { volsizeToReservation } from "./cmd-common.ts";

/** zfs set [-u] prop=value ... dataset ... (a failure exits 255: set_callback returns -1). */
export function zfsSet(ctx: ZfsCtx, argv: string[]): number {
  let nomount = false;
  const { opts, rest } = getopt(argv, "u");
  for (const o of opts) {
    if (o.opt === "u") nomount = true;
    else {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "set");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing arguments");
    usage(ctx, "set");
  }
  if (rest.length < 2) {
    err(ctx, rest[0]!.includes("=") ? "missing dataset name(s)" : "missing property=value argument(s)");
    usage(ctx, "set");
  }
  let dsStart = -1;
  rest.forEach((a, i) => {
    if (a.includes("=")) {
      if (dsStart > 0) {
        err(ctx, "invalid argument order");
        usage(ctx, "set");
      }
    } else if (dsStart < 0) dsStart = i;
  });
  if (dsStart < 0) {
    err(ctx, "missing dataset name(s)");
    usage(ctx, "set");
  }
  const settings = new Map<string, string>();
  for (const a of rest.slice(0, dsStart)) if (!parsePropArg(ctx, a, settings)) return 255;
  const res = forEach(ctx, { args: rest.slice(dsStart), recurse: false, types: T_DATASET });
  let ret = res.ret;
  for (const name of res.names) if (setProps(ctx, name, settings, nomount) !== 0) ret = 255;
  return ret;
}

function changeKind(parsed: ParsedProps, ctx: ZfsCtx, name: string): ChangeKind | undefined {
  if (parsed.native.has("mountpoint")) return "mountpoint";
  if (parsed.native.has("jailed")) return "jailed";
  if (parsed.native.get("canmount") === "off" && isMounted(ctx, name)) return "canmount";
  return undefined;
}

/** zfs_prop_set_list_flags for one dataset. */
export function setProps(ctx: ZfsCtx, name: string, settings: Map<string, string>, nomount: boolean): number {
  const rec = mustDs(ctx, name);
  const errbuf = `cannot set property for '${name}'`;
  const parsed = validateProps(ctx, [...settings], {
    type: rec.type, creating: false, zoned: lookupChain(ctx, name, "jailed", true)?.value === "on",
    volblocksize: rec.volblocksize, version: rec.zpl ? Number(rec.zpl.version) : undefined, errbuf,
  });
  if (!parsed) return -1;
  if (rec.type === "volume") adjustVolumeReservation(ctx, name, parsed);
  const kernelErr = kernelCheck(ctx, name, parsed);
  if (kernelErr) {
    err(ctx, `${errbuf}: ${kernelErr}`);
    return -1;
  }
  const kind = changeKind(parsed, ctx, name);
  let cl: ChangeList | undefined;
  if (kind) {
    cl = gather(ctx, name, kind, nomount);
    const busy = prefix(ctx, cl);
    if (busy) {
      err(ctx, busy);
      return -1;
    }
  }
  for (const [k, v] of parsed.native) {
    if (k === "volsize") rec.volsize = Number(v);
    else rec.props[k] = v;
  }
  for (const [k, v] of parsed.user) rec.user[k] = v;
  touch(ctx);
  if (cl) postfix(ctx, cl);
  return 0;
}

/** zfs_add_synthetic_resv and refreservation=auto: keep a thick volume's refreservation matching volsize. */
function adjustVolumeReservation(ctx: ZfsCtx, name: string, parsed: ParsedProps): void {
  const rec = mustDs(ctx, name);
  const vbs = rec.volblocksize ?? 16384;
  const oldResv = typeof rec.props["refreservation"] === "number" ? rec.props["refreservation"] : 0;
  const newSize = parsed.native.get("volsize");
  if (newSize !== undefined && !parsed.native.has("refreservation")
    && volsizeToReservation(rec.volsize ?? 0, vbs, 1) === oldResv) {
    parsed.native.set("refreservation", volsizeToReservation(Number(newSize), vbs, 1));
  }
  if (parsed.native.get("refreservation") === AUTO_RESV) {
    parsed.native.set("refreservation", volsizeToReservation(Number(newSize ?? rec.volsize ?? 0), vbs, 1));
  }
}

/** Checks the kernel makes when setting (zfs_check_settable, dsl_dir_set_quota/reservation). */
function kernelCheck(ctx: ZfsCtx, name: string, parsed: ParsedProps): string | undefined {
  const space = spaceOf(ctx, name);
  const rec = mustDs(ctx, name);
  const quota = parsed.native.get("quota");
  if (typeof quota === "number" && quota > 0 && quota < Math.max(space.used, num(rec, "reservation"))) {
    return "size is less than current used or reserved space";
  }
  const refquota = parsed.native.get("refquota");
  if (typeof refquota === "number" && refquota > 0 && refquota < rec.refer) {
    return "size is less than current used or reserved space";
  }
  for (const k of ["reservation", "refreservation"]) {
    const v = parsed.native.get(k);
    if (typeof v !== "number" || v <= num(rec, k)) continue;
    const headroom = availableOf(ctx, name) + (k === "reservation" ? Math.max(num(rec, k), space.used)
      : num(rec, k));
    if (v > headroom) return "size is greater than available space";
  }
  return undefined;
}

function num(rec: { props: Record<string, unknown> }, k: string): number {
  const v = rec.props[k];
  return typeof v === "number" && v > 0 ? v : 0;
}

/** zfs inherit [-rS] prop dataset ... */
export function zfsInherit(ctx: ZfsCtx, argv: string[]): number {
  let recurse = false;
  let received = false;
  const { opts, rest } = getopt(argv, "rS");
  for (const o of opts) {
    if (o.opt === "r") recurse = true;
    else if (o.opt === "S") received = true;
    else {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "inherit");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing property argument");
    usage(ctx, "inherit");
  }
  if (rest.length < 2) {
    err(ctx, "missing dataset argument");
    usage(ctx, "inherit");
  }
  const propname = rest[0]!;
  const def = findProp(propname);
  if (def) {
    if (isReadonly(def)) {
      err(ctx, `${propname} property is read-only`);
      return 1;
    }
    if (!isInheritable(def) && !received) {
      err(ctx, `'${propname}' property cannot be inherited`);
      if (["quota", "reservation", "refquota", "refreservation"].includes(def.name)) {
        err(ctx, `use 'zfs set ${propname}=none' to clear`);
        err(ctx, `use 'zfs inherit -S ${propname}' to revert to received value`);
      }
      return 1;
    }
    if (received && (def.name === "volsize" || def.name === "version")) {
      err(ctx, `'${propname}' property cannot be reverted to a received value`);
      return 1;
    }
  } else if (!isUserProp(propname)) {
    err(ctx, `invalid property '${propname}'`);
    usage(ctx, "inherit");
  }
  const res = forEach(ctx, { args: rest.slice(1), recurse, types: T_DATASET });
  let ret = res.ret;
  for (const name of res.names) {
    if (recurse && def && !validFor(def, typeBit(mustDs(ctx, name).type))) continue;
    if (inheritOne(ctx, name, propname) !== 0) ret = 1;
  }
  return ret;
}

/** zfs_prop_inherit for one dataset. */
function inheritOne(ctx: ZfsCtx, name: string, propname: string): number {
  const rec = mustDs(ctx, name);
  const def = findProp(propname);
  const errbuf = `cannot inherit ${propname} for '${name}'`;
  if (!def) {
    delete rec.user[propname];
    touch(ctx);
    return 0;
  }
  if (!validFor(def, typeBit(rec.type))) {
    err(ctx, `${errbuf}: property doesn't apply to datasets of this type`);
    return 1;
  }
  const zoned = lookupChain(ctx, name, "jailed", true)?.value === "on";
  if (def.name === "mountpoint" && zoned) {
    err(ctx, `${errbuf}: dataset is used in a non-global zone`);
    return 1;
  }
  const kind: ChangeKind | undefined = def.name === "mountpoint" ? "mountpoint" : def.name === "jailed" ? "jailed"
    : undefined;
  const cl = kind ? gather(ctx, name, kind) : undefined;
  if (cl) {
    const busy = prefix(ctx, cl);
    if (busy) {
      err(ctx, busy);
      return 1;
    }
  }
  delete rec.props[def.name];
  touch(ctx);
  if (cl) postfix(ctx, cl);
  return 0;
}
