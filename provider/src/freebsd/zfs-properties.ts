// The native ZFS properties of OpenZFS 2.2 on FreeBSD (module/zcommon/zfs_prop.c at zfs-2.2.7),
// with the value forms zfs(8) accepts, so inputs are checked before anything touches a host.

/** How a property's value is written. */
export type ValueForm =
  | { kind: "enum"; values: readonly string[] }
  | { kind: "size"; also?: readonly string[] }
  | { kind: "count"; also?: readonly string[] }
  | { kind: "path"; also: readonly string[] }
  | { kind: "text" };

/** Settability: any time, only at creation, or never. */
export type Settable = "always" | "create" | "never";

export interface NativeProperty {
  form: ValueForm;
  settable: Settable;
  /** Whether `zfs inherit` works on it; non-inheritable ones are reset by other means. */
  inheritable: boolean;
  /** Which dataset types take it. */
  types: "both" | "filesystem" | "volume";
}

const onOff = { kind: "enum", values: ["on", "off"] } as const;
const compressions = [
  "on", "off", "lzjb", "gzip", ...range(1, 9).map((n) => `gzip-${n}`), "zle", "lz4",
  "zstd", ...range(1, 19).map((n) => `zstd-${n}`), "zstd-fast",
  ...[...range(1, 10), 20, 30, 40, 50, 60, 70, 80, 90, 100, 500, 1000].map((n) => `zstd-fast-${n}`),
];
const checksums = ["on", "off", "fletcher2", "fletcher4", "sha256", "noparity", "sha512", "skein", "edonr", "blake3"];
const dedups = ["on", "off", "verify", "sha256", "sha256,verify", "sha512", "sha512,verify", "skein",
  "skein,verify", "edonr,verify", "blake3", "blake3,verify"];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function p(form: ValueForm, settable: Settable, inheritable: boolean, types: NativeProperty["types"] = "both"): NativeProperty {
  return { form, settable, inheritable, types };
}

const readOnly = p({ kind: "text" }, "never", false);
const e = (...values: string[]): ValueForm => ({ kind: "enum", values });

