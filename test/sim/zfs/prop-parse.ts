// Validation of property=value settings for set/create/clone (libzfs zfs_valid_proplist,
// zprop_parse_value, zfs_nicestrtonum), printing `<errbuf>: <description>` on failure.

import type { DatasetType, PropValue } from "../core/types.ts";
import { err, type ZfsCtx } from "./context.ts";
import { nicebytes } from "./nicenum.ts";
import {
  canonicalIndex, findProp, isReadonly, isUserProp, isUserquotaProp, isWrittenProp, typeBit, validFor,
} from "./prop-table.ts";

const MAX_BLOCK = 16 * 2 ** 20;
const MAX_PROPLEN = 4096;
const USER_NAME_MAX = 256;
const USER_VALUE_MAX = 8192;

/** Sentinel for refreservation=auto, resolved against the volume size by the caller. */
export const AUTO_RESV = -2;

export interface ParsedProps {
  native: Map<string, PropValue>;
  user: Map<string, string>;
}

export interface ValidateOpts {
  type: DatasetType;
  /** Creating a new dataset with `zfs create`: set-once properties are allowed. */
  creating: boolean;
  /** create and clone accept the encryption key parameters (keyformat, pbkdf2iters). */
  keyParamsOk?: boolean;
  /** jailed=on on the target or its parent. */
  zoned: boolean;
  /** Existing volume's block size, for volsize checks on set. */
  volblocksize?: number;
  /** Current ZPL version of an existing file system, for version downgrades. */
  version?: number;
  errbuf: string;
}

/** zfs_nicestrtonum: parses `10G`, `1.5M`, `512`; returns a number or an error description. */
export function nicestrtonum(value: string): number | string {
  if (!/^[0-9.]/.test(value)) return `bad numeric value '${value}'`;
  const m = /^([0-9]*)(\.[0-9]*)?(.*)$/.exec(value)!;
  const suffix = m[3] ?? "";
  const shift = suffixShift(suffix);
  if (shift === undefined) return `invalid numeric suffix '${suffix}'`;
  if (m[2] !== undefined) {
    const f = Number.parseFloat(`${m[1] || "0"}${m[2]}`) * 2 ** shift;
    if (f >= 2 ** 64) return "numeric value is too large";
    return Math.floor(f);
  }
  const n = BigInt(m[1] || "0");
  if (n >= 2n ** 64n) return "numeric value is too large";
  const shifted = n << BigInt(shift);
  if (shift >= 64 || shifted >= 2n ** 64n) return "numeric value is too large";
  return Number(shifted);
}

function suffixShift(suffix: string): number | undefined {
  if (suffix === "") return 0;
  const units = "BKMGTPEZ";
  const i = units.indexOf(suffix[0]!.toUpperCase());
  if (i < 0) return undefined;
  const rest = suffix.slice(1).toUpperCase();
  if (rest === "" || (suffix[0]!.toUpperCase() !== "B" && (rest === "B" || rest === "IB"))) return 10 * i;
  return undefined;
}

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Validates settings in the order given; prints the libzfs error and returns undefined on the first failure. */
export function validateProps(ctx: ZfsCtx, settings: [string, string][], o: ValidateOpts): ParsedProps | undefined {
  const fail = (desc: string): undefined => {
    err(ctx, `${o.errbuf}: ${desc}`);
    return undefined;
  };
  const parsed: ParsedProps = { native: new Map(), user: new Map() };
  let chosenNormal: string | undefined;
  let chosenUtf: string | undefined;
  for (const [name, value] of settings) {
    const def = findProp(name);
    if (!def && isUserProp(name)) {
      if (name.length >= USER_NAME_MAX) return fail(`property name '${name}' is too long`);
      if (value.length >= USER_VALUE_MAX) return fail("property value too long");
      parsed.user.set(name, value);
      continue;
    }
    if (o.type === "snapshot") return fail("this property can not be modified for snapshots");
    if (!def && isUserquotaProp(name)) {
      if (name.includes("used@")) return fail(`'${name}' is readonly`);
      const n = value === "none" ? 0 : nicestrtonum(value);
      if (typeof n === "string") return fail(n);
      parsed.native.set(name, n);
      continue;
    }
    if (!def && isWrittenProp(name)) return fail(`'${name}' is readonly`);
    if (!def) return fail(`invalid property '${name}'`);
    if (!validFor(def, typeBit(o.type))) return fail(`'${name}' does not apply to datasets of this type`);
    const keyParam = def.name === "keyformat" || def.name === "pbkdf2iters";
    if (isReadonly(def) && !(def.attr !== "readonly" && o.creating) && !(keyParam && o.keyParamsOk)) {
      return fail(`'${name}' is readonly`);
    }
    let v: PropValue;
    if (def.kind === "string") {
      if (value.length >= MAX_PROPLEN) return fail(`'${name}' is too long`);
      v = value;
    } else if (def.kind === "index") {
      const canon = canonicalIndex(def, value);
      if (canon === undefined) return fail(`'${def.name}' must be one of '${def.values}'`);
      v = canon;
    } else {
      const parsedNum = parseNumber(def.name, name, value, o.type);
      if (typeof parsedNum === "string") return fail(parsedNum);
      v = parsedNum;
    }
    const extra = extraCheck(ctx, def.name, name, v, o);
    if (extra) return fail(extra);
    if (def.name === "utf8only") chosenUtf = String(v);
    if (def.name === "normalization") chosenNormal = String(v);
    parsed.native.set(def.name, v);
  }
  if (chosenNormal !== undefined && chosenNormal !== "none") {
    if (chosenUtf === undefined) parsed.native.set("utf8only", "on");
    else if (chosenUtf === "off") return fail("'utf8only' must be set 'on' if normalization chosen");
  } else if (chosenNormal === undefined && chosenUtf === "off") {
    parsed.native.set("normalization", "none");
  }
  return parsed;
}

