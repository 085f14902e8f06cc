// zfs create (zfs_do_create, libzfs zfs_create/check_parents/create_parents).

import type { PropValue } from "../core/types.ts";
import { err, out, parentOf, poolOf, touch, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { nicestrtonum, parsePropArg, validateProps, type ParsedProps } from "./prop-parse.ts";
import { tooDeep, validateName } from "./names.ts";
import { T_DATASET, T_FS, T_VOL } from "./prop-table.ts";
import { lookupChain } from "./prop-get.ts";
import { isAutoMountable, mountDataset } from "./mount.ts";
import { exists } from "./open.ts";
import {
  EMPTY_FS_LOGICAL, EMPTY_FS_REFER, EMPTY_VOL_LOGICAL, EMPTY_VOL_REFER, inheritZpl, newRecord, volsizeToReservation,
} from "./cmd-common.ts";

const ZPL = ["version", "utf8only", "normalization", "casesensitivity"];
const CRYPT_PARAMS = ["keyformat", "keylocation", "pbkdf2iters"];

/** check_parents: prints `cannot create '<path>': ...` and returns false when the parent is unusable. */
export function checkParents(ctx: ZfsCtx, path: string, acceptAncestor: boolean): { ok: boolean; zoned: boolean; prefix: string } {
  const fail = (desc: string) => {
    err(ctx, `cannot create '${path}': ${desc}`);
    return { ok: false, zoned: false, prefix: "" };
  };
  let parent = parentOf(path);
  if (parent === undefined || path.includes("@")) return fail("missing dataset name");
  const pool = poolOf(parent);
  if (!ctx.disk.datasets[pool]) return fail(`no such pool '${pool}'`);
  while (!ctx.disk.datasets[parent!]) {
    if (!acceptAncestor) return fail("parent does not exist");
    parent = parentOf(parent!);
    if (parent === undefined) return fail(`no such pool '${pool}'`);
  }
  const rec = ctx.disk.datasets[parent!]!;
  if (rec.type !== "filesystem") return fail("parent is not a filesystem");
  const zoned = lookupChain(ctx, parent!, "jailed", true)?.value === "on";
  return { ok: true, zoned, prefix: parent! };
}

/** zfs_create_ancestors: creates and mounts missing file systems above `path`. */
export function createAncestors(ctx: ZfsCtx, path: string): boolean {
  if (tooDeep(path)) {
    err(ctx, `cannot create '${path}': maximum name nesting depth exceeded`);
    return false;
  }
  const check = checkParents(ctx, path, true);
  if (!check.ok) return false;
  const parts = path.split("/");
  for (let i = check.prefix.split("/").length + 1; i < parts.length; i++) {
    const ancestor = parts.slice(0, i).join("/");
    if (ctx.disk.datasets[ancestor]) continue;
    if (!createDataset(ctx, ancestor, "filesystem", { native: new Map(), user: new Map() })) return false;
    const mountErr = isAutoMountable(ctx, ancestor) ? mountDataset(ctx, ancestor) : undefined;
    if (mountErr) {
      err(ctx, mountErr);
      return false;
    }
  }
  return true;
}

/** Adds a validated file system or volume to the model (lzc_create). */
export function createDataset(ctx: ZfsCtx, name: string, type: "filesystem" | "volume", parsed: ParsedProps,
  vol?: { volsize: number; volblocksize: number }): boolean {
  const props: Record<string, PropValue> = {};
  for (const [k, v] of parsed.native) if (!ZPL.includes(k) && k !== "volsize" && k !== "volblocksize") props[k] = v;
  const rec = newRecord(ctx, {
    type,
    props,
    user: Object.fromEntries(parsed.user),
    zpl: type === "filesystem" ? inheritZpl(ctx, parentOf(name), parsed.native) : undefined,
    volsize: vol?.volsize,
    volblocksize: vol?.volblocksize,
    refer: type === "volume" ? EMPTY_VOL_REFER : EMPTY_FS_REFER,
    logicalrefer: type === "volume" ? EMPTY_VOL_LOGICAL : EMPTY_FS_LOGICAL,
  });
  ctx.disk.datasets[name] = rec;
  touch(ctx);
  return true;
}

/** zfs create [-Pnpuv] [-o prop=value]... fs | zfs create [-ps] [-b size] [-o prop=value]... -V size vol */
export function zfsCreate(ctx: ZfsCtx, argv: string[]): number {
  let type: "filesystem" | "volume" = "filesystem";
  const settings = new Map<string, string>();
  let volsize = 0;
  let bflag = false;
  let noreserve = false;
  let parents = false;
  let dryrun = false;
  let nomount = false;
  let verbose = false;
  let parseable = false;
  const { opts, rest } = getopt(argv, ":PV:b:nso:puv");
  for (const o of opts) {
    switch (o.opt) {
      case "V": {
        type = "volume";
        const n = nicestrtonum(o.arg!);
        if (typeof n === "string") {
          err(ctx, `bad volume size '${o.arg}': ${n}`);
          return 1;
        }
        settings.delete("volsize");
        settings.set("volsize", String(n));
        volsize = n;
        break;
      }
      case "P": verbose = true; parseable = true; break;
      case "p": parents = true; break;
      case "b": {
        bflag = true;
        const n = nicestrtonum(o.arg!);
        if (typeof n === "string") {
          err(ctx, `bad volume block size '${o.arg}': ${n}`);
          return 1;
        }
        settings.set("volblocksize", String(n));
        break;
      }
      case "n": dryrun = true; break;
      case "o": if (!parsePropArg(ctx, o.arg!, settings)) return 1; break;
      case "s": noreserve = true; break;
      case "u": nomount = true; break;
      case "v": verbose = true; break;
      case ":": err(ctx, "missing size argument"); usage(ctx, "create");
      default: err(ctx, `invalid option '${o.optopt}'`); usage(ctx, "create");
    }
  }
  if ((bflag || noreserve) && type !== "volume") {
    err(ctx, "'-s' and '-b' can only be used when creating a volume");
    usage(ctx, "create");
  }
  if (nomount && type !== "filesystem") {
    err(ctx, "'-u' can only be used when creating a filesystem");
    usage(ctx, "create");
  }
  if (rest.length === 0) {
    err(ctx, `missing ${type} argument`);
    usage(ctx, "create");
  }
  if (rest.length > 1) {
    err(ctx, "too many arguments");
    usage(ctx, "create");
  }
  const name = rest[0]!;
  const typeBitMask = type === "volume" ? T_VOL : T_FS;
  let volblocksize = 16384;
  if (dryrun || type === "volume") {
    const pool = name.split("/")[0]!;
    if (!ctx.disk.pools[pool]) {
      err(ctx, `cannot open '${pool}': no such pool`);
      return 1;
    }
    const pre = validateProps(ctx, [...settings], { type, creating: true, keyParamsOk: true, zoned: false,
      errbuf: dryrun ? `cannot verify '${name}'` : `cannot create '${name}'` });
    if (!pre) return 1;
    if (type === "volume") {
      volblocksize = Number(pre.native.get("volblocksize") ?? 16384);
      if (volblocksize < 16384) {
        // default_volblocksize: a warning only; 16K is the target on a pool without raidz/draid.
        err(ctx, `Warning: volblocksize (${volblocksize}) is less than the default minimum block size (16384).`);
        err(ctx, "To reduce wasted space a volblocksize of 16384 is recommended.");
      }
      if (volsize % volblocksize) {
        volsize = Math.ceil(volsize / volblocksize) * volblocksize;
        settings.set("volsize", String(volsize));
      }
      if (!noreserve && !settings.has("refreservation")) {
        settings.set("refreservation", String(volsizeToReservation(volsize, volblocksize, 1)));
      }
    }
  }
  if (parents && !validateName(name, typeBitMask, false)) {
    if (exists(ctx, name, typeBitMask)) return 0;
    if (verbose) out(ctx, parseable ? `create_ancestors\t${name}` : dryrun ? `would create ancestors of ${name}` : `create ancestors of ${name}`);
    if (!dryrun && !createAncestors(ctx, name)) return 1;
  }
  if (verbose) {
    out(ctx, parseable ? `create\t${name}` : dryrun ? `would create ${name}` : `create ${name}`);
    for (const [k, v] of settings) out(ctx, parseable ? `property\t${k}\t${v}` : `\t${k}=${v}`);
  }
  if (dryrun) return 0;
  if (!doCreate(ctx, name, type, settings, volsize, volblocksize)) return 1;
  if (nomount || type === "volume" || !isAutoMountable(ctx, name)) return 0;
  const mountErr = mountDataset(ctx, name);
  if (mountErr) {
    err(ctx, mountErr);
    err(ctx, "filesystem successfully created, but not mounted");
    return 1;
  }
  return 0;
}

function doCreate(ctx: ZfsCtx, name: string, type: "filesystem" | "volume", settings: Map<string, string>,
  volsize: number, volblocksize: number): boolean {
  const typeBitMask = type === "volume" ? T_VOL : T_FS;
  const fail = (desc: string): false => {
    err(ctx, `cannot create '${name}': ${desc}`);
    return false;
  };
  const bad = validateName(name, typeBitMask, true);
  if (bad) return fail(bad);
  if (tooDeep(name)) return fail("maximum name nesting depth exceeded");
  const check = checkParents(ctx, name, false);
  if (!check.ok) return false;
  if (exists(ctx, name, T_DATASET)) return fail("dataset already exists");
  const parsed = validateProps(ctx, [...settings], { type, creating: true, keyParamsOk: true, zoned: check.zoned,
    errbuf: `cannot create '${name}'` });
  if (!parsed) return false;
  if (type === "volume") {
    if (volsize === 0) return fail("volume size cannot be zero");
    if (volsize % volblocksize !== 0) return fail("volume size must be a multiple of volume block size");
  }
  const crypt = parsed.native.get("encryption") ?? lookupChain(ctx, check.prefix, "encryption", true)?.value ?? "off";
  if (crypt === "off") {
    if (CRYPT_PARAMS.some((p) => parsed.native.has(p) && !(p === "keylocation" && parsed.native.get(p) === "none")
      && !(p === "keyformat" && parsed.native.get(p) === "none"))) {
      return fail("Encryption must be turned on to set encryption properties.");
    }
  } else if (!parsed.native.has("keyformat") || parsed.native.get("keyformat") === "none") {
    return fail("Keyformat required for new encryption root.");
  } else {
    return fail("encryption failure");
  }
  return createDataset(ctx, name, type, parsed, type === "volume" ? { volsize, volblocksize } : undefined);
}
