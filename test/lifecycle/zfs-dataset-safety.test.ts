import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startProvider, DeploymentError, Stack, type Program, isSecret, secret, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type DatasetRecord } from "freebsd-sim";
import { datasetExists, failureOf, hostProperty, mustRun, targetOnSim, type TestTarget } from "./target.ts";

// Issue 7, freebsd:zfs:Dataset: what a careful user hits first (a refresh that leads to a destroyed
// dataset, a stranger destroyed, orphans, drift that never converges), through the engine harness
// against the simulated host over SSH.

const T = "freebsd:zfs:Dataset";

describe("zfs:Dataset data safety and convergence (issue 7)", () => {
  let target: TestTarget;
  const ds = (suffix: string) => `${target.prefix}/${suffix}`;
  const newStack = (stack?: string) => new Stack((env) => startProvider({ env }), { config: target.config, ...(stack ? { stack } : {}) });
  const one = (inputs: Record<string, unknown>): Program => ({ d: { type: T, inputs: inputs as never } });
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error);
  const warnings = (s: Stack) => s.logs("warning").filter((l) => l.severity === "warning").map((l) => l.message).join("\n");

  beforeAll(async () => {
    target = targetOnSim(await startSimHost({ pools: [{ name: "tank" }] }), "zroot/safety");
    await mustRun(target, `zfs create ${target.prefix}`);
  });
  // A fault a test armed but did not use must not fire in the next one.
  afterEach(() => target?.sim?.faults.clear());
  afterAll(async () => {
    await target?.stop();
  });

  it("a refresh of a normalization: formD dataset plans nothing, and a replacement is refused without forceDestroy (issue 7.1)", async () => {
    const s = newStack();
    const program = one({ name: ds("norm"), properties: { normalization: "formD" } });
    await s.up(program);
    expect(await hostProperty(target, ds("norm"), "utf8only")).toEqual(["on", "-"]);
    await mustRun(target, `touch /${ds("norm")}/precious`);
    const refreshed = await s.refresh();
    expect(refreshed.steps["d"]!.op).toBe("same");
    expect(unwrapSecrets(s.resource("d")!.inputs as never)).toMatchObject({ properties: { normalization: "formD" } });
    expect((await s.up(program)).steps["d"]!.op).toBe("same");
    // A change that replaces the dataset is refused at Check, before anything runs.
    const err = await failureOf(s.up(one({ name: ds("norm"), properties: { normalization: "formC" } })));
    expect(err).toMatch(/properties\.normalization: changing it from "formD" to "formC" replaces the dataset .*norm.*destroys the dataset and everything in it.*forceDestroy: true/s);
    expect((await target.exec(`test -f /${ds("norm")}/precious`)).code).toBe(0);
    // It holds a file: a destroy refuses it, naming the file, until forceDestroy is applied (issue 13).
    expect(await failureOf(s.destroy())).toMatch(/refusing to destroy .*norm on .*: it holds files \(\/.*norm\/precious\)/);
    await s.up(one({ name: ds("norm"), properties: { normalization: "formD" }, forceDestroy: true }));
    await s.destroy();
  });

  it("forceDestroy turned off in the same up as a replacing change keeps the children (issue 7.3)", async () => {
    const s = newStack();
    await s.up(one({ name: ds("fd"), properties: { casesensitivity: "sensitive" }, forceDestroy: true }));
    await mustRun(target, `zfs create ${ds("fd")}/child`);
    const err = await failureOf(s.up(one({ name: ds("fd"), properties: { casesensitivity: "mixed" }, forceDestroy: false })));
    expect(err).toMatch(/properties\.casesensitivity: .*forceDestroy: true/s);
    expect(await datasetExists(target, `${ds("fd")}/child`)).toBe(true);
    await s.up(one({ name: ds("fd"), properties: { casesensitivity: "sensitive" }, forceDestroy: true }));
    await s.destroy();
  });

  it("a dataset re-created by hand under the managed name is neither adopted nor destroyed (issue 7.2)", async () => {
    const s = newStack();
    await s.up(one({ name: ds("swap") }));
    const guid = (unwrapSecrets(s.resource("d")!.outputs as never) as Record<string, string>)["guid"];
    await mustRun(target, `zfs destroy ${ds("swap")} && zfs create ${ds("swap")}`);
    const stranger = (await hostProperty(target, ds("swap"), "guid"))[0];
    expect(stranger).not.toBe(guid);
    // destroy must not touch it
    await s.destroy();
    expect(await hostProperty(target, ds("swap"), "guid")).toEqual([stranger, "-"]);
    expect(warnings(s)).toContain(`guid ${stranger}`);
    expect(warnings(s)).toContain(`guid ${guid}`);
    // and refresh reports the managed one gone rather than adopting the stranger
    const r = newStack();
    await r.up(one({ name: ds("swap2") }));
    await mustRun(target, `zfs destroy ${ds("swap2")} && zfs create ${ds("swap2")}`);
    const refreshed = await r.refresh();
    expect(refreshed.steps["d"]!.op).toBe("delete");
    expect(r.resource("d")).toBeUndefined();
    expect(warnings(r)).toMatch(/is not the one this resource manages/);
    expect(await datasetExists(target, ds("swap2"))).toBe(true);
  });

  it("shrinking a volume is refused at Check and against the host's size unless forceDestroy (issue 7.3)", async () => {
    const s = newStack();
    const vol = (volsize: string, forceDestroy = false) => one({ name: ds("vol"), type: "volume", volsize, forceDestroy });
    await s.up(vol("256M"));
    const err = await failureOf(s.up(vol("16M")));
    expect(err).toMatch(/volsize: shrinking volume .*vol from "256M" to "16M".*forceDestroy: true/s);
    expect((await hostProperty(target, ds("vol"), "volsize"))[0]).toBe(String(256 * 2 ** 20));
    await s.up(vol("16M", true));
    expect((await hostProperty(target, ds("vol"), "volsize"))[0]).toBe(String(16 * 2 ** 20));
    await s.destroy();
  });

  it("a dataset that declares a create-only property can still be updated (issue 7.4)", async () => {
    const s = newStack();
    await s.up(one({ name: ds("ci"), properties: { casesensitivity: "insensitive", compression: "lz4" } }));
    const r = await s.up(one({ name: ds("ci"), properties: { casesensitivity: "insensitive", compression: "zstd" } }));
    expect(r.steps["d"]!.op).toBe("update");
    expect(await hostProperty(target, ds("ci"), "compression")).toEqual(["zstd", "local"]);
    const sets = (await target.sim!.toolLog()).filter((argv) => argv[1] === "set" && argv.some((a) => a.startsWith("casesensitivity")));
    expect(sets).toEqual([]);
    await s.destroy();
  });

  it("a create whose answer was lost is adopted by the next up, not left an orphan (issue 7.5)", async () => {
    const s = newStack();
    const program = one({ name: ds("orphan"), properties: { compression: "lz4" } });
    // The provider's execs for a create: the inventory, then zfs create (the connection drops after it
    // ran, before its status is sent), then the read-back's inventory and its one retry on a new
    // connection (both dropped too): nothing is recorded.
    const firedBefore = target.sim!.faults.fired().length;
    target.sim!.faults.dropAfterExecs(2, { phase: "during" });
    target.sim!.faults.dropAfterExecs(3, { phase: "before" });
    target.sim!.faults.dropAfterExecs(4, { phase: "before" });
    const first = await failure(s.up(program, { skipPreview: true }));
    expect(first).toBeInstanceOf(DeploymentError);
    // Every exec is a batch (its script on stdin): the three drops fired on the create's write and the two reads after it.
    expect(target.sim!.faults.fired().length - firedBefore).toBe(3);
    expect(await datasetExists(target, ds("orphan"))).toBe(true);
    expect(s.resource("d")).toBeUndefined();
    const second = await s.up(program, { skipPreview: true });
    expect(second.steps["d"]!.op).toBe("create");
    const out = unwrapSecrets(s.resource("d")!.outputs as never) as Record<string, any>;
    expect(out["guid"]).toBe((await hostProperty(target, ds("orphan"), "guid"))[0]);
    expect(await hostProperty(target, ds("orphan"), "pulumi:urn")).toEqual([s.urn(T, "d"), "local"]);
    expect(out["properties"]).toEqual({ compression: "lz4" });
    await s.destroy();
    expect(await datasetExists(target, ds("orphan"))).toBe(false);
  });

  it("two stacks creating the same name at once: one gets it, the other records nothing (issue 7.5)", async () => {
    const a = newStack("a");
    const b = newStack("b");
    const program = one({ name: ds("race") });
    const results = await Promise.all([failure(a.up(program, { skipPreview: true })), failure(b.up(program, { skipPreview: true }))]);
    expect(results.filter((e) => e === undefined)).toHaveLength(1);
    const [winner, loser] = results[0] === undefined ? [a, b] : [b, a];
    const lost = results.find((e) => e !== undefined)!;
    expect(lost.message).toMatch(/already exists/);
    expect(loser.resource("d")).toBeUndefined();
    expect(await hostProperty(target, ds("race"), "pulumi:urn")).toEqual([winner.urn(T, "d"), "local"]);
    expect((await winner.refresh()).steps["d"]!.op).toBe("same");
    await winner.destroy();
  });

  it("an update that failed half way is finished by the next up, from what the host has (issue 7.6)", async () => {
    const s = newStack();
    await s.up(one({ name: ds("half"), properties: { compression: "lz4", atime: "off", "org.example:a": "1" } }));
    target.sim!.faults.failTool(/^zfs inherit org\.example:a /, { code: 1, stderr: "cannot inherit: I/O error\n" });
    const err = await failure(s.up(one({ name: ds("half"), properties: { compression: "lz4" } }), { skipPreview: true }));
    expect(err).toBeInstanceOf(DeploymentError);
    expect((await hostProperty(target, ds("half"), "org.example:a"))[1]).toBe("local");
    await s.up(one({ name: ds("half"), properties: { compression: "lz4" } }), { skipPreview: true });
    expect((await hostProperty(target, ds("half"), "org.example:a"))[1]).toBe("-");
    expect((await hostProperty(target, ds("half"), "atime"))[1]).not.toBe("local");
    expect((await s.refresh()).steps["d"]!.op).toBe("same");
    await s.destroy();
  });

  it("a pool that is not imported is an error naming it, never gone datasets (issue 7.17)", async () => {
    const s = newStack();
    await s.up(one({ name: "tank/data" }));
    // What `zpool export tank` leaves: the pool and its datasets unknown to the host until imported.
    const saved = target.sim!.withState((disk, kernel) => {
      const names = Object.keys(disk.datasets).filter((n) => n === "tank" || n.startsWith("tank/") || n.startsWith("tank@"));
      const datasets: Record<string, DatasetRecord> = Object.fromEntries(names.map((n) => [n, disk.datasets[n]!]));
      const mounts = Object.fromEntries(names.map((n) => disk.datasets[n]!.guid).filter((g) => g in kernel.zfsMounts).map((g) => [g, kernel.zfsMounts[g]!]));
      const pool = disk.pools["tank"]!;
      for (const n of names) delete disk.datasets[n];
      for (const g of Object.keys(mounts)) delete kernel.zfsMounts[g];
      delete disk.pools["tank"];
      return { datasets, mounts, pool };
    });
    const refreshErr = await failure(s.refresh());
    expect(refreshErr!.message).toMatch(/has no pool tank .*zpool import tank/s);
    expect(s.resource("d")).toBeDefined();
    // An up with nothing to change reads nothing; one with a change finds the pool missing.
    const upErr = await failureOf(s.up(one({ name: "tank/data", properties: { atime: "off" } })));
    expect(upErr).toMatch(/no pool tank .*zpool import tank/s);
    expect(s.resource("d")).toBeDefined();
    target.sim!.withState((disk, kernel) => {
      Object.assign(disk.datasets, saved.datasets);
      Object.assign(kernel.zfsMounts, saved.mounts);
      disk.pools["tank"] = saved.pool;
    });
    expect((await s.refresh()).steps["d"]!.op).toBe("same");
    await s.destroy();
  });

  it("a secret mountpoint keeps the mountpoint output secret (issue 7.20)", async () => {
    const s = newStack();
    await s.up(one({ name: ds("sec"), properties: { mountpoint: secret(`/${target.prefix}/hidden-place`) }, reportAllProperties: true }));
    const out = s.resource("d")!.outputs as Record<string, any>;
    expect(isSecret(out["mountpoint"])).toBe(true);
    expect(isSecret(out["allProperties"]["mountpoint"])).toBe(true);
    const all = newStack();
    await all.up({ d: { type: T, inputs: { name: ds("sec2"), properties: secret({ atime: "off" }), reportAllProperties: true } as never } });
    const out2 = all.resource("d")!.outputs as Record<string, any>;
    expect(isSecret(out2["mountpoint"]) && isSecret(out2["allProperties"]) && isSecret(out2["properties"])).toBe(true);
    await s.destroy();
    await all.destroy();
  });
});
