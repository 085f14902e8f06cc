// TCP forwarding through a simulated host, behind either SSH server: a `direct-tcpip` channel to
// another simulated host's SSH port carries a whole SSH connection (a bastion in front of a host),
// a closed port is "connect failed", and the ssh2 server refuses anything off the loopback.

import { createHash } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "../host.ts";
import { openConnection, type TestConnection } from "./test-connection.ts";

/** A loopback port nobody listens on (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Opens a direct-tcpip channel through `via` to 127.0.0.1:port; rejects with the server's refusal. */
function forward(via: TestConnection, host: string, port: number): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => {
    via.client.forwardOut("127.0.0.1", 0, host, port, (err, channel) => (err ? reject(err) : resolve(channel)));
  });
}

describe.each(["ssh2", "openssh"] as const)("TCP forwarding, %s server", (server) => {
  let bastion: SimHost;
  let target: SimHost;
  let jump: TestConnection;

  beforeAll(async () => {
    [bastion, target] = await Promise.all([startSimHost({ server }), startSimHost({ server })]);
    jump = await openConnection(bastion);
  });
  afterAll(async () => {
    jump?.end();
    await Promise.all([bastion?.stop(), target?.stop()]);
  });

  it("carries an SSH connection to another simulated host, whose own key it presents", async () => {
    await target.exec("zfs create zroot/behind");
    target.resetStats();
    const channel = await forward(jump, "127.0.0.1", target.port);
    const client = new ssh2.Client();
    let seen = "";
    await new Promise<void>((resolve, reject) => {
      client.once("ready", () => resolve()).once("error", reject).connect({
        sock: channel, username: "root", privateKey: target.privateKey,
        hostVerifier: (key: Buffer) => {
          seen = `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
          return true;
        },
      });
    });
    const out = await new Promise<string>((resolve, reject) => client.exec("zfs list -H -o name zroot/behind", (err, stream) => {
      if (err) return reject(err);
      let text = "";
      stream.on("data", (d: Buffer) => (text += d.toString())).on("close", () => resolve(text));
      stream.stderr.resume();
    }));
    client.end();
    expect(seen).toBe(target.hostKeyFingerprint);
    expect(out).toBe("zroot/behind\n");
    expect(target.stats.connections).toBe(1);
  });

  it("answers a forward to a port nobody listens on with a refusal, and keeps the connection", async () => {
    const err = await forward(jump, "127.0.0.1", await freePort()).then(() => undefined, (e: unknown) => e as Error & { reason?: number });
    expect(err?.message).toMatch(/Channel open failure/);
    expect(err?.reason).toBe(2); // SSH_OPEN_CONNECT_FAILED
    expect((await jump.run("echo still")).stdout).toBe("still\n");
  });

  it.runIf(server === "ssh2")("refuses a destination off the loopback", async () => {
    await expect(forward(jump, "192.0.2.1", 22)).rejects.toThrow(/Channel open failure/);
  });
});
