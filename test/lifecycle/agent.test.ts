import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { datasetExists, mustRun, targetOnSim, type TestTarget } from "./target.ts";

// The SSH agent as Pulumi users have it (issue 11): no key in the config, the provider finds the
// agent through SSH_AUTH_SOCK when it runs. The socket's path is never recorded in the state, so a
// new shell (another socket) is no change to the stack.

const T = "freebsd:zfs:Dataset";
let sim: SimHost;
let target: TestTarget;
const agents: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), "agent-stack-"));

/** Starts an ssh-agent on a socket of its own holding the simulated host's key; returns the socket. */
async function startAgent(name: string): Promise<string> {
  const socket = join(dir, `${name}.sock`);
  agents.push(spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" }));
  for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  const key = join(dir, "id_ed25519");
  writeFileSync(key, sim.privateKey, { mode: 0o600 });
  const added = spawnSync("ssh-add", [key], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: "utf8" });
  if (added.status !== 0) throw new Error(`ssh-add: ${added.stderr}`);
  return socket;
}

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot/ag");
  await mustRun(target, "zfs create zroot/ag");
});
afterAll(async () => {
  for (const agent of agents) agent.kill();
  await sim?.stop();
});

describe("the SSH agent from the environment", () => {
  it("logs in through SSH_AUTH_SOCK, records no socket path, and sees no change from a new shell's socket", async () => {
    let socket = await startAgent("first");
    const { privateKey: _, ...withoutKey } = target.config;
    const s = new Stack((env) => startProvider({ env: { ...env, SSH_AUTH_SOCK: socket } }), { config: withoutKey });
    await s.up({ a: { type: T, inputs: { name: "zroot/ag/a" } } }, { skipPreview: true });
    expect(await datasetExists(target, "zroot/ag/a")).toBe(true);
    const provider = s.state.provider!;
    expect(provider.inputs["agent"]).toBeUndefined();
    expect(JSON.stringify(provider)).not.toContain(dir);
    // Another login, another socket: the same provider, nothing to do.
    socket = await startAgent("second");
    const r = await s.up({ a: { type: T, inputs: { name: "zroot/ag/a" } } });
    expect(r.steps["a"]!.op).toBe("same");
    expect(s.state.provider!.id).toBe(provider.id);
    expect(JSON.stringify(s.state.provider)).not.toContain(dir);
    await s.destroy({ skipPreview: true });
    expect(await datasetExists(target, "zroot/ag/a")).toBe(false);
  });
});
