import { describe, expect, it } from "vitest";
import { hostView, planCreate, planDelete, planUpdate, quiet, read, type HostParts } from "./host-view.ts";
import type { DatasetRecord, SnapshotRecord } from "../../provider/src/freebsd/zfs-output.ts";
import { HostView, ReadMore } from "../../provider/src/inventory/view.ts";
import { zfsSnapshot } from "../../provider/src/resources/zfs-snapshot/index.ts";
import { snapshotInputs, type SnapshotInputs } from "../../provider/src/resources/zfs-snapshot/schema.ts";
import { snapshotHolds, snapshotProps, snapshots } from "../../provider/src/sections/zfs.ts";
import { readOn } from "../../provider/src/protocol/lifecycle.ts";

// Check rules, reads and command plans of freebsd:zfs:Snapshot: pure functions of inputs and a host
// given as data.

const urn = quiet.urn;
const argvs = (cmds: { argv: readonly string[] }[]) => cmds.map((c) => [...c.argv]);
const inputs = (over: Partial<SnapshotInputs> = {}): SnapshotInputs => snapshotInputs.parse({ dataset: "zroot/db", name: "s1", ...over });
const snap = (name: string, over: Partial<SnapshotRecord> = {}): [string, SnapshotRecord] => [name, {
  name, dataset: name.slice(0, name.indexOf("@")), guid: `g-${name}`, createtxg: "100", creation: 1700000000, used: 0, referenced: 98304,
  clones: [], userrefs: 0, ...over,
}];
const local = (name: string, props: Record<string, string>): [string, DatasetRecord] =>
  [name, { name, properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { value: v, source: "local" }])) }];
const dataset = (name: string): [string, DatasetRecord] => [name, { name, properties: { type: { value: "filesystem", source: "-" }, guid: { value: `g-${name}`, source: "-" } } }];

/** A host with zroot/db (and its child) and the managed snapshot zroot/db@s1 (recursive), held by `keep` and a stranger's `other`. */
const host = (over: HostParts = {}): HostParts => ({
  pools: [{ name: "zroot", size: 1, allocated: 0, free: 1, health: "ONLINE" }],
  datasets: new Map([dataset("zroot/db"), dataset("zroot/db/wal")]),
  snapshots: new Map([snap("zroot/db@s1"), snap("zroot/db/wal@s1"), snap("zroot/db@s0", { createtxg: "90" })]),
  snapshotProps: new Map([local("zroot/db@s1", { "pulumi:urn": urn, "org.example:why": "before 17" })]),
  holds: new Map([["zroot/db@s1", new Map([["keep", 1], ["other", 2]])], ["zroot/db/wal@s1", new Map([["keep", 1]])]]),
  ...over,
});
const known = { inputs: inputs({ recursive: true, holds: ["keep"], properties: { "org.example:why": "before 17" } }) };
const current = () => read(zfsSnapshot, host(), "zroot/db@s1", { ...known, state: { guid: "g-zroot/db@s1" } })!;

describe("inputs", () => {
  it("applies defaults", () => {
    expect(inputs()).toEqual({ dataset: "zroot/db", name: "s1", recursive: false, properties: {}, holds: [], forceDestroy: false });
  });
  it.each([
    [{ name: "a@b" }, "name", /invalid character "@"/],
    [{ dataset: "zroot" }, "dataset", /inside a pool/],
    [{ properties: { compression: "lz4" } }, "properties.compression", /only user properties/],
    [{ properties: { "pulumi:urn": "x" } }, "properties.pulumi:urn", /reserved/],
    [{ holds: [".libzfs"] }, "holds.0", /start with '\.'/],
    [{ holds: ["a", "a"] }, "holds.1", /listed twice/],
    [{ name: "x".repeat(300) }, "name", /at most 255/],
  ])("refuses %j at %s", (over, path, rule) => {
    const result = snapshotInputs.safeParse({ dataset: "zroot/db", name: "s1", ...over });
    expect(result.success).toBe(false);
    expect(result.error!.issues.find((i) => i.path.join(".") === path)?.message).toMatch(rule);
  });
});

describe("rules", () => {
  it("replaces only for recursive, refused at Check without forceDestroy", () => {
    expect(["dataset", "name", "recursive", "properties", "holds", "forceDestroy"].map((p) => zfsSnapshot.rule!([p]))).toEqual(
      ["update", "update", "replace", "update", "update", "update"]);
    expect(zfsSnapshot.checkChange!({ recursive: false }, inputs({ recursive: true }))[0]!.reason).toMatch(/replaces the snapshot zroot\/db@s1.*forceDestroy: true/);
    expect(zfsSnapshot.checkChange!({ recursive: false }, inputs({ recursive: true, forceDestroy: true }))).toEqual([]);
    expect(zfsSnapshot.checkChange!({ recursive: true, name: "x" }, inputs({ recursive: true }))).toEqual([]);
  });
});

