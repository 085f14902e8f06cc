import { describe, expect, it } from "vitest";
import { hostView, planCreate, planDelete, planUpdate, read, type HostParts } from "./host-view.ts";
import { parseZfsGet } from "../../provider/src/freebsd/zfs-output.ts";
import { zfsDataset } from "../../provider/src/resources/zfs-dataset/index.ts";
import { datasetInputs, type DatasetInputs } from "../../provider/src/resources/zfs-dataset/schema.ts";
import type { Context } from "../../provider/src/resources/contract.ts";

// Issue 7: what the host derived is not read as inputs, changes that lose data are refused at Check,
// plans come from what the host has, and a dataset is told from a stranger of the same name.

/** An inventory from `zfs get -H -p` lines written as `name property value source` with spaces. */
function inventoryOf(lines: string[], pools = ["zroot"]): HostParts {
  const text = lines.map((l) => l.trim().split(/\s+/).join("\t")).join("\n");
  return {
    host: "h", pools: pools.map((name) => ({ name, size: 1, allocated: 0, free: 1, health: "ONLINE" })),
    datasets: parseZfsGet(text), snapshots: new Map(), jails: [], files: new Map(), rc: new Map(), jailParams: new Set(),
  };
}
const fs = (name: string, guid: string, more: string[] = []) => [
  `${name} type filesystem -`, `${name} guid ${guid} -`, `${name} creation 1700000000 -`,
  `${name} casesensitivity sensitive -`, `${name} normalization none -`, `${name} utf8only off -`, ...more.map((m) => `${name} ${m}`),
];
const root = fs("zroot", "1");
const inputs = (over: Partial<DatasetInputs> & { name: string }): DatasetInputs => datasetInputs.parse(over);
const argvs = (cmds: { argv: readonly string[] }[]) => cmds.map((c) => [...c.argv]);
function context(urn = "urn:pulumi:dev::p::freebsd:zfs:Dataset::web"): Context & { warnings: string[] } {
  const warnings: string[] = [];
  return { urn, warn: (m) => warnings.push(m), warnings };
}

