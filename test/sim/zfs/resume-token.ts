// The receive_resume_token property and `zfs send -t`: the token has OpenZFS's form
// (dsl_dataset.c get_receive_resume_token_impl), `1-<fletcher4 word 0 of the payload, hex>-<packed
// length, hex>-<hex of the zlib-compressed packed nvlist>`, and is checked as libzfs does
// (zfs_send_resume_token_to_nvlist), with its messages. The packed nvlist is the simulator's own
// (JSON of [name, type, value] triples, in the kernel's order), not XDR.

import { deflateSync, inflateSync } from "node:zlib";

/** What a token holds (DS_FIELD_RESUME_*): guids as decimal strings. */
export interface ResumeFields {
  fromguid?: string;
  object: number;
  offset: number;
  bytes: number;
  toguid: string;
  toname: string;
  largeblockok?: boolean;
  embedok?: boolean;
  compressok?: boolean;
  rawok?: boolean;
}

type Pair = [string, "uint64" | "string" | "boolean", string | number | boolean];

/** fletcher_4_native_varsize's first word over 32-bit little-endian words (a trailing partial word is ignored). */
export function fletcher4(data: Buffer): bigint {
  const mask = (1n << 64n) - 1n;
  let a = 0n;
  for (let i = 0; i + 4 <= data.length; i += 4) a = (a + BigInt(data.readUInt32LE(i))) & mask;
  return a;
}

function pairsOf(f: ResumeFields): Pair[] {
  const pairs: Pair[] = [];
  if (f.fromguid !== undefined && f.fromguid !== "0") pairs.push(["fromguid", "uint64", f.fromguid]);
  pairs.push(["object", "uint64", f.object], ["offset", "uint64", f.offset], ["bytes", "uint64", f.bytes]);
  pairs.push(["toguid", "uint64", f.toguid], ["toname", "string", f.toname]);
  for (const flag of ["largeblockok", "embedok", "compressok", "rawok"] as const) if (f[flag]) pairs.push([flag, "boolean", true]);
  return pairs;
}

/** The token of a partial receive. */
export function encodeToken(f: ResumeFields): string {
  const packed = Buffer.from(JSON.stringify(pairsOf(f)), "utf8");
  const compressed = deflateSync(packed, { level: 6 });
  return `1-${fletcher4(compressed).toString(16)}-${packed.length.toString(16)}-${compressed.toString("hex")}`;
}

/** Decodes a token; `error` is libzfs' reason ("resume token is corrupt (...)"). */
export function decodeToken(token: string): { fields: ResumeFields; pairs: Pair[] } | { error: string } {
  const m = /^(\d+)-([0-9a-fA-F]+)-([0-9a-fA-F]+)-/.exec(token);
  if (!m) return { error: "resume token is corrupt (invalid format)" };
  if (Number(m[1]) !== 1) return { error: `resume token is corrupt (invalid version ${Number(m[1]) >>> 0})` };
  const hex = token.slice(token.lastIndexOf("-") + 1);
  const whole = hex.slice(0, hex.length - (hex.length % 2));
  if (!/^[0-9a-fA-F]*$/.test(whole)) return { error: "resume token is corrupt (payload is not hex-encoded)" };
  const compressed = Buffer.from(whole, "hex");
  if (fletcher4(compressed) !== BigInt(`0x${m[2]}`)) return { error: "resume token is corrupt (incorrect checksum)" };
  let packed: Buffer;
  try {
    packed = inflateSync(compressed);
  } catch {
    return { error: "resume token is corrupt (decompression failed)" };
  }
  if (packed.length !== Number.parseInt(m[3]!, 16)) return { error: "resume token is corrupt (decompression failed)" };
  let pairs: Pair[];
  try {
    pairs = JSON.parse(packed.toString("utf8")) as Pair[];
    if (!Array.isArray(pairs)) throw new Error("not a list");
  } catch {
    return { error: "resume token is corrupt (nvlist_unpack failed)" };
  }
  const get = (name: string) => pairs.find((p) => p[0] === name)?.[2];
  const num = (name: string) => (typeof get(name) === "number" ? (get(name) as number) : undefined);
  const object = num("object");
  const offset = num("offset");
  const bytes = num("bytes");
  const toguid = get("toguid");
  const toname = get("toname");
  // zfs_send_resume_impl_cb_impl: these five must be there.
  if (object === undefined || offset === undefined || bytes === undefined || typeof toguid !== "string" || typeof toname !== "string") {
    return { error: "resume token is corrupt" };
  }
  const fromguid = get("fromguid");
  const fields: ResumeFields = { object, offset, bytes, toguid, toname, ...(typeof fromguid === "string" ? { fromguid } : {}) };
  for (const flag of ["largeblockok", "embedok", "compressok", "rawok"] as const) if (get(flag) === true) fields[flag] = true;
  return { fields, pairs };
}

/** nvlist_print of a token's nvlist, as `zfs send -v -t` prints it after "resume token contents:". */
export function printToken(pairs: readonly Pair[]): string {
  const lines = ["nvlist version: 0"];
  for (const [name, type, value] of pairs) {
    if (type === "uint64") lines.push(`\t${name} = 0x${BigInt(value as string | number).toString(16)}`);
    else if (type === "boolean") lines.push(`\t${name} = 1`);
    else lines.push(`\t${name} = ${String(value)}`);
  }
  return lines.map((l) => `${l}\n`).join("");
}
