import { describe, expect, it } from "vitest";
import { structPb } from "./proto.ts";
import {
  containsUnknowns, decodeStruct, encodeStruct, isSecret, isUnknown, resourceRef, secret, secretPaths, SIG,
  UNKNOWN, UNKNOWN_SENTINELS, unknownKind, unknownOf, unwrapSecrets, type UnknownKind, type ValueMap, type WireOptions,
} from "./values.ts";

const KEEP_ALL: WireOptions = { keepSecrets: true, keepUnknowns: true, keepResources: true };

// Encodes and decodes through the binary form, as a value crosses the wire.
function roundTrip(m: ValueMap, send: WireOptions = KEEP_ALL, recv: WireOptions = KEEP_ALL): ValueMap | undefined {
  const bytes = encodeStruct(m, send)?.serializeBinary();
  return decodeStruct(bytes === undefined ? undefined : structPb.Struct.deserializeBinary(bytes), recv);
}

function toJs(m: ValueMap, opts: WireOptions = KEEP_ALL): unknown {
  return encodeStruct(m, opts)?.toJavaScript();
}

describe("secrets", () => {
  const nested: ValueMap = {
    plain: "a",
    top: secret("pw"),
    map: { inner: secret({ deep: [1, secret(true)] }), open: 2 },
    list: [secret("x"), "y", { k: secret(null) }],
    "odd.key": secret(3),
  };

  it("round-trip nested in maps and lists, keeping every wrapper", () => {
    expect(roundTrip(nested)).toEqual(nested);
  });

  it("use the engine's wire form", () => {
    expect(toJs({ pw: secret("s") })).toEqual({ pw: { [SIG.key]: SIG.secret, value: "s" } });
  });

  it("go plain when the receiver does not keep secrets (CheckConfig, DiffConfig)", () => {
    expect(toJs(nested, { keepUnknowns: true })).toEqual(unwrapSecrets(nested));
  });

  it("decode plain when secrets are not kept", () => {
    expect(roundTrip(nested, KEEP_ALL, { keepUnknowns: true })).toEqual(unwrapSecrets(nested));
  });

  it("are located by secretPaths, in property-path syntax", () => {
    expect(secretPaths(nested).sort()).toEqual(
      ['["odd.key"]', "list[0]", "list[2].k", "map.inner", "map.inner.deep[1]", "top"].sort(),
    );
  });

  it("are unwrapped deeply by unwrapSecrets", () => {
    expect(unwrapSecrets(nested)).toEqual({
      plain: "a", top: "pw", map: { inner: { deep: [1, true] }, open: 2 }, list: ["x", "y", { k: null }], "odd.key": 3,
    });
    expect(isSecret(nested.top)).toBe(true);
    expect(isSecret("pw")).toBe(false);
  });

  it("without a value are malformed", () => {
    const s = structPb.Struct.fromJavaScript({ pw: { [SIG.key]: SIG.secret } });
    expect(() => decodeStruct(s, KEEP_ALL)).toThrow('malformed RPC secret: missing value for "pw"');
  });
});