describe("what zfs derived is not read as inputs (issue 7.1)", () => {
  const formD = (name: string, guid: string) => [
    `${name} type filesystem -`, `${name} guid ${guid} -`, `${name} casesensitivity sensitive -`,
    `${name} normalization formD -`, `${name} utf8only on -`,
  ];
  it("normalization declared: utf8only=on is zfs's, on refresh and on import", () => {
    const inv = inventoryOf([...root, ...formD("zroot/n", "2")]);
    const refreshed = read(zfsDataset, inv, "zroot/n", { state: { guid: "2" }, inputs: inputs({ name: "zroot/n", properties: { normalization: "formD" } }) })!;
    expect(refreshed.inputs.properties).toEqual({ normalization: "formD" });
    expect(read(zfsDataset, inv, "zroot/n")!.inputs.properties).toEqual({ normalization: "formD" });
  });
  it("keeps utf8only when the user declared it too", () => {
    const inv = inventoryOf([...root, ...formD("zroot/n", "2")]);
    const known = inputs({ name: "zroot/n", properties: { normalization: "formD", utf8only: "on" } });
    expect(read(zfsDataset, inv, "zroot/n", { state: { guid: "2" }, inputs: known })!.inputs.properties).toEqual({ normalization: "formD", utf8only: "on" });
  });
  it("a child takes its parent's ZPL properties: none of them is the child's input", () => {
    const inv = inventoryOf([...root, ...formD("zroot/n", "2"), ...formD("zroot/n/child", "3")]);
    expect(read(zfsDataset, inv, "zroot/n/child")!.inputs.properties).toEqual({});
  });
  it("a utf8only=off under a normalizing parent is kept with the normalization it forced", () => {
    const inv = inventoryOf([...root, ...formD("zroot/n", "2"), ...fs("zroot/n/plain", "3")]);
    expect(read(zfsDataset, inv, "zroot/n/plain")!.inputs.properties).toEqual({ normalization: "none", utf8only: "off" });
  });
  const encRoot = (name: string, guid: string) => [
    ...fs(name, guid), `${name} encryption aes-256-gcm -`, `${name} keyformat passphrase -`, `${name} pbkdf2iters 350000 -`,
    `${name} keylocation prompt local`, `${name} encryptionroot ${name} -`,
  ];
  it("an encryption root: encryption=on reads as on, pbkdf2iters and keylocation=prompt are zfs's", () => {
    const inv = inventoryOf([...root, ...encRoot("zroot/e", "2")]);
    const known = inputs({ name: "zroot/e", properties: { encryption: "on", keyformat: "passphrase" } });
    expect(read(zfsDataset, inv, "zroot/e", { state: { guid: "2" }, inputs: known })!.inputs.properties).toEqual({ encryption: "on", keyformat: "passphrase" });
    expect(read(zfsDataset, inv, "zroot/e")!.inputs.properties).toEqual({ encryption: "aes-256-gcm", keyformat: "passphrase" });
  });
  it("a child of an encrypted parent inherits encryption and its key: nothing to declare", () => {
    const child = [...fs("zroot/e/c", "3"), "zroot/e/c encryption aes-256-gcm -", "zroot/e/c keyformat passphrase -",
      "zroot/e/c pbkdf2iters 350000 -", "zroot/e/c keylocation none default", "zroot/e/c encryptionroot zroot/e -"];
    const inv = inventoryOf([...root, ...encRoot("zroot/e", "2"), ...child]);
    expect(read(zfsDataset, inv, "zroot/e/c", { state: { guid: "3" }, inputs: inputs({ name: "zroot/e/c" }) })!.inputs.properties).toEqual({});
  });
  it("a new encryption root below an encrypted parent keeps its keyformat", () => {
    const inv = inventoryOf([...root, ...encRoot("zroot/e", "2"), ...encRoot("zroot/e/r", "3")]);
    expect(read(zfsDataset, inv, "zroot/e/r")!.inputs.properties).toEqual({ keyformat: "passphrase" });
  });
});

describe("Check refuses changes that lose data without forceDestroy (issue 7.1, 7.3)", () => {
  const olds = inputs({ name: "zroot/ci", properties: { casesensitivity: "sensitive", compression: "lz4" } });
  it("refuses a create-only property change, naming the path, the values and forceDestroy", () => {
    const failures = zfsDataset.checkChange!(olds, inputs({ name: "zroot/ci", properties: { casesensitivity: "insensitive", compression: "lz4" } }));
    expect(failures).toHaveLength(1);
    expect(failures[0]!.property).toBe("properties.casesensitivity");
    expect(failures[0]!.reason).toMatch(/from "sensitive" to "insensitive" replaces the dataset zroot\/ci.*destroys the dataset and everything in it.*forceDestroy: true/);
  });
  it("refuses removing a create-only property, and a change of type or volblocksize", () => {
    expect(zfsDataset.checkChange!(olds, inputs({ name: "zroot/ci", properties: { compression: "lz4" } }))[0]!.reason).toMatch(/from "sensitive" to unset/);
    const vol = inputs({ name: "zroot/v", type: "volume", volsize: "1G", volblocksize: "8K" });
    expect(zfsDataset.checkChange!(vol, { ...vol, volblocksize: "16K" }).map((f) => f.property)).toEqual(["volblocksize"]);
    expect(zfsDataset.checkChange!(vol, inputs({ name: "zroot/v" })).map((f) => f.property)).toContain("type");
  });
  it("allows it when the new inputs say forceDestroy, whatever the old ones said", () => {
    const news = inputs({ name: "zroot/ci", properties: { casesensitivity: "insensitive" }, forceDestroy: true });
    expect(zfsDataset.checkChange!(olds, news)).toEqual([]);
    const wasForced = { ...olds, forceDestroy: true };
    expect(zfsDataset.checkChange!(wasForced, { ...news, forceDestroy: false })).toHaveLength(1);
  });
  it("allows in-place changes and renames", () => {
    expect(zfsDataset.checkChange!(olds, inputs({ name: "zroot/ci2", properties: { casesensitivity: "sensitive" } }))).toEqual([]);
  });
  it("refuses shrinking a volume, allows growing it", () => {
    const vol = inputs({ name: "zroot/v", type: "volume", volsize: "256M" });
    const shrink = zfsDataset.checkChange!(vol, { ...vol, volsize: "16M" });
    expect(shrink.map((f) => f.property)).toEqual(["volsize"]);
    expect(shrink[0]!.reason).toMatch(/shrinking volume zroot\/v from "256M" to "16M".*forceDestroy: true/);
    expect(zfsDataset.checkChange!(vol, { ...vol, volsize: "1G" })).toEqual([]);
    expect(zfsDataset.checkChange!(vol, { ...vol, volsize: "16M", forceDestroy: true })).toEqual([]);
  });
});

