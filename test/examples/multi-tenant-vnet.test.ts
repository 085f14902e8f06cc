import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimHost } from "freebsd-sim";
import { isSecret, isUnknown, unwrapSecrets, type ResourceState, type Value } from "pulumi-engine-harness";
import type { ProgramStack } from "../engine/program/program-stack.ts";
import { copyProgram, hostConfig, hostSnapshot, mustExec, programStack, snapshotChanges, startHost } from "./program-host.ts";

// examples/multi-tenant-vnet, run end to end through the program runner (the real @pulumi/pulumi SDK,
// the engine stood in for) against a simulated host: a fresh stack's preview with the values that flow
// from one resource into another unknown, up with them known, a refresh with no drift, a tenant added
// by one line and the gateway changed, destroy leaving the host as it was; secrets kept secret in the
// state file.

const beta = '    { name: "beta", address: "10.77.0.12/24", memory: "1g", cpu: 100, processes: 128, quota: "10G" },\n';
const gamma = '    { name: "gamma", address: "10.77.0.13/24", memory: "256m", cpu: 25, processes: 32, quota: "2G" },\n';

let host: SimHost;
let program: ReturnType<typeof copyProgram>;
let stack: ProgramStack;
let before: Record<string, string>;
const resource = (type: string, name: string): ResourceState => stack.state.stack.resources.find((r) => r.type === type && r.name === name)!;
const ops = (steps: { op: string; type: string }[]) => steps.filter((s) => !s.type.startsWith("pulumi:providers:")).map((s) => s.op);

beforeAll(async () => {
  host = await startHost({ racct: true });
  before = await hostSnapshot(host);
  program = copyProgram("examples/multi-tenant-vnet");
  stack = programStack({ dir: program.dir, config: { ...hostConfig(host), releaseMirror: "/usr/freebsd-dist" } });
}, 120_000);
afterAll(async () => {
  await host?.stop();
  program?.remove();
});

describe("examples/multi-tenant-vnet through the program runner", () => {
  it("previews a fresh stack: all creates, each jail's path and interface and its root's origin unknown, nothing on the host", async () => {
    const p = await stack.preview();
    expect(ops(p.steps)).toEqual(Array(18).fill("create"));
    const jail = p.steps.find((s) => s.urn.endsWith("freebsd:jail:Jail::alpha"))!;
    expect(isUnknown(jail.inputs!["path"])).toBe(true);
    expect((jail.inputs!["vnetInterfaces"] as Value[]).some(isUnknown)).toBe(true);
    expect(isUnknown(p.steps.find((s) => s.urn.endsWith("freebsd:zfs:Dataset::alpha-root"))!.inputs!["cloneFrom"])).toBe(true);
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
    expect(stack.state.stack.resources).toEqual([]);
  }, 120_000);

  it("up creates every tenant: its root a clone of the release, the root's mountpoint the jail's path, the epair's jail end its interface", async () => {
    const u = await stack.up({ skipPreview: true });
    expect(u.error).toBeUndefined();
    expect(ops(u.steps).every((op) => op === "create")).toBe(true);
    for (const t of ["alpha", "beta"]) {
      const mountpoint = resource("freebsd:zfs:Dataset", `${t}-root`).outputs["mountpoint"];
      const jailInterface = resource("freebsd:network:Epair", t).outputs["jailInterface"];
      expect(mountpoint).toBe(`/usr/jails/tenants/${t}`);
      expect(resource("freebsd:zfs:Dataset", `${t}-root`).inputs["cloneFrom"]).toBe("zroot/tenants/14.3-RELEASE@base");
      expect(jailInterface).toBe(`${t}b`);
      expect(resource("freebsd:jail:Jail", t).inputs).toMatchObject({ path: mountpoint, vnetInterfaces: [jailInterface], sysvshm: "new", allow: { sysvipc: false } });
    }
    expect((await mustExec(host, "jls name path")).trim().split("\n")).toEqual(["alpha /usr/jails/tenants/alpha", "beta /usr/jails/tenants/beta"]);
    expect(await mustExec(host, "jexec alpha ifconfig alphab")).toContain("inet 10.77.0.11 netmask 0xffffff00");
    expect(await mustExec(host, "jexec alpha cat /etc/rc.conf")).toContain('ifconfig_alphab="inet 10.77.0.11/24"');
    expect((await mustExec(host, "rctl")).trim().split("\n").sort()).toEqual([
      "jail:alpha:maxproc:deny=64", "jail:alpha:memoryuse:deny=536870912", "jail:alpha:pcpu:deny=50",
      "jail:beta:maxproc:deny=128", "jail:beta:memoryuse:deny=1073741824", "jail:beta:pcpu:deny=100",
    ]);
    expect(await mustExec(host, "ifconfig tenants0")).toMatch(/member: alphaa[\s\S]*inet 10\.77\.0\.1 |inet 10\.77\.0\.1 [\s\S]*member: alphaa/);
    expect(await mustExec(host, "test -x /usr/jails/tenants/beta/bin/sh && echo userland")).toBe("userland\n");
    expect(await mustExec(host, "zfs get -H -o value origin zroot/tenants/beta")).toBe("zroot/tenants/14.3-RELEASE@base\n");
    expect(unwrapSecrets(stack.outputs["tenantJails"]!)).toEqual({
      alpha: { address: "10.77.0.11/24", interface: "alphab", path: "/usr/jails/tenants/alpha" },
      beta: { address: "10.77.0.12/24", interface: "betab", path: "/usr/jails/tenants/beta" },
    });
  }, 300_000);

  it("keeps the SSH key secret in the state file: encrypted in config and in the provider's inputs", () => {
    const text = readFileSync(stack.stateFile, "utf8");
    for (const line of host.privateKey.split("\n").filter((l) => l.length > 20)) expect(text).not.toContain(line);
    const doc = JSON.parse(text);
    const provider = doc.checkpoint.latest.resources.find((r: { type: string }) => r.type === "pulumi:providers:freebsd");
    const secretShape = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.stringMatching(/^v1:/) };
    expect(provider.inputs.privateKey).toEqual(secretShape);
    expect(doc.checkpoint.config["freebsd:privateKey"]).toEqual(secretShape);
    expect(isSecret(stack.state.config["freebsd:privateKey"])).toBe(true);
  });

  it("refreshes with no drift", async () => {
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps.filter((s) => s.op !== "same")).toEqual([]);
  }, 120_000);

  it("adds a tenant from one line and moves the gateway in place, touching nothing else", async () => {
    program.edit(beta, beta + gamma);
    stack.setConfig("gateway", "10.77.0.254/24");
    const u = await stack.up({ skipPreview: true });
    const changed = u.steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:"));
    expect(changed.map((s) => `${s.op} ${s.name}`).sort()).toEqual([
      "create gamma", "create gamma", "create gamma-address", "create gamma-cpu", "create gamma-memory", "create gamma-processes",
      "create gamma-root", "update tenants",
    ]);
    expect((await mustExec(host, "jls name")).trim().split("\n")).toEqual(["alpha", "beta", "gamma"]);
    expect(await mustExec(host, "ifconfig tenants0")).toContain("inet 10.77.0.254 ");
    expect(await mustExec(host, "rctl jail:gamma")).toContain("jail:gamma:memoryuse:deny=268435456");
  }, 300_000);

  it("destroys everything, leaving the host as it was", async () => {
    const d = await stack.destroy({ skipPreview: true });
    expect(ops(d.steps).every((op) => op === "delete")).toBe(true);
    expect(stack.state.stack.resources).toEqual([]);
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
  }, 300_000);
});
