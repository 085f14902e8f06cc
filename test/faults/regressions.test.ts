import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secret, Stack } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { startLatencyProxy } from "freebsd-sim/transport";
import { mustRun, targetOnSim, type TestTarget } from "../lifecycle/target.ts";
import { failureText, launcher } from "./driver.ts";

// Failures the fault suite found, each kept as its own case (issue 13).

let sim: SimHost;
let target: TestTarget;
const T = "freebsd:zfs:Dataset";

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot/reg");
  await mustRun(target, "zfs create zroot/reg");
});
afterAll(async () => sim?.stop());

describe("a create whose read-back fails after the object was made", () => {
  it("reads the host again on its own: the create succeeds when the second read does", async () => {
    const s = new Stack(launcher, { config: target.config });
    // The create's batch: zfs create, then the read-back's zpool list and zfs get; the zfs get fails once.
    sim.faults.failTool(/^zfs get .* zroot\/reg\/once$/, { nth: 2, code: 1, stderr: "simulated failure\n" });
    await s.up({ d: { type: T, inputs: { name: "zroot/reg/once" } } }, { skipPreview: true });
    expect(sim.faults.fired()).toHaveLength(1);
    expect(sim.faults.pending()).toBe(0);
    expect(s.resource("d")!.initErrors).toEqual([]);
    expect(s.resource("d")!.id).toBe("zroot/reg/once");
  });

  it("is recorded, partially, when the host cannot be read back at all: never an orphan", async () => {
    const s = new Stack(launcher, { config: target.config });
    // Every read after the inventory fails: the read-back and the read on its own.
    for (let nth = 2; nth <= 6; nth++) sim.faults.failTool(/^zfs get .* zroot\/reg\/unseen$/, { nth, code: 1, stderr: "simulated failure\n" });
    const err = await s.up({ d: { type: T, inputs: { name: "zroot/reg/unseen", properties: { quota: "1G" } } } }, { skipPreview: true })
      .then(() => undefined, (e: unknown) => e);
    sim.faults.clear();
    expect(failureText(err as never)).toMatch(/could not be read back/);
    expect((await target.exec("zfs list zroot/reg/unseen")).code).toBe(0);
    // Recorded with its id and initErrors, so a refresh and the next up know of it.
    expect(s.resource("d")?.id).toBe("zroot/reg/unseen");
    expect(s.resource("d")!.initErrors.join("\n")).toMatch(/simulated failure/);
    await s.refresh({ skipPreview: true });
    expect(s.resource("d")?.id).toBe("zroot/reg/unseen");
    const again = await s.up({ d: { type: T, inputs: { name: "zroot/reg/unseen", properties: { quota: "1G" } } } }, { skipPreview: true });
    expect(again.steps["d"]!.op).not.toBe("create");
    expect(s.resource("d")!.initErrors).toEqual([]);
    // And a destroy removes what it made.
    await s.destroy({ skipPreview: true });
    expect((await target.exec("zfs list zroot/reg/unseen")).code).not.toBe(0);
  });
});

describe("a jail create whose read-back of rc.conf fails after the jail was made and started", () => {
  it("reads the host again on its own and records the jail", async () => {
    await mustRun(target, "zfs create -p zroot/reg/jails/rj && tar -xf /usr/freebsd-dist/base.txz -C /zroot/reg/jails/rj");
    const s = new Stack(launcher, { config: target.config, stack: "rj" });
    // The first `sysrc -e jail_enable jail_list` is the inventory's, the second the read-back's.
    const firedBefore = sim.faults.fired().length;
    sim.faults.failTool(/^sysrc -e jail_enable jail_list$/, { nth: 2, code: 1, stderr: "simulated failure\n" });
    await s.up({ j: { type: "freebsd:jail:Jail", inputs: { name: "rj", path: "/zroot/reg/jails/rj" } } }, { skipPreview: true });
    expect(sim.faults.fired()).toHaveLength(firedBefore + 1);
    expect(s.resource("j")?.id).toBe("rj");
    expect(s.resource("j")!.initErrors).toEqual([]);
    await s.destroy({ skipPreview: true });
    expect((await target.exec("jls -j rj")).code).not.toBe(0);
  });
});

