import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startProvider, DeploymentError, Stack, type Program } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { startLatencyProxy } from "freebsd-sim/transport";
import { mustRun, targetOnSim, type TestTarget } from "./target.ts";

// One exec per host for what the engine sends at once (issue 8): refreshes of hundreds of objects,
// creates coalesced into one remote script whose items fail alone, and a connection lost in the
// middle of such a script, after which every resource is either recorded or absent, never lost.

const D = "freebsd:zfs:Dataset";
const J = "freebsd:jail:Jail";
let sim: SimHost;
let target: TestTarget;
const launcher = (env: Record<string, string>) => startProvider({ env });
const newStack = () => new Stack(launcher, { config: target.config, parallel: true });
const datasets = (prefix: string, n: number): Program =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`d${i}`, { type: D, inputs: { name: `${prefix}/d${i}` } }]));

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot/bt");
  await mustRun(target, "zfs create zroot/bt");
});
afterAll(async () => sim?.stop());
afterEach(() => sim.faults.clear());

/** The names below a dataset the host has. */
async function below(parent: string): Promise<string[]> {
  const out = await mustRun(target, `zfs list -H -o name -r -d 1 ${parent}`);
  return out.trim().split("\n").filter((n) => n !== parent);
}

describe("refresh", () => {
  it("reads 100 jails and 300 datasets in one exec", async () => {
    const names = Array.from({ length: 300 }, (_, i) => `zroot/bt/many/d${i}`);
    sim.seedFilesystems(names);
    const jails = Array.from({ length: 100 }, (_, i) => `j${i}`);
    const setup = jails.map((j) => `mkdir -p /zroot/bt/roots/${j} && printf '%s {\\n  path = "/zroot/bt/roots/%s";\\n  persist;\\n}\\n' ${j} ${j} > /etc/jail.conf.d/${j}.conf`);
    await mustRun(target, `${setup.join(" && ")} && service jail onestart ${jails.join(" ")} >/dev/null`);
    const program: Program = {
      ...Object.fromEntries(names.map((name, i) => [`d${i}`, { type: D, inputs: { name }, options: { import: name } }])),
      ...Object.fromEntries(jails.map((j) => [j, {
        type: J, inputs: { name: j, path: `/zroot/bt/roots/${j}`, autostart: false }, options: { import: j },
      }])),
    };
    const s = newStack();
    await s.up(program, { skipPreview: true });
    sim.resetStats();
    const r = await s.refresh({ skipPreview: true });
    expect(Object.values(r.steps).filter((step) => step.op === "same")).toHaveLength(400);
    expect(sim.stats.connections).toBe(1);
    expect(sim.stats.execChannels).toBe(1);
    await mustRun(target, `service jail onestop ${jails.join(" ")} >/dev/null; rm -f ${jails.map((j) => `/etc/jail.conf.d/${j}.conf`).join(" ")}`);
  }, 600_000);
});

describe("scoped reads", () => {
  it("reads what the stack manages: a refresh of 5 datasets downloads as much beside 600 others and their snapshots as alone", async () => {
    const managed = Array.from({ length: 5 }, (_, i) => `zroot/bt/five/d${i}`);
    sim.seedFilesystems(managed);
    const proxy = await startLatencyProxy(sim.serverPort, 0);
    try {
      const s = new Stack(launcher, { config: { ...target.config, port: String(proxy.port) }, parallel: true });
      await s.up(Object.fromEntries(managed.map((name, i) => [`d${i}`, { type: D, inputs: { name }, options: { import: name } }])), { skipPreview: true });
      const refreshBytes = async () => {
        proxy.resetStats();
        sim.resetStats();
        await s.refresh({ skipPreview: true });
        expect(sim.stats.execChannels).toBe(1);
        return proxy.stats.bytesDown;
      };
      const alone = await refreshBytes();
      sim.seedFilesystems(Array.from({ length: 600 }, (_, i) => `zroot/bt/others/g${i % 6}/d${i}`));
      await mustRun(target, "zfs snapshot -r zroot/bt/others@daily");
      const beside = await refreshBytes();
      // The same objects are read; only the SSH framing may differ by a few bytes (600 datasets' properties alone are over 100 KB).
      expect(Math.abs(beside - alone)).toBeLessThan(2048);
    } finally {
      await proxy.close();
    }
  }, 300_000);
});

describe("scoped writes", () => {
  it("reads no dataset for a jail that delegates none, and nothing unscoped when it creates, changes and deletes it", async () => {
    await mustRun(target, "mkdir -p /zroot/bt/roots/sw");
    const s = newStack();
    const jail = (hostname: string): Program => ({ sw: { type: J, inputs: { name: "sw", path: "/zroot/bt/roots/sw", hostname } } });
    const before = (await sim.toolLog()).length;
    await s.up(jail("sw.example"), { skipPreview: true });
    await s.up(jail("sw2.example"), { skipPreview: true });
    await s.destroy({ skipPreview: true });
    const ran = (await sim.toolLog()).slice(before);
    expect(ran.some((argv) => argv[0] === "service")).toBe(true);
    // `zfs get ... all` with no dataset names, or `sysrc -e` with no variable names, would read the whole host.
    expect(ran.filter((argv) => argv[0] === "zfs" && argv[1] === "get" && argv.at(-1) === "all")).toEqual([]);
    expect(ran.filter((argv) => argv[0] === "sysrc" && argv.length === 2 && argv[1] === "-e")).toEqual([]);
  }, 300_000);
});

