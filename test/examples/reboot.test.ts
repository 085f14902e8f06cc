import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimHost } from "freebsd-sim";
import { Stack, startProvider, type Program } from "pulumi-engine-harness";
import type { ProgramStack } from "../engine/program/program-stack.ts";
import { targetOnSim } from "../lifecycle/target.ts";
import { copyProgram, hostConfig, mustExec, programStack, startHost } from "./program-host.ts";

// Reboot (issue 13): examples/multi-tenant-vnet applied through the program runner (a Release,
// datasets cloned from it, VNET jails, a bridge, epairs, rctl limits, jail commands) and, beside it
// in a second stack, the types the example lacks (a Snapshot with a hold and a property, a plain
// Dataset with a user property); the host rebooted (`freebsd-sim reboot`: kernel state gone, rc
// replayed): a refresh of both shows no drift for any type. A second reboot, then a jail stopped by
// hand and a limit removed by hand (from rctl.conf and the kernel): the refresh shows exactly those two.

let host: SimHost;
let program: ReturnType<typeof copyProgram>;
let example: ProgramStack;
let extra: Stack;
const extras: Program = {
  data: { type: "freebsd:zfs:Dataset", inputs: { name: "zroot/rb/data", createParents: true, properties: { "org.example:role": "db", quota: "1G" } } },
  snap: { type: "freebsd:zfs:Snapshot", inputs: { dataset: "zroot/rb/data", name: "nightly", holds: ["keep"], properties: { "org.example:by": "ops" } }, options: { dependsOn: ["data"] } },
};
const changed = (steps: { op: string; type: string; name?: string; urn?: string }[]) =>
  steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:"));

beforeAll(async () => {
  host = await startHost({ racct: true });
  program = copyProgram("examples/multi-tenant-vnet");
  example = programStack({ dir: program.dir, config: { ...hostConfig(host), releaseMirror: "/usr/freebsd-dist" } });
  extra = new Stack((env) => startProvider({ env }), { config: targetOnSim(host, "zroot/rb").config, stack: "extra" });
}, 120_000);
afterAll(async () => {
  await host?.stop();
  program?.remove();
});

describe("a host rebooted under its stacks", () => {
  it("comes back as the stacks left it: a refresh after the reboot shows no drift for any type", async () => {
    const u = await example.up({ skipPreview: true });
    expect(u.error).toBeUndefined();
    await extra.up(extras, { skipPreview: true });
    const types = new Set([...example.state.stack.resources.map((r) => r.type), ...extra.state.resources.map((r) => r.type)]);
    expect([...types].filter((t) => t.startsWith("freebsd:")).sort()).toEqual([
      "freebsd:jail:Command", "freebsd:jail:Jail", "freebsd:jail:Release", "freebsd:network:Bridge", "freebsd:network:Epair",
      "freebsd:rctl:Limit", "freebsd:zfs:Dataset", "freebsd:zfs:Snapshot",
    ]);

    host.reboot();
    // The kernel state came back from rc: jails, interfaces, rules.
    expect((await mustExec(host, "jls name")).trim().split("\n")).toEqual(["alpha", "beta"]);
    expect((await mustExec(host, "rctl")).trim().split("\n")).toHaveLength(6);
    const r = await example.refresh({ skipPreview: true });
    expect(r.error).toBeUndefined();
    expect(changed(r.steps)).toEqual([]);
    const e = await extra.refresh({ skipPreview: true });
    expect(Object.values(e.steps).filter((s) => s.op !== "same")).toEqual([]);
  }, 600_000);

  it("after a second reboot, a jail stopped by hand and a limit removed by hand are exactly what the refresh shows", async () => {
    host.reboot();
    await mustExec(host, "service jail stop alpha");
    const rule = "jail:beta:maxproc:deny=128";
    expect(await mustExec(host, "rctl")).toContain(rule);
    await mustExec(host, `rctl -r ${rule} && grep -vx ${rule} /etc/rctl.conf > /tmp/rctl.conf && cat /tmp/rctl.conf > /etc/rctl.conf`);
    expect(await mustExec(host, "rctl")).not.toContain(rule);

    const r = await example.refresh({ skipPreview: true });
    expect(r.error).toBeUndefined();
    expect(changed(r.steps).map((s) => `${s.op} ${s.type} ${s.urn?.split("::").pop()}`).sort()).toEqual([
      "delete freebsd:rctl:Limit beta-processes",
      "update freebsd:jail:Jail alpha",
    ]);
    expect(Object.values((await extra.refresh({ skipPreview: true })).steps).filter((s) => s.op !== "same")).toEqual([]);
    // The next up puts both back, and nothing else.
    const u = await example.up({ skipPreview: true });
    expect(u.error).toBeUndefined();
    expect(changed(u.steps).map((s) => `${s.op} ${s.urn?.split("::").pop()}`).sort()).toEqual(["create beta-processes", "update alpha"]);
    expect(await mustExec(host, "rctl")).toContain(rule);
    expect((await mustExec(host, "jls name")).trim().split("\n").sort()).toEqual(["alpha", "beta"]);
  }, 600_000);
});