describe("a limit's delete whose read of kern.racct.enable fails", () => {
  it("fails as a read failure instead of taking racct for absent and the limit for gone", async () => {
    await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
    sim.reboot();
    const s = new Stack(launcher, { config: target.config, stack: "lim" });
    const limit = { type: "freebsd:rctl:Limit", inputs: { subject: "jail:reg", resource: "maxproc", action: "deny", amount: "33" } };
    await s.up({ l: limit }, { skipPreview: true });
    sim.faults.failTool(/^sysctl -n kern\.racct\.enable$/, { code: 1, stderr: "sysctl: simulated failure\n" });
    const err = await s.up({}, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    sim.faults.clear();
    expect(failureText(err as never)).toMatch(/simulated failure/);
    expect(s.resource("l"), "still on the host, still in the state").toBeDefined();
    expect(await mustRun(target, "rctl")).toContain("jail:reg:maxproc:deny=33");
    await s.up({}, { skipPreview: true });
    expect(await mustRun(target, "rctl")).not.toContain("jail:reg:maxproc:deny=33");
  });
});

describe("a bridge's and an epair's delete cut short after its cloned_interfaces word went", () => {
  // The delete takes the word out of cloned_interfaces first, then the variables; when the second
  // write fails, the rename variables are no longer tied to a word. They must still be the resource's:
  // left behind, the next boot would rename whatever interface gets that unit.
  it.each([
    ["Bridge", { type: "freebsd:network:Bridge", inputs: { name: "rbr0", addresses: ["10.94.0.1/24"] } }, /^ifconfig_bridge\d+_name=/m],
    ["Epair", { type: "freebsd:network:Epair", inputs: { name: "rep0" } }, /^(ifconfig_epair\d+[ab]_name|create_args_epair\d+)=/m],
  ] as const)("%s: the next up removes the variables the word left", async (label, spec, leftover) => {
    const s = new Stack(launcher, { config: target.config, stack: `cut-${label.toLowerCase()}` });
    await s.up({ x: spec as never }, { skipPreview: true });
    expect(await mustRun(target, "sysrc -a -e")).toMatch(leftover);
    // The checked write of the variables: its first `sysrc -x` fails (a failed read would be a
    // conflict, exit 75, which the provider answers by reading again and planning anew).
    sim.faults.failTool(/^sysrc -x (ifconfig_|create_args_)/, { code: 1, stderr: "simulated failure\n" });
    const err = await s.up({}, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    sim.faults.clear();
    expect(err, "the delete failed half way").toBeDefined();
    expect(await mustRun(target, "sysrc -n cloned_interfaces")).not.toMatch(/bridge|epair/);
    expect(await mustRun(target, "sysrc -a -e"), "the word went, its variables did not").toMatch(leftover);
    expect(s.resource("x"), "still in the state").toBeDefined();
    await s.refresh({ skipPreview: true });
    expect(s.resource("x")!.outputs["rcConf"], "the refresh shows them").toMatchObject(
      label === "Bridge" ? { ifconfig_bridge0_name: "rbr0" } : { ifconfig_epair0a_name: "rep0a", ifconfig_epair0b_name: "rep0b" },
    );
    await s.up({}, { skipPreview: true });
    expect(s.resource("x")).toBeUndefined();
    expect(await mustRun(target, "sysrc -a -e")).not.toMatch(leftover);
  });
});

describe("a release whose install failed and whose unfinished dataset could not be removed", () => {
  it("is recorded partially, kept by a refresh, and made again by the next up", async () => {
    const s = new Stack(launcher, { config: target.config, stack: "rel" });
    const rel = { type: "freebsd:jail:Release", inputs: { version: "14.3-RELEASE", dataset: "zroot/reg/rel", source: { mirror: "/usr/freebsd-dist", sets: ["base"] } } };
    // The extraction fails, and so does the install's clean-up (as when the connection is lost).
    sim.faults.failTool(/^tar /, { code: 1, stderr: "tar: simulated failure\n" });
    sim.faults.failTool(/^zfs destroy .*zroot\/reg\/rel$/, { code: 1, stderr: "simulated failure\n" });
    const err = await s.up({ rel } as never, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    sim.faults.clear();
    expect(failureText(err as never), failureText(err as never)).toMatch(/simulated failure/);
    expect((await target.exec("zfs list -H -o name zroot/reg/rel")).code, "the unfinished dataset is left").toBe(0);
    expect(s.resource("rel")?.id, "and recorded, not lost").toBe("zroot/reg/rel");
    await s.refresh({ skipPreview: true });
    expect(s.resource("rel")?.id).toBe("zroot/reg/rel");
    const e2 = await s.up({ rel } as never, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    expect(e2, e2 ? failureText(e2 as never) : "").toBeUndefined();
    expect(await mustRun(target, "zfs list -H -o name -t snapshot zroot/reg/rel@base")).toBe("zroot/reg/rel@base\n");
    expect(s.resource("rel")!.initErrors).toEqual([]);
    await s.destroy({ skipPreview: true });
    expect((await target.exec("zfs list zroot/reg/rel")).code).not.toBe(0);
  });
});

describe("a release whose read-back fails after it was made", () => {
  const rel = { type: "freebsd:jail:Release", inputs: { version: "14.3-RELEASE", dataset: "zroot/reg/rel2", source: { mirror: "/usr/freebsd-dist", sets: ["base"] } } };
  // The first `zfs get … all zroot/reg zroot/reg/rel2` is the create's read, the second its read-back.
  const readBack = /^zfs get .* all zroot\/reg zroot\/reg\/rel2$/;
  it("reads the host again on its own: the create succeeds when the second read does", async () => {
    const s = new Stack(launcher, { config: target.config, stack: "rel2" });
    sim.faults.failTool(readBack, { nth: 2, code: 1, stderr: "simulated failure\n" });
    await s.up({ rel } as never, { skipPreview: true });
    expect(sim.faults.pending()).toBe(0);
    sim.faults.clear();
    expect(s.resource("rel")!.outputs["snapshot"]).toBe("zroot/reg/rel2@base");
    await s.destroy({ skipPreview: true });
  });
  it("is recorded with its inputs when the host cannot be read back at all, and a refresh then reads it", async () => {
    const s = new Stack(launcher, { config: target.config, stack: "rel3" });
    for (const nth of [2, 3]) sim.faults.failTool(readBack, { nth, code: 1, stderr: "simulated failure\n" });
    const err = await s.up({ rel } as never, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    sim.faults.clear();
    expect(failureText(err as never)).toMatch(/simulated failure/);
    expect(s.resource("rel")?.id, "recorded, not an orphan").toBe("zroot/reg/rel2");
    await s.refresh({ skipPreview: true });
    expect(s.resource("rel")!.outputs["snapshot"]).toBe("zroot/reg/rel2@base");
    await s.destroy({ skipPreview: true });
    expect((await target.exec("zfs list zroot/reg/rel2")).code).not.toBe(0);
  });
});

describe("a replica whose host hangs or drops the connection", () => {
  const replica = (snapshot: string, options?: Record<string, unknown>, sourcePort = sim.port) => ({
    type: "freebsd:zfs:Replica",
    inputs: {
      source: { host: sim.host, port: sourcePort, user: sim.user, privateKey: secret(sim.privateKey), hostKey: sim.hostKeyFingerprint },
      sourceDataset: "zroot/reg/rsrc", dataset: "zroot/reg/rrep", sourceSnapshot: snapshot, forceDestroy: true,
    },
    ...(options ? { options } : {}),
  });
  const snapshots = async () => (await target.exec("zfs list -H -t snapshot -o name -r zroot/reg/rrep")).stdout;
  let s: Stack;
  beforeAll(async () => {
    s = new Stack(launcher, { config: target.config, stack: "rrep" });
    await mustRun(target, "zfs create zroot/reg/rsrc && zfs snapshot zroot/reg/rsrc@s1 && zfs snapshot zroot/reg/rsrc@s2");
  });

  it("in its transfer's receive: the create ends at its customTimeouts, not a minute later, and the next up makes it", async () => {
    // The exec of the receive (the send's is a connection of its own): it never answers.
    sim.faults.stallCommand(/'receive'/);
    const started = Date.now();
    const err = await s.up({ r: replica("s1", { customTimeouts: { create: 4 } }) } as never, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    sim.faults.clear();
    expect(failureText(err as never)).toMatch(/deadline passed while the receiving command ran/);
    expect(Date.now() - started).toBeLessThan(14_000);
    await s.up({ r: replica("s1") } as never, { skipPreview: true });
    expect(await snapshots()).toBe("zroot/reg/rrep@s1\n");
  });

  it("when Diff reads it: the update fails at Diff's own bound (the engine gives Diff no timeout), the replica unchanged", async () => {
    // Diff's two execs, the replica's host read and its source's (the same host here), never answer.
    sim.faults.stallCommand(/./, { nth: 1 });
    sim.faults.stallCommand(/./, { nth: 2 });
    const started = Date.now();
    const err = await s.up({ r: replica("s2") } as never, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    sim.faults.clear();
    const elapsed = Date.now() - started;
    expect(failureText(err as never)).toMatch(/deadline passed.*\(Diff reads the hosts for at most 60 s/s);
    expect(elapsed).toBeGreaterThan(59_000);
    expect(elapsed).toBeLessThan(75_000);
    expect(await snapshots()).toBe("zroot/reg/rrep@s1\n");
    await s.up({ r: replica("s2") } as never, { skipPreview: true });
    expect(await snapshots()).toBe("zroot/reg/rrep@s1\nzroot/reg/rrep@s2\n");
    await s.destroy({ skipPreview: true });
  }, 150_000);

  it("when Diff's read of it fails while its source's is still running: the update fails with that error", async () => {
    await s.up({ r: replica("s1") } as never, { skipPreview: true });
    // The source is reached through a proxy 300 ms each way, so its read is still dialing when the
    // replica's fails: its connection dropped before its first exec, and again before the read sent
    // once more. (A read left rejected while the other was awaited crashed the provider: "Connection dropped".)
    const slow = await startLatencyProxy(sim.port, 300);
    try {
      sim.faults.dropAfterExecs(1, { phase: "before" });
      sim.faults.dropAfterExecs(2, { phase: "before" });
      const err = await s.up({ r: replica("s2", undefined, slow.port) } as never, { skipPreview: true }).then(() => undefined, (e: unknown) => e);
      sim.faults.clear();
      expect(failureText(err as never)).not.toMatch(/Connection dropped/);
      expect(failureText(err as never)).toMatch(/connection/i);
      expect(await snapshots()).toBe("zroot/reg/rrep@s1\n");
      await s.up({ r: replica("s2", undefined, slow.port) } as never, { skipPreview: true });
      expect(await snapshots()).toBe("zroot/reg/rrep@s1\nzroot/reg/rrep@s2\n");
      await s.destroy({ skipPreview: true });
    } finally {
      await slow.close();
    }
  }, 90_000);
});