function parseNumber(prop: string, given: string, value: string, type: DatasetType): number | string {
  let n: number;
  let isNone = false;
  if (value === "none") {
    isNone = true;
    n = 0;
  } else if (value === "auto") {
    if (prop !== "refreservation") return `'auto' is invalid value for '${given}'`;
    if (type !== "volume") return `'${given}=auto' only allowed on volumes`;
    return AUTO_RESV;
  } else {
    const r = nicestrtonum(value);
    if (typeof r === "string") return r;
    n = r;
  }
  if (n === 0 && !isNone && (prop === "quota" || prop === "refquota")) return "use 'none' to disable quota/refquota";
  if (isNone && (prop === "filesystem_limit" || prop === "snapshot_limit")) return -1;
  return n;
}

function extraCheck(ctx: ZfsCtx, prop: string, given: string, v: PropValue, o: ValidateOpts): string | undefined {
  switch (prop) {
    case "version": {
      const want = v === "current" ? 5 : Number(v);
      if (o.version !== undefined && want < o.version) return `Can not downgrade; already at version ${o.version}`;
      return undefined;
    }
    case "volblocksize": case "recordsize": {
      const n = Number(v);
      if (n < 512 || n > MAX_BLOCK || !isPow2(n)) return `'${given}' must be power of 2 from 512B to ${nicebytes(MAX_BLOCK)}`;
      return undefined;
    }
    case "special_small_blocks": {
      err(ctx, `${given}: property requires a special device in the pool`);
      const n = Number(v);
      if (n !== 0 && (n < 512 || n > MAX_BLOCK || !isPow2(n))) {
        return `invalid '${given}=${n}' property: must be zero or a power of 2 from 512B to ${nicebytes(MAX_BLOCK)}`;
      }
      return undefined;
    }
    case "mlslabel": return "mlslabels are unsupported";
    case "mountpoint": case "sharenfs": case "sharesmb": {
      const s = String(v);
      if (prop === "mountpoint" && s !== "none" && s !== "legacy") {
        if (!s.startsWith("/")) return `'${given}' must be an absolute path, 'none', or 'legacy'`;
        if (s.split("/").some((c) => c.length >= 256)) return `component of '${given}' is too long`;
      }
      if (o.zoned) return `'${given}' cannot be set on dataset in a non-global zone`;
      return undefined;
    }
    case "keylocation": {
      const s = String(v);
      const ok = s === "none" || s === "prompt" || (s.length > 8 && /^(file:\/\/\/|https:\/\/)/.test(s))
        || (s.length > 7 && s.startsWith("http://"));
      if (!ok) return "invalid keylocation";
      if (!o.creating && s !== "none") return "keylocation must be 'none' for unencrypted datasets";
      return undefined;
    }
    case "pbkdf2iters": return Number(v) < 100000 ? "minimum pbkdf2 iterations is 100000" : undefined;
    case "volsize": {
      if (o.creating || o.volblocksize === undefined) return undefined;
      const n = Number(v);
      if (n % o.volblocksize !== 0) {
        return `'${given}' must be a multiple of volume block size (${nicebytes(o.volblocksize)})`;
      }
      if (n === 0) return `'${given}' cannot be zero`;
      return undefined;
    }
  }
  return undefined;
}

/** Splits `prop=value` (parseprop); returns undefined and prints zfs' message when malformed or repeated. */
export function parsePropArg(ctx: ZfsCtx, arg: string, seen: Map<string, string>): boolean {
  const eq = arg.indexOf("=");
  if (eq < 0) {
    err(ctx, "missing '=' for property=value argument");
    return false;
  }
  const name = arg.slice(0, eq);
  if (seen.has(name)) {
    err(ctx, `property '${name}' specified multiple times`);
    return false;
  }
  seen.set(name, arg.slice(eq + 1));
  return true;
}
