import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "freebsd-sim";
import { providerConfigSchema } from "../../provider/src/core/config.ts";
import { dial, DialError } from "../../provider/src/host/dial.ts";

// Dialling (host/dial.ts): failures to reach the SSH server retried as pulumi-command counts them
// (dialErrorLimit failures retried, -1 without limit), nothing retried once the connection is not
// wanted; the agent's socket taken from the environment at each dial when the config names none.

const settings = (port: number, over: Record<string, unknown> = {}) =>
  providerConfigSchema.parse({ host: "127.0.0.1", port, password: "x", insecureIgnoreHostKey: true, connectTimeout: 5, ...over });

/** A TCP server that closes every connection at once (an sshd that is not ready); counts them. */
async function slamming(): Promise<{ server: Server; port: number; accepted: () => number }> {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, accepted: () => accepted };
}

describe("dial retries", () => {
  it("retries dialErrorLimit failures to reach the server, then gives up saying how many attempts it made", async () => {
    const s = await slamming();
    try {
      const err = await dial(settings(s.port, { dialErrorLimit: 2 }), { env: {}, wanted: () => true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DialError);
      expect((err as Error).message).toBe("cannot connect: Connection lost before handshake (3 attempts)");
      expect(s.accepted()).toBe(3);
    } finally {
      s.server.close();
    }
  });

  it("makes one attempt with dialErrorLimit 0, and stops retrying once the connection is not wanted", async () => {
    const s = await slamming();
    try {
      await expect(dial(settings(s.port, { dialErrorLimit: 0 }), { env: {}, wanted: () => true })).rejects.toThrow(/^cannot connect: Connection lost before handshake$/);
      expect(s.accepted()).toBe(1);
      let wanted = true;
      const pending = dial(settings(s.port, { dialErrorLimit: -1 }), { env: {}, wanted: () => wanted });
      await new Promise((resolve) => setTimeout(resolve, 400));
      wanted = false;
      await expect(pending).rejects.toThrow(/attempts\)$/);
      const tried = s.accepted();
      expect(tried).toBeGreaterThan(2);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(s.accepted()).toBe(tried);
    } finally {
      s.server.close();
    }
  });
});

describe("the agent's socket", () => {
  let sim: SimHost;
  let agent: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), "dial-agent-"));
  const socket = join(dir, "agent.sock");
  const viaAgent = (over: Record<string, unknown> = {}) =>
    providerConfigSchema.parse({ host: sim.host, port: sim.port, hostKey: sim.hostKeyFingerprint, dialErrorLimit: 0, ...over });

  beforeAll(async () => {
    sim = await startSimHost();
    agent = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
    for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const key = join(dir, "id_ed25519");
    writeFileSync(key, sim.privateKey, { mode: 0o600 });
    const added = spawnSync("ssh-add", [key], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: "utf8" });
    if (added.status !== 0) throw new Error(`ssh-add: ${added.stderr}`);
  });
  afterAll(async () => {
    agent?.kill();
    await sim?.stop();
  });

  it("logs in with the agent named by SSH_AUTH_SOCK when the config names none", async () => {
    const { client } = await dial(viaAgent(), { env: { SSH_AUTH_SOCK: socket }, wanted: () => true });
    client.end();
  });

  it("takes the environment's socket when the one set is gone (a path an older SDK recorded)", async () => {
    const { client } = await dial(viaAgent({ agent: join(dir, "gone.sock") }), { env: { SSH_AUTH_SOCK: socket }, wanted: () => true });
    client.end();
  });

  it("has no credentials without a key, a password or an agent in the config or the environment", async () => {
    await expect(dial(viaAgent(), { env: {}, wanted: () => true }))
      .rejects.toThrow("no SSH credentials: set freebsd:privateKey, freebsd:password or an agent");
  });
});
