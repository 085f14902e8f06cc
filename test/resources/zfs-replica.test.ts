import { describe, expect, it } from "vitest";
import type { DatasetRecord, SnapshotRecord } from "../../provider/src/freebsd/zfs-output.ts";
import { zfsReplica } from "../../provider/src/resources/zfs-replica/index.ts";
import { planStep, sharedBase, type Step } from "../../provider/src/resources/zfs-replica/plan.ts";
import { progressLine, progressReporter } from "../../provider/src/resources/zfs-replica/progress.ts";
import { sideOf, type Side } from "../../provider/src/resources/zfs-replica/read.ts";
import { replicaInputs, type ReplicaInputs } from "../../provider/src/resources/zfs-replica/schema.ts";
import { hostView } from "./host-view.ts";

// freebsd:zfs:Replica without a host: the plan of the next step from both sides as read (snapshots
// matched by guid), divergence and its refusal, and the read of a replica from the batched view.

const where = { source: "root@src:22", replica: "root@dst:22" };
const inputs = (extra: Partial<ReplicaInputs> = {}): ReplicaInputs =>
  replicaInputs.parse({ source: { host: "src", privateKey: "k" }, sourceDataset: "tank/db", dataset: "backup/db", ...extra });
const snap = (name: string, guid: string, createtxg: number) => ({ name, guid, createtxg });
const side = (dataset: string, snaps: ReturnType<typeof snap>[], extra: Partial<Side> = {}): Side =>
  ({ dataset, exists: true, written: 0, snaps, ...extra });
const source = side("tank/db", [snap("s1", "11", 10), snap("s2", "22", 20), snap("s3", "33", 30)]);
const plan = (replica: Side, extra: Partial<ReplicaInputs> = {}, from: Side = source): Step => planStep(replica, from, inputs(extra), where);

describe("the next step", () => {
  it("sends the newest source snapshot whole to a replica that does not exist", () => {
    expect(plan({ dataset: "backup/db", exists: false, written: 0, snaps: [] })).toEqual({ kind: "full", to: snap("s3", "33", 30), force: false });
  });

  it("sends incrementally (-I) from the newest snapshot both share, matched by guid not name", () => {
    // The replica's copy of s1 was renamed; s2 on the replica is a different snapshot (another guid).
    const replica = side("backup/db", [snap("renamed", "11", 5), snap("s2", "99", 6)]);
    expect(sharedBase(replica, source)).toEqual(snap("renamed", "11", 5));
    expect(plan(replica)).toMatchObject({ kind: "refuse" });
    expect(plan(replica, { force: true })).toEqual({ kind: "incremental", base: snap("s1", "11", 10), to: snap("s3", "33", 30), force: true });
    expect(plan(side("backup/db", [snap("s1", "11", 5), snap("s2", "22", 6)]))).toEqual({
      kind: "incremental", base: snap("s2", "22", 20), to: snap("s3", "33", 30), force: false,
    });
  });

  it("does nothing for a replica that has the target, and follows a pinned sourceSnapshot", () => {
    const replica = side("backup/db", [snap("s1", "11", 5), snap("s2", "22", 6), snap("s3", "33", 7)]);
    expect(plan(replica)).toEqual({ kind: "none" });
    const behind = side("backup/db", [snap("s1", "11", 5)]);
    expect(plan(behind, { sourceSnapshot: "s2" })).toMatchObject({ kind: "incremental", to: snap("s2", "22", 20) });
    expect(plan(behind, { sourceSnapshot: "tank/db@s2" })).toMatchObject({ kind: "incremental", to: snap("s2", "22", 20) });
    expect(plan(replica, { sourceSnapshot: "s2" })).toEqual({ kind: "none" });
    expect(plan(behind, { sourceSnapshot: "nope" })).toEqual({ kind: "refuse", why: "tank/db on root@src:22 has no snapshot nope", missing: "nope" });
    expect(plan(behind, { sourceSnapshot: "tank/other@s2" })).toMatchObject({ kind: "refuse", why: expect.stringMatching(/not a snapshot of tank\/db/) });
  });

  it("resumes an interrupted transfer before anything else", () => {
    expect(plan(side("backup/db", [], { token: "1-ab-10-00" }))).toEqual({ kind: "resume", token: "1-ab-10-00" });
  });

  it("refuses a diverged replica without force, naming the written bytes and the extra snapshots", () => {
    const replica = side("backup/db", [snap("s1", "11", 5), snap("local", "77", 6)], { written: 4096 });
    const step = plan(replica);
    expect(step.kind).toBe("refuse");
    expect((step as { why: string }).why).toBe(
      "the replica backup/db on root@dst:22 diverged from tank/db on root@src:22: it was written to since backup/db@local " +
        "(4096 bytes written); it has snapshots its source lacks: backup/db@local (made after @s1, the newest both share). " +
        "Set force: true to overwrite it: zfs receive -F rolls it back to @s1, destroying those changes and snapshots",
    );
    expect(plan(replica, { force: true })).toEqual({ kind: "incremental", base: snap("s1", "11", 10), to: snap("s3", "33", 30), force: true });
    // Nothing new to send, but diverged: force rolls it back.
    const upToDate = side("backup/db", [snap("s3", "33", 5)], { written: 512 });
    expect(plan(upToDate, { force: true })).toEqual({ kind: "rollback", base: snap("s3", "33", 5) });
  });

  it("refuses what cannot be replicated, saying why", () => {
    const why = (s: Step) => (s as { why?: string }).why;
    expect(why(plan(side("backup/db", [snap("x", "5", 1)])))).toMatch(/shares no snapshot with tank\/db on root@src:22 \(compared by guid\)/);
    expect(why(plan(side("backup/db", []), {}))).toMatch(/exists and has no snapshots.*set force: true/);
    expect(plan(side("backup/db", []), { force: true })).toEqual({ kind: "full", to: snap("s3", "33", 30), force: true });
    expect(why(plan(side("backup/db", []), {}, { dataset: "tank/db", exists: false, written: 0, snaps: [] })))
      .toBe("the source dataset tank/db on root@src:22 does not exist");
    expect(why(plan(side("backup/db", []), {}, side("tank/db", [])))).toMatch(/has no snapshots: a replica receives snapshots/);
  });
});