describe("planUpdate plans from the host (issue 7.3, 7.4, 7.6)", () => {
  it("never re-sends a create-only property (issue 7.4)", () => {
    const inv = inventoryOf([...root, ...fs("zroot/ci", "2", ["compression lz4 local"]).map((l) => l.replace("sensitive", "insensitive"))]);
    const current = read(zfsDataset, inv, "zroot/ci", { inputs: inputs({ name: "zroot/ci", properties: { casesensitivity: "insensitive", compression: "lz4" } }) })!;
    const news = inputs({ name: "zroot/ci", properties: { casesensitivity: "insensitive", compression: "zstd" } });
    expect(argvs(planUpdate(zfsDataset, current, news, inv))).toEqual([["zfs", "set", "compression=zstd", "zroot/ci"]]);
  });
  it("drops what the host still has set even when the old inputs no longer list it (issue 7.6)", () => {
    const inv = inventoryOf([...root, ...fs("zroot/d", "2", ["compression zstd local", "quota 1073741824 local", "org.example:x y local", "atime on default"])]);
    const news = inputs({ name: "zroot/d", properties: { compression: "zstd" } });
    // A half-done update: the engine carries the new inputs as the old ones.
    const current = { id: "zroot/d", state: { guid: "2" } as never, inputs: news };
    expect(argvs(planUpdate(zfsDataset, current, news, inv))).toEqual([
      ["zfs", "set", "quota=none", "zroot/d"],
      ["zfs", "inherit", "org.example:x", "zroot/d"],
    ]);
  });
  it("refuses to shrink the volume the host has, unless forceDestroy (issue 7.3)", () => {
    const inv = inventoryOf([...root, "zroot/v type volume -", "zroot/v guid 2 -", `zroot/v volsize ${256 * 2 ** 20} local`, "zroot/v volblocksize 16384 -"]);
    const news = inputs({ name: "zroot/v", type: "volume", volsize: "16M" });
    // The old inputs may already say 16M (a refresh, a half-done update): the host's size decides.
    const current = { id: "zroot/v", state: { guid: "2" } as never, inputs: news };
    expect(() => planUpdate(zfsDataset, current, news, inv)).toThrow(/refusing to shrink volume zroot\/v on h from 256M to 16M.*forceDestroy: true/);
    expect(argvs(planUpdate(zfsDataset, current, { ...news, forceDestroy: true }, inv))).toEqual([["zfs", "set", "volsize=16M", "zroot/v"]]);
  });
});

