import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, DeploymentError, Stack, type Program, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "./target.ts";

// freebsd:rctl:Limit through the engine harness against the simulated host over SSH: memory, CPU
// and process limits on jails, created with rctl -a and kept in /etc/rctl.conf, read back, changed
// without a moment unlimited, drift both ways, reboot, import, delete, and racct switched off.

const L = "freebsd:rctl:Limit";
let sim: SimHost;
let target: TestTarget;
let stack: Stack;
const launcher = (env: Record<string, string>) => startProvider({ env });
const out = (s: Stack, name: string) => unwrapSecrets(s.resource(name)!.outputs as never) as Record<string, any>;
const rules = async (filter = "") => (await mustRun(target, `rctl ${filter}`)).split("\n").filter(Boolean).sort();
const conf = async () => (await target.exec("cat /etc/rctl.conf")).stdout;
/** The rctl invocations since `from` in the simulator's tool log, as command lines. */
const rctlCalls = async (from: number) => (await sim.toolLog()).slice(from).filter((a) => a[0] === "rctl").map((a) => a.join(" "));

const limits = (over: { mem?: string; cpu?: string; proc?: string; io?: string } = {}): Program => ({
  mem: { type: L, inputs: { subject: "jail:web", resource: "memoryuse", action: "deny", amount: over.mem ?? "512m" } },
  cpu: { type: L, inputs: { subject: "jail:web", resource: "pcpu", action: "deny", amount: over.cpu ?? "50" } },
  proc: { type: L, inputs: { subject: "jail:web", resource: "maxproc", action: "deny", amount: over.proc ?? "100" } },
  io: { type: L, inputs: { subject: "jail:db", resource: "readbps", action: "throttle", amount: over.io ?? "10M" } },
});

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot");
  stack = new Stack(launcher, { config: target.config });
  await mustRun(target, "zfs create -p zroot/jails/web && jail -c name=web path=/zroot/jails/web persist");
});
afterAll(async () => sim?.stop());

