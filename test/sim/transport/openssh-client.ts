// Debian's OpenSSH client (/usr/bin/ssh) against a simulated host, for tests: the host's client key,
// a known_hosts pinning its host key (StrictHostKeyChecking yes), no user or system configuration.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  privateKey: string;
  hostPublicKey: string;
}

export interface SshRun {
  stdout: string;
  stderr: string;
  /** ssh's exit status: the remote command's, or 255 for ssh's own errors. */
  code: number;
}

/** Runs one command with /usr/bin/ssh and collects its output and exit status. */
export async function sshRun(t: SshTarget, command: string, stdin = "", extraOptions: string[] = []): Promise<SshRun> {
  const dir = mkdtempSync(join(tmpdir(), "sim-ssh-client-"));
  try {
    const key = join(dir, "id_ed25519");
    writeFileSync(key, t.privateKey, { mode: 0o600 });
    const knownHosts = join(dir, "known_hosts");
    writeFileSync(knownHosts, `[${t.host}]:${t.port} ${t.hostPublicKey}\n`);
    const args = [
      "-F", "/dev/null", "-i", key, "-p", String(t.port),
      "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
      "-o", "StrictHostKeyChecking=yes", "-o", `UserKnownHostsFile=${knownHosts}`, "-o", "LogLevel=ERROR",
      ...extraOptions, `${t.user}@${t.host}`, command,
    ];
    return await new Promise<SshRun>((resolve, reject) => {
      const child = spawn("/usr/bin/ssh", args, { stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
      child.on("error", reject);
      child.on("close", (code) => resolve({ stdout, stderr, code: code ?? -1 }));
      child.stdin.end(stdin);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
