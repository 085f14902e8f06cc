import { irregular, kindless, kindlessMessage, protobuf, readEnd, readerOf, readStruct, readTag, skipField } from "./struct-decode.ts";
import { writeStruct } from "./struct-encode.ts";
import { decodeValue, encodeValue } from "./values.ts";

// The RPCs whose requests and replies carry google.protobuf.Structs (olds, news, properties, ...):
// their Struct fields go through the lean codec (struct-decode.ts, struct-encode.ts), every other field through Pulumi's
// generated module, which then holds only scalars and small messages. Protobuf allows it: a field
// left out of a message is absent, and serialized fields appended to a message merge into it.

/** Each RPC's Struct fields, by name, with their numbers in provider.proto. */
export const structFields = {
  checkConfig: { request: { olds: 2, news: 3, oldOutputs: 9 }, reply: { inputs: 1 } },
  check: { request: { olds: 2, news: 3, oldOutputs: 9 }, reply: { inputs: 1 } },
  diffConfig: { request: { olds: 3, news: 4, oldInputs: 6 }, reply: {} },
  diff: { request: { olds: 3, news: 4, oldInputs: 6 }, reply: {} },
  configure: { request: { args: 2 }, reply: {} },
  create: { request: { properties: 2 }, reply: { properties: 2 } },
  read: { request: { properties: 3, inputs: 4 }, reply: { properties: 2, inputs: 3 } },
  update: { request: { olds: 3, news: 4, oldInputs: 8 }, reply: { properties: 1 } },
  delete: { request: { properties: 3, oldInputs: 5 }, reply: {} },
  invoke: { request: { args: 2 }, reply: { return: 1 } },
} as const;

export type StructRpc = keyof typeof structFields;
type RequestField<R extends StructRpc> = keyof (typeof structFields)[R]["request"] & string;
type ReplyField<R extends StructRpc> = keyof (typeof structFields)[R]["reply"] & string;
type Bag = Record<string, unknown>;

/** A Struct field as received: its plain value, or what google-protobuf's toJavaScript throws on it. */
type Received = { value: Bag } | { error: unknown };

/** A request of an RPC in the table: Pulumi's message without its Struct fields, and those fields. */
export interface StructRequest<M, R extends StructRpc> {
  message: M;
  structs: Partial<Record<RequestField<R>, Received>>;
}

/** A reply of an RPC in the table: Pulumi's message, and its Struct fields serialized. */
export interface StructReply<M> {
  message: M;
  structs: Uint8Array;
}

/** A request's Struct field, decoded (secrets, unknowns); empty when absent. */
export function structOf<R extends StructRpc>(req: StructRequest<unknown, R>, name: RequestField<R>): Bag {
  const field = req.structs[name];
  if (!field) return {};
  if ("error" in field) throw field.error;
  return decodeValue(field.value) as Bag;
}

/** True when the request carries the Struct field. */
export function hasStruct<R extends StructRpc>(req: StructRequest<unknown, R>, name: RequestField<R>): boolean {
  return req.structs[name] !== undefined;
}

/** A reply with its Struct fields encoded now: a value that cannot be encoded fails the call, as before. */
export function reply<M, R extends StructRpc>(rpc: R, message: M, values: Partial<Record<ReplyField<R>, Bag>>): StructReply<M> {
  const w = protobuf().Writer.create();
  for (const [name, field] of Object.entries(structFields[rpc].reply) as [ReplyField<R>, number][]) {
    const value = values[name];
    if (value === undefined) continue;
    w.uint32((field << 3) | 2).fork();
    writeStruct(w, encodeValue(value) as object);
    w.ldelim();
  }
  return { message, structs: w.finish() };
}

interface MethodDefinition {
  requestDeserialize(bytes: Buffer): unknown;
  responseSerialize(value: unknown): Buffer;
}

