// The ssh2 server's session requests besides exec, through Debian's OpenSSH client: the sftp
// subsystem (FreeBSD's sshd_config: `Subsystem sftp /usr/libexec/sftp-server`), and a refused
// subsystem through a ControlMaster, which must end instead of hanging (the close reply).

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";

let sim: SimHost;
let dir: string;
let common: string[];

beforeAll(async () => {
  sim = await startSimHost({ server: "ssh2" });
  dir = mkdtempSync(join(tmpdir(), "sim-session-req-"));
  writeFileSync(join(dir, "key"), sim.privateKey, { mode: 0o600 });
  writeFileSync(join(dir, "known_hosts"), `[${sim.host}]:${sim.port} ${sim.hostPublicKey}\n`);
  common = ["-F", "/dev/null", "-i", join(dir, "key"), "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
    "-o", "IdentityAgent=none", "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${join(dir, "known_hosts")}`,
    "-o", "LogLevel=ERROR"];
});

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(cmd: string, args: string[], stdin = "", timeoutMs = 20_000): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    // stdout/stderr as files would survive a daemonised ControlMaster; pipes are fine with -O exit below.
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ stdout, stderr, code }));
    child.stdin.end(stdin);
  });
}

describe("ssh2 server session requests", () => {
  it("serves sftp: put, then the file is on the host", async () => {
    writeFileSync(join(dir, "payload"), "hello from sftp\n");
    const r = await run("/usr/bin/sftp", ["-b", "-", "-P", String(sim.port), ...common, `root@${sim.host}`],
      `put ${join(dir, "payload")} /root/payload\nls -l /root/payload\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("/root/payload");
    expect((await sim.exec("cat /root/payload")).stdout).toBe("hello from sftp\n");
  });

  it("refuses an unknown subsystem; through a ControlMaster the client ends instead of hanging", async () => {
    sim.resetStats();
    const cp = join(dir, "cm");
    const mux = ["-p", String(sim.port), ...common, "-o", `ControlPath=${cp}`];
    const master = await run("/usr/bin/ssh", [...mux, "-o", "ControlMaster=yes", "-o", "ControlPersist=yes", "-N", "-f", `root@${sim.host}`]);
    expect(master.code).toBe(0);
    try {
      const started = Date.now();
      const r = await run("/usr/bin/ssh", [...mux, "-s", `root@${sim.host}`, "nosuch"], "", 10_000);
      expect(r.code).toBe(255);
      expect(Date.now() - started).toBeLessThan(5_000);
      const ok = await run("/usr/bin/ssh", [...mux, `root@${sim.host}`, "echo still multiplexed"]);
      expect(ok).toMatchObject({ stdout: "still multiplexed\n", code: 0 });
      expect(sim.stats.connections).toBe(1);
    } finally {
      await run("/usr/bin/ssh", [...mux, "-O", "exit", `root@${sim.host}`]);
    }
  });
});