describe("a dataset with data is destroyed only with forceDestroy (issue 13)", () => {
  const mounted = (files: string[]) => ({ ...inventoryOf([...root, ...fs("zroot/d", "2", ["logicalreferenced 43520 -"])]), datasetFiles: new Map([["zroot/d", files]]) });
  const unlisted = (type: string, logical: number) =>
    inventoryOf([...root, ...fs("zroot/d", "2", [`logicalreferenced ${logical} -`]).map((l) => l.replace(" type filesystem ", ` type ${type} `))]);
  const current = (force = false) => ({ id: "zroot/d", state: { guid: "2" } as never, inputs: inputs({ name: "zroot/d", forceDestroy: force }) });
  it.each([
    ["a mounted file system holding files", mounted(["/zroot/d/pgdata", "/zroot/d/notes.txt"]), /it holds files \(\/zroot\/d\/pgdata, \/zroot\/d\/notes\.txt\); nothing was destroyed\. Set forceDestroy: true/],
    ["six entries named as five and more", mounted(["a", "b", "c", "d", "e", "f"].map((f) => `/zroot/d/${f}`)), /files \(\/zroot\/d\/a, .*\/zroot\/d\/e and more\)/],
    ["a volume past 1 MiB", unlisted("volume", 3 * 2 ** 20), /it holds 3\.0 MiB of data \(logicalreferenced; a volume, whose files cannot be listed\)/],
    ["a file system not mounted past 1 MiB", unlisted("filesystem", 2 ** 20 + 1), /1\.0 MiB of data \(logicalreferenced; a file system that is not mounted/],
  ])("refuses %s, and destroys it with forceDestroy", (_what, inv, message) => {
    expect(() => planDelete(zfsDataset, current(), inv)).toThrow(message);
    expect(argvs(planDelete(zfsDataset, current(true), inv))).toEqual([["zfs", "destroy", "zroot/d"]]);
  });
  it.each([
    ["a mounted empty file system (its .zfs is not listed)", mounted([])],
    ["an empty volume", unlisted("volume", 26624)],
    ["a file system not mounted at 1 MiB", unlisted("filesystem", 2 ** 20)],
  ])("destroys %s without forceDestroy", (_what, inv) => {
    expect(argvs(planDelete(zfsDataset, current(), inv))).toEqual([["zfs", "destroy", "zroot/d"]]);
  });
  it("forceDestroy recorded in the state is enough (a delete reads the recorded inputs)", () => {
    const inv = mounted(["/zroot/d/x"]);
    expect(argvs(planDelete(zfsDataset, { ...current(), state: { guid: "2", forceDestroy: true } as never }, inv))).toEqual([["zfs", "destroy", "zroot/d"]]);
  });
});

describe("a stranger under a managed name (issue 7.2)", () => {
  const inv = inventoryOf([...root, ...fs("zroot/web", "999")]);
  const current = { id: "zroot/web", state: { guid: "123" } as never, inputs: inputs({ name: "zroot/web" }) };
  it("is gone for refresh, with a warning naming both guids", () => {
    const ctx = context();
    expect(read(zfsDataset, inv, "zroot/web", { state: { guid: "123" } }, ctx)).toBeUndefined();
    expect(ctx.warnings.join("\n")).toMatch(/zroot\/web .*guid 999.*guid 123/);
  });
  it("is never destroyed nor updated", () => {
    const ctx = context();
    expect(planDelete(zfsDataset, current, inv, ctx)).toEqual([]);
    expect(ctx.warnings).toHaveLength(1);
    expect(() => planUpdate(zfsDataset, current, inputs({ name: "zroot/web", properties: { atime: "off" } }), inv, ctx)).toThrow(/no longer exists/);
  });
  it("is still found by name on import", () => {
    expect(read(zfsDataset, inv, "zroot/web")?.state.guid).toBe("999");
  });
});

describe("a pool that is not imported is an error, not a gone dataset (issue 7.17)", () => {
  const inv = inventoryOf([...root], ["zroot"]);
  it.each([
    ["read", () => read(zfsDataset, inv, "tank/data", { state: { guid: "5" } })],
    ["delete", () => planDelete(zfsDataset, { id: "tank/data", state: { guid: "5" } as never, inputs: inputs({ name: "tank/data" }) }, inv)],
    ["import", () => read(zfsDataset, inv, "tank/data")],
  ])("%s", (_what, fn) => {
    expect(fn).toThrow(/h has no pool tank \(its pools: zroot\).*zpool import tank/);
  });
});

describe("the pulumi:urn marker (issue 7.5)", () => {
  const urn = "urn:pulumi:dev::p::freebsd:zfs:Dataset::web";
  it("is set by create, and is never an input", () => {
    const plan = planCreate(zfsDataset, inputs({ name: "zroot/web", properties: { compression: "lz4" } }), inventoryOf(root), context(urn));
    expect(argvs(plan)).toEqual([["zfs", "create", "-o", "compression=lz4", "-o", `pulumi:urn=${urn}`, "zroot/web"]]);
    const inv = inventoryOf([...root, ...fs("zroot/web", "2", [`pulumi:urn ${urn} local`, "compression lz4 local"])]);
    expect(read(zfsDataset, inv, "zroot/web")!.inputs.properties).toEqual({ compression: "lz4" });
  });
  it("lets a create adopt its own dataset, planning what is left to do", () => {
    const inv = inventoryOf([...root, ...fs("zroot/web", "2", [`pulumi:urn ${urn} local`])]);
    const plan = planCreate(zfsDataset, inputs({ name: "zroot/web", properties: { compression: "lz4" } }), inv, context(urn));
    expect(argvs(plan)).toEqual([["zfs", "set", "compression=lz4", "zroot/web"]]);
    expect(zfsDataset.claim(hostView(inv), inputs({ name: "zroot/web" }), context(urn))).toMatchObject({ kind: "own", record: { name: "zroot/web" } });
  });
  it("refuses another resource's dataset, naming it, and does not read it back as its own", () => {
    const other = "urn:pulumi:prod::p::freebsd:zfs:Dataset::web";
    const inv = inventoryOf([...root, ...fs("zroot/web", "2", [`pulumi:urn ${other} local`])]);
    expect(() => planCreate(zfsDataset, inputs({ name: "zroot/web" }), inv, context(urn))).toThrow(`already exists on h (created by ${other})`);
    expect(zfsDataset.claim(hostView(inv), inputs({ name: "zroot/web" }), context(urn)).kind).toBe("other");
  });
  it("an inherited marker is a parent's, not the dataset's", () => {
    const inv = inventoryOf([...root, ...fs("zroot/web", "2", [`pulumi:urn ${urn} inherited from zroot`])]);
    expect(() => planCreate(zfsDataset, inputs({ name: "zroot/web" }), inv, context(urn))).toThrow(/already exists on h;/);
  });
  it("is refused as a user property at Check", () => {
    const r = datasetInputs.safeParse({ name: "zroot/a", properties: { "pulumi:urn": "x" } });
    expect(r.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["properties.pulumi:urn", expect.stringMatching(/reserved/)]]);
  });
});

