import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hostView, planCreate, planDelete, planUpdate, read, type HostParts } from "./host-view.ts";
import { quiet } from "./host-view.ts";
import { parseSnapshotList, parseZfsGet, parseZpoolList } from "../../provider/src/freebsd/zfs-output.ts";
import { zfsDataset } from "../../provider/src/resources/zfs-dataset/index.ts";
import { datasetInputs, type DatasetInputs } from "../../provider/src/resources/zfs-dataset/schema.ts";
import { RefusedError } from "../../provider/src/core/errors.ts";

// Diff rules and command plans of freebsd:zfs:Dataset: pure functions of inputs and an inventory.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
const inventory = (): HostParts => ({
  host: "h",
  pools: parseZpoolList(fixture("zpool-list.txt")),
  datasets: parseZfsGet(fixture("zfs-get-all.txt")),
  snapshots: parseSnapshotList(fixture("zfs-list-snapshots.txt")),
  jails: [],
  files: new Map(),
  rc: new Map(),
  jailParams: new Set(),
});
const inputs = (over: Partial<DatasetInputs> & { name: string }): DatasetInputs => datasetInputs.parse(over);
const argvs = (cmds: { argv: readonly string[] }[]) => cmds.map((c) => [...c.argv]);

describe("inputs", () => {
  it("applies defaults", () => {
    expect(inputs({ name: "zroot/a" })).toEqual({ name: "zroot/a", type: "filesystem", properties: {}, createParents: false, forceDestroy: false, reportAllProperties: false });
  });
  it.each([
    [{ name: "zroot/a", properties: { compress: "lz4" } }, "properties.compress", /full name `compression`/],
    [{ name: "zroot/a", properties: { volsize: "1G" } }, "properties.volsize", /top-level/],
    [{ name: "zroot/a", type: "volume" }, "volsize", /required for a volume/],
    [{ name: "zroot/a", volsize: "1G" }, "volsize", /only to volumes/],
    [{ name: "zroot/a", properties: { used: "1" } }, "properties.used", /read-only/],
    [{ name: "zroot/a", nmae: "x" }, "", /nmae/],
  ])("refuses %j at %s", (value, path, rule) => {
    const result = datasetInputs.safeParse(value);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join(".") === path)!;
    expect(issue.message + JSON.stringify(issue)).toMatch(rule);
  });
});

describe("rules", () => {
  it.each([
    [["name"], "update"],
    [["type"], "replace"],
    [["volblocksize"], "replace"],
    [["volsize"], "update"],
    [["properties", "compression"], "update"],
    [["properties", "casesensitivity"], "replace"],
    [["properties", "encryption"], "replace"],
    [["forceDestroy"], "update"],
  ])("%j -> %s", (path, rule) => {
    expect(zfsDataset.rule!(path)).toBe(rule);
  });
});

describe("planCreate", () => {
  it("creates a filesystem with its properties", () => {
    const plan = planCreate(zfsDataset, inputs({ name: "zroot/jails/web", properties: { compression: "zstd", "com.example:x": "$(id)" } }), inventory());
    expect(argvs(plan)).toEqual([["zfs", "create", "-o", "compression=zstd", "-o", "com.example:x=$(id)", "-o", `pulumi:urn=${quiet.urn}`, "zroot/jails/web"]]);
  });
  it("creates a volume with -b and -V", () => {
    const plan = planCreate(zfsDataset, inputs({ name: "zroot/v2", type: "volume", volsize: "2G", volblocksize: "8K" }), inventory());
    expect(argvs(plan)).toEqual([["zfs", "create", "-o", `pulumi:urn=${quiet.urn}`, "-b", "8K", "-V", "2G", "zroot/v2"]]);
  });
  it("refuses a missing parent unless createParents", () => {
    expect(() => planCreate(zfsDataset, inputs({ name: "zroot/no/such" }), inventory())).toThrow(/parent zroot\/no does not exist; set createParents/);
    expect(argvs(planCreate(zfsDataset, inputs({ name: "zroot/no/such", createParents: true }), inventory()))[0]).toContain("-p");
  });
  it("refuses an existing dataset and a missing pool", () => {
    expect(() => planCreate(zfsDataset, inputs({ name: "zroot/jails" }), inventory())).toThrow(/already exists .* pulumi import/);
    expect(() => planCreate(zfsDataset, inputs({ name: "nopool/x" }), inventory())).toThrow(/no pool nopool \(its pools: zroot, tank\)/);
  });
});

describe("planUpdate", () => {
  const inv = inventory();
  const current = read(zfsDataset, inv, "zroot/jails")!;
  it("reads the local properties as inputs, sizes spelled compactly", () => {
    expect(current.inputs.properties).toEqual({ quota: "10G", "com.example:note": "two\twords" });
  });
  it("sets changed properties in one command, inherits removed ones, resets non-inheritable ones", () => {
    const news = inputs({ name: "zroot/jails", properties: { compression: "zstd" } });
    expect(argvs(planUpdate(zfsDataset, current, news, inv))).toEqual([
      ["zfs", "set", "compression=zstd", "zroot/jails"],
      ["zfs", "set", "quota=none", "zroot/jails"],
      ["zfs", "inherit", "com.example:note", "zroot/jails"],
    ]);
  });
  it("does nothing for a value equal in zfs's terms", () => {
    // Built directly: Check refuses TABs in values, but a host may hold one set out of band.
    const news: DatasetInputs = { ...current.inputs, properties: { quota: "10240M", "com.example:note": "two\twords" } };
    expect(planUpdate(zfsDataset, current, news, inv)).toEqual([]);
  });
  it("renames in place, finding the dataset by guid", () => {
    const renamed = { ...current, id: "zroot/old-name" };
    const news: DatasetInputs = { ...current.inputs, name: "zroot/jails2" };
    expect(argvs(planUpdate(zfsDataset, renamed, news, inv))).toEqual([["zfs", "rename", "zroot/jails", "zroot/jails2"]]);
  });
});

describe("planDelete", () => {
  const inv = inventory();
  it("refuses a dataset with snapshots and names what to set", () => {
    const vol = read(zfsDataset, inv, "zroot/vol")!;
    expect(() => planDelete(zfsDataset, vol, inv)).toThrow(RefusedError);
    expect(() => planDelete(zfsDataset, vol, inv)).toThrow(/1 snapshot\(s\): zroot\/vol@s1.*forceDestroy: true/);
    const forced = { ...vol, inputs: { ...vol.inputs, forceDestroy: true } };
    expect(argvs(planDelete(zfsDataset, forced, inv))).toEqual([["zfs", "destroy", "-r", "zroot/vol"]]);
  });
  it("refuses clones outside it even when forced", () => {
    const jails = read(zfsDataset, inv, "zroot/jails")!;
    const forced = { ...jails, inputs: { ...jails.inputs, forceDestroy: true } };
    expect(() => planDelete(zfsDataset, forced, inv)).toThrow(/clones outside it depend on its snapshots: zroot\/clone1/);
  });
  it("plans nothing for a dataset already gone", () => {
    const gone = { id: "zroot/gone", state: {}, inputs: inputs({ name: "zroot/gone" }) };
    expect(planDelete(zfsDataset, gone as never, inv)).toEqual([]);
  });
});
