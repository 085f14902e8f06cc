import type { Writer } from "protobufjs";
import { protobuf } from "./struct-decode.ts";

// Plain JS values straight to google.protobuf.Struct bytes, on protobufjs's Writer: the bytes
// google-protobuf's Struct.fromJavaScript(value).serializeBinary() writes, byte for byte (keys sorted,
// a "__proto__" key dropped, lone surrogates written as it writes them, NaN with its payload), and
// what it refuses refused with its message.

/** Encodes a plain object as a serialized Struct; throws on values google-protobuf cannot encode. */
export function encodeStruct(obj: object): Uint8Array {
  const w = protobuf().Writer.create();
  writeStruct(w, obj);
  return w.finish();
}

/** Writes the fields of a Struct as google-protobuf's Struct.fromJavaScript(obj).serializeBinary() does. */
export function writeStruct(w: Writer, obj: object): void {
  const keys: string[] = [];
  for (const key in obj) keys.push(key);
  keys.sort();
  for (const key of keys) {
    const value = (obj as Record<string, unknown>)[key];
    if (key === "__proto__") {
      writeValue(protobuf().Writer.create(), value); // converted (it may throw), then dropped by google-protobuf's map
      continue;
    }
    w.uint32(10).fork().uint32(10);
    writeString(w, key);
    w.uint32(18).fork();
    writeValue(w, value);
    w.ldelim().ldelim();
  }
}

/** Writes a Value's fields; throws on what google-protobuf's Value.fromJavaScript refuses. */
function writeValue(w: Writer, v: unknown): void {
  switch (typeOf(v)) {
    case "string":
      w.uint32(26);
      writeString(w, v as string);
      break;
    case "number":
      // google-protobuf writes NaN with every bit of its payload set
      if (Number.isNaN(v)) w.uint32(17).fixed32(0xffffffff).fixed32(0x7fffffff);
      else w.uint32(17).double(v as number);
      break;
    case "boolean":
      w.uint32(32).bool(v as boolean);
      break;
    case "null":
      w.uint32(8).int32(0);
      break;
    case "array": {
      const list = v as ArrayLike<unknown>;
      w.uint32(50).fork();
      for (let i = 0; i < list.length; i++) {
        w.uint32(10).fork();
        writeValue(w, list[i]);
        w.ldelim();
      }
      w.ldelim();
      break;
    }
    case "object":
      w.uint32(42).fork();
      writeStruct(w, v as object);
      w.ldelim();
      break;
    default:
      throw new Error("Unexpected struct type.");
  }
}

/** Writes a string field as google-protobuf's encoder does: a high surrogate with no low one after it is left out. */
function writeString(w: Writer, s: string): void {
  if (s.isWellFormed()) {
    w.string(s);
    return;
  }
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 128) bytes.push(c);
    else if (c < 2048) bytes.push((c >> 6) | 192, (c & 63) | 128);
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = (c - 0xd800) * 0x400 + low - 0xdc00 + 0x10000;
        bytes.push((c >> 18) | 240, ((c >> 12) & 63) | 128, ((c >> 6) & 63) | 128, (c & 63) | 128);
        i++;
      }
    } else bytes.push((c >> 12) | 224, ((c >> 6) & 63) | 128, (c & 63) | 128);
  }
  w.bytes(Uint8Array.from(bytes));
}

/** goog.typeOf, which google-protobuf's Value.fromJavaScript switches on. */
function typeOf(v: unknown): string {
  const type = typeof v;
  if (type === "function" && typeof (v as { call?: unknown }).call === "undefined") return "object";
  if (type !== "object") return type;
  if (v === null) return "null";
  if (v instanceof Array) return "array";
  if (v instanceof Object) return "object";
  const o = v as { length?: unknown; splice?: unknown; call?: unknown; propertyIsEnumerable?: (key: string) => boolean };
  const tag = Object.prototype.toString.call(v);
  if (tag === "[object Window]") return "object";
  const enumerable = typeof o.propertyIsEnumerable !== "undefined";
  if (tag === "[object Array]" || (typeof o.length === "number" && typeof o.splice !== "undefined" && enumerable && !o.propertyIsEnumerable!("splice"))) return "array";
  if (tag === "[object Function]" || (typeof o.call !== "undefined" && enumerable && !o.propertyIsEnumerable!("call"))) return "function";
  return "object";
}
