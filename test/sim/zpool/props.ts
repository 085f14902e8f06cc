// Pool properties of OpenZFS 2.2.7 (module/zcommon/zpool_prop.c, zpool_prop_t order) and their
// values as libzfs zpool_get_prop formats them.

import type { PoolRecord } from "../core/types.ts";
import type { ZfsCtx } from "../zfs/context.ts";
import { allocatedOf } from "../zfs/space.ts";
import { nicebytes, nicenum, ratio } from "../zfs/nicenum.ts";

export interface PoolPropDef {
  name: string;
  kind: "number" | "string" | "index";
  readonly: boolean;
  values: string | null;
  col: string;
  visible: boolean;
  table?: string[];
}

const P = (name: string, kind: PoolPropDef["kind"], readonly: boolean, values: string | null, col: string,
  visible = true, table?: string[]): PoolPropDef => ({ name, kind, readonly, values, col, visible, table });
const ONOFF = ["off", "on"];

/** Pool properties in enum order. */
export const POOL_PROPS: readonly PoolPropDef[] = [
  P("name", "string", true, null, "NAME", false),
  P("size", "number", true, "<size>", "SIZE"),
  P("capacity", "number", true, "<size>", "CAP"),
  P("altroot", "string", false, "<path>", "ALTROOT"),
  P("health", "number", true, "<state>", "HEALTH"),
  P("guid", "number", true, "<guid>", "GUID"),
  P("version", "number", false, "<version>", "VERSION"),
  P("bootfs", "string", false, "<filesystem>", "BOOTFS"),
  P("delegation", "index", false, "on | off", "DELEGATION", true, ONOFF),
  P("autoreplace", "index", false, "on | off", "REPLACE", true, ONOFF),
  P("cachefile", "string", false, "<file> | none", "CACHEFILE"),
  P("failmode", "index", false, "wait | continue | panic", "FAILMODE", true, ["wait", "continue", "panic"]),
  P("listsnapshots", "index", false, "on | off", "LISTSNAPS", true, ONOFF),
  P("autoexpand", "index", false, "on | off", "EXPAND", true, ONOFF),
  P("dedupditto", "number", false, null, "DEDUPDITTO", false),
  P("dedupratio", "number", true, "<1.00x or higher if deduped>", "DEDUP"),
  P("free", "number", true, "<size>", "FREE"),
  P("allocated", "number", true, "<size>", "ALLOC"),
  P("readonly", "index", false, "on | off", "RDONLY", true, ONOFF),
  P("ashift", "number", false, "<ashift, 9-16, or 0=default>", "ASHIFT"),
  P("comment", "string", false, "<comment-string>", "COMMENT"),
  P("expandsize", "number", true, "<size>", "EXPANDSZ"),
  P("freeing", "number", true, "<size>", "FREEING"),
  P("fragmentation", "number", true, "<percent>", "FRAG"),
  P("leaked", "number", true, "<size>", "LEAKED"),
  P("maxblocksize", "number", true, null, "MAXBLOCKSIZE", false),
  P("tname", "string", true, null, "TNAME", false),
  P("maxdnodesize", "number", true, null, "MAXDNODESIZE", false),
  P("multihost", "index", false, "on | off", "MULTIHOST", true, ONOFF),
  P("checkpoint", "number", true, "<size>", "CKPOINT"),
  P("load_guid", "number", true, "<load_guid>", "LOAD_GUID"),
  P("autotrim", "index", false, "on | off", "AUTOTRIM", true, ONOFF),
  P("compatibility", "string", false, "<file[,file...]> | off | legacy", "COMPATIBILITY"),
  P("bcloneused", "number", true, "<size>", "BCLONE_USED"),
  P("bclonesaved", "number", true, "<size>", "BCLONE_SAVED"),
  P("bcloneratio", "number", true, "<1.00x or higher if cloned>", "BCLONE_RATIO"),
];