describe("with racct disabled (GENERIC's default)", () => {
  it("fails the create with FreeBSD's reason and the remedy, leaving nothing in rctl.conf or the kernel", async () => {
    const s = new Stack(launcher, { config: target.config });
    const err = await s.up({ mem: limits()["mem"]! }, { skipPreview: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    expect((err as Error).message).toMatch(/RACCT\/RCTL present, but disabled; enable using kern\.racct\.enable=1 tunable/);
    expect((err as Error).message).toMatch(/kern\.racct\.enable=1 to \/boot\/loader\.conf and reboot/);
    expect(await conf()).not.toMatch(/memoryuse/);
    expect(s.resource("mem")).toBeUndefined();
    // The kernel holds nothing either: once racct is on, the rule list is empty.
    await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
    sim.reboot();
    await mustRun(target, "jail -c name=web path=/zroot/jails/web persist");
    expect(await rules()).toEqual([]);
  });
});

describe("memory, CPU and process limits on jails", () => {
  it("are applied with rctl -a and kept in /etc/rctl.conf under the resource's marker", async () => {
    const r = await stack.up(limits());
    expect(Object.values(r.steps).map((s) => s.op)).toEqual(["create", "create", "create", "create"]);
    expect(await rules()).toEqual([
      "jail:db:readbps:throttle=10485760",
      "jail:web:maxproc:deny=100",
      "jail:web:memoryuse:deny=536870912",
      "jail:web:pcpu:deny=50",
    ]);
    const text = await conf();
    expect(text).toContain(`# pulumi:urn "${stack.urn(L, "mem")}"\njail:web:memoryuse:deny=512m\n`);
    expect(text).toContain("jail:web:pcpu:deny=50\n");
    expect(out(stack, "mem")).toMatchObject({ amount: "512m", rule: "jail:web:memoryuse:deny=536870912", configFile: "/etc/rctl.conf", persist: true });
    expect(out(stack, "mem")["usage"]).toMatch(/^[0-9]+$/);
    expect(stack.resource("mem")!.id).toBe("jail:web:memoryuse:deny");
  });

  it("plans nothing when applied again, and a refresh finds no drift", async () => {
    const r = await stack.up(limits());
    expect(Object.values(r.steps).map((s) => s.op)).toEqual(["same", "same", "same", "same"]);
    const f = await stack.refresh({ skipPreview: true });
    expect(Object.values(f.steps).map((s) => s.op)).toEqual(["same", "same", "same", "same"]);
  });

  it("changes amounts in place, the new rule added before the old one goes", async () => {
    const from = (await sim.toolLog()).length;
    const r = await stack.up(limits({ mem: "1g", io: "20M" }), { skipPreview: true });
    expect(r.steps["mem"]!.op).toBe("update");
    expect(r.steps["io"]!.op).toBe("update");
    const calls = await rctlCalls(from);
    // deny: the kernel replaces the rule as it adds the new one (never unlimited); no rctl -r at all.
    expect(calls.filter((c) => c.includes("memoryuse"))).toEqual(["rctl -a jail:web:memoryuse:deny=1g"]);
    // throttle rules of two amounts stand side by side: the new one first, then the old one goes.
    expect(calls.filter((c) => c.includes("readbps"))).toEqual([
      "rctl -a jail:db:readbps:throttle=20M", "rctl -r jail:db:readbps:throttle=10485760",
    ]);
    expect(await rules()).toEqual([
      "jail:db:readbps:throttle=20971520",
      "jail:web:maxproc:deny=100",
      "jail:web:memoryuse:deny=1073741824",
      "jail:web:pcpu:deny=50",
    ]);
    expect(await conf()).toMatch(/\njail:web:memoryuse:deny=1g\n/);
    expect(await conf()).not.toMatch(/512m|10M/);
  });

  it("reports rules removed or changed with rctl on refresh, and up restores them", async () => {
    await mustRun(target, "rctl -r jail:web:maxproc && rctl -a jail:web:pcpu:deny=80");
    const f = await stack.refresh({ skipPreview: true });
    expect(f.steps["proc"]!.op).toBe("update");
    expect(f.steps["cpu"]!.op).toBe("update");
    expect(out(stack, "proc")["amount"]).toBe("");
    expect(out(stack, "cpu")["amount"]).toBe("80");
    expect(stack.logs("warning").map((l) => l.message).join("\n")).toMatch(/jail:web:maxproc:deny is in \/etc\/rctl\.conf but the kernel does not enforce it/);
    const r = await stack.up(limits({ mem: "1g", io: "20M" }), { skipPreview: true });
    expect(r.steps["proc"]!.op).toBe("update");
    expect(r.steps["cpu"]!.op).toBe("update");
    expect(await rules("jail:web")).toEqual(["jail:web:maxproc:deny=100", "jail:web:memoryuse:deny=1073741824", "jail:web:pcpu:deny=50"]);
  });

  it("reports a rule taken out of rctl.conf as not persisted, and writes it back", async () => {
    await mustRun(target, "sed -i '/pcpu/d' /etc/rctl.conf");
    const f = await stack.refresh({ skipPreview: true });
    expect(f.steps["cpu"]!.op).toBe("update");
    expect(out(stack, "cpu")["persist"]).toBe(false);
    await stack.up(limits({ mem: "1g", io: "20M" }), { skipPreview: true });
    expect(await conf()).toMatch(/\njail:web:pcpu:deny=50\n/);
  });

  it("comes back after a reboot from /etc/rctl.conf, with no drift", async () => {
    sim.reboot();
    expect(await rules()).toEqual([
      "jail:db:readbps:throttle=20971520",
      "jail:web:maxproc:deny=100",
      "jail:web:memoryuse:deny=1073741824",
      "jail:web:pcpu:deny=50",
    ]);
    const f = await stack.refresh({ skipPreview: true });
    expect(Object.values(f.steps).map((s) => s.op)).toEqual(["same", "same", "same", "same"]);
  });

  it("refuses a rule someone else keeps under the same key, naming the import", async () => {
    await mustRun(target, "rctl -a jail:web:nthr:deny=64 && echo 'jail:web:nthr:deny=64' >> /etc/rctl.conf");
    const s = new Stack(launcher, { config: target.config });
    const err = await s.up({ t: { type: L, inputs: { subject: "jail:web", resource: "nthr", action: "deny", amount: "32" } } }, { skipPreview: true })
      .catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/already has the rule jail:web:nthr:deny=64 .*pulumi import freebsd:rctl:Limit <resource-name> jail:web:nthr:deny/);
    expect(await rules("jail:web:nthr")).toEqual(["jail:web:nthr:deny=64"]);
  });

  it("imports a rule by its key or its text with no replacement planned", async () => {
    const s = new Stack(launcher, { config: target.config });
    await s.import("nthr", L, "jail:web:nthr:deny");
    expect(out(s, "nthr")).toMatchObject({ subject: "jail:web", resource: "nthr", action: "deny", amount: "64", persist: true });
    const r = await s.up({ nthr: { type: L, inputs: { subject: "jail:web", resource: "nthr", action: "deny", amount: "64" }, options: { protect: false } } });
    expect(r.steps["nthr"]!.op).toBe("same");
    await mustRun(target, "rctl -a jail:web:swapuse:deny=1073741824");
    const t = new Stack(launcher, { config: target.config });
    await t.import("swap", L, "jail:web:swapuse:deny=1G");
    expect(out(t, "swap")).toMatchObject({ amount: "1G", persist: false, configFile: "" });
    const u = await t.up({ swap: { type: L, inputs: { subject: "jail:web", resource: "swapuse", action: "deny", amount: "1G" }, options: { protect: false } } });
    expect(u.steps["swap"]!.op).toBe("update");
    expect(u.steps["swap"]!.diff?.replaces ?? []).toEqual([]);
    expect(await conf()).toMatch(/\njail:web:swapuse:deny=1G\n/);
    await s.destroy();
    await t.destroy();
    expect(await rules("jail:web:nthr")).toEqual([]);
    expect(await conf()).not.toMatch(/nthr|swapuse/);
  });

  it("deletes the rules from the kernel and rctl.conf, leaving other lines as they were", async () => {
    await mustRun(target, "echo '# site rules' >> /etc/rctl.conf && echo 'user:root:openfiles:log=100000' >> /etc/rctl.conf");
    await stack.up({});
    expect(await rules("jail:")).toEqual([]);
    expect(await conf()).toMatch(/# site rules\nuser:root:openfiles:log=100000\n$/);
    expect(await conf()).not.toMatch(/pulumi:urn/);
  });
});

describe("checks", () => {
  it("refuses actions, per and amounts a resource does not take, before touching the host", async () => {
    const s = new Stack(launcher, { config: target.config });
    const bad = async (inputs: Record<string, unknown>) => {
      const err = (await s.preview({ x: { type: L, inputs: inputs as never } }).catch((e: unknown) => e)) as DeploymentError;
      return [err.message, ...err.result.diagnostics.map((d) => d.message)].join("\n");
    };
    expect(await bad({ subject: "jail:web", resource: "cputime", action: "deny", amount: "10" })).toMatch(/cputime cannot be denied/);
    expect(await bad({ subject: "jail:web", resource: "maxproc", action: "throttle", amount: "10" })).toMatch(/throttle applies only to/);
    expect(await bad({ subject: "jail:web", resource: "swapuse", action: "deny", amount: "1g", per: "process" })).toMatch(/not accounted per process/);
    expect(await bad({ subject: "jail:web", resource: "maxproc", action: "deny", amount: "1k" })).toMatch(/whole number of items/);
    expect(await bad({ subject: "jail:web", resource: "memoryuse", action: "deny", amount: "12Q" })).toMatch(/unit letters/);
    expect(await bad({ subject: "host:web", resource: "memoryuse", action: "deny", amount: "1g" })).toMatch(/jail:NAME, user:NAME/);
  });
});