const dataset = (name: string, props: Record<string, string>): DatasetRecord =>
  ({ name, properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { value: v, source: k === "pulumi:urn" ? "local" : "-" }])) });
const snapshot = (name: string, guid: string, createtxg: number): SnapshotRecord =>
  ({ name, dataset: name.slice(0, name.indexOf("@")), guid, createtxg: String(createtxg), creation: 0, used: 0, referenced: 0, clones: [], userrefs: 0 });
const pools = [{ name: "backup", size: 1, allocated: 0, free: 1, health: "ONLINE" }];
const view = (props: Record<string, string>, snaps: SnapshotRecord[]) => hostView({
  pools, datasets: new Map([["backup/db", dataset("backup/db", props)]]), snapshots: new Map(snaps.map((s) => [s.name, s])),
});

describe("reading a replica", () => {
  const snaps = [snapshot("backup/db@s1", "11", 5), snapshot("backup/db@s2", "22", 9), snapshot("backup/other@x", "3", 7)];

  it("reads its side: guid, written, token, marker, its own snapshots oldest first", () => {
    expect(sideOf(view({ guid: "900", written: "0", "pulumi:urn": "urn:me" }, snaps), "backup/db")).toEqual({
      dataset: "backup/db", exists: true, guid: "900", written: 0, owner: "urn:me", snaps: [snap("s1", "11", 5), snap("s2", "22", 9)],
    });
  });

  it("reports the newest snapshot, and an interrupted transfer with its token", () => {
    const v = view({ guid: "900", written: "0", receive_resume_token: "1-ab-10-00" }, snaps);
    const found = zfsReplica.read(v, { id: "backup/db", state: { receivedGuid: "22" }, inputs: inputs() }, { urn: "u", warn: () => undefined });
    expect(found!.state).toMatchObject({ snapshot: "s2", snapshotGuid: "22", snapshots: 2, state: "interrupted", resumeToken: "1-ab-10-00" });
  });

  it("reports a replica diverged since its last receive: written to, or given snapshots", () => {
    const ctx = { urn: "u", warn: () => undefined };
    const written = zfsReplica.read(view({ guid: "900", written: "8192" }, snaps), { id: "backup/db", state: { receivedGuid: "22" } }, ctx);
    expect(written!.state).toMatchObject({ state: "diverged", divergence: "it was written to since backup/db@s2 (8192 bytes written)" });
    const extra = zfsReplica.read(view({ guid: "900", written: "0" }, snaps), { id: "backup/db", state: { receivedGuid: "11" } }, ctx);
    expect(extra!.state).toMatchObject({ state: "diverged", divergence: expect.stringMatching(/snapshots its source lacks: backup\/db@s2/) });
  });

  it("imports by dataset name: the inputs it can vouch for, the newest snapshot taken as received", () => {
    const found = zfsReplica.read(view({ guid: "900", written: "0" }, snaps), { id: "backup/db", state: {} }, { urn: "u", warn: () => undefined });
    expect(found!.inputs).toEqual({ dataset: "backup/db", force: false, raw: false, forceDestroy: false });
    expect(found!.state).toMatchObject({ state: "ok", receivedGuid: "22" });
  });

  it("reads a replica that is gone as gone, and refuses to call it gone when its pool is missing", () => {
    const ctx = { urn: "u", warn: () => undefined };
    expect(zfsReplica.read(hostView({ pools }), { id: "backup/db" }, ctx)).toBeUndefined();
    expect(() => zfsReplica.read(hostView({ pools: [] }), { id: "backup/db" }, ctx)).toThrow(/has no pool backup/);
  });
});

