import { describe, expect, it } from "vitest";
import {
  applySecrets, containsUnknown, decodeValue, encodeValue, fromStruct, mapObject, revealSecrets, Secret, secretSig, sigKey, toStruct, Unknown, unknownValue,
} from "../../provider/src/protocol/values.ts";

describe("value codec", () => {
  it("decodes secret wrappers and every unknown sentinel", () => {
    const wire = {
      a: { [sigKey]: secretSig, value: { b: "x" } },
      u: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
      list: ["3eeb2bf0-c639-47a8-9e75-3b44932eb421", 1],
    };
    const v = decodeValue(wire) as Record<string, unknown>;
    expect(v["a"]).toBeInstanceOf(Secret);
    expect((v["a"] as Secret).value).toEqual({ b: "x" });
    expect(v["u"]).toBe(Unknown);
    expect(containsUnknown(v)).toBe(true);
    expect(encodeValue(v)).toEqual({ ...wire, u: unknownValue, list: [unknownValue, 1] });
  });
  it("round-trips through a protobuf Struct, dropping undefined", () => {
    const v = { a: new Secret("s"), b: [1, "two", true, null], c: undefined, d: { e: new Secret({ f: 1 }) } };
    const back = fromStruct(toStruct(v));
    expect(back).toEqual({ a: new Secret("s"), b: [1, "two", true, null], d: { e: new Secret({ f: 1 }) } });
  });
  it("reveals secrets with their paths and applies them again", () => {
    const { plain, secrets } = revealSecrets({ x: new Secret("1"), m: { k: new Secret("2"), j: "3" } });
    expect(plain).toEqual({ x: "1", m: { k: "2", j: "3" } });
    expect(secrets).toEqual([["x"], ["m", "k"]]);
    const out = applySecrets({ x: "1", m: { k: "2", j: "3" }, extra: "e" }, secrets);
    expect(out).toEqual({ x: new Secret("1"), m: { k: new Secret("2"), j: "3" }, extra: "e" });
  });
  it("maps objects as Object.fromEntries over Object.entries does, an own __proto__ key included", () => {
    const obj = JSON.parse('{"b": 1, "__proto__": {"x": 2}, "10": 3, "a": [4], "2": 5}') as Record<string, unknown>;
    const f = (x: unknown, k: string) => [k, x];
    const mapped = mapObject(obj, f);
    const reference = Object.fromEntries(Object.entries(obj).map(([k, x]) => [k, f(x, k)]));
    expect(Object.getPrototypeOf(mapped)).toBe(Object.prototype);
    expect(Object.keys(mapped)).toEqual(Object.keys(reference));
    expect(mapped).toStrictEqual(reference);
    expect(Object.keys(decodeValue(obj) as object)).toEqual(["2", "10", "b", "__proto__", "a"]);
    expect(Object.keys(revealSecrets(obj).plain as object)).toEqual(["2", "10", "b", "__proto__", "a"]);
  });
});
