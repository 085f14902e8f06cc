import { describe, expect, it } from "vitest";
import { applyReplaceOnChanges, invertDiff } from "./diff-rules.ts";
import { diffInputs } from "./object-diff.ts";
import { applyIgnoreChanges, formatPropertyPath, parsePropertyPath, pathContains } from "./property-path.ts";
import type { DiffSummary } from "./stack-types.ts";
import { secret } from "./values.ts";

describe("property paths", () => {
  it("parse and print as the engine does", () => {
    expect(parsePropertyPath('a.b[0]["x.y"][*]')).toEqual(["a", "b", 0, "x.y", "*"]);
    expect(parsePropertyPath('["root \\"q\\""].n')).toEqual(['root "q"', "n"]);
    expect(formatPropertyPath(["a", "b", 0, "x.y", "k-1"])).toBe('a.b[0]["x.y"]["k-1"]');
    expect(() => parsePropertyPath("a[1")).toThrow("missing closing bracket");
  });

  it("contain sub-paths, with * matching any key or index", () => {
    expect(pathContains(["a"], ["a", "b", 0])).toBe(true);
    expect(pathContains(["a", "*", "c"], ["a", 3, "c", "d"])).toBe(true);
    expect(pathContains(["a", "b"], ["a"])).toBe(false);
  });
});

describe("ignoreChanges", () => {
  const olds = { size: 1, props: { quota: "1G", compression: "lz4" }, list: [1, 2], pw: secret({ inner: "old" }) };

  it("resets the paths of the new inputs to their old values", () => {
    const news = { size: 2, props: { quota: "2G", compression: "off" }, list: [9, 8], pw: secret({ inner: "new" }) };
    const r = applyIgnoreChanges(news, olds, ["size", "props.quota", "list[1]", "pw.inner"]);
    expect(r).toEqual({ inputs: { size: 1, props: { quota: "1G", compression: "off" }, list: [9, 2], pw: secret({ inner: "old" }) }, invalidPaths: [] });
    expect(news.size).toBe(2); // the program's inputs are not touched
  });

  it("removes a property that was absent before, and marks values taken from a secret as secret", () => {
    expect(applyIgnoreChanges({ extra: 1 }, {}, ["extra"]).inputs).toEqual({});
    expect(applyIgnoreChanges({ pw: { inner: "new" } }, olds, ["pw.inner"]).inputs).toEqual({ pw: { inner: secret("old") } });
  });

  it("reports paths it cannot reset (elements added or removed)", () => {
    expect(applyIgnoreChanges({ list: [1] }, olds, ["list[1]"]).invalidPaths).toEqual(["list[1]"]);
  });
});

describe("the engine's own input diff (DIFF_UNKNOWN)", () => {
  it("lists added, deleted and updated paths, nested, with inputDiff", () => {
    const d = diffInputs({ a: 1, b: { c: 1, d: [1, 2] }, gone: "x", nul: null }, { a: 2, b: { c: 1, d: [1, 3, 4] }, added: true, nul: null });
    expect(d.changedKeys).toEqual(["a", "added", "b", "gone"]);
    expect(d.detailedDiff).toEqual({
      a: { kind: "update", inputDiff: true },
      "b.d[1]": { kind: "update", inputDiff: true },
      "b.d[2]": { kind: "add", inputDiff: true },
      gone: { kind: "delete", inputDiff: true },
      added: { kind: "add", inputDiff: true },
    });
  });

  it("compares secrets by their values", () => {
    expect(diffInputs({ pw: secret("x") }, { pw: "x" }).changedKeys).toEqual([]);
  });
});

describe("replaceOnChanges and init errors", () => {
  const some: DiffSummary = {
    changes: "some", replaces: [], diffs: ["props"], stables: [], deleteBeforeReplace: false,
    detailedDiff: { "props.quota": { kind: "update", inputDiff: true } },
  };

  it("turn covered changes into replacements", () => {
    const r = applyReplaceOnChanges(some, ["props"], false);
    expect(r.replaces).toEqual(["props"]);
    expect(r.detailedDiff).toEqual({ "props.quota": { kind: "update-replace", inputDiff: true } });
  });

  it("replace a resource with init errors when #initerror is covered, even without changes", () => {
    const none: DiffSummary = { ...some, changes: "none", diffs: [], detailedDiff: {} };
    expect(applyReplaceOnChanges(none, ["#initerror"], true)).toMatchObject({ changes: "some", replaces: ["#initerror"] });
    expect(applyReplaceOnChanges(none, [], true).changes).toBe("none");
  });

  it("fail on a detailedDiff key the engine cannot parse", () => {
    expect(() => applyReplaceOnChanges({ ...some, detailedDiff: { "a[": { kind: "update", inputDiff: false } } }, [], false)).toThrow();
  });

  it("invert for refresh: adds and deletes swap", () => {
    const d: DiffSummary = { ...some, detailedDiff: { a: { kind: "add", inputDiff: true }, b: { kind: "delete-replace", inputDiff: false } } };
    expect(invertDiff(d).detailedDiff).toEqual({ a: { kind: "delete", inputDiff: true }, b: { kind: "add-replace", inputDiff: false } });
  });
});
