import { describe, expect, it } from "vitest";
import { planCreate, planUpdate, quiet, read, type HostParts } from "./host-view.ts";
import type { DatasetRecord, SnapshotRecord } from "../../provider/src/freebsd/zfs-output.ts";
import { zfsDataset } from "../../provider/src/resources/zfs-dataset/index.ts";
import { datasetInputs, type DatasetInputs } from "../../provider/src/resources/zfs-dataset/schema.ts";

// freebsd:zfs:Dataset as a clone (cloneFrom, promote, origin): Check rules, reads and plans, pure.

const argvs = (cmds: { argv: readonly string[] }[]) => cmds.map((c) => [...c.argv]);
const inputs = (over: Partial<DatasetInputs> & { name: string }): DatasetInputs => datasetInputs.parse(over);
const record = (name: string, props: Record<string, string>): [string, DatasetRecord] => [name, {
  name,
  properties: Object.fromEntries(Object.entries({ type: "filesystem", guid: `g-${name}`, creation: "1700000000", mounted: "yes", canmount: "on", mountpoint: `/${name}`, ...props })
    .map(([k, v]) => [k, { value: v, source: k === "casesensitivity" || k === "type" || k === "guid" || k === "origin" ? "-" : "default" }])),
}];
const snap = (name: string, over: Partial<SnapshotRecord> = {}): [string, SnapshotRecord] => [name, {
  name, dataset: name.slice(0, name.indexOf("@")), guid: `g-${name}`, createtxg: "10", creation: 1700000000, used: 0, referenced: 1, clones: [], userrefs: 0, ...over,
}];
const host = (over: HostParts = {}): HostParts => ({
  pools: [{ name: "zroot", size: 1, allocated: 0, free: 1, health: "ONLINE" }],
  datasets: new Map([
    record("zroot", {}), record("zroot/rel", { casesensitivity: "insensitive" }), record("zroot/jails", {}),
    record("zroot/vols", {}), record("zroot/vols/disk", { type: "volume", volsize: "1073741824" }),
  ]),
  snapshots: new Map([snap("zroot/rel@base"), snap("zroot/vols/disk@s")]),
  ...over,
});
/** The host after the clone zroot/jails/web of zroot/rel@base was made (origin set), or promoted (no origin). */
const cloned = (promoted = false): HostParts => {
  const h = host();
  const web = record("zroot/jails/web", { casesensitivity: "insensitive", ...(promoted ? {} : { origin: "zroot/rel@base" }) });
  web[1].properties["pulumi:urn"] = { value: quiet.urn, source: "local" };
  h.datasets!.set(...web);
  if (promoted) {
    h.datasets!.set(...record("zroot/rel", { casesensitivity: "insensitive", origin: "zroot/jails/web@base" }));
    h.snapshots = new Map([snap("zroot/jails/web@base", { clones: ["zroot/rel"] })]);
  }
  return h;
};

