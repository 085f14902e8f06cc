import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { missingHoldsDatasets, parseExact, parseHolds, parseSnapshotList, parseZfsGet, parseZpoolList } from "../../provider/src/freebsd/zfs-output.ts";

// Fixtures are text in the formats of freebsd-cli.md §5.5, §5.6 and §6 (zfs get/list -H -p, zpool list -H -p).
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

describe("parseZfsGet", () => {
  const datasets = parseZfsGet(fixture("zfs-get-all.txt"));

  it("groups properties by dataset with value and source", () => {
    expect([...datasets.keys()]).toEqual(["zroot", "zroot/jails", "zroot/vol"]);
    expect(datasets.get("zroot/jails")!.properties["compression"]).toEqual({ value: "lz4", source: "inherited from zroot" });
    expect(datasets.get("zroot/jails")!.properties["quota"]).toEqual({ value: "10737418240", source: "local" });
  });

  it("keeps TABs inside a user property value", () => {
    expect(datasets.get("zroot/jails")!.properties["com.example:note"]).toEqual({ value: "two\twords", source: "local" });
  });

  it("throws on a line it does not understand", () => {
    expect(() => parseZfsGet("zroot\ttype\n")).toThrow(/unexpected zfs get line/);
    expect(() => parseZfsGet("zroot\ttype\tfilesystem\t-\nzroot\ttype\tx\n")).toThrow('unexpected zfs get line: "zroot\\ttype\\tx"');
  });

  it("reads every line as splitting it at its TABs would: name, property, the value between, source", () => {
    const bySplitting = (text: string) => {
      const out = new Map<string, { name: string; properties: Record<string, { value: string; source: string }> }>();
      for (const line of text.split("\n").filter((l) => l.length > 0)) {
        const f = line.split("\t");
        if (f.length < 4) throw new Error(`unexpected zfs get line: ${JSON.stringify(line)}`);
        if (!out.has(f[0]!)) out.set(f[0]!, { name: f[0]!, properties: {} });
        out.get(f[0]!)!.properties[f[1]!] = { value: f.slice(2, -1).join("\t"), source: f[f.length - 1]! };
      }
      return out;
    };
    const pieces = ["zroot", "a", "", "\t", " ", "x\ty", "é", "inherited from zroot/a"];
    let text = fixture("zfs-get-all.txt");
    for (let i = 0; i < 2000; i++) {
      const field = () => pieces[Math.floor(Math.random() * pieces.length)]!;
      text += [field(), field(), field(), field()].join("\t") + (i % 7 === 0 ? "\n\n" : "\n");
    }
    const outcome = (parse: (t: string) => unknown, t: string) => {
      try {
        return parse(t);
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const t of [text, text.replace(/\n+$/, ""), `${text}zroot\ta\tb\n`, `zroot\t\t\t\n${text}`]) expect(outcome(parseZfsGet, t)).toEqual(outcome(bySplitting, t));
  });
});

describe("parseZpoolList", () => {
  it("reads exact sizes and health", () => {
    expect(parseZpoolList(fixture("zpool-list.txt"))).toEqual([
      { name: "zroot", size: 107374182400, allocated: 2147483648, free: 105226698752, health: "ONLINE" },
      { name: "tank", size: 1099511627776, allocated: 0, free: 1099511627776, health: "DEGRADED" },
    ]);
  });
  it("reads 'no pools available' as none", () => {
    expect(parseZpoolList("no pools available\n")).toEqual([]);
  });
});

describe("parseSnapshotList", () => {
  it("splits clones and the dataset", () => {
    const snaps = parseSnapshotList(fixture("zfs-list-snapshots.txt"));
    expect(snaps.get("zroot/jails@base")).toMatchObject({ dataset: "zroot/jails", clones: ["zroot/clone1", "zroot/clone2"], creation: 1700000300 });
    expect(snaps.get("zroot/vol@s1")!.clones).toEqual([]);
  });
  it("counts the holds (userrefs)", () => {
    const snaps = parseSnapshotList(fixture("zfs-list-snapshots.txt"));
    expect([snaps.get("zroot/jails@base")!.userrefs, snaps.get("zroot/vol@s1")!.userrefs]).toEqual([0, 1]);
  });
  it("refuses a line that is not a snapshot, or one of the old seven columns", () => {
    expect(() => parseSnapshotList("zroot/jails\t1\t2\t3\t4\t5\t-\t0\n")).toThrow(/unexpected zfs list line/);
    expect(() => parseSnapshotList("zroot/jails@a\t1\t2\t3\t4\t5\t\n")).toThrow(/unexpected zfs list line/);
  });
});

describe("parseHolds", () => {
  it("reads tags and times by snapshot (zfs holds -H -p), a TAB inside a tag kept", () => {
    const holds = parseHolds("zroot/a@s\tkeep\t1700000000\nzroot/a@s\tpulumi:x\t1700000001\nzroot/a/b@s\ta\tb\t1700000002\n");
    expect([...holds.get("zroot/a@s")!.entries()]).toEqual([["keep", 1700000000], ["pulumi:x", 1700000001]]);
    expect([...holds.get("zroot/a/b@s")!.keys()]).toEqual(["a\tb"]);
  });
  it("refuses the human layout and lines without a time", () => {
    expect(() => parseHolds("NAME       TAG   TIMESTAMP\n")).toThrow(/unexpected zfs holds line/);
    expect(() => parseHolds("zroot/a@s\tkeep\tFri Nov 14 10:00 2025\n")).toThrow(/unexpected zfs holds line/);
  });
});

describe("missingHoldsDatasets", () => {
  it("accepts missing datasets and 'no datasets available', nothing else", () => {
    expect(missingHoldsDatasets("cannot open 'zroot/x': dataset does not exist\nno datasets available\n")).toEqual(["zroot/x"]);
    expect(missingHoldsDatasets("no datasets available\n")).toEqual([]);
    expect(missingHoldsDatasets("cannot hold: permission denied\n")).toBeUndefined();
  });
});

describe("parseExact", () => {
  it("reads integers and treats - and none as zero, refuses human sizes", () => {
    expect(parseExact("98304")).toBe(98304);
    expect(parseExact("-")).toBe(0);
    expect(() => parseExact("96K")).toThrow();
  });
});
