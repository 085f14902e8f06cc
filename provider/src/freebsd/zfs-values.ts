import { nativeProperties, sizePattern } from "./zfs-properties.ts";
import { canonicalProperty } from "./zfs-names.ts";

// zfs(8) prints values in its own canonical form (`-p` gives sizes in bytes, quota 0 for none,
// acltype aliases resolved), so a value as a user writes it is compared in that form.

const units = ["", "K", "M", "G", "T", "P", "E"];

/** Parses a zfs size (`10G`, `1.5M`, `512`) into bytes. */
export function parseSize(text: string): number | undefined {
  const m = sizePattern.exec(text);
  if (!m) return undefined;
  const exponent = units.indexOf((m[3] ?? "").replace(/B$/i, "").toUpperCase());
  return Math.round(Number(m[1]) * 1024 ** Math.max(exponent, 0));
}

/** Writes bytes as the shortest exact zfs size (`10G`, `1536K`, `1000`). */
export function formatSize(bytes: number): string {
  if (bytes === 0) return "0";
  let exponent = 0;
  while (exponent < units.length - 1 && bytes % 1024 ** (exponent + 1) === 0) exponent++;
  return `${bytes / 1024 ** exponent}${units[exponent]}`;
}

const aliasValues: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  acltype: { noacl: "off", posixacl: "posix" },
  // encryption=on is stored as ZIO_CRYPT_ON_VALUE, aes-256-gcm (include/sys/fs/zfs.h), and read back so.
  encryption: { on: "aes-256-gcm" },
};

/** The form in which `zfs get -p` prints a value that was set as `value`. */
export function normalizeValue(property: string, value: string): string {
  const name = canonicalProperty(property);
  const native = nativeProperties[name];
  if (!native) return value;
  const alias = aliasValues[name]?.[value];
  if (alias) return alias;
  if (native.form.kind === "size") {
    if (value === "none") return "0";
    const bytes = parseSize(value);
    return bytes === undefined ? value : String(bytes);
  }
  if (native.form.kind === "path" && value.length > 1) return value.replace(/\/+$/, "");
  return value;
}

/** Writes a value read with `-p` the way a user would (sizes compacted, 0 quotas as `none`). */
export function presentValue(property: string, value: string): string {
  const native = nativeProperties[canonicalProperty(property)];
  if (native?.form.kind !== "size" || !/^\d+$/.test(value)) return value;
  const bytes = Number(value);
  if (bytes === 0 && native.form.also?.includes("none")) return "none";
  return formatSize(bytes);
}

/** True when a value as written and a value as read with `-p` mean the same. */
export function sameValue(property: string, written: string, read: string): boolean {
  return normalizeValue(property, written) === normalizeValue(property, read);
}
