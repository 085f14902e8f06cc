import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, type Program, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "./target.ts";

// A Jail's CPUs (cpus) and System V IPC settings through the engine harness against the simulated
// host: applied at start and live, read back from cpuset -g and jls, drift shown and converged,
// kept across a restart and a reboot.

const J = "freebsd:jail:Jail";
let sim: SimHost;
let target: TestTarget;
let stack: Stack;
const launcher = (env: Record<string, string>) => startProvider({ env });
const out = (name: string) => unwrapSecrets(stack.resource(name)!.outputs as never) as Record<string, any>;
const jid = async (name: string) => Number((await mustRun(target, `jls -j ${name} jid`)).trim());
const cpus = async (name: string) => (await mustRun(target, `cpuset -g -j ${name}`)).split("\n")[0]!.replace(/^jail \d+ mask: /, "");

const program = (over: Record<string, unknown> = {}): Program => ({
  app: { type: J, inputs: { name: "app", path: "/zroot/jails/app", cpus: "0-1", ...over } as never },
});

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot");
  stack = new Stack(launcher, { config: target.config });
  await mustRun(target, "zfs create -p zroot/jails/app");
});
afterAll(async () => sim?.stop());

describe("cpus", () => {
  it("is applied at start through the jail's file and read back with cpuset -g", async () => {
    const r = await stack.up(program());
    expect(r.steps["app"]!.op).toBe("create");
    expect(await cpus("app")).toBe("0, 1");
    expect(await mustRun(target, "cat /etc/jail.conf.d/app.conf")).toMatch(/exec\.created = 'cpuset -l 0-1 -j app';/);
    expect(out("app")["cpus"]).toBe("0-1");
    expect((await stack.up(program())).steps["app"]!.op).toBe("same");
    expect(Object.values((await stack.refresh({ skipPreview: true })).steps).map((s) => s.op)).toEqual(["same"]);
  });

  it("changes live with cpuset -l, keeping the jid and announcing no restart", async () => {
    const before = await jid("app");
    const r = await stack.up(program({ cpus: "2,3" }));
    expect(r.steps["app"]!.op).toBe("update");
    expect(stack.logs("warning").map((l) => l.message).join("\n")).not.toMatch(/restarts jail app/);
    expect(await jid("app")).toBe(before);
    expect(await cpus("app")).toBe("2, 3");
    expect((await sim.toolLog()).some((a) => a.join(" ") === `cpuset -l 2,3 -j ${before}`)).toBe(true);
    expect(await mustRun(target, "cat /etc/jail.conf.d/app.conf")).toMatch(/'cpuset -l 2,3 -j app'/);
  });

  it("shows a cpuset changed by hand on refresh, and up converges it", async () => {
    await mustRun(target, "cpuset -l 0 -j app");
    const f = await stack.refresh({ skipPreview: true });
    expect(f.steps["app"]!.op).toBe("update");
    expect(out("app")["cpus"]).toBe("0");
    await stack.up(program({ cpus: "2,3" }));
    expect(await cpus("app")).toBe("2, 3");
  });

  it("comes back at every start: a restart and a reboot", async () => {
    await stack.up(program({ cpus: "2,3", osrelease: "14.2-RELEASE" }));
    expect(await cpus("app")).toBe("2, 3");
    sim.reboot();
    expect(await cpus("app")).toBe("2, 3");
    expect(Object.values((await stack.refresh({ skipPreview: true })).steps).map((s) => s.op)).toEqual(["same"]);
  });

  it("gives every CPU back when cpus is removed", async () => {
    await stack.up(program({ cpus: undefined, osrelease: "14.2-RELEASE" }));
    expect(await cpus("app")).toBe("0, 1, 2, 3");
    expect(await mustRun(target, "cat /etc/jail.conf.d/app.conf")).not.toMatch(/cpuset/);
  });

  it("refuses a list cpuset would not take, at Check", async () => {
    const s = new Stack(launcher, { config: target.config });
    const err = (await s.preview(program({ cpus: "3-1" })).catch((e: unknown) => e)) as { result: { diagnostics: { message: string }[] } };
    expect(err.result.diagnostics.map((d) => d.message).join("\n")).toMatch(/cpus: must be a list of CPU numbers and ranges/);
  });
});

describe("System V IPC", () => {
  const sysv = (over: Record<string, unknown>) => program({ cpus: undefined, osrelease: "14.2-RELEASE", ...over });
  const live = async (param: string) => (await mustRun(target, `jls -j app ${param}`)).trim();

  it("reads back sysvshm, sysvsem, sysvmsg and allow.sysvipc as set", async () => {
    await stack.up(sysv({ sysvshm: "new", sysvsem: "new", sysvmsg: "disable" }));
    expect(await live("sysvshm")).toBe("new");
    expect(await live("sysvsem")).toBe("new");
    expect(await live("sysvmsg")).toBe("disable");
    expect(out("app")).toMatchObject({ sysvshm: "new", sysvsem: "new", sysvmsg: "disable" });
    expect(out("app")["live"]).toMatchObject({ sysvshm: "new", sysvsem: "new", sysvmsg: "disable" });
    expect(Object.values((await stack.refresh({ skipPreview: true })).steps).map((s) => s.op)).toEqual(["same"]);
  });

  it("changes each live with jail -m, keeping the jid", async () => {
    const before = await jid("app");
    await stack.up(sysv({ sysvshm: "inherit", sysvsem: "disable", sysvmsg: "new", allow: { sysvipc: true } }));
    expect(await jid("app")).toBe(before);
    expect(await live("sysvshm")).toBe("inherit");
    expect(await live("sysvsem")).toBe("disable");
    expect(await live("sysvmsg")).toBe("new");
    expect(await live("allow.sysvipc")).toMatch(/^(true|1)$/);
    expect((await sim.toolLog()).some((a) => a[0] === "jail" && a[1] === "-m" && a.includes("sysvshm=inherit"))).toBe(true);
  });

  it("shows a change made with jail -m on refresh, and up converges it", async () => {
    await mustRun(target, "jail -m name=app sysvshm=disable");
    const f = await stack.refresh({ skipPreview: true });
    expect(f.steps["app"]!.op).toBe("update");
    expect(out("app")["sysvshm"]).toBe("disable");
    await stack.up(sysv({ sysvshm: "inherit", sysvsem: "disable", sysvmsg: "new", allow: { sysvipc: true } }));
    expect(await live("sysvshm")).toBe("inherit");
    await stack.destroy();
  });
});
