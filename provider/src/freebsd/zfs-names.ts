import { nativeProperties, propertyAliases, sizePattern, userPropertyPattern } from "./zfs-properties.ts";

// Rules of zfs(8) names and values, checked before a host is touched. Each returns the broken
// rule as a sentence, or undefined when the text is valid.

/** ZFS_MAX_DATASET_NAME_LEN is 256 including the NUL (sys/fs/zfs.h). */
export const maxDatasetNameLength = 255;

/** Pool names zpool(8) reserves (zfs_namecheck.c: pool_namecheck). */
const reservedPoolNames = /^(mirror|raidz|draid|spare|log|c[0-9].*)$/;

/** Checks a filesystem or volume name as zfs_namecheck.c's dataset_namecheck does. */
export function checkDatasetName(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name.length > maxDatasetNameLength) return `must be at most ${maxDatasetNameLength} characters (it has ${name.length})`;
  const bad = /[^A-Za-z0-9_.: /-]/.exec(name);
  if (bad) return `invalid character ${JSON.stringify(bad[0])}: only letters, digits, '_', '-', '.', ':', ' ' and '/' are allowed`;
  if (name.startsWith("/") || name.endsWith("/")) return "must not start or end with '/'";
  if (!name.includes("/")) return "must name a dataset inside a pool, as pool/dataset (a pool's root dataset is not managed)";
  const components = name.split("/");
  if (components.some((c) => c.length === 0)) return "must not contain empty components ('//')";
  if (components.some((c) => c === "." || c === "..")) return "components must not be '.' or '..'";
  const pool = components[0]!;
  if (!/^[A-Za-z]/.test(pool)) return "the pool name must begin with a letter";
  if (reservedPoolNames.test(pool)) return `the pool name ${JSON.stringify(pool)} is reserved`;
  return undefined;
}

/** Checks the short name of a snapshot (after the '@'), as zfs_namecheck.c's zfs_component_namecheck does. */
export function checkSnapshotName(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  const bad = /[^A-Za-z0-9_.: -]/.exec(name);
  if (bad) return `invalid character ${JSON.stringify(bad[0])}: only letters, digits, '_', '-', '.', ':' and ' ' are allowed`;
  if (name === "." || name === "..") return "must not be '.' or '..'";
  return undefined;
}

/** Checks a full snapshot name `pool/dataset@snapshot`: its dataset, its snapshot name and their length together. */
export function checkFullSnapshotName(name: string): string | undefined {
  const at = name.indexOf("@");
  if (at < 0) return "must name a snapshot as pool/dataset@snapshot";
  const dataset = checkDatasetName(name.slice(0, at));
  if (dataset) return `dataset part: ${dataset}`;
  const snapshot = checkSnapshotName(name.slice(at + 1));
  if (snapshot) return `snapshot part: ${snapshot}`;
  if (name.length > maxDatasetNameLength) return `must be at most ${maxDatasetNameLength} characters (it has ${name.length})`;
  return undefined;
}

/**
 * Checks a hold tag: zfs hold reserves tags starting with '.' for libzfs (zfs_main.c), the kernel
 * refuses one longer than MAXNAMELEN (dsl_userhold.c: E2BIG); a leading '-' would read as an option,
 * and `zfs holds` prints one hold a line with TABs between the fields.
 */
export function checkHoldTag(tag: string): string | undefined {
  if (tag.length === 0) return "must not be empty";
  if (tag.length > 256) return `must be at most 256 characters (it has ${tag.length})`;
  if (tag.startsWith(".")) return "must not start with '.': zfs reserves those tags for itself";
  if (tag.startsWith("-")) return "must not start with '-'";
  if (/[\0-\x1f\x7f]/.test(tag)) return "must not contain control characters (TAB, newline, ...)";
  return undefined;
}

/** The canonical name of a native property, resolving zfs(8)'s short aliases. */
export function canonicalProperty(name: string): string {
  return propertyAliases[name] ?? name;
}

/** Checks that a property may be set by a user: native and settable, or `module:property`. */
export function checkPropertyName(name: string): string | undefined {
  if (name.includes(":")) {
    if (name.length >= 256) return "a user property name must be shorter than 256 characters";
    if (!userPropertyPattern.test(name)) {
      return "a user property must be `module:property` in lowercase letters, digits and ':', '.', '_', '-'";
    }
    return undefined;
  }
  const native = nativeProperties[canonicalProperty(name)];
  if (!native) return "is not a ZFS property (user properties need a ':', as in `com.example:owner`)";
  if (native.settable === "never") return "is read-only and cannot be set";
  return undefined;
}

/** Checks a value against its property's form; `type` is the dataset type it is set on. */
export function checkPropertyValue(name: string, value: string, type: "filesystem" | "volume"): string | undefined {
  if (/[\0\n\r\t]/.test(value)) return "must not contain control characters (NUL, newline, carriage return, TAB)";
  if (name.includes(":")) return value.length >= 8192 ? "a user property value must be shorter than 8192 bytes" : undefined;
  const native = nativeProperties[canonicalProperty(name)];
  if (!native) return undefined;
  if (native.types !== "both" && native.types !== type) return `applies only to ${native.types}s`;
  const form = native.form;
  switch (form.kind) {
    case "enum":
      return form.values.includes(value) ? undefined : `must be one of ${form.values.join(" | ")}`;
    case "size":
      return sizePattern.test(value) || form.also?.includes(value)
        ? undefined
        : `must be a size such as 512, 128K, 10G${form.also ? ` or one of ${form.also.join(" | ")}` : ""}`;
    case "count":
      return /^\d+$/.test(value) || form.also?.includes(value)
        ? undefined
        : `must be a whole number${form.also ? ` or one of ${form.also.join(" | ")}` : ""}`;
    case "path":
      return value.startsWith("/") || form.also.includes(value)
        ? undefined
        : `must be an absolute path or one of ${form.also.join(" | ")}`;
    case "text":
      return undefined;
  }
}

/** What a non-inheritable property is set to when it leaves the inputs (`zfs inherit` refuses these). */
export const resetValues: Readonly<Record<string, string>> = {
  quota: "none", refquota: "none", reservation: "none", refreservation: "none",
  filesystem_limit: "none", snapshot_limit: "none", canmount: "on",
};
