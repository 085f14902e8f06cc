// The dataset property table of OpenZFS 2.2.7 as built for FreeBSD (module/zcommon/zfs_prop.c),
// in zfs_prop_t enum order: `zfs get all` prints properties in exactly this order.

export const T_FS = 1;
export const T_SNAP = 2;
export const T_VOL = 4;
export const T_BOOKMARK = 16;
export const T_DATASET = T_FS | T_SNAP | T_VOL;

export type PropKind = "number" | "string" | "index";
export type PropAttr = "readonly" | "inherit" | "default" | "onetime" | "onetime_default";

export interface PropDef {
  name: string;
  kind: PropKind;
  attr: PropAttr;
  types: number;
  values: string | null;
  col: string;
  rightAlign: boolean;
  visible: boolean;
  flex: boolean;
  numDefault: number;
  strDefault: string | null;
  /** Index properties: accepted names in table order (the first name of an alias group displays). */
  table: string[] | null;
}

const BOOL = ["off", "on"];
const COMPRESS = ["on", "off", "lzjb", "gzip", ...range(1, 9).map((n) => `gzip-${n}`), "zle", "lz4", "zstd",
  "zstd-fast", ...range(1, 19).map((n) => `zstd-${n}`),
  ...[...range(1, 10), 20, 30, 40, 50, 60, 70, 80, 90, 100, 500, 1000].map((n) => `zstd-fast-${n}`)];

/** Index names that are aliases of an earlier name in the same table (they display as that name). */
export const INDEX_ALIASES: Record<string, Record<string, string>> = {
  compression: { "gzip-6": "gzip" },
  xattr: { dir: "on" },
  acltype: { disabled: "off", noacl: "off", posixacl: "posix" },
  aclinherit: { secure: "restricted" },
  volmode: { geom: "full" },
};

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

type Spec = [name: string, kind: PropKind, attr: PropAttr, types: number, values: string | null, col: string,
  def: number | string | null, table?: string[] | null, opts?: { right?: boolean; visible?: boolean; flex?: boolean }];

const RO: PropAttr = "readonly";
const INH: PropAttr = "inherit";
const DEF: PropAttr = "default";
const ONE: PropAttr = "onetime";
const ONED: PropAttr = "onetime_default";
const U64_MAX = -1;
const HIDDEN = { visible: false };
const FLEX = { flex: true };

