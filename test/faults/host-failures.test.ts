import { createServer } from "node:net";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeploymentError, ProviderError, secret, Stack, startProvider, type Program, type ProviderClient, type ResourceState } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "../lifecycle/target.ts";
import { failureText, launcher } from "./driver.ts";
import { bound, hostView, JAIL_ROOT, PREFIX, subjects } from "./subjects.ts";

// Faults (issue 13): a Read against a host that refuses the connection, resets it, never answers or
// rejects the key is an error for every resource type, never "gone"; a refresh through such a host
// fails and keeps every resource. customTimeouts bound a whole operation, and the command still
// running on the host at the deadline is stopped: it never runs to the end afterwards.

let sim: SimHost;
let target: TestTarget;
let stack: Stack;
const PROVIDER_URN = "urn:pulumi:test::proj::pulumi:providers:freebsd::default";

/** Every subject's v1 in one stack (and what they need). */
function everyType(): Program {
  const p: Program = {};
  for (const s of subjects.map((x) => bound(x, sim))) Object.assign(p, s.prereq, { [s.label.toLowerCase()]: s.v1 });
  return p;
}

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, PREFIX);
  await mustRun(target, `zfs create -p ${PREFIX}/jails/fj && tar -xf /usr/freebsd-dist/base.txz -C ${JAIL_ROOT}`);
  // What the Replica replicates.
  await mustRun(target, subjects.find((x) => x.label === "Replica")!.hostSetup!);
  await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
  sim.reboot();
  stack = new Stack(launcher, { config: target.config });
  await stack.up(everyType(), { skipPreview: true });
}, 300_000);
afterAll(async () => sim?.stop());

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Reads every resource of the stack at once through one provider configured with `config`; each answer. */
async function readAll(config: Record<string, unknown>, timeout = 0): Promise<{ res: ResourceState; outcome: unknown }[]> {
  const p: ProviderClient = await startProvider({});
  try {
    await p.handshake();
    const checked = await p.checkConfig({ urn: PROVIDER_URN, olds: {}, news: config as never, allowUnknowns: false });
    await p.configure({ urn: PROVIDER_URN, id: "0", inputs: checked.inputs! });
    const held = stack.state.resources;
    const outcomes = await Promise.all(held.map((res) =>
      p.read({ urn: res.urn, id: res.id, properties: res.outputs, inputs: res.inputs, timeout }).then((r) => r, (e: unknown) => e)));
    return held.map((res, i) => ({ res, outcome: outcomes[i] }));
  } finally {
    await p.kill();
  }
}

function expectErrorsNeverGone(answers: { res: ResourceState; outcome: unknown }[], why: RegExp): void {
  expect(answers.map((a) => a.res.type).sort()).toEqual(expect.arrayContaining(subjects.map((s) => s.type)));
  for (const { res, outcome } of answers) {
    expect(outcome, `${res.name}: a Read through a failing host is an error, not an answer`).toBeInstanceOf(ProviderError);
    expect((outcome as ProviderError).details, res.name).toMatch(why);
  }
}