describe("unknowns", () => {
  const kinds: UnknownKind[] = ["string", "bool", "number", "array", "object", "asset", "archive"];

  it.each(kinds)("of kind %s use their own sentinel and round-trip", (kind) => {
    const m: ValueMap = { v: unknownOf(kind), list: [unknownOf(kind)], s: secret(unknownOf(kind)) };
    expect(toJs({ v: unknownOf(kind) })).toEqual({ v: UNKNOWN_SENTINELS[kind] });
    const back = roundTrip(m);
    expect(back).toEqual(m);
    expect(isUnknown(back?.v) && unknownKind(back.v)).toBe(kind);
  });

  it("UNKNOWN is the string sentinel the SDKs send", () => {
    expect(toJs({ v: UNKNOWN })).toEqual({ v: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
  });

  it("are left out of maps and lists when KeepUnknowns is off (engine to provider)", () => {
    const m: ValueMap = { a: UNKNOWN, b: "x", list: ["p", unknownOf("number"), "q"], nested: { c: unknownOf("bool") } };
    expect(toJs(m, { keepSecrets: true })).toEqual({ b: "x", list: ["p", "q"], nested: {} });
  });

  it("decode as left out of maps and null in lists when KeepUnknowns is off", () => {
    const s = structPb.Struct.fromJavaScript({ a: UNKNOWN_SENTINELS.string, list: ["p", UNKNOWN_SENTINELS.number] });
    expect(decodeStruct(s, {})).toEqual({ list: ["p", null] });
  });

  it("are rejected where the engine rejects them (non-preview Create/Update, Read, Invoke results)", () => {
    for (const sentinel of Object.values(UNKNOWN_SENTINELS)) {
      const deep = structPb.Struct.fromJavaScript({ outer: { list: [1, { x: sentinel }] } });
      expect(() => decodeStruct(deep, { rejectUnknowns: true, keepUnknowns: true, keepSecrets: true }))
        .toThrow('unexpected unknown property value for "x"'); // the engine names the innermost key
    }
    const inSecret = structPb.Struct.fromJavaScript({ pw: { [SIG.key]: SIG.secret, value: UNKNOWN_SENTINELS.string } });
    expect(() => decodeStruct(inSecret, { rejectUnknowns: true, keepSecrets: true })).toThrow("unexpected unknown");
  });

  it("are rejected when sending with RejectUnknowns", () => {
    expect(() => encodeStruct({ a: [UNKNOWN] }, { rejectUnknowns: true, keepUnknowns: true })).toThrow('unexpected unknown property value for "a"');
  });

  it("are found by containsUnknowns inside secrets and reference ids", () => {
    expect(containsUnknowns({ a: secret([UNKNOWN]) })).toBe(true);
    expect(containsUnknowns({ r: resourceRef({ urn: "urn:x", id: UNKNOWN }) })).toBe(true);
    expect(containsUnknowns({ a: secret([1]) })).toBe(false);
  });
});

describe("resource references", () => {
  const urn = "urn:pulumi:test::proj::freebsd:zfs:Dataset::web";

  it("pass through when kept, with name and type filled from the wire", () => {
    const m: ValueMap = { ref: resourceRef({ urn, id: "tank/web", packageVersion: "0.1.0" }) };
    expect(roundTrip(m)).toEqual(m);
  });

  it("go as their id, or their URN without one, when the receiver does not accept resources", () => {
    expect(toJs({ a: resourceRef({ urn, id: "tank/web" }), b: resourceRef({ urn }) }, {})).toEqual({ a: "tank/web", b: urn });
  });

  it("with an empty id decode as an unknown id", () => {
    const s = structPb.Struct.fromJavaScript({ r: { [SIG.key]: SIG.resourceRef, urn, id: "" } });
    const r = decodeStruct(s, KEEP_ALL)?.r;
    expect(containsUnknowns(r ?? null)).toBe(true);
  });
});

describe("other wire forms", () => {
  it("keep assets in wire form and elide their contents when asked", () => {
    const asset = { [SIG.key]: SIG.asset, hash: "abc", text: "hello" };
    expect(roundTrip({ a: asset })).toEqual({ a: asset });
    expect(toJs({ a: asset }, { elideAssetContents: true })).toEqual({ a: { [SIG.key]: SIG.asset, hash: "abc" } });
  });

  it("decode output values as their value, secret when marked", () => {
    const s = structPb.Struct.fromJavaScript({
      o: { [SIG.key]: SIG.outputValue, value: "v", secret: true },
      u: { [SIG.key]: SIG.outputValue },
    });
    expect(decodeStruct(s, KEEP_ALL)).toEqual({ o: secret("v"), u: UNKNOWN });
  });

  it("decode byte strings, and refuse to send one to a receiver that did not negotiate them", () => {
    const bytes = new Uint8Array([0xff, 0x00, 0x41]);
    expect(roundTrip({ b: bytes }, { keepByteString: true })).toEqual({ b: bytes });
    expect(() => encodeStruct({ b: bytes }, {})).toThrow("contains non-UTF8 bytes");
  });

  it("reject unknown signatures", () => {
    const s = structPb.Struct.fromJavaScript({ x: { [SIG.key]: "nope" } });
    expect(() => decodeStruct(s, KEEP_ALL)).toThrow("unrecognized signature 'nope'");
  });

  it("send an absent map as unset with PropagateNil, else as an empty Struct", () => {
    expect(encodeStruct(undefined, { propagateNil: true })).toBeUndefined();
    expect(encodeStruct(undefined, {})?.toJavaScript()).toEqual({});
    expect(decodeStruct(undefined, { propagateNil: true })).toBeUndefined();
  });

  it("drop undefined map entries as the SDKs do", () => {
    expect(toJs({ a: 1, b: undefined } as unknown as ValueMap)).toEqual({ a: 1 });
  });
});
