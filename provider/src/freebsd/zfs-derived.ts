import { sameValue } from "./zfs-values.ts";

// The values zfs gives a new dataset's properties by itself, from what its create declared and from
// its parent (OpenZFS 2.2.7). A property whose value the host derived is not the user's to declare:
// a read that put it into inputs would make the next up "remove" it, and for a create-only property
// that means replacing the dataset.

/** Property values by name, as `zfs get -p` prints them. */
export type Values = Readonly<Record<string, string>>;

/** One derivation: the value the host gives `property` when the create did not declare it. */
interface Derivation {
  property: string;
  /** Which dataset types have the property (the ZPL ones only file systems). */
  filesystemOnly: boolean;
  /**
   * From the properties the create declared (or that are kept in inputs), the parent's values, and
   * whether the dataset is its own encryption root (then its key parameters were declared).
   */
  derive(declared: Values, parent: Values, ownRoot: boolean): string;
}

const encrypted = (declared: Values, parent: Values) => (declared["encryption"] ?? parent["encryption"] ?? "off") !== "off";

/** In dependency order: a later derivation may read what an earlier one kept. */
export const derivations: readonly Derivation[] = [
  // libzfs_crypto.c zfs_crypto_create: "Get the inherited encryption property if we don't have it locally".
  { property: "encryption", filesystemOnly: false, derive: (_d, parent) => parent["encryption"] ?? "off" },
  // A child of an encrypted parent shares its encryption root's wrapping key, whose keyformat and
  // pbkdf2iters dsl_crypt.c dsl_dataset_crypt_stats reports for the child too.
  {
    property: "keyformat", filesystemOnly: false,
    derive: (d, parent, ownRoot) => (encrypted(d, parent) && !ownRoot ? parent["keyformat"] ?? "none" : "none"),
  },
  // libzfs_crypto.c populate_create_encryption_params: a passphrase without pbkdf2iters gets
  // DEFAULT_PBKDF2_ITERATIONS (350000, include/sys/fs/zfs.h).
  {
    property: "pbkdf2iters", filesystemOnly: false,
    derive: (d, parent, ownRoot) => {
      if (d["keyformat"] !== undefined) return d["keyformat"] === "passphrase" ? "350000" : "0";
      return encrypted(d, parent) && !ownRoot ? parent["pbkdf2iters"] ?? "0" : "0";
    },
  },
  // libzfs_crypto.c zfs_crypto_create: "default to prompt if no keylocation is specified" (set locally).
  { property: "keylocation", filesystemOnly: false, derive: (d) => (d["keyformat"] !== undefined ? "prompt" : "none") },
  // zfs_ioctl.c zfs_fill_zplprops_impl takes undeclared ZPL properties from the parent's objset;
  // libzfs_dataset.c zfs_valid_proplist sets normalization=none for utf8only=off.
  {
    property: "normalization", filesystemOnly: true,
    derive: (d, parent) => (d["utf8only"] === "off" ? "none" : parent["normalization"] ?? "none"),
  },
  // zfs_fill_zplprops_impl: "If we're normalizing, names must always be valid UTF-8 strings."
  {
    property: "utf8only", filesystemOnly: true,
    derive: (d, parent) => ((d["normalization"] ?? parent["normalization"] ?? "none") !== "none" ? "on" : parent["utf8only"] ?? "off"),
  },
  { property: "casesensitivity", filesystemOnly: true, derive: (_d, parent) => parent["casesensitivity"] ?? "sensitive" },
];

/** The properties the table covers. */
export const derivedProperties: readonly string[] = derivations.map((d) => d.property);

/**
 * Which of the host's values of the derived properties a create must declare to reproduce them:
 * those the user declared (`declared`, kept whatever the host says) and those that differ from what
 * zfs would derive from the kept ones and the parent. `others` are the kept non-derived properties.
 */
export function keptDerived(
  name: string, host: Values, declared: ReadonlySet<string>, others: Values, parent: Values, type: "filesystem" | "volume",
): Record<string, string> {
  // zfs(8): encryptionroot names the dataset whose key this one uses; its own name for a new root.
  const ownRoot = host["encryptionroot"] === name;
  const kept: Record<string, string> = { ...others };
  const out: Record<string, string> = {};
  for (const d of derivations) {
    const value = host[d.property];
    if (value === undefined || (d.filesystemOnly && type !== "filesystem")) continue;
    if (!declared.has(d.property) && sameValue(d.property, d.derive(kept, parent, ownRoot), value)) continue;
    kept[d.property] = value;
    out[d.property] = value;
  }
  return out;
}