const SPECS: Spec[] = [
  ["type", "string", RO, T_DATASET | T_BOOKMARK, "filesystem | volume | snapshot | bookmark", "TYPE", null],
  ["creation", "number", RO, T_DATASET | T_BOOKMARK, "<date>", "CREATION", 0, null, { right: false, flex: true }],
  ["used", "number", RO, T_DATASET, "<size>", "USED", 0],
  ["available", "number", RO, T_FS | T_VOL, "<size>", "AVAIL", 0],
  ["referenced", "number", RO, T_DATASET | T_BOOKMARK, "<size>", "REFER", 0],
  ["compressratio", "number", RO, T_DATASET | T_BOOKMARK, "<1.00x or higher if compressed>", "RATIO", 0],
  ["mounted", "index", RO, T_FS, "yes | no", "MOUNTED", "off", BOOL],
  ["origin", "string", RO, T_FS | T_VOL, "<snapshot>", "ORIGIN", null],
  ["quota", "number", DEF, T_FS, "<size> | none", "QUOTA", 0],
  ["reservation", "number", DEF, T_FS | T_VOL, "<size> | none", "RESERV", 0],
  ["volsize", "number", DEF, T_SNAP | T_VOL, "<size>", "VOLSIZE", 0],
  ["volblocksize", "number", ONE, T_VOL, "512 to 128k, power of 2", "VOLBLOCK", 16384],
  ["recordsize", "number", INH, T_FS, "512 to 1M, power of 2", "RECSIZE", 131072],
  ["mountpoint", "string", INH, T_FS, "<path> | legacy | none", "MOUNTPOINT", "/"],
  ["sharenfs", "string", INH, T_FS, "on | off | NFS share options", "SHARENFS", "off"],
  ["checksum", "index", INH, T_FS | T_VOL, "on | off | fletcher2 | fletcher4 | sha256 | sha512 | skein | edonr | blake3",
    "CHECKSUM", "on", ["on", "off", "fletcher2", "fletcher4", "sha256", "noparity", "sha512", "skein", "edonr", "blake3"]],
  ["compression", "index", INH, T_FS | T_VOL, "on | off | lzjb | gzip | gzip-[1-9] | zle | lz4 | zstd | zstd-[1-19] | "
    + "zstd-fast | zstd-fast-[1-10,20,30,40,50,60,70,80,90,100,500,1000]", "COMPRESS", "on", COMPRESS],
  ["atime", "index", INH, T_FS, "on | off", "ATIME", "on", BOOL],
  ["devices", "index", INH, T_FS | T_SNAP, "on | off", "DEVICES", "on", BOOL],
  ["exec", "index", INH, T_FS | T_SNAP, "on | off", "EXEC", "on", BOOL],
  ["setuid", "index", INH, T_FS | T_SNAP, "on | off", "SETUID", "on", BOOL],
  ["readonly", "index", INH, T_FS | T_VOL, "on | off", "RDONLY", "off", BOOL],
  ["jailed", "index", INH, T_FS, "on | off", "JAILED", "off", BOOL],
  ["snapdir", "index", INH, T_FS, "hidden | visible", "SNAPDIR", "hidden", ["hidden", "visible"]],
  ["aclmode", "index", INH, T_FS, "discard | groupmask | passthrough | restricted", "ACLMODE", "discard",
    ["discard", "groupmask", "passthrough", "restricted"]],
  ["aclinherit", "index", INH, T_FS, "discard | noallow | restricted | passthrough | passthrough-x", "ACLINHERIT",
    "restricted", ["discard", "noallow", "restricted", "passthrough", "secure", "passthrough-x"]],
  ["createtxg", "number", RO, T_DATASET | T_BOOKMARK, "<uint64>", "CREATETXG", 0, null, FLEX],
  ["name", "string", RO, T_DATASET | T_BOOKMARK, null, "NAME", null, null, { visible: false, flex: true }],
  ["canmount", "index", DEF, T_FS, "on | off | noauto", "CANMOUNT", "on", ["off", "on", "noauto"]],
  ["iscsioptions", "string", INH, T_VOL, null, "ISCSIOPTIONS", null, null, { visible: false, flex: true }],
  ["xattr", "index", INH, T_FS | T_SNAP, "on | off | dir | sa", "XATTR", "on", ["off", "on", "sa", "dir"]],
  ["numclones", "number", RO, T_SNAP, null, "NUMCLONES", 0, null, HIDDEN],
  ["copies", "index", INH, T_FS | T_VOL, "1 | 2 | 3", "COPIES", "1", ["1", "2", "3"]],
  ["version", "index", DEF, T_FS | T_SNAP, "1 | 2 | 3 | 4 | 5 | current", "VERSION", "5",
    ["1", "2", "3", "4", "5", "current"]],
  ["utf8only", "index", ONE, T_FS | T_SNAP, "on | off", "UTF8ONLY", "off", BOOL],
  ["normalization", "index", ONE, T_FS | T_SNAP, "none | formC | formD | formKC | formKD", "NORMALIZATION", "none",
    ["none", "formD", "formKC", "formC", "formKD"]],
  ["casesensitivity", "index", ONE, T_FS | T_SNAP, "sensitive | insensitive | mixed", "CASE", "sensitive",
    ["sensitive", "insensitive", "mixed"]],
  ["vscan", "index", INH, T_FS, "on | off", "VSCAN", "off", BOOL],
  ["nbmand", "index", INH, T_FS | T_SNAP, "on | off", "NBMAND", "off", BOOL],
  ["sharesmb", "string", INH, T_FS, "on | off | SMB share options", "SHARESMB", "off"],
  ["refquota", "number", DEF, T_FS, "<size> | none", "REFQUOTA", 0],
  ["refreservation", "number", DEF, T_FS | T_VOL, "<size> | none", "REFRESERV", 0],
  ["guid", "number", RO, T_DATASET | T_BOOKMARK, "<uint64>", "GUID", 0, null, FLEX],
  ["primarycache", "index", INH, T_FS | T_SNAP | T_VOL, "all | none | metadata", "PRIMARYCACHE", "all",
    ["none", "metadata", "all"]],
  ["secondarycache", "index", INH, T_FS | T_SNAP | T_VOL, "all | none | metadata", "SECONDARYCACHE", "all",
    ["none", "metadata", "all"]],
  ["usedbysnapshots", "number", RO, T_FS | T_VOL, "<size>", "USEDSNAP", 0],
  ["usedbydataset", "number", RO, T_FS | T_VOL, "<size>", "USEDDS", 0],
  ["usedbychildren", "number", RO, T_FS | T_VOL, "<size>", "USEDCHILD", 0],
  ["usedbyrefreservation", "number", RO, T_FS | T_VOL, "<size>", "USEDREFRESERV", 0],
  ["useraccounting", "number", RO, T_DATASET, null, "USERACCOUNTING", 0, null, HIDDEN],
  ["stmf_sbd_lu", "string", INH, T_VOL, null, "STMF_SBD_LU", null, null, { visible: false, flex: true }],
  ["defer_destroy", "index", RO, T_SNAP, "yes | no", "DEFER_DESTROY", "off", BOOL],
  ["userrefs", "number", RO, T_SNAP, "<count>", "USERREFS", 0],
  ["logbias", "index", INH, T_FS | T_VOL, "latency | throughput", "LOGBIAS", "latency", ["latency", "throughput"]],
  ["unique", "number", RO, T_DATASET, null, "UNIQUE", 0, null, HIDDEN],
  ["objsetid", "number", RO, T_DATASET, "<uint64>", "OBJSETID", 0, null, FLEX],
  ["dedup", "index", INH, T_FS | T_VOL, "on | off | verify | sha256[,verify] | sha512[,verify] | skein[,verify] | "
    + "edonr,verify | blake3[,verify]", "DEDUP", "off", ["on", "off", "verify", "sha256", "sha256,verify", "sha512",
    "sha512,verify", "skein", "skein,verify", "edonr,verify", "blake3", "blake3,verify"]],
  ["mlslabel", "string", INH, T_DATASET, "<sensitivity label>", "MLSLABEL", "none"],
  ["sync", "index", INH, T_FS | T_VOL, "standard | always | disabled", "SYNC", "standard",
    ["standard", "always", "disabled"]],
  ["dnodesize", "index", INH, T_FS, "legacy | auto | 1k | 2k | 4k | 8k | 16k", "DNSIZE", "legacy",
    ["legacy", "auto", "1k", "2k", "4k", "8k", "16k"]],
  ["refcompressratio", "number", RO, T_DATASET, "<1.00x or higher if compressed>", "REFRATIO", 0],
  ["written", "number", RO, T_DATASET, "<size>", "WRITTEN", 0],
  ["clones", "string", RO, T_SNAP, "<dataset>[,...]", "CLONES", null],
  ["logicalused", "number", RO, T_FS | T_VOL, "<size>", "LUSED", 0],
  ["logicalreferenced", "number", RO, T_DATASET | T_BOOKMARK, "<size>", "LREFER", 0],
  ["inconsistent", "number", RO, T_DATASET, null, "INCONSISTENT", 0, null, HIDDEN],
  ["volmode", "index", INH, T_FS | T_VOL, "default | full | geom | dev | none", "VOLMODE", "default",
    ["default", "full", "geom", "dev", "none"]],
  ["filesystem_limit", "number", DEF, T_FS, "<count> | none", "FSLIMIT", U64_MAX],
  ["snapshot_limit", "number", DEF, T_FS | T_VOL, "<count> | none", "SSLIMIT", U64_MAX],
  ["filesystem_count", "number", RO, T_FS, "<count>", "FSCOUNT", U64_MAX],
  ["snapshot_count", "number", RO, T_FS | T_VOL, "<count>", "SSCOUNT", U64_MAX],
  ["snapdev", "index", INH, T_FS | T_VOL, "hidden | visible", "SNAPDEV", "hidden", ["hidden", "visible"]],
  ["acltype", "index", INH, T_FS | T_SNAP, "off | nfsv4 | posix", "ACLTYPE", "nfsv4",
    ["off", "posix", "nfsv4", "disabled", "noacl", "posixacl"]],
  ["context", "string", DEF, T_DATASET, "<selinux context>", "CONTEXT", "none"],
  ["fscontext", "string", DEF, T_DATASET, "<selinux fscontext>", "FSCONTEXT", "none"],
  ["defcontext", "string", DEF, T_DATASET, "<selinux defcontext>", "DEFCONTEXT", "none"],
  ["rootcontext", "string", DEF, T_DATASET, "<selinux rootcontext>", "ROOTCONTEXT", "none"],
  ["relatime", "index", INH, T_FS, "on | off", "RELATIME", "on", BOOL],
  ["redundant_metadata", "index", INH, T_FS | T_VOL, "all | most | some | none", "REDUND_MD", "all",
    ["all", "most", "some", "none"]],
  ["overlay", "index", INH, T_FS, "on | off", "OVERLAY", "on", BOOL],
  ["prevsnap", "string", RO, T_FS | T_VOL, null, "PREVSNAP", null, null, { visible: false, flex: true }],
  ["receive_resume_token", "string", RO, T_FS | T_VOL, "<string token>", "RESUMETOK", null],
  ["encryption", "index", ONE, T_DATASET, "on | off | aes-128-ccm | aes-192-ccm | aes-256-ccm | aes-128-gcm | "
    + "aes-192-gcm | aes-256-gcm", "ENCRYPTION", "off", ["on", "off", "aes-128-ccm", "aes-192-ccm", "aes-256-ccm",
    "aes-128-gcm", "aes-192-gcm", "aes-256-gcm"]],
  ["keylocation", "string", DEF, T_FS | T_VOL, "prompt | <file URI> | <https URL> | <http URL>", "KEYLOCATION", "none"],
  ["keyformat", "index", ONED, T_FS | T_VOL, "none | raw | hex | passphrase", "KEYFORMAT", "none",
    ["none", "raw", "hex", "passphrase"]],
  ["pbkdf2salt", "number", ONED, T_FS | T_VOL, null, "PBKDF2SALT", 0, null, HIDDEN],
  ["pbkdf2iters", "number", ONED, T_FS | T_VOL, "<iters>", "PBKDF2ITERS", 0, null, FLEX],
  ["encryptionroot", "string", RO, T_DATASET, "<filesystem | volume>", "ENCROOT", null],
  ["keyguid", "number", RO, T_DATASET, null, "KEYGUID", 0, null, { visible: false, flex: true }],
  ["keystatus", "index", RO, T_DATASET, "none | unavailable | available", "KEYSTATUS", "none",
    ["none", "unavailable", "available"]],
  ["remaptxg", "number", RO, T_DATASET, null, "REMAPTXG", 0, null, HIDDEN],
  ["special_small_blocks", "number", INH, T_FS, "zero or 512 to 1M, power of 2", "SPECIAL_SMALL_BLOCKS", 0],
  ["ivsetguid", "number", RO, T_DATASET | T_BOOKMARK, null, "IVSETGUID", 0, null, { visible: false, flex: true }],
  ["redacted", "number", RO, T_DATASET, null, "REDACTED", 0, null, HIDDEN],
  ["redact_snaps", "string", RO, T_DATASET | T_BOOKMARK, "<snapshot>[,...]", "RSNAPS", null],
  ["snapshots_changed", "number", RO, T_FS | T_VOL, "<date>", "SNAPSHOTS_CHANGED", 0, null, { right: false, flex: true }],
  ["prefetch", "index", INH, T_FS | T_SNAP | T_VOL, "none | metadata | all", "PREFETCH", "all",
    ["none", "metadata", "all"]],
];

