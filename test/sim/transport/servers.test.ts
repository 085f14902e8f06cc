// Both SSH servers of the simulated host behave alike: the in-process ssh2 server and Debian's
// OpenSSH sshd (MaxSessions 10), reached with ssh2 and with Debian's ssh client.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "../host.ts";
import { connect, type TestClient } from "../ssh-client.ts";
import { generateEd25519 } from "../host/keys.ts";
import { sshRun } from "./openssh-client.ts";
import { openConnection } from "./test-connection.ts";

describe.each(["ssh2", "openssh"] as const)("%s server", (server) => {
  let host: SimHost;
  let client: TestClient;

  beforeAll(async () => {
    host = await startSimHost({ server });
    client = await connect(host);
  });

  afterAll(async () => {
    client?.end();
    await host?.stop();
  });

  it("presents the simulated host's key", () => {
    expect(host.server).toBe(server);
    expect(client.seenFingerprint).toBe(host.hostKeyFingerprint);
  });

  it("rejects keys that are not authorized", async () => {
    await expect(connect(host, generateEd25519("stranger").private)).rejects.toThrow(/authentication/i);
  });

  it("runs zfs commands with their output, stderr and exit status", async () => {
    expect(await client.run("zfs create zroot/lane && zfs list -H -o name,mountpoint zroot/lane"))
      .toEqual({ stdout: "zroot/lane\t/zroot/lane\n", stderr: "", code: 0 });
    expect(await client.run("zfs list nosuch"))
      .toEqual({ stdout: "", stderr: "cannot open 'nosuch': dataset does not exist\n", code: 1 });
  });

  it("keeps stdout, stderr, exit status and stdin as dash -c runs them", async () => {
    expect(await client.run("echo out; echo err >&2; exit 3")).toEqual({ stdout: "out\n", stderr: "err\n", code: 3 });
    expect(await client.run("tr a-z A-Z", "hello\n")).toEqual({ stdout: "HELLO\n", stderr: "", code: 0 });
    expect((await client.run("echo $0; readlink /proc/$$/exe")).stdout).toBe("/bin/sh\n/usr/bin/dash\n");
  });

  it("works with Debian's ssh client, host key pinned", async () => {
    expect(await sshRun(host, "zfs list -H -o name zroot; echo e >&2; exit 42")).toEqual({ stdout: "zroot\n", stderr: "e\n", code: 42 });
    expect(await sshRun(host, "cat", "via stdin\n")).toMatchObject({ stdout: "via stdin\n", code: 0 });
  });

  it("counts connections, exec channels and commands", async () => {
    host.resetStats();
    const other = await connect(host);
    await other.run("true");
    await other.run("zfs list -H -o name zroot");
    other.end();
    expect(host.stats).toEqual({ connections: 1, execChannels: 2, commands: ["true", "zfs list -H -o name zroot"] });
  });

  it("serves the sftp subsystem, not counted as an exec", async () => {
    host.resetStats();
    const conn = await openConnection(host);
    const names = await new Promise<string[]>((resolve, reject) => conn.client.sftp((err, sftp) => {
      if (err) return reject(err);
      sftp.readdir("/etc", (e, list) => (e ? reject(e) : resolve(list.map((x) => x.filename))));
    }));
    conn.end();
    expect(names).toContain("rc.conf");
    expect(host.stats.execChannels).toBe(0);
  });

  it("runs 10 sessions at once on one connection and refuses the 11th as OpenSSH does", async () => {
    const conn = await connect(host);
    const runs = Array.from({ length: 11 }, (_, i) => conn.run(`sleep 1; echo ${i}`).then((r) => r.stdout.trim(), (e: Error) => e.message));
    const results = await Promise.all(runs);
    conn.end();
    expect(results.filter((r) => /^\d+$/.test(r))).toHaveLength(10);
    expect(results.filter((r) => !/^\d+$/.test(r))).toEqual(["(SSH) Channel open failure: open failed"]);
  });

  it("frees session slots as commands finish", async () => {
    const conn = await connect(host);
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(Array.from({ length: 10 }, () => conn.run("true")));
      expect(results.every((r) => r.code === 0)).toBe(true);
      // sshd frees a session's slot once it has reaped the command and freed the channel, a moment after
      // the client saw the channel close (session.c): on a busy machine an immediate 10th open can land first.
      await new Promise((r) => setTimeout(r, 250));
    }
    conn.end();
  });
});