describe("inputs", () => {
  it("takes the provider's connection settings for the source, checked the same way", () => {
    expect(replicaInputs.safeParse({ source: { host: "src", port: 70000 }, sourceDataset: "tank/db", dataset: "backup/db" }).success).toBe(false);
    expect(replicaInputs.safeParse({ source: { host: "src", hostkey: "typo" }, sourceDataset: "tank/db", dataset: "backup/db" }).success).toBe(false);
    expect(replicaInputs.safeParse({ source: { host: "src" }, sourceDataset: "tank/db@s1", dataset: "backup/db" }).success).toBe(false);
    expect(inputs().source).toMatchObject({ host: "src", port: 22, user: "root", become: "none" });
  });

  it("replaces only for a new dataset; the source's secrets are always secret", () => {
    expect(zfsReplica.rule!(["dataset"])).toBe("replace");
    expect(zfsReplica.rule!(["sourceDataset"])).toBe("update");
    expect(zfsReplica.rule!(["source", "host"])).toBe("update");
    // The source's credentials and its bastion's (pulumi-command's privateKeyPassword is stored as privateKeyPassphrase).
    for (const key of ["privateKey", "privateKeyPassphrase", "password"]) {
      expect(zfsReplica.secretInputs).toContainEqual(["source", key]);
      expect(zfsReplica.secretInputs).toContainEqual(["source", "proxy", key]);
    }
  });
});

describe("progress lines", () => {
  it("say bytes of the estimate, rate and time left, throttled, and a last line", () => {
    expect(progressLine("a -> b", 50 * 1048576, 200 * 1048576, 5000)).toBe("a -> b: 50.0 MiB of about 200.0 MiB (25%), 10.0 MiB/s, about 15 s left");
    const lines: string[] = [];
    let t = 0;
    const r = progressReporter("a -> b", 1000, (l) => lines.push(l), 2000, () => t);
    t = 1000;
    r.onProgress(100);
    t = 2500;
    r.onProgress(500);
    t = 3000;
    r.onProgress(600);
    t = 4000;
    r.done(1000);
    expect(lines).toEqual(["a -> b: 500 B of about 1000 B (50%), 200 B/s, about 3 s left", "a -> b: 1000 B in 4.0 s (250 B/s)"]);
  });
});