function toDef(spec: Spec): PropDef {
  const [name, kind, attr, types, values, col, def, table, opts] = spec;
  return {
    name, kind, attr, types, values, col,
    rightAlign: opts?.right ?? kind === "number",
    visible: opts?.visible ?? true,
    flex: opts?.flex ?? kind !== "number",
    numDefault: typeof def === "number" ? def : 0,
    strDefault: typeof def === "string" ? def : null,
    table: table ?? null,
  };
}

/** All dataset properties in enum order. */
export const PROPS: readonly PropDef[] = SPECS.map(toDef);

const BY_NAME = new Map(PROPS.map((p) => [p.name, p]));

/** Looks a property up by name or by its lowercased column name (`avail`, `refer`, `recsize`...). */
export function findProp(name: string): PropDef | undefined {
  const direct = BY_NAME.get(name);
  if (direct) return direct;
  return PROPS.find((p) => p.col.toLowerCase() === name);
}

/** Returns a property definition known to exist. */
export function prop(name: string): PropDef {
  const def = BY_NAME.get(name);
  if (!def) throw new Error(`unknown property ${name}`);
  return def;
}

/** True when `zfs set` refuses the property (read-only or create-time only). */
export function isReadonly(def: PropDef): boolean {
  return def.attr === "readonly" || def.attr === "onetime" || def.attr === "onetime_default";
}