/** Features in spa_feature_t order with their state on a pool created by FreeBSD 14.3's installer. */
export const FEATURES: [string, string][] = [
  ["async_destroy", "enabled"], ["empty_bpobj", "active"], ["lz4_compress", "active"],
  ["multi_vdev_crash_dump", "enabled"], ["spacemap_histogram", "active"], ["enabled_txg", "active"],
  ["hole_birth", "active"], ["extensible_dataset", "active"], ["embedded_data", "active"], ["bookmarks", "enabled"],
  ["filesystem_limits", "enabled"], ["large_blocks", "enabled"], ["large_dnode", "enabled"], ["sha512", "enabled"],
  ["skein", "enabled"], ["edonr", "enabled"], ["userobj_accounting", "active"], ["encryption", "enabled"],
  ["project_quota", "active"], ["device_removal", "enabled"], ["obsolete_counts", "enabled"],
  ["zpool_checkpoint", "enabled"], ["spacemap_v2", "active"], ["allocation_classes", "enabled"],
  ["resilver_defer", "enabled"], ["bookmark_v2", "enabled"], ["redaction_bookmarks", "enabled"],
  ["redacted_datasets", "enabled"], ["bookmark_written", "enabled"], ["log_spacemap", "active"],
  ["livelist", "enabled"], ["device_rebuild", "enabled"], ["zstd_compress", "enabled"], ["draid", "enabled"],
  ["zilsaxattr", "enabled"], ["head_errlog", "active"], ["blake3", "enabled"], ["block_cloning", "enabled"],
  ["vdev_zaps_v2", "active"],
];

/** Finds a pool property by name or lowercased column name (`alloc`, `cap`, `frag`). */
export function findPoolProp(name: string): PoolPropDef | undefined {
  return POOL_PROPS.find((p) => p.name === name) ?? POOL_PROPS.find((p) => p.col.toLowerCase() === name);
}

export interface PoolGot {
  value: string;
  source: "none" | "default" | "local";
}

const DEFAULTS: Record<string, string> = {
  altroot: "-", bootfs: "-", cachefile: "-", comment: "-", compatibility: "off", delegation: "on",
  autoreplace: "off", failmode: "wait", listsnapshots: "off", autoexpand: "off", multihost: "off", autotrim: "off",
  ashift: "0", version: "-", readonly: "off",
};

/** A pool property's value and source. */
export function poolProp(ctx: ZfsCtx, pool: PoolRecord, def: PoolPropDef, literal: boolean): PoolGot | undefined {
  const alloc = allocatedOf(ctx, pool.name);
  const size = pool.sizeBytes;
  const none = (value: string): PoolGot => ({ value, source: "none" });
  const bytes = (n: number): string => (literal ? String(n) : nicenum(n));
  switch (def.name) {
    case "name": return none(pool.name);
    case "size": return none(bytes(size));
    case "allocated": return none(bytes(alloc));
    case "free": return none(bytes(size - alloc));
    case "freeing": case "leaked": case "bcloneused": case "bclonesaved": return none(bytes(0));
    case "capacity": {
      const pct = Math.floor((alloc * 100) / size);
      return none(literal ? String(pct) : `${pct}%`);
    }
    case "health": return none(pool.health);
    case "guid": return none(pool.guid);
    case "load_guid": return none(pool.guid.split("").reverse().join("").replace(/^0+/, "") || "1");
    case "dedupratio": case "bcloneratio": return none(ratio(100, literal));
    case "fragmentation": return none(literal ? String(pool.fragmentation) : `${pool.fragmentation}%`);
    case "expandsize": case "checkpoint": return none("-");
    case "maxblocksize": return none(literal ? "16777216" : nicebytes(16777216));
    case "readonly": return none("off");
  }
  if (!def.visible) return undefined;
  const local = pool.props[def.name];
  if (local !== undefined) return { value: local, source: "local" };
  return { value: DEFAULTS[def.name] ?? "-", source: "default" };
}
