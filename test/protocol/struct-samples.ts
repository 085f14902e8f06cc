// What the lean Struct codec is checked against: google-protobuf's Struct (the copy Pulumi's generated
// modules use), values that exercise it, and an exact rendering of decoded values to compare.
import { createRequire } from "node:module";
import { Secret, secretSig, sigKey, Unknown, unknownValue } from "../../provider/src/protocol/values.ts";

const require = createRequire(import.meta.url);
const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/proto/provider_pb.js"));

/** A jspb Struct message. */
export interface JspbStruct {
  toJavaScript(): Record<string, unknown>;
  serializeBinary(): Uint8Array;
}
/** google-protobuf's Struct class. */
export const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb.js") as {
  Struct: { fromJavaScript(v: unknown): JspbStruct; deserializeBinary(b: Uint8Array): JspbStruct };
};

/** What the old path gives for serialized Struct bytes: the value, or the error, of deserializeBinary + toJavaScript. */
export function jspbDecode(bytes: Uint8Array): { value: unknown } | { decodeError: string } | { valueError: string } {
  let message: JspbStruct;
  try {
    message = Struct.deserializeBinary(bytes);
  } catch (e) {
    return { decodeError: (e as Error).message };
  }
  try {
    return { value: message.toJavaScript() };
  } catch (e) {
    return { valueError: (e as Error).message };
  }
}

/**
 * An exact rendering of a value: key order, -0, NaN, lone surrogates, prototypes, secrets and unknowns
 * all show, so two values render alike only when they are the same.
 */
export function render(v: unknown): string {
  if (v === Unknown) return "Unknown";
  if (v instanceof Secret) return `Secret(${render(v.value)})`;
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "string") return `"${[...v].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) > 0x7e ? `\\u{${c.codePointAt(0)!.toString(16)}}` : c)).join("")}"`;
  if (Array.isArray(v)) return `[${v.map(render).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const proto = Object.getPrototypeOf(v) === Object.prototype ? "" : "<proto>";
    return `${proto}{${Object.keys(v).map((k) => `${render(k)}:${render((v as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return `${typeof v}:${String(v)}`;
}

/** Property bags covering what travels in Structs: every kind of value, nested, and Pulumi's markers. */
export const samples: Record<string, unknown>[] = [
  {},
  { a: "" },
  {
    name: "zroot/jails/web",
    properties: { compression: "zstd", quota: "10G", "org.example:owner": "ops" },
    createParents: true,
    forceDestroy: false,
    volsize: null,
    nested: { deeper: { deepest: [1, [2, [3, {}]], []] } },
  },
  { numbers: [0, -0, 1, -1, 0.5, -2.75, 1e21, -1e-7, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1.7976931348623157e308, 5e-324, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity] },
  { booleans: [true, false], nulls: [null, { n: null }], empties: ["", [], {}, [""], [[]], { "": "" }] },
  { unicode: "é 日本 ÿ \u0000 \u007f \u0080 \u07ff \u0800 \uffff", astral: "😀 𝄞 \u{10ffff}", "ключ": "значение", "🔑": "🗝" },
  { loneHigh: "a\ud800b", loneLow: "a\udc00b", highAtEnd: "x\ud83d", lowFirst: "\ude00x", reversed: "\ude00\ud83d", "k\ud800": 1 },
  { b: 1, a: 2, "10": 3, "2": 4, "": 5, Z: 6, é: 7, "a\u0000": 8, constructor: 9, toString: 10, hasOwnProperty: 11, __proto__x: 12 },
  {
    password: { [sigKey]: secretSig, value: "hunter2" },
    nestedSecret: { inner: { [sigKey]: secretSig, value: { list: ["s", { [sigKey]: secretSig, value: 3 }] } } },
    unknown: unknownValue,
    unknowns: ["1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", { u: "3eeb2bf0-c639-47a8-9e75-3b44932eb421" }],
  },
  {
    asset: { [sigKey]: "c44067f5952c0a294b673a41bacd8c17", text: "hello", hash: "" },
    archive: { [sigKey]: "0def7320c3a5731c473e5ecbe6d01bc7", assets: { "a.txt": { [sigKey]: "c44067f5952c0a294b673a41bacd8c17", path: "/tmp/a" } } },
    ref: { [sigKey]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:s::p::freebsd:zfs:Dataset::d", id: "zroot/d", packageVersion: "" },
    refWithSecret: { [sigKey]: "5cf8f73096256a8f31e491e813e4eb8e", urn: unknownValue, id: { [sigKey]: secretSig, value: "x" } },
  },
  { long: "v".repeat(20_000), longUnicode: "é😀".repeat(5_000), list: Array.from({ length: 300 }, (_, i) => ({ i, s: `item ${i}` })) },
];