/** True when children inherit the property (zfs_prop_inheritable). */
export function isInheritable(def: PropDef): boolean {
  return def.attr === "inherit" || def.attr === "onetime";
}

/** True when the property applies to the given type mask. */
export function validFor(def: PropDef, typeMask: number): boolean {
  return (def.types & typeMask) !== 0;
}

/** True for a valid user property name (module:prop, lowercase letters, digits, : . _ -). */
export function isUserProp(name: string): boolean {
  return /^[a-z0-9:._-]*$/.test(name) && name.includes(":");
}

/** True for the userquota@... family of names. */
export function isUserquotaProp(name: string): boolean {
  return /^(user|group|project)(obj)?(used|quota)@/.test(name);
}

/** True for written@snap / written#bookmark. */
export function isWrittenProp(name: string): boolean {
  return name.startsWith("written@") || name.startsWith("written#");
}

/** Canonical display name of an index value (resolves aliases such as xattr=dir -> on). */
export function canonicalIndex(def: PropDef, value: string): string | undefined {
  if (!def.table || !def.table.includes(value)) return undefined;
  return INDEX_ALIASES[def.name]?.[value] ?? value;
}

/** Type bit of a dataset type name. */
export function typeBit(type: "filesystem" | "volume" | "snapshot"): number {
  return type === "filesystem" ? T_FS : type === "volume" ? T_VOL : T_SNAP;
}
