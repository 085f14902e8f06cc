import protobufjs from "protobufjs/minimal.js";
import type { Reader } from "protobufjs";

// google.protobuf.Struct bytes straight to plain JS values, on protobufjs's Reader: the value
// google-protobuf's Struct.deserializeBinary(bytes).toJavaScript() gives, without a tree of jspb
// messages between (struct-encode.ts writes them). google-protobuf's quirks are kept: the last entry
// of a key wins, keys come out sorted, a "__proto__" key is dropped, invalid UTF-8 decodes as it
// decodes it. Bytes no protobuf encoder writes (an overlong varint, a group, a field of the wrong wire
// type, a length past its message, a string ending inside a UTF-8 sequence) stop the decoder with
// IrregularBytes: the caller hands those to google-protobuf, which decides as it always did.

/** protobufjs's minimal runtime: it loads with the codec, on the first call, not before the port line (listen.ts). */
export function protobuf(): typeof protobufjs {
  return protobufjs;
}

/** Bytes the lean decoder does not vouch for; google-protobuf reads them instead. */
export class IrregularBytes extends Error {}
/** The error that sends a message to google-protobuf. */
export const irregular = () => new IrregularBytes("bytes no protobuf encoder writes");

/** A Value with no kind set: google-protobuf's toJavaScript throws on reaching one. */
export const kindless: unique symbol = Symbol("kindless");
/** What google-protobuf's toJavaScript throws on a Value with no kind. */
export const kindlessMessage = "Unexpected struct type";

/** Reads a tag, a varint of at most 5 bytes inside the message ending at `end`. */
export function readTag(r: Reader, end: number): number {
  const at = r.pos;
  const tag = r.uint32();
  if (r.pos - at > 5 || r.pos > end) throw irregular();
  return tag;
}

/** Reads a length prefix; returns where the field's bytes end, which must be inside `end`. */
export function readEnd(r: Reader, end: number): number {
  const at = r.pos;
  const length = r.uint32();
  const stop = r.pos + length;
  if (r.pos - at > 5 || stop > end) throw irregular();
  return stop;
}

/** Skips a varint of at most 10 bytes. */
function skipVarint(r: Reader, end: number): void {
  const limit = Math.min(end, r.pos + 10);
  for (let p = r.pos; p < limit; p++) {
    if (r.buf[p]! < 128) {
      r.pos = p + 1;
      return;
    }
  }
  throw irregular();
}

/** Skips `n` bytes. */
function skipBytes(r: Reader, n: number, end: number): void {
  if (r.pos + n > end) throw irregular();
  r.pos += n;
}

/** Skips a field of a number the message does not know, as google-protobuf's skipField does. */
export function skipField(r: Reader, tag: number, end: number): void {
  switch (tag & 7) {
    case 0: return skipVarint(r, end);
    case 1: return skipBytes(r, 8, end);
    case 2: return skipBytes(r, readEnd(r, end) - r.pos, end);
    case 5: return skipBytes(r, 4, end);
    default: throw irregular(); // groups, and wire types that do not exist
  }
}

/** Reads a string field as google-protobuf's BinaryDecoder.readString decodes it. */
function readString(r: Reader, end: number): string {
  const stop = readEnd(r, end);
  const buf = r.buf as Buffer;
  const start = r.pos;
  r.pos = stop;
  let i = start;
  while (i < stop && buf[i]! < 128) i++;
  return i === stop ? buf.toString("latin1", start, stop) : decodeUtf8(buf, start, stop);
}

/**
 * google-protobuf's UTF-8 decoder, code unit for code unit: continuation bytes out of place are
 * skipped, bytes from 0xF8 dropped, overlong forms and surrogates decoded as they come.
 */
function decodeUtf8(buf: Uint8Array, start: number, stop: number): string {
  const units: number[] = [];
  let c = start;
  while (c < stop) {
    const h = buf[c++]!;
    if (h < 128) units.push(h);
    else if (h < 192) continue;
    else if (h < 224) units.push(((h & 31) << 6) | (buf[c++]! & 63));
    else if (h < 240) units.push(((h & 15) << 12) | ((buf[c++]! & 63) << 6) | (buf[c++]! & 63));
    else if (h < 248) {
      const point = (((h & 7) << 18) | ((buf[c++]! & 63) << 12) | ((buf[c++]! & 63) << 6) | (buf[c++]! & 63)) - 65536;
      units.push(((point >> 10) & 1023) + 55296, (point & 1023) + 56320);
    }
  }
  // A sequence running past the string: google-protobuf reads on into the next field.
  if (c !== stop) throw irregular();
  let text = "";
  for (let i = 0; i < units.length; i += 8192) text += String.fromCharCode(...units.slice(i, i + 8192));
  return text;
}