describe("Check refuses encryption zfs create would refuse (issue 7.18)", () => {
  it.each([
    [{ encryption: "on" }, "properties.encryption", /needs keyformat.*inherits encryption when `encryption` is left unset/],
    [{ encryption: "aes-256-gcm", keylocation: "file:///k" }, "properties.encryption", /needs keyformat/],
    [{ encryption: "off", keyformat: "raw" }, "properties.keyformat", /encryption=off/],
    [{ encryption: "on", keyformat: "passphrase", pbkdf2iters: "1000" }, "properties.pbkdf2iters", /at least 100000/],
  ])("%j", (properties, path, rule) => {
    const r = datasetInputs.safeParse({ name: "zroot/a", properties });
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join(".") === path);
    expect(issue?.message).toMatch(rule);
  });
  it("lets a new encryption root through", () => {
    expect(datasetInputs.safeParse({ name: "zroot/a", properties: { encryption: "on", keyformat: "raw", keylocation: "file:///k" } }).success).toBe(true);
  });
});

describe("derived secrets (issue 7.20)", () => {
  it.each([
    [["properties", "mountpoint"], [["allProperties", "mountpoint"], ["mountpoint"]]],
    [["properties"], [["allProperties"], ["mountpoint"]]],
    [["properties", "org.example:x"], [["allProperties", "org.example:x"]]],
  ])("%j", (path, expected) => {
    expect(zfsDataset.derivedSecrets!(path)).toEqual(expected);
  });
});