describe("inputs", () => {
  it.each([
    [{ cloneFrom: "zroot/rel" }, "cloneFrom", /pool\/dataset@snapshot/],
    [{ cloneFrom: "tank/rel@base" }, "cloneFrom", /in the pool of zroot\/jails\/web/],
    [{ cloneFrom: "zroot/rel@base", properties: { casesensitivity: "mixed" } }, "properties.casesensitivity", /takes it from its origin/],
    [{ promote: true }, "promote", /only to a clone/],
    [{ cloneFrom: "zroot/vols/disk@s", type: "volume", volblocksize: "8K" }, "volblocksize", /origin's for a clone/],
  ])("refuses %j at %s", (over, path, rule) => {
    const result = datasetInputs.safeParse({ name: "zroot/jails/web", ...over });
    expect(result.success).toBe(false);
    expect(result.error!.issues.find((i) => i.path.join(".") === path)?.message).toMatch(rule);
  });
  it("lets a volume clone leave out volsize, and leaves promote unset by default", () => {
    expect(inputs({ name: "zroot/vols/d2", type: "volume", cloneFrom: "zroot/vols/disk@s" })).not.toHaveProperty("promote");
  });
  it("replaces for a change of cloneFrom, refused at Check without forceDestroy; promote changes in place", () => {
    expect(zfsDataset.rule!(["cloneFrom"])).toBe("replace");
    expect(zfsDataset.rule!(["promote"])).toBe("update");
    const failures = zfsDataset.checkChange!(inputs({ name: "zroot/jails/web", cloneFrom: "zroot/rel@base" }), inputs({ name: "zroot/jails/web", cloneFrom: "zroot/rel@p1" }));
    expect(failures.map((f) => f.property)).toEqual(["cloneFrom"]);
    expect(failures[0]!.reason).toMatch(/replaces the dataset zroot\/jails\/web.*forceDestroy: true/);
  });
});

describe("planCreate", () => {
  it("clones the snapshot with -p and -o properties, then promotes when asked", () => {
    const plan = planCreate(zfsDataset, inputs({ name: "zroot/jails/web", createParents: true, cloneFrom: "zroot/rel@base", promote: true, properties: { "org.example:r": "x" } }), host());
    expect(argvs(plan)).toEqual([
      ["zfs", "clone", "-p", "-o", "org.example:r=x", "-o", `pulumi:urn=${quiet.urn}`, "zroot/rel@base", "zroot/jails/web"],
      ["zfs", "promote", "zroot/jails/web"],
    ]);
  });
  it("refuses a snapshot that does not exist, or of the other type", () => {
    expect(() => planCreate(zfsDataset, inputs({ name: "zroot/jails/web", cloneFrom: "zroot/rel@none" }), host())).toThrow(/snapshot does not exist on h; create it first/);
    expect(() => planCreate(zfsDataset, inputs({ name: "zroot/jails/web", cloneFrom: "zroot/vols/disk@s" }), host())).toThrow(/snapshot of a volume, so its clone is a volume; set type: volume/);
  });
  it("grows a volume clone to its volsize, and refuses to shrink one below its origin", () => {
    const grow = planCreate(zfsDataset, inputs({ name: "zroot/vols/d2", type: "volume", cloneFrom: "zroot/vols/disk@s", volsize: "2G" }), host());
    expect(argvs(grow).at(-1)).toEqual(["zfs", "set", "volsize=2G", "zroot/vols/d2"]);
    expect(() => planCreate(zfsDataset, inputs({ name: "zroot/vols/d2", type: "volume", cloneFrom: "zroot/vols/disk@s", volsize: "512M" }), host()))
      .toThrow(/the origin is 1G, and a smaller clone loses the data past the new size/);
  });
});

describe("reads and updates", () => {
  const known = { inputs: inputs({ name: "zroot/jails/web", cloneFrom: "zroot/rel@base" }) };
  it("reads a clone: cloneFrom kept, origin an output, the origin's creation-fixed properties never inputs", () => {
    const found = read(zfsDataset, cloned(), "zroot/jails/web", known)!;
    expect(found.inputs).toMatchObject({ cloneFrom: "zroot/rel@base", properties: {} });
    expect(found.inputs).not.toHaveProperty("promote");
    expect(found.state["origin"]).toBe("zroot/rel@base");
  });
  it("imports a clone with cloneFrom read from origin", () => {
    expect(read(zfsDataset, cloned(), "zroot/jails/web")!.inputs).toMatchObject({ cloneFrom: "zroot/rel@base" });
  });
  it("reads a promoted clone as promote: true with the same cloneFrom (drift of promote, never of cloneFrom)", () => {
    const found = read(zfsDataset, cloned(true), "zroot/jails/web", known)!;
    expect(found.inputs).toMatchObject({ cloneFrom: "zroot/rel@base", promote: true });
    expect(found.state).not.toHaveProperty("origin");
  });
  it("promotes in place, and refuses to take a promote back, naming what depends on it now", () => {
    const current = read(zfsDataset, cloned(), "zroot/jails/web", known)!;
    expect(argvs(planUpdate(zfsDataset, current, { ...current.inputs, promote: true }, cloned()))).toEqual([["zfs", "promote", "zroot/jails/web"]]);
    const promoted = read(zfsDataset, cloned(true), "zroot/jails/web", known)!;
    expect(planUpdate(zfsDataset, promoted, { ...promoted.inputs, promote: true }, cloned(true))).toEqual([]);
    expect(() => planUpdate(zfsDataset, promoted, { ...promoted.inputs, promote: undefined }, cloned(true))).toThrow(
      /zroot\/jails\/web on h was promoted \(zfs promote\).*zroot\/rel \(a clone of zroot\/jails\/web@base\) now depend on them.*set promote: true/);
  });
});
