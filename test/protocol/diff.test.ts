import { describe, expect, it } from "vitest";
import { applyIgnoreChanges, diffInputs, Kind } from "../../provider/src/protocol/diff.ts";
import { formatPath, parsePath } from "../../provider/src/protocol/paths.ts";
import { Secret, Unknown } from "../../provider/src/protocol/values.ts";
import { zfsDataset } from "../../provider/src/resources/zfs-dataset/index.ts";

const rule = (p: readonly string[]) => zfsDataset.rule!(p);
const base = { name: "zroot/a", type: "filesystem", properties: { compression: "lz4", "com.example:x": "1" }, createParents: false, forceDestroy: false };

describe("diffInputs", () => {
  it("reports no change for equal inputs", () => {
    const d = diffInputs(base, structuredClone(base), rule, true);
    expect(d).toMatchObject({ changed: false, replaces: [], diffs: [], deleteBeforeReplace: false });
  });
  it("reports nested map changes by path with their kinds", () => {
    const news = { ...base, properties: { compression: "zstd", atime: "off" } };
    const d = diffInputs(base, news, rule, true);
    expect(d.detailed).toEqual({
      "properties.compression": { kind: Kind.UPDATE, inputDiff: true },
      'properties["com.example:x"]': { kind: Kind.DELETE, inputDiff: true },
      "properties.atime": { kind: Kind.ADD, inputDiff: true },
    });
    expect(d.diffs).toEqual(["properties"]);
    expect(d.replaces).toEqual([]);
  });
  it("marks create-only properties as replacements, delete-before-replace", () => {
    const news = { ...base, properties: { ...base.properties, casesensitivity: "mixed" } };
    const d = diffInputs(base, news, rule, true);
    expect(d.detailed["properties.casesensitivity"]).toEqual({ kind: Kind.ADD_REPLACE, inputDiff: true });
    expect(d).toMatchObject({ replaces: ["properties"], deleteBeforeReplace: true });
  });
  it("renames in place", () => {
    const d = diffInputs(base, { ...base, name: "zroot/b" }, rule, true);
    expect(d.detailed).toEqual({ name: { kind: Kind.UPDATE, inputDiff: true } });
    expect(d.replaces).toEqual([]);
  });
  it("treats unknown values as changes and compares through secrets", () => {
    expect(diffInputs(base, { ...base, name: Unknown }, rule, true).detailed["name"]).toEqual({ kind: Kind.UPDATE, inputDiff: true });
    const secretOld = { ...base, properties: { ...base.properties, "com.example:x": new Secret("1") } };
    expect(diffInputs(secretOld, base, rule, true).changed).toBe(false);
    expect(diffInputs(base, { ...base, type: Unknown }, rule, true).replaces).toEqual(["type"]);
  });
  it("honours ignoreChanges by copying old values over new ones", () => {
    const news = { ...base, properties: { compression: "zstd", "com.example:x": "2" } };
    const kept = applyIgnoreChanges(base, news, ['properties["com.example:x"]']);
    expect(diffInputs(base, kept, rule, true).detailed).toEqual({ "properties.compression": { kind: Kind.UPDATE, inputDiff: true } });
  });
});

describe("paths", () => {
  it("formats and parses Pulumi property paths", () => {
    expect(formatPath(["properties", "com.example:x"])).toBe('properties["com.example:x"]');
    expect(formatPath(["a", 0, "b"])).toBe("a[0].b");
    expect(parsePath('properties["com.example:x"]')).toEqual(["properties", "com.example:x"]);
    expect(parsePath("a[0].b")).toEqual(["a", 0, "b"]);
  });
});