describe("coalesced writes", () => {
  it("creates 200 datasets in one up with at most 10 exec channels", async () => {
    await mustRun(target, "zfs create zroot/bt/c200");
    const s = newStack();
    sim.resetStats();
    const r = await s.up(datasets("zroot/bt/c200", 200), { skipPreview: true });
    expect(Object.values(r.steps).filter((step) => step.op === "create")).toHaveLength(200);
    expect(sim.stats.execChannels).toBeLessThanOrEqual(10);
    expect(await below("zroot/bt/c200")).toHaveLength(200);
    sim.resetStats();
    await s.destroy({ skipPreview: true });
    expect(sim.stats.execChannels).toBeLessThanOrEqual(10);
    expect(await below("zroot/bt/c200")).toEqual([]);
  }, 600_000);

  it("creates a bridge and 20 epairs joining it in one up with at most 6 exec channels, each epair its own unit", async () => {
    const program: Program = {
      br: { type: "freebsd:network:Bridge", inputs: { name: "bbr" } },
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`e${i}`, {
        type: "freebsd:network:Epair", inputs: { name: `be${i}`, bridge: "bbr" }, options: { dependsOn: ["br"] },
      }])),
    };
    const s = newStack();
    sim.resetStats();
    await s.up(program, { skipPreview: true });
    // The bridge's read and write, then the 20 epairs' reads and writes coalesced (planned from one read:
    // each takes a cloned_interfaces unit of its own).
    expect(sim.stats.execChannels).toBeLessThanOrEqual(6);
    const cloned = (await mustRun(target, "sysrc -n cloned_interfaces")).trim().split(/\s+/);
    expect(cloned.filter((w) => w.startsWith("epair"))).toHaveLength(20);
    expect(new Set(cloned).size).toBe(cloned.length);
    const members = (await mustRun(target, "sysrc -n ifconfig_bbr")).match(/addm be\d+a/g) ?? [];
    expect(members.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `addm be${i}a`).sort());
    expect((await mustRun(target, "ifconfig bbr")).match(/member: be\d+a/g)).toHaveLength(20);
    sim.resetStats();
    await s.destroy({ skipPreview: true });
    expect(sim.stats.execChannels).toBeLessThanOrEqual(6);
    expect((await mustRun(target, "sysrc -n cloned_interfaces")).trim()).toBe("");
    expect((await mustRun(target, "ifconfig -l")).trim().split(/\s+/).filter((n) => /^(bbr|be\d+[ab]|epair|bridge)/.test(n))).toEqual([]);
  }, 300_000);

  it("fails only the resource whose item failed; the others in the same script are created", async () => {
    await mustRun(target, "zfs create zroot/bt/one");
    const s = newStack();
    sim.faults.failTool(/^zfs create .* zroot\/bt\/one\/d3$/, { code: 1, stderr: "cannot create 'zroot/bt/one/d3': out of space\n" });
    sim.resetStats();
    const err = await s.up(datasets("zroot/bt/one", 6), { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    expect((err as Error).message).toMatch(/d3.*out of space/s);
    expect(sim.stats.execChannels).toBeLessThanOrEqual(3);
    expect((await below("zroot/bt/one")).sort()).toEqual(["zroot/bt/one/d0", "zroot/bt/one/d1", "zroot/bt/one/d2", "zroot/bt/one/d4", "zroot/bt/one/d5"]);
    expect(s.state.resources.map((r) => r.name).sort()).toEqual(["d0", "d1", "d2", "d4", "d5"]);
    await s.up(datasets("zroot/bt/one", 6), { skipPreview: true });
    expect(await below("zroot/bt/one")).toHaveLength(6);
    await s.destroy({ skipPreview: true });
  }, 300_000);

  it("leaves every resource recorded or absent when the connection drops in the middle of the script", async () => {
    await mustRun(target, "zfs create zroot/bt/drop");
    const s = newStack();
    // The script that creates them all ran, and its answer never came back: the connection went.
    sim.faults.dropAfterExecs(2, { phase: "during" });
    const err = await s.up(datasets("zroot/bt/drop", 8), { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    const onHost = new Set(await below("zroot/bt/drop"));
    const recorded = new Set(s.state.resources.map((r) => r.id));
    // Nothing on the host that the state does not know: no orphan for the next up to trip over.
    for (const name of onHost) expect(recorded.has(name)).toBe(true);
    const again = await s.up(datasets("zroot/bt/drop", 8), { skipPreview: true });
    expect(Object.values(again.steps).every((step) => ["create", "update", "same"].includes(step.op))).toBe(true);
    expect(await below("zroot/bt/drop")).toHaveLength(8);
    expect(s.state.resources.every((r) => r.initErrors.length === 0)).toBe(true);
    await s.destroy({ skipPreview: true });
  }, 300_000);
});