/** Every native property by name. */
export const nativeProperties: Readonly<Record<string, NativeProperty>> = {
  // read-only statistics and identity
  type: readOnly, creation: readOnly, used: readOnly, available: readOnly, referenced: readOnly,
  compressratio: readOnly, refcompressratio: readOnly, mounted: readOnly, origin: readOnly, clones: readOnly,
  usedbysnapshots: readOnly, usedbydataset: readOnly, usedbychildren: readOnly, usedbyrefreservation: readOnly,
  userrefs: readOnly, written: readOnly, logicalused: readOnly, logicalreferenced: readOnly,
  filesystem_count: readOnly, snapshot_count: readOnly, guid: readOnly, createtxg: readOnly, objsetid: readOnly,
  snapshots_changed: readOnly, defer_destroy: readOnly, keystatus: readOnly, encryptionroot: readOnly,
  receive_resume_token: readOnly, redact_snaps: readOnly,
  // inheritable
  mountpoint: p({ kind: "path", also: ["legacy", "none"] }, "always", true, "filesystem"),
  compression: p(e(...compressions), "always", true),
  checksum: p(e(...checksums), "always", true),
  dedup: p(e(...dedups), "always", true),
  atime: p(onOff, "always", true, "filesystem"),
  relatime: p(onOff, "always", true, "filesystem"),
  devices: p(onOff, "always", true, "filesystem"),
  exec: p(onOff, "always", true, "filesystem"),
  setuid: p(onOff, "always", true, "filesystem"),
  readonly: p(onOff, "always", true),
  jailed: p(onOff, "always", true, "filesystem"),
  recordsize: p({ kind: "size" }, "always", true, "filesystem"),
  sync: p(e("standard", "always", "disabled"), "always", true),
  snapdir: p(e("hidden", "visible"), "always", true, "filesystem"),
  snapdev: p(e("hidden", "visible"), "always", true),
  aclmode: p(e("discard", "groupmask", "passthrough", "restricted"), "always", true, "filesystem"),
  aclinherit: p(e("discard", "noallow", "restricted", "passthrough", "passthrough-x"), "always", true, "filesystem"),
  acltype: p(e("off", "nfsv4", "posix", "noacl", "posixacl"), "always", true, "filesystem"),
  xattr: p(e("on", "off", "sa", "dir"), "always", true, "filesystem"),
  copies: p(e("1", "2", "3"), "always", true),
  primarycache: p(e("all", "none", "metadata"), "always", true),
  secondarycache: p(e("all", "none", "metadata"), "always", true),
  prefetch: p(e("all", "none", "metadata"), "always", true),
  logbias: p(e("latency", "throughput"), "always", true),
  dnodesize: p(e("legacy", "auto", "1k", "2k", "4k", "8k", "16k"), "always", true, "filesystem"),
  volmode: p(e("default", "full", "geom", "dev", "none"), "always", true),
  redundant_metadata: p(e("all", "most", "some", "none"), "always", true),
  special_small_blocks: p({ kind: "size" }, "always", true, "filesystem"),
  sharenfs: p({ kind: "text" }, "always", true, "filesystem"),
  sharesmb: p({ kind: "text" }, "always", true, "filesystem"),
  vscan: p(onOff, "always", true, "filesystem"),
  nbmand: p(onOff, "always", true, "filesystem"),
  overlay: p(onOff, "always", true, "filesystem"),
  mlslabel: p({ kind: "text" }, "always", true),
  // settable, not inheritable
  quota: p({ kind: "size", also: ["none"] }, "always", false, "filesystem"),
  refquota: p({ kind: "size", also: ["none"] }, "always", false, "filesystem"),
  reservation: p({ kind: "size", also: ["none"] }, "always", false),
  refreservation: p({ kind: "size", also: ["none", "auto"] }, "always", false),
  filesystem_limit: p({ kind: "count", also: ["none"] }, "always", false, "filesystem"),
  snapshot_limit: p({ kind: "count", also: ["none"] }, "always", false),
  canmount: p(e("on", "off", "noauto"), "always", false, "filesystem"),
  version: p(e("1", "2", "3", "4", "5", "current"), "always", false, "filesystem"),
  volsize: p({ kind: "size" }, "always", false, "volume"),
  keylocation: p({ kind: "text" }, "always", false),
  // only at creation
  normalization: p(e("none", "formC", "formD", "formKC", "formKD"), "create", false, "filesystem"),
  casesensitivity: p(e("sensitive", "insensitive", "mixed"), "create", false, "filesystem"),
  utf8only: p(onOff, "create", false, "filesystem"),
  encryption: p(
    e("off", "on", "aes-128-ccm", "aes-192-ccm", "aes-256-ccm", "aes-128-gcm", "aes-192-gcm", "aes-256-gcm"),
    "create", false,
  ),
  keyformat: p(e("raw", "hex", "passphrase"), "create", false),
  pbkdf2iters: p({ kind: "count" }, "create", false),
  volblocksize: p({ kind: "size" }, "create", false, "volume"),
};

/** zfs(8)'s short names for native properties, accepted on input. */
export const propertyAliases: Readonly<Record<string, string>> = {
  avail: "available", refer: "referenced", ratio: "compressratio", refratio: "refcompressratio",
  compress: "compression", reserv: "reservation", refreserv: "refreservation", volblock: "volblocksize",
  recsize: "recordsize", rdonly: "readonly", lused: "logicalused", lrefer: "logicalreferenced",
  usedsnap: "usedbysnapshots", usedds: "usedbydataset", usedchild: "usedbychildren",
  usedrefreserv: "usedbyrefreservation",
};

/** User properties: `module:property`, lowercase letters, digits and `: . _ -`, shorter than 256. */
export const userPropertyPattern = /^[a-z0-9_.-]+:[a-z0-9_.:-]*$/;

/** zfs(8) sizes: a number with an optional K/M/G/T/P/E suffix (optionally followed by B). */
export const sizePattern = /^(\d+(\.\d+)?)([KMGTPE]B?|B)?$/i;
