import { describe, expect, it } from "vitest";
import { hostView, type HostParts } from "./host-view.ts";
import type { DatasetRecord, SnapshotRecord } from "../../provider/src/freebsd/zfs-output.ts";
import type { JlsJail } from "../../provider/src/freebsd/jls.ts";
import { zfsRollback } from "../../provider/src/resources/zfs-rollback/index.ts";
import { planRollback, rollbackReads } from "../../provider/src/resources/zfs-rollback/plan.ts";
import { rollbackInputs, type RollbackInputs } from "../../provider/src/resources/zfs-rollback/schema.ts";

// Check rules and the plan of freebsd:zfs:Rollback: pure functions of inputs and a host given as data.

const inputs = (over: Partial<RollbackInputs> = {}): RollbackInputs => rollbackInputs.parse({ dataset: "zroot/test", snapshot: "clean", ...over });
const snap = (name: string, txg: number, over: Partial<SnapshotRecord> = {}): [string, SnapshotRecord] => [name, {
  name, dataset: name.slice(0, name.indexOf("@")), guid: `g-${name}`, createtxg: String(txg), creation: 1700000000, used: 0, referenced: 1,
  clones: [], userrefs: 0, ...over,
}];
const dataset = (name: string): [string, DatasetRecord] => [name, { name, properties: { guid: { value: `g-${name}`, source: "-" } } }];
const host = (later: Array<[string, SnapshotRecord]> = [], jails: JlsJail[] = []): HostParts => ({
  pools: [{ name: "zroot", size: 1, allocated: 0, free: 1, health: "ONLINE" }],
  datasets: new Map([dataset("zroot/test"), dataset("zroot/test/child")]),
  // A snapshot of the same name below, and an older one: neither is later.
  snapshots: new Map([snap("zroot/test@old", 5), snap("zroot/test@clean", 10), snap("zroot/test/child@later", 20), ...later]),
  jails,
});
const argv = (c: { argv: readonly string[] } | undefined) => c && [...c.argv];

describe("inputs", () => {
  it.each([
    [{ snapshot: "zroot/other@clean" }, "snapshot", /not a snapshot of zroot\/test/],
    [{ snapshot: "a b/c" }, "snapshot", /invalid character "\/"/],
    [{ restartJail: "bad name!" }, "restartJail", /./],
  ])("refuses %j at %s", (over, path, rule) => {
    const result = rollbackInputs.safeParse({ dataset: "zroot/test", snapshot: "clean", ...over });
    expect(result.success).toBe(false);
    expect(result.error!.issues.find((i) => i.path.join(".") === path)?.message).toMatch(rule);
  });
  it("takes the snapshot by its short or its full name", () => {
    expect(argv(planRollback(inputs({ snapshot: "zroot/test@clean" }), hostView(host())).rollback)).toEqual(["zfs", "rollback", "zroot/test@clean"]);
  });
  it("a new dataset or snapshot is a new rollback; triggers and the rest change in place", () => {
    expect(["dataset", "snapshot", "triggers", "destroyLaterSnapshots", "restartJail"].map((p) => zfsRollback.rule!([p]))).toEqual(
      ["replace", "replace", "update", "update", "update"]);
  });
});

