import structPb from "google-protobuf/google/protobuf/struct_pb.js";

// The value codec: JS values as they come out of google.protobuf.Structs, with Pulumi's secret wrappers
// and unknown sentinels turned into markers (pulumi-provider-protocol.md §3), and back. The Structs of
// the hot RPCs are read and written by struct-decode.ts and struct-encode.ts; fromStruct and toStruct serve the rest.

/** google-protobuf's Struct, from the copy @pulumi/pulumi's generated modules use (the workspace's one). */
const jspbStruct = structPb.Struct as unknown as { fromJavaScript(v: Record<string, unknown>): StructMessage };

export interface StructMessage {
  toJavaScript(): Record<string, unknown>;
}

export const sigKey = "4dabf18193072939515e22adb298388d";
export const secretSig = "1b47061264138c4ac30d75fd1eb44270";
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const unknownSentinels = new Set([
  unknownValue,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
]);

/** A secret value, as decoded. */
export class Secret {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
}

/** The marker for a value not known until the resource exists. */
export const Unknown: unique symbol = Symbol("unknown");

/**
 * Object.fromEntries(Object.entries(obj).map(([k, x]) => [k, f(x, k)])), without the arrays of
 * entries: the walks below run on every request, mostly before V8 has optimized them, where those cost.
 */
export function mapObject(obj: object, f: (value: unknown, key: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    const value = f((obj as Record<string, unknown>)[key], key);
    // Object.fromEntries makes "__proto__" an own property; an assignment would set the prototype.
    if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

/** Decodes a wire value: secret wrappers become Secret, sentinels become Unknown. */
export function decodeValue(v: unknown): unknown {
  if (typeof v === "string") return unknownSentinels.has(v) ? Unknown : v;
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v !== null && typeof v === "object") {
    const obj = v as Record<string, unknown>;
    if (obj[sigKey] === secretSig) return new Secret(decodeValue(obj["value"]));
    if (typeof obj[sigKey] === "string") return obj; // resource references and assets pass through
    return mapObject(obj, decodeValue);
  }
  return v;
}

/** Encodes a decoded value for the wire; undefined members are dropped. */
export function encodeValue(v: unknown): unknown {
  if (v === Unknown) return unknownValue;
  if (v instanceof Secret) return { [sigKey]: secretSig, value: encodeValue(v.value) };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = encodeValue(x);
    }
    return out;
  }
  return v;
}

/** Decodes a Struct message (absent means empty). */
export function fromStruct(s: StructMessage | undefined): Record<string, unknown> {
  return s ? (decodeValue(s.toJavaScript()) as Record<string, unknown>) : {};
}

/** Encodes a property bag into a Struct message. */
export function toStruct(v: Record<string, unknown>): StructMessage {
  return jspbStruct.fromJavaScript(encodeValue(v) as Record<string, unknown>);
}

/** True when a decoded value contains an unknown anywhere. */
export function containsUnknown(v: unknown): boolean {
  if (v === Unknown) return true;
  if (v instanceof Secret) return containsUnknown(v.value);
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** A path into a property bag: keys and list indices. */
export type Path = (string | number)[];

/** Removes secret wrappers, returning the plain value and the paths that were secret. */
export function revealSecrets(v: unknown, path: Path = [], found: Path[] = []): { plain: unknown; secrets: Path[] } {
  const walk = (x: unknown, p: Path): unknown => {
    if (x instanceof Secret) {
      found.push(p);
      return walk(x.value, p);
    }
    if (Array.isArray(x)) return x.map((item, i) => walk(item, [...p, i]));
    if (x !== null && typeof x === "object") {
      return mapObject(x, (item, k) => walk(item, [...p, k]));
    }
    return x;
  };
  return { plain: walk(v, path), secrets: found };
}

/** Wraps the values at the given paths (where they exist) as secrets. */
export function applySecrets(v: Record<string, unknown>, paths: readonly Path[]): Record<string, unknown> {
  let result: unknown = v;
  for (const path of paths) result = wrapAt(result, path);
  return result as Record<string, unknown>;
}

function wrapAt(v: unknown, path: Path): unknown {
  if (path.length === 0) return v instanceof Secret || v === undefined ? v : new Secret(v);
  const [head, ...rest] = path;
  if (Array.isArray(v) && typeof head === "number" && head < v.length) {
    return v.map((item, i) => (i === head ? wrapAt(item, rest) : item));
  }
  if (v !== null && typeof v === "object" && !(v instanceof Secret) && typeof head === "string" && head in v) {
    return { ...(v as Record<string, unknown>), [head]: wrapAt((v as Record<string, unknown>)[head], rest) };
  }
  return v;
}

/** Every secret leaf value (strings, and numbers as text) inside decoded values: what must never be shown. */
export function secretTexts(...values: unknown[]): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, inSecret: boolean): void => {
    if (v instanceof Secret) return walk(v.value, true);
    if (inSecret && typeof v === "string" && v !== "") found.add(v);
    else if (inSecret && typeof v === "number") found.add(String(v));
    else if (Array.isArray(v)) v.forEach((x) => walk(x, inSecret));
    else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => walk(x, inSecret));
  };
  values.forEach((v) => walk(v, false));
  return [...found];
}
