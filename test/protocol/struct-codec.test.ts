import { describe, expect, it } from "vitest";
import { decodeStruct, IrregularBytes, kindless, kindlessMessage } from "../../provider/src/protocol/struct-decode.ts";
import { encodeStruct } from "../../provider/src/protocol/struct-encode.ts";
import { encodeValue } from "../../provider/src/protocol/values.ts";
import { jspbDecode, render, samples, Struct } from "./struct-samples.ts";

// The lean codec against google-protobuf: the same values out of the same bytes, the same bytes out
// of the same values, and bytes it does not vouch for left to google-protobuf.

/** What the lean decoder gives, in the terms of jspbDecode; "irregular" when it leaves the bytes to google-protobuf. */
function leanDecode(bytes: Uint8Array): { value: unknown } | { valueError: string } | "irregular" {
  try {
    const value = decodeStruct(bytes);
    return value === kindless ? { valueError: kindlessMessage } : { value };
  } catch (e) {
    if (e instanceof IrregularBytes) return "irregular";
    throw e;
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("lean Struct codec, on values", () => {
  for (const [i, sample] of samples.entries()) {
    const wire = encodeValue(sample) as Record<string, unknown>;
    it(`sample ${i}: decodes google-protobuf's bytes to its value, and encodes to its bytes`, () => {
      const bytes = Struct.fromJavaScript(wire).serializeBinary();
      const old = jspbDecode(bytes);
      const lean = leanDecode(bytes);
      expect(lean).not.toBe("irregular");
      expect(render((lean as { value: unknown }).value)).toBe(render((old as { value: unknown }).value));
      expect(hex(encodeStruct(wire))).toBe(hex(bytes));
    });
  }

  it("drops a __proto__ key both ways, and sorts keys as google-protobuf's map does", () => {
    const obj = JSON.parse('{"z": 1, "__proto__": {"x": 1}, "a": [{"__proto__": 2, "b": 3}]}') as Record<string, unknown>;
    const bytes = Struct.fromJavaScript(obj).serializeBinary();
    expect(hex(encodeStruct(obj))).toBe(hex(bytes));
    expect(render((leanDecode(bytes) as { value: unknown }).value)).toBe('{"a":[{"b":3}],"z":1}');
  });

  it("refuses what google-protobuf refuses, with its message", () => {
    for (const bad of [undefined, 1n, Symbol("s"), () => 1, [1, undefined], { a: [[() => 1]] }, { __proto__x: 1, ["__proto__"]: undefined }]) {
      const obj = { v: bad };
      expect(() => Struct.fromJavaScript(obj)).toThrow("Unexpected struct type.");
      expect(() => encodeStruct(obj)).toThrow("Unexpected struct type.");
    }
  });

  it("encodes objects that are not plain as google-protobuf walks them", () => {
    const odd = { date: new Date(0), nullProto: Object.assign(Object.create(null), { k: "v" }), arrayProto: Object.create([1, 2]), str: new String("ab"), buf: Uint8Array.of(1, 2) };
    const bytes = Struct.fromJavaScript(odd).serializeBinary();
    expect(hex(encodeStruct(odd))).toBe(hex(bytes));
  });

  it("encodes every double as google-protobuf does (NaN with its payload)", () => {
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 2000; i++) {
      view.setUint32(0, (Math.random() * 2 ** 32) >>> 0);
      view.setUint32(4, (Math.random() * 2 ** 32) >>> 0);
      const obj = { n: view.getFloat64(0) };
      expect(hex(encodeStruct(obj))).toBe(hex(Struct.fromJavaScript(obj).serializeBinary()));
    }
  });
});

// ---- Random and malformed bytes --------------------------------------------------------------

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const varint = (n: number | bigint): number[] => {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
};
const delimited = (field: number, body: number[]) => [...varint((field << 3) | 2), ...varint(body.length), ...body];

/** Byte strings for keys and string values: valid UTF-8 of every length, and what google-protobuf decodes oddly. */
const texts: number[][] = [
  [], [0x61], [0x62], [0x7a, 0x7a], [0x31, 0x30], [0x32],
  [...Buffer.from("__proto__")], [...Buffer.from("é")], [...Buffer.from("😀")], [...Buffer.from("日本")],
  [0xed, 0xa0, 0x80], [0xed, 0xb0, 0x80], [0xc0, 0xaf], [0x80], [0x61, 0x80, 0x62], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x80, 0x80, 0x80], [0x61, 0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
];

function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number) => rand() < p;
  const unknownField = (): number[] => {
    const field = pick([7, 8, 15, 16, 100, 0, 2 ** 20]);
    switch (pick([0, 1, 2, 5, 3])) {
      case 0: return [...varint(field << 3), ...varint(pick([0, 1, 300, 2 ** 40]))];
      case 1: return [...varint((field << 3) | 1), 1, 2, 3, 4, 5, 6, 7, 8];
      case 2: return delimited(field, pick(texts));
      case 5: return [...varint((field << 3) | 5), 1, 2, 3, 4];
      default: return [...varint((field << 3) | 3), ...varint(8), 1, ...varint((field << 3) | 4)];
    }
  };
  const value = (depth: number): number[] => {
    const parts: number[][] = [];
    const kinds = chance(0.1) ? 0 : chance(0.15) ? 2 : 1;
    for (let i = 0; i < kinds; i++) {
      switch (Math.floor(rand() * (depth > 0 ? 6 : 4))) {
        case 0: parts.push([0x08, ...varint(pick([0, 1, 5, 2 ** 35]))]); break;
        case 1: parts.push([0x11, ...Array.from({ length: 8 }, () => Math.floor(rand() * 256))]); break;
        case 2: parts.push(delimited(3, pick(texts))); break;
        case 3: parts.push([0x20, ...varint(pick([0, 1, 2, 2 ** 32, 2 ** 33 + 1]))]); break;
        case 4: parts.push(delimited(5, struct(depth - 1))); break;
        default: parts.push(delimited(6, list(depth - 1))); break;
      }
    }
    if (chance(0.05)) parts.push(unknownField());
    if (chance(0.02)) parts.push([0x10, 1]); // a known field of the wrong wire type
    return parts.flat();
  };
  const list = (depth: number): number[] => {
    const parts: number[][] = Array.from({ length: Math.floor(rand() * 4) }, () => delimited(1, value(depth)));
    if (chance(0.05)) parts.push(unknownField());
    return parts.flat();
  };
  const entry = (depth: number): number[] => {
    const parts: number[][] = [];
    if (!chance(0.05)) parts.push(delimited(1, pick(texts)));
    if (!chance(0.05)) parts.push(delimited(2, value(depth)));
    if (chance(0.05)) parts.push(delimited(2, value(depth)));
    if (chance(0.05)) parts.push(delimited(1, pick(texts)));
    if (chance(0.03)) parts.push(unknownField());
    if (chance(0.1)) parts.reverse();
    return parts.flat();
  };
  const struct = (depth: number): number[] => {
    const parts: number[][] = Array.from({ length: Math.floor(rand() * 5) }, () => delimited(1, entry(depth)));
    if (chance(0.05)) parts.push(unknownField());
    return parts.flat();
  };
  const corrupt = (bytes: number[]): number[] => {
    const out = [...bytes];
    if (out.length === 0) return out;
    const at = Math.floor(rand() * out.length);
    switch (Math.floor(rand() * 4)) {
      case 0: out[at] = Math.floor(rand() * 256); break;
      case 1: out.length = at; break;
      case 2: out.splice(at, 0, Math.floor(rand() * 256)); break;
      default: out.splice(at, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80); break;
    }
    return out;
  };
  return { struct, corrupt, chance };
}

describe("lean Struct codec, on random and malformed bytes", () => {
  it("decodes what it vouches for exactly as google-protobuf does, and leaves the rest to it", () => {
    const rand = random(20261207);
    const gen = generator(rand);
    const tally = { same: 0, irregular: 0, kindless: 0 };
    const runs = 5_000;
    for (let i = 0; i < runs; i++) {
      let bytes = gen.struct(3);
      if (gen.chance(0.2)) bytes = gen.corrupt(bytes);
      const input = Uint8Array.from(bytes);
      const lean = leanDecode(input);
      if (lean === "irregular") {
        tally.irregular++;
        continue;
      }
      const old = jspbDecode(input);
      const same = "valueError" in lean ? "valueError" in old && old.valueError === lean.valueError : "value" in old && render(lean.value) === render(old.value);
      if (!same) expect.fail(`bytes ${hex(input)}: lean ${JSON.stringify(lean)}, google-protobuf ${JSON.stringify(old)}`);
      tally["valueError" in lean ? "kindless" : "same"]++;
    }
    // The lean path must carry the ordinary cases, not only leave them to google-protobuf.
    expect(tally.same).toBeGreaterThan(runs * 0.3);
    expect(tally.kindless).toBeGreaterThan(runs * 0.02);
  });
});