describe("planRollback", () => {
  it("rolls back with a plain zfs rollback when nothing is later (snapshots below and older ones do not count)", () => {
    const plan = planRollback(inputs(), hostView(host()));
    expect(argv(plan.rollback)).toEqual(["zfs", "rollback", "zroot/test@clean"]);
    expect(plan.later).toEqual([]);
    expect(plan.stop).toBeUndefined();
    expect(plan.notes).toEqual(["rolls zroot/test back to zroot/test@clean, losing what was written since"]);
  });
  it("refuses later snapshots unless destroyLaterSnapshots, naming them oldest first", () => {
    const later = host([snap("zroot/test@b", 30), snap("zroot/test@a", 20)]);
    expect(() => planRollback(inputs(), hostView(later))).toThrow(
      /refusing rolling zroot\/test back to zroot\/test@clean: it destroys the later snapshots zroot\/test@a, zroot\/test@b \(zfs rollback -r\)\. To allow it, set destroyLaterSnapshots: true; nothing was changed/);
    const plan = planRollback(inputs({ destroyLaterSnapshots: true }), hostView(later));
    expect(argv(plan.rollback)).toEqual(["zfs", "rollback", "-r", "zroot/test@clean"]);
    expect(plan.notes[0]).toMatch(/and destroys the later snapshots zroot\/test@a, zroot\/test@b \(zfs rollback -r\)/);
  });
  it("refuses clones of later snapshots even with destroyLaterSnapshots: -R is never planned", () => {
    const cloned = host([snap("zroot/test@a", 20, { clones: ["zroot/exp"] })]);
    expect(() => planRollback(inputs({ destroyLaterSnapshots: true }), hostView(cloned))).toThrow(
      /cloned from the later snapshots.*zroot\/exp \(a clone of zroot\/test@a\)\. zfs rollback -R would destroy those clones with them; this provider never does/);
  });
  it("refuses held later snapshots: zfs rollback -r would stop half way", () => {
    const held = host([snap("zroot/test@a", 20, { userrefs: 2 })]);
    expect(() => planRollback(inputs({ destroyLaterSnapshots: true }), hostView(held))).toThrow(/zroot\/test@a \(2 hold\(s\)\) are held/);
  });
  it("refuses a missing snapshot (listing what there is), a missing dataset and a missing pool", () => {
    expect(() => planRollback(inputs({ snapshot: "nope" }), hostView(host()))).toThrow(/zroot\/test@nope: that snapshot does not exist on h \(its snapshots: zroot\/test@old, zroot\/test@clean\)/);
    expect(() => planRollback(inputs({ dataset: "zroot/none" }), hostView(host()))).toThrow(/zroot\/none does not exist on h/);
    expect(() => planRollback(inputs({ dataset: "tank/x" }), hostView(host()))).toThrow(/has no pool tank/);
  });
  it("stops a running jail first and starts it after; a jail that is not running is left alone", () => {
    const running = host([], [{ jid: 3, name: "pgtest", params: {} } as unknown as JlsJail]);
    const plan = planRollback(inputs({ restartJail: "pgtest" }), hostView(running));
    expect(plan.stop!.argv.slice(-1)).toEqual(["pgtest"]);
    expect(plan.stop!.argv.join(" ")).toMatch(/service jail onestop/);
    expect(plan.start!.argv.join(" ")).toMatch(/service jail onestart/);
    expect(plan.notes[1]).toBe("stops jail pgtest before the rollback and starts it again after");
    const stopped = planRollback(inputs({ restartJail: "pgtest" }), hostView(host()));
    expect(stopped.stop).toBeUndefined();
    expect(stopped.notes[1]).toBe("jail pgtest is not running: it is left as it is");
  });
  it("reads the dataset and its snapshots, and the running jails only when it restarts one", () => {
    expect(rollbackReads(inputs()).map((r) => r.section.key)).toEqual(["zfs.pools", "zfs.tree", "zfs.snapshots"]);
    expect(rollbackReads(inputs({ restartJail: "pgtest" })).map((r) => r.section.key)).toContain("jail.jls");
  });
});

describe("preview", () => {
  const reader = (parts: HostParts) => async () => hostView(parts);
  it("names what a create will destroy, or refuses it, from the host", async () => {
    const later = host([snap("zroot/test@a", 20)]);
    await expect(zfsRollback.preview!(inputs(), undefined, reader(later), { urn: "u", warn: () => undefined })).rejects.toThrow(/destroyLaterSnapshots: true/);
    expect(await zfsRollback.preview!(inputs({ destroyLaterSnapshots: true }), undefined, reader(later), { urn: "u", warn: () => undefined }))
      .toEqual(["rolls zroot/test back to zroot/test@clean, losing what was written since, and destroys the later snapshots zroot/test@a (zfs rollback -r)"]);
  });
  it("says nothing for an update that does not roll back, and defers when the snapshot does not exist yet", async () => {
    const current = { id: "zroot/test@clean", state: {} as never, inputs: inputs({ triggers: [1] }) };
    expect(await zfsRollback.preview!(inputs({ triggers: [1], restartJail: "x" }), current, reader(host()), { urn: "u", warn: () => undefined })).toEqual([]);
    expect((await zfsRollback.preview!(inputs({ snapshot: "future" }), undefined, reader(host()), { urn: "u", warn: () => undefined }))[0])
      .toMatch(/when it runs \(the host has no such snapshot yet/);
  });
});
