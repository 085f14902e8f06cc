// The engine-side value model: plain JSON-like values plus the special values the Pulumi engine
// carries in property maps (secrets, typed unknowns, resource references). Independent of the
// provider's own codec on purpose: the harness must catch the provider's mistakes, not share them.

const secretTag: unique symbol = Symbol.for("pulumi-freebsd.engine.secret");
const unknownTag: unique symbol = Symbol.for("pulumi-freebsd.engine.unknown");
const refTag: unique symbol = Symbol.for("pulumi-freebsd.engine.resource-ref");

/** The element type an unknown stands for; each has its own sentinel on the wire (rpc.go). */
export type UnknownKind = "string" | "bool" | "number" | "array" | "object" | "asset" | "archive";

/** A value wrapped as secret (the engine's resource.Secret). */
export interface Secret {
  readonly [secretTag]: true;
  readonly value: Value;
}

/** A value not known yet (the engine's resource.Computed); only ever present in previews. */
export interface Unknown {
  readonly [unknownTag]: UnknownKind;
}

/** A reference to another resource; `id` is UNKNOWN when the referenced id is not known yet. */
export interface ResourceRef {
  readonly [refTag]: true;
  readonly urn: string;
  readonly id?: string | Unknown;
  readonly name?: string;
  readonly type?: string;
  readonly packageVersion?: string;
}

/** A property map. Assets and archives stay in their wire form (objects with the sig key). */
export interface ValueMap {
  [key: string]: Value;
}

/** Any property value. A Uint8Array is a string that is not valid UTF-8 (a "byte string"). */
export type Value =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | Value[]
  | ValueMap
  | Secret
  | Unknown
  | ResourceRef;

/** A value with every secret wrapper removed (unknowns and references stay). */
export type PlainValue = null | boolean | number | string | Uint8Array | PlainValue[] | { [key: string]: PlainValue } | Unknown | ResourceRef;

/** The string-typed unknown, the one the SDKs send for most outputs. */
export const UNKNOWN: Unknown = Object.freeze({ [unknownTag]: "string" as UnknownKind });

// Wraps a value as secret, as pulumi.secret() does.
export function secret(value: Value): Secret {
  return Object.freeze({ [secretTag]: true as const, value });
}

// Returns an unknown of the given element type (each kind has its own wire sentinel).
export function unknownOf(kind: UnknownKind): Unknown {
  return kind === "string" ? UNKNOWN : Object.freeze({ [unknownTag]: kind });
}

// Builds a resource reference value.
export function resourceRef(ref: Omit<ResourceRef, typeof refTag>): ResourceRef {
  return Object.freeze({ [refTag]: true as const, ...ref });
}

// True when v is a secret wrapper.
export function isSecret(v: unknown): v is Secret {
  return typeof v === "object" && v !== null && (v as Partial<Secret>)[secretTag] === true;
}

// True when v is an unknown (of any kind).
export function isUnknown(v: unknown): v is Unknown {
  return typeof v === "object" && v !== null && typeof (v as Partial<Unknown>)[unknownTag] === "string";
}

// Returns the element kind of an unknown.
export function unknownKind(v: Unknown): UnknownKind {
  return v[unknownTag];
}

// True when v is a resource reference.
export function isResourceRef(v: unknown): v is ResourceRef {
  return typeof v === "object" && v !== null && (v as Partial<ResourceRef>)[refTag] === true;
}

// True when v is a plain property map (not an array, marker or byte string).
export function isValueMap(v: unknown): v is ValueMap {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) &&
    !isSecret(v) && !isUnknown(v) && !isResourceRef(v)
  );
}

// Removes every secret wrapper, deeply, returning the plain value.
export function unwrapSecrets(v: Value): PlainValue {
  if (isSecret(v)) return unwrapSecrets(v.value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (isValueMap(v)) {
    const out: { [key: string]: PlainValue } = {};
    for (const [k, e] of Object.entries(v)) out[k] = unwrapSecrets(e);
    return out;
  }
  return v;
}

// Removes secret wrappers from every value of a map.
export function unwrapSecretMap(m: ValueMap): { [key: string]: PlainValue } {
  return unwrapSecrets(m) as { [key: string]: PlainValue };
}

// Lists the property paths (Pulumi syntax: a.b[0], a["x.y"]) at which a secret wrapper sits.
export function secretPaths(v: Value, prefix = ""): string[] {
  if (isSecret(v)) {
    const inner = secretPaths(v.value, prefix);
    return inner.includes(prefix) ? inner : [prefix, ...inner];
  }
  if (Array.isArray(v)) return v.flatMap((e, i) => secretPaths(e, `${prefix}[${i}]`));
  if (isValueMap(v)) return Object.entries(v).flatMap(([k, e]) => secretPaths(e, joinKey(prefix, k)));
  return [];
}

// True when any unknown occurs anywhere in v (inside secrets and reference ids too).
export function containsUnknowns(v: Value): boolean {
  if (isUnknown(v)) return true;
  if (isSecret(v)) return containsUnknowns(v.value);
  if (isResourceRef(v)) return v.id !== undefined && isUnknown(v.id);
  if (Array.isArray(v)) return v.some(containsUnknowns);
  if (isValueMap(v)) return Object.values(v).some(containsUnknowns);
  return false;
}

// True when any secret occurs anywhere in v.
export function containsSecrets(v: Value): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecrets);
  if (isValueMap(v)) return Object.values(v).some(containsSecrets);
  return false;
}

// Structural equality as the engine's PropertyValue.DeepEquals: secretness and unknown kinds count.
export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (isSecret(a) || isSecret(b)) return isSecret(a) && isSecret(b) && deepEqual(a.value, b.value);
  if (isUnknown(a) || isUnknown(b)) return isUnknown(a) && isUnknown(b) && unknownKind(a) === unknownKind(b);
  if (isResourceRef(a) || isResourceRef(b)) {
    return isResourceRef(a) && isResourceRef(b) && a.urn === b.urn && deepEqual(a.id ?? null, b.id ?? null);
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(Buffer.from(b));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((e, i) => deepEqual(e, b[i] ?? null));
  }
  if (isValueMap(a) && isValueMap(b)) return mapsEqual(a, b);
  return false;
}

// Map equality where a missing key equals a null one (PropertyMap.DeepEquals ignores absent nulls).
export function mapsEqual(a: ValueMap, b: ValueMap): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (!deepEqual(a[k] ?? null, b[k] ?? null)) return false;
  }
  return true;
}

// Appends a key to a property path, quoting it when it is not a plain identifier.
export function joinKey(prefix: string, key: string): string {
  if (/^[A-Za-z0-9_]*$/.test(key)) return prefix === "" ? key : `${prefix}.${key}`;
  return `${prefix}["${key.replaceAll('"', '\\"')}"]`;
}


// Copies secretness from inputs to outputs by top-level name, recursing where both are maps
// (the engine's annotateSecrets, used when a provider cannot receive secrets).
export function annotateSecrets(outs: ValueMap | undefined, ins: ValueMap | undefined): void {
  if (outs === undefined || ins === undefined) return;
  for (const [k, inValue] of Object.entries(ins)) {
    if (!(k in outs)) continue;
    const outValue = outs[k] ?? null;
    if (isValueMap(outValue) && isValueMap(inValue)) annotateSecrets(outValue, inValue);
    else if (!isSecret(outValue) && containsSecrets(inValue)) outs[k] = secret(outValue);
  }
}