/** Pulumi's service definition, with the messages of the RPCs in the table going through the lean codec. */
export function withStructCodec<D extends Record<string, MethodDefinition>>(definition: D): D {
  const methods: Record<string, MethodDefinition> = { ...definition };
  for (const [rpc, fields] of Object.entries(structFields)) {
    const generated = definition[rpc]!;
    methods[rpc] = {
      ...generated,
      requestDeserialize: (bytes) => deserializeRequest(fields.request, bytes, (b) => generated.requestDeserialize(b)),
      responseSerialize:
        Object.keys(fields.reply).length === 0
          ? (value) => generated.responseSerialize(value)
          : (value) => serializeReply(value as StructReply<unknown>, (m) => generated.responseSerialize(m)),
    };
  }
  return methods as D;
}

/** Pulumi's serialization of the message, then the Struct fields. */
export function serializeReply(value: StructReply<unknown>, generated: (message: unknown) => Buffer): Buffer {
  const message = generated(value.message);
  return value.structs.length === 0 ? message : Buffer.concat([message, value.structs]);
}

/**
 * Decodes a request: its Struct fields with the lean codec, the rest of its bytes with `generated`.
 * Bytes the lean codec does not vouch for go whole to `generated`, the Structs then read from its message.
 */
export function deserializeRequest(fields: Record<string, number>, bytes: Buffer, generated: (bytes: Buffer) => unknown): StructRequest<unknown, StructRpc> {
  let split: { rest: Buffer; structs: Record<string, Received> };
  try {
    split = splitStructs(fields, bytes);
  } catch {
    return structsOfMessage(fields, generated(bytes));
  }
  return { message: generated(split.rest), structs: split.structs };
}

/** The Struct fields decoded, and the other fields' bytes in their order. */
function splitStructs(fields: Record<string, number>, bytes: Buffer): { rest: Buffer; structs: Record<string, Received> } {
  const r = readerOf(bytes);
  const end = r.len;
  const structs: Record<string, Received> = {};
  const rest: Buffer[] = [];
  let from = 0; // where the current run of other fields started
  let delimited: { start: number; end: number } | undefined; // the bytes of the last field, when length-delimited
  while (r.pos < end) {
    const at = r.pos;
    const tag = readTag(r, end);
    const name = nameOf(fields, tag >>> 3);
    if (name === undefined) {
      if ((tag & 7) === 2) {
        const stop = readEnd(r, end);
        delimited = { start: r.pos, end: stop };
        r.pos = stop;
      } else {
        skipField(r, tag, end);
        delimited = undefined;
      }
      continue;
    }
    // google-protobuf's string reader runs past a string ending inside a UTF-8 sequence: into this field.
    if ((tag & 7) !== 2 || (delimited?.end === at && endsInsideUtf8(bytes, delimited))) throw irregular();
    if (at > from) rest.push(bytes.subarray(from, at));
    const stop = readEnd(r, end);
    const value = readStruct(r, stop);
    structs[name] = value === kindless ? { error: new Error(kindlessMessage) } : { value: value as Bag };
    from = stop;
    delimited = undefined;
  }
  if (from === 0) return { rest: bytes, structs };
  if (from < end) rest.push(bytes.subarray(from, end));
  return { rest: Buffer.concat(rest), structs };
}

function nameOf(fields: Record<string, number>, number: number): string | undefined {
  for (const name in fields) if (fields[name] === number) return name;
  return undefined;
}

/** True when the last 3 bytes hold the start of a UTF-8 sequence longer than what is left. */
function endsInsideUtf8(bytes: Buffer, field: { start: number; end: number }): boolean {
  for (let k = 1; k <= 3 && field.end - k >= field.start; k++) {
    const b = bytes[field.end - k]!;
    const continuations = b >= 0xf8 ? 0 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
    if (continuations >= k) return true;
  }
  return false;
}

/** The Struct fields of a message google-protobuf decoded whole, taken out of it. */
function structsOfMessage(fields: Record<string, number>, message: unknown): StructRequest<unknown, StructRpc> {
  const structs: Record<string, Received> = {};
  const accessors = message as Record<string, () => { toJavaScript(): Bag } | undefined>;
  for (const name of Object.keys(fields)) {
    const suffix = name[0]!.toUpperCase() + name.slice(1);
    const struct = accessors[`get${suffix}`]!.call(message);
    if (!struct) continue;
    try {
      structs[name] = { value: struct.toJavaScript() };
    } catch (error) {
      structs[name] = { error };
    }
    accessors[`clear${suffix}`]!.call(message);
  }
  return { message, structs };
}