describe("reads", () => {
  it("reads the pools, the snapshots below the dataset, and the snapshot's properties and holds", () => {
    const keys = zfsSnapshot.reads({ id: "zroot/db@s1" }, "read").map((r) => `${r.section.key}:${r.scope === "all" ? "all" : [...r.scope].join(",")}`);
    expect(keys).toEqual(["zfs.pools:all", "zfs.tree:zroot/db", "zfs.snapshots:zroot/db", "zfs.snapshotProps:zroot/db@s1", "zfs.holds:zroot/db@s1"]);
  });
  it("asks for every snapshot when the remembered guid is not below the dataset (moved or gone)", () => {
    const whole = hostView(host());
    // The same host read as a refresh reads it: the snapshots of zroot/db only.
    const scoped = new HostView("h", new Map([
      [snapshots.key, { scope: new Set(["zroot/db"]), value: whole.get(snapshots) }],
      [snapshotProps.key, { scope: new Set(["zroot/db@s1"]), value: whole.get(snapshotProps) }],
    ]));
    const err = (() => {
      try {
        readOn(zfsSnapshot, scoped, { id: "zroot/db@s1", state: { guid: "g-elsewhere" } }, quiet);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ReadMore);
    expect((err as ReadMore).requests.map((r) => [r.section.key, r.scope])).toEqual([["zfs.snapshots", "all"]]);
  });
});

describe("describe", () => {
  it("reads user properties without the marker, the holds the resource keeps, and the outputs", () => {
    const found = current();
    expect(found.id).toBe("zroot/db@s1");
    expect(found.inputs).toEqual({ dataset: "zroot/db", name: "s1", recursive: true, properties: { "org.example:why": "before 17" }, holds: ["keep"], forceDestroy: false });
    expect(found.state).toMatchObject({ fullName: "zroot/db@s1", guid: "g-zroot/db@s1", createtxg: 100, clones: [], creation: "2023-11-14T22:13:20.000Z" });
  });
  it("on import: every hold, and recursive when a snapshot below has its name and transaction group", () => {
    const imported = read(zfsSnapshot, host(), "zroot/db@s1")!;
    expect(imported.inputs).toMatchObject({ recursive: true, holds: ["keep", "other"] });
    const lone = read(zfsSnapshot, host({ snapshots: new Map([snap("zroot/db@s1"), snap("zroot/db/wal@s1", { createtxg: "101" })]) }), "zroot/db@s1")!;
    expect(lone.inputs.recursive).toBe(false);
  });
  it("finds the snapshot by guid where it moved, keeping the dataset it was taken of", () => {
    const moved = host({
      snapshots: new Map([snap("zroot/clone@s1", { guid: "g-zroot/db@s1" })]),
      snapshotProps: new Map([local("zroot/clone@s1", { "pulumi:urn": urn })]),
    });
    const found = read(zfsSnapshot, moved, "zroot/db@s1", { ...known, state: { guid: "g-zroot/db@s1" } })!;
    expect(found.id).toBe("zroot/clone@s1");
    expect(found.inputs.dataset).toBe("zroot/db");
    expect(found.state.fullName).toBe("zroot/clone@s1");
  });
  it("reads a snapshot whose guid is gone as gone, with a warning about a namesake", () => {
    const warnings: string[] = [];
    const gone = read(zfsSnapshot, host(), "zroot/db@s1", { state: { guid: "g-destroyed" } }, { urn, warn: (m) => warnings.push(m) });
    expect(gone).toBeUndefined();
    expect(warnings.join()).toMatch(/not the one this resource manages: it has guid g-zroot\/db@s1, the managed one had guid g-destroyed/);
  });
});

describe("planCreate", () => {
  it("takes the snapshot with -r, its user properties and the marker, then places the holds", () => {
    const plan = planCreate(zfsSnapshot, inputs({ name: "s2", recursive: true, properties: { "org.example:k": "$(id)" }, holds: ["keep"] }), host());
    expect(argvs(plan)).toEqual([
      ["zfs", "snapshot", "-r", "-o", "org.example:k=$(id)", "-o", `pulumi:urn=${urn}`, "zroot/db@s2"],
      ["zfs", "hold", "-r", "keep", "zroot/db@s2"],
    ]);
  });
  it("refuses a dataset that does not exist, and a snapshot that is someone else's", () => {
    expect(() => planCreate(zfsSnapshot, inputs({ dataset: "zroot/none" }), host())).toThrow(/cannot snapshot zroot\/none: it does not exist/);
    expect(() => planCreate(zfsSnapshot, inputs({ name: "s0" }), host())).toThrow(/already exists .*pulumi import freebsd:zfs:Snapshot <resource-name> zroot\/db@s0/);
  });
  it("adopts its own earlier snapshot (its marker) and only converges it", () => {
    expect(argvs(planCreate(zfsSnapshot, inputs({ recursive: true, holds: ["keep"], properties: { "org.example:why": "before 17" } }), host()))).toEqual([]);
  });
});

describe("planUpdate", () => {
  it("renames in place (-r when recursive), then converges properties and holds on the new names", () => {
    const news = inputs({ name: "s9", recursive: true, holds: ["new"], properties: { "org.example:t": "1" } });
    expect(argvs(planUpdate(zfsSnapshot, current(), news, host()))).toEqual([
      ["zfs", "rename", "-r", "zroot/db@s1", "zroot/db@s9"],
      ["zfs", "set", "org.example:t=1", "zroot/db@s9"],
      ["zfs", "inherit", "org.example:why", "zroot/db@s9"],
      ["zfs", "hold", "new", "zroot/db@s9", "zroot/db/wal@s9"],
      ["zfs", "release", "keep", "zroot/db@s9", "zroot/db/wal@s9"],
    ]);
  });
  it("never releases a hold it did not place", () => {
    const news = inputs({ recursive: true, holds: [], properties: { "org.example:why": "before 17" } });
    expect(argvs(planUpdate(zfsSnapshot, current(), news, host()))).toEqual([["zfs", "release", "keep", "zroot/db@s1", "zroot/db/wal@s1"]]);
  });
  it("holds only the snapshots that lack the tag", () => {
    const partial = host({ holds: new Map([["zroot/db@s1", new Map([["keep", 1]])]]) });
    const news = inputs({ recursive: true, holds: ["keep"], properties: { "org.example:why": "before 17" } });
    expect(argvs(planUpdate(zfsSnapshot, current(), news, partial))).toEqual([["zfs", "hold", "keep", "zroot/db/wal@s1"]]);
  });
  it("refuses to make it a snapshot of another dataset, and a rename onto an existing snapshot", () => {
    expect(() => planUpdate(zfsSnapshot, current(), inputs({ dataset: "zroot/db/wal", recursive: true }), host())).toThrow(/cannot become a snapshot of zroot\/db\/wal/);
    expect(() => planUpdate(zfsSnapshot, current(), inputs({ name: "s0", recursive: true }), host())).toThrow(/cannot rename snapshot zroot\/db@s1 to zroot\/db@s0/);
  });
});

describe("planDelete", () => {
  it("refuses while others hold it or clones depend on it, naming them", () => {
    const cloned = host({ snapshots: new Map([snap("zroot/db@s1", { clones: ["zroot/test"] }), snap("zroot/db/wal@s1")]) });
    expect(() => planDelete(zfsSnapshot, current(), cloned)).toThrow(
      /refusing to destroy snapshot zroot\/db@s1 on h: datasets are cloned from it: zroot\/test \(a clone of zroot\/db@s1\); and it is held by tags this resource did not place: other \(on zroot\/db@s1\);.*forceDestroy: true.*clones are never destroyed/);
  });
  it("releases its own holds, then destroys with -r when recursive", () => {
    const mine = host({ holds: new Map([["zroot/db@s1", new Map([["keep", 1]])], ["zroot/db/wal@s1", new Map([["keep", 1]])]]) });
    expect(argvs(planDelete(zfsSnapshot, current(), mine))).toEqual([
      ["zfs", "release", "keep", "zroot/db@s1", "zroot/db/wal@s1"],
      ["zfs", "destroy", "-r", "zroot/db@s1"],
    ]);
  });
  it("with forceDestroy, destroys deferred (-d) and says so; never -R", () => {
    const warnings: string[] = [];
    const forced = { ...current(), inputs: { ...current().inputs, forceDestroy: true } };
    const plan = argvs(planDelete(zfsSnapshot, forced, host(), { urn, warn: (m) => warnings.push(m) }));
    expect(plan.at(-1)).toEqual(["zfs", "destroy", "-dr", "zroot/db@s1"]);
    expect(plan.flat()).not.toContain("-R");
    expect(warnings.join()).toMatch(/destroyed deferred \(zfs destroy -d\).*the holds other \(on zroot\/db@s1\) are released/);
  });
  it("plans nothing for a snapshot already gone", () => {
    expect(planDelete(zfsSnapshot, { id: "zroot/db@gone", state: { guid: "g-gone" }, inputs: inputs({ name: "gone" }) } as never, host())).toEqual([]);
  });
});

describe("sections", () => {
  it("serve the view the pure tests plan against", () => {
    const view = hostView(host());
    expect(view.get(snapshotProps).get("zroot/db@s1")!.properties["pulumi:urn"]!.value).toBe(urn);
    expect([...view.get(snapshotHolds).tags("zroot/db@s1").keys()]).toEqual(["keep", "other"]);
  });
});