describe("a Read against a failing host is an error, never gone", () => {
  it("refused: nothing listens on the port", async () => {
    const config = { ...target.config, port: String(await closedPort()), dialErrorLimit: "1" };
    expectErrorsNeverGone(await readAll(config), /cannot connect|ECONNREFUSED|refused/i);
  });

  it("reset: the connection dropped before each command runs", async () => {
    for (let n = 1; n <= 40; n++) sim.faults.dropAfterExecs(n, { phase: "before" });
    try {
      expectErrorsNeverGone(await readAll({ ...target.config, dialErrorLimit: "1" }), /connection|closed|reset/i);
    } finally {
      sim.faults.clear();
    }
  });

  it("timed out: the host never answers the inventory", async () => {
    sim.faults.stallCommand(/./);
    try {
      const started = Date.now();
      expectErrorsNeverGone(await readAll(target.config, 3), /deadline passed/);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      sim.faults.clear();
    }
  });

  it("a function (Invoke, no timeout from the engine) against a host that never answers fails at the provider's 60 s bound", async () => {
    const p: ProviderClient = await startProvider({});
    sim.faults.stallCommand(/./);
    try {
      await p.handshake();
      const checked = await p.checkConfig({ urn: PROVIDER_URN, olds: {}, news: target.config as never, allowUnknowns: false });
      await p.configure({ urn: PROVIDER_URN, id: "0", inputs: checked.inputs! });
      const started = Date.now();
      const outcome = await p.invoke({ tok: "freebsd:index:getHost", args: {} }).then((r) => r, (e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(outcome).toBeInstanceOf(ProviderError);
      expect((outcome as ProviderError).details).toMatch(/deadline passed.*\(freebsd:index:getHost reads the host for at most 60 s/s);
      expect(elapsed).toBeGreaterThan(59_000);
      expect(elapsed).toBeLessThan(75_000);
    } finally {
      sim.faults.clear();
      await p.kill();
    }
  }, 120_000);

  it("the key rejected: a key the host does not know", async () => {
    const other = ssh2.utils.generateKeyPairSync("ed25519");
    expectErrorsNeverGone(await readAll({ ...target.config, privateKey: secret(other.private) }), /authenticat|login|permission|denied/i);
  });

  it("a refresh through a host that resets every connection fails and keeps every resource; the next one reports no drift", async () => {
    const before = stack.state.resources.map((r) => r.urn);
    // (A refresh uses the provider settings in the state, so the host itself misbehaves here.)
    for (let n = 1; n <= 40; n++) sim.faults.dropAfterExecs(n, { phase: "before" });
    const err = await stack.refresh({ skipPreview: true }).then(() => undefined, (e: unknown) => e);
    sim.faults.clear();
    expect(err).toBeInstanceOf(DeploymentError);
    expect(failureText(err as DeploymentError)).toMatch(/connection/);
    expect(stack.state.resources.map((r) => r.urn)).toEqual(before);
    const r = await stack.refresh({ skipPreview: true });
    expect(Object.values(r.steps).filter((s) => s.op !== "same")).toEqual([]);
  });
});

describe("customTimeouts bound the operation and stop the command on the host", () => {
  it("a create whose zfs create is still running at the deadline: stopped there, never run later", async () => {
    const s = new Stack(launcher, { config: target.config, stack: "deadline" });
    const before = await hostView(sim);
    const toolsBefore = (await sim.toolLog()).length;
    // The tool sleeps 8 s before running; the create has 3 s.
    sim.faults.stallTool(/^zfs create .*zroot\/f\/late$/, { ms: 8_000 });
    const started = Date.now();
    const err = await s.up({ late: { type: "freebsd:zfs:Dataset", inputs: { name: `${PREFIX}/late` }, options: { customTimeouts: { create: 3 } } } }, { skipPreview: true })
      .then(() => undefined, (e: unknown) => e);
    const elapsed = Date.now() - started;
    sim.faults.clear();
    expect(err).toBeInstanceOf(DeploymentError);
    expect(failureText(err as DeploymentError)).toMatch(/deadline passed/);
    expect(elapsed).toBeLessThan(8_000);
    // Past the point where the stalled tool would have run: it never did.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - elapsed)));
    const ran = (await sim.toolLog()).slice(toolsBefore).filter((argv) => argv[0] === "zfs" && argv[1] === "create");
    expect(ran).toEqual([]);
    expect((await sim.exec(`zfs list ${PREFIX}/late`)).code).not.toBe(0);
    expect(await hostView(sim)).toBe(before);
    // The next up makes it.
    await s.up({ late: { type: "freebsd:zfs:Dataset", inputs: { name: `${PREFIX}/late` } } }, { skipPreview: true });
    expect((await sim.exec(`zfs list ${PREFIX}/late`)).code).toBe(0);
    await s.destroy({ skipPreview: true });
  });
});
