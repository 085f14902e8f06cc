// The simulated host's SSH server: host key, authentication, exec channels, stdio and exit status,
// the 10-channel limit and the counters tests rely on.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";
import { generateEd25519 } from "./host/keys.ts";

let host: SimHost;
let client: TestClient;

beforeAll(async () => {
  host = await startSimHost();
  client = await connect(host);
});

afterAll(async () => {
  client?.end();
  await host?.stop();
});

describe("ssh server", () => {
  it("presents the host key whose fingerprint startSimHost reports", () => {
    expect(host.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(client.seenFingerprint).toBe(host.hostKeyFingerprint);
    expect(host.hostPublicKey).toMatch(/^ssh-ed25519 AAAA\S+$/);
  });

  it("keeps its host key across restarts of the same state dir", async () => {
    const stateDir = host.stateDir;
    const second = await startSimHost({ stateDir });
    try {
      expect(second.hostKeyFingerprint).toBe(host.hostKeyFingerprint);
      expect(second.privateKey).toBe(host.privateKey);
    } finally {
      await second.stop();
    }
  });

  it("rejects keys that are not authorized", async () => {
    const stranger = generateEd25519("stranger").private;
    await expect(connect(host, stranger)).rejects.toThrow(/authentication/i);
  });

  it("streams stdout and stderr separately and returns the exit status", async () => {
    const res = await client.run("echo out; echo err >&2; exit 3");
    expect(res).toEqual({ stdout: "out\n", stderr: "err\n", code: 3 });
  });

  it("feeds the channel's data to the command's stdin", async () => {
    const res = await client.run("tr a-z A-Z", "hello\n");
    expect(res.stdout).toBe("HELLO\n");
    expect(res.code).toBe(0);
  });

  it("counts connections and exec channels and records commands", async () => {
    host.resetStats();
    const other = await connect(host);
    await other.run("true");
    await other.run("zfs list -H -o name zroot");
    other.end();
    expect(host.stats.connections).toBe(1);
    expect(host.stats.execChannels).toBe(2);
    expect(host.stats.commands).toEqual(["true", "zfs list -H -o name zroot"]);
  });

  it("refuses an 11th concurrent channel on one connection (MaxSessions 10)", async () => {
    const conn = await connect(host);
    const runs = Array.from({ length: 11 }, () => conn.run("sleep 1").then(() => "ok", (e: Error) => e.message));
    const results = await Promise.all(runs);
    conn.end();
    expect(results.filter((r) => r === "ok")).toHaveLength(10);
    expect(results.filter((r) => r !== "ok")).toHaveLength(1);
  });

  it("frees channel slots when commands finish", async () => {
    const conn = await connect(host);
    // sshd frees a session's slot once it has reaped the command and freed the channel, a moment after
    // the client saw the channel close (session.c): on a busy machine the next round's opens can land
    // first, so an open refused then is tried again for up to 5 s. Slots never freed would fail them all.
    const runFreed = async (command: string) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await conn.run(command);
        } catch (err) {
          if (attempt >= 50 || !/open failed/.test(String(err))) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(Array.from({ length: 10 }, () => runFreed("true")));
      expect(results.every((r) => r.code === 0)).toBe(true);
    }
    conn.end();
  });
});