/** Reads a bool as google-protobuf does: the low 32 bits of the varint, not zero. */
function readBool(r: Reader, end: number): boolean {
  const at = r.pos;
  const v = r.uint32();
  if (r.pos - at > 5 || r.pos > end) throw irregular();
  return v !== 0;
}

/** A Buffer over the same bytes (the string reader slices Buffers). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A Reader over `bytes`. */
export function readerOf(bytes: Uint8Array): Reader {
  return protobuf().Reader.create(asBuffer(bytes));
}

/** Decodes a serialized Struct: its plain value, or kindless. Throws IrregularBytes. */
export function decodeStruct(bytes: Uint8Array): unknown {
  const r = readerOf(bytes);
  try {
    return readStruct(r, r.len);
  } catch (err) {
    throw err instanceof IrregularBytes ? err : irregular(); // protobufjs's reader throws past the end of the bytes
  }
}

/** Reads a Struct's fields up to `end`: a plain object, or kindless if a value in it has no kind. */
export function readStruct(r: Reader, end: number): unknown {
  const keys: string[] = [];
  const values: unknown[] = [];
  while (r.pos < end) {
    const tag = readTag(r, end);
    if (tag === 10) readEntry(r, readEnd(r, end), keys, values);
    else if (tag >>> 3 === 1) throw irregular();
    else skipField(r, tag, end);
  }
  return objectOf(keys, values);
}

/** Reads one map entry: key 1 (default ""), value 2 (default a Value with no kind; repeats merge). */
function readEntry(r: Reader, end: number, keys: string[], values: unknown[]): void {
  let key = "";
  let value: unknown = kindless;
  while (r.pos < end) {
    const tag = readTag(r, end);
    if (tag === 10) key = readString(r, end);
    else if (tag === 18) value = readValue(r, readEnd(r, end), value);
    else throw irregular(); // google-protobuf's map reader skips nothing: it would misread what follows
  }
  keys.push(key);
  values.push(value);
}

/** Reads a Value's fields up to `end` onto `value`: the last kind set wins. */
function readValue(r: Reader, end: number, value: unknown): unknown {
  while (r.pos < end) {
    const tag = readTag(r, end);
    switch (tag) {
      case 8: skipVarint(r, end); value = null; break;
      case 17: if (r.pos + 8 > end) throw irregular(); value = r.double(); break;
      case 26: value = readString(r, end); break;
      case 32: value = readBool(r, end); break;
      case 42: value = readStruct(r, readEnd(r, end)); break;
      case 50: value = readList(r, readEnd(r, end)); break;
      default:
        if (tag >>> 3 >= 1 && tag >>> 3 <= 6) throw irregular();
        skipField(r, tag, end);
    }
  }
  return value;
}

/** Reads a ListValue's fields up to `end`: an array, or kindless. */
function readList(r: Reader, end: number): unknown {
  const list: unknown[] = [];
  let whole = true;
  while (r.pos < end) {
    const tag = readTag(r, end);
    if (tag === 10) {
      const item = readValue(r, readEnd(r, end), kindless);
      whole &&= item !== kindless;
      list.push(item);
    } else if (tag >>> 3 === 1) throw irregular();
    else skipField(r, tag, end);
  }
  return whole ? list : kindless;
}

/** The object google-protobuf's map gives: the last value of each key, keys sorted, "__proto__" dropped. */
function objectOf(keys: string[], values: unknown[]): unknown {
  const out: Record<string, unknown> = {};
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1]! < keys[i]!;
  if (sorted) {
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === "__proto__") continue;
      if (values[i] === kindless) return kindless;
      out[keys[i]!] = values[i];
    }
    return out;
  }
  const last = new Map<string, unknown>();
  for (let i = 0; i < keys.length; i++) last.set(keys[i]!, values[i]);
  for (const key of [...last.keys()].sort()) {
    const value = last.get(key);
    if (key === "__proto__") continue;
    if (value === kindless) return kindless;
    out[key] = value;
  }
  return out;
}
