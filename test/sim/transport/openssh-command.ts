// The OpenSSH lane's ForceCommand: `node STATE/lib/transport/openssh-command.js STATE`, run by sshd
// (through root's shell) for every session. Logs the exec, applies the fault plan, then runs
// $SSH_ORIGINAL_COMMAND as `/bin/sh -c` (dash) in the host's bubblewrap sandbox with the session's
// stdin/stdout/stderr and exits with its status (re-raising a signal), exactly like the ssh2 server.

import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { constants } from "node:os";
import { sandboxArgv } from "../host/sandbox.ts";
import { SUBSYSTEMS } from "../host/session-requests.ts";
import { claimExec } from "./faults.ts";
import { logSession } from "./session-log.ts";

/** Parent pid and command name of a process, from /proc/PID/stat. */
function procStat(pid: number): { ppid: number; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    return { comm: stat.slice(stat.indexOf("(") + 1, close), ppid: Number(stat.slice(close + 2).split(" ")[1]) };
  } catch {
    return undefined;
  }
}

/** The sshd process serving this session's connection: the nearest ancestor named sshd. */
function sessionSshd(): number {
  for (let pid = process.ppid; pid > 1;) {
    const st = procStat(pid);
    if (!st) break;
    if (st.comm === "sshd") return pid;
    pid = st.ppid;
  }
  return 0;
}

/** Drops the connection the way a network failure would: the serving sshd dies, the kernel closes its socket. */
function dropNow(sshd: number): void {
  if (sshd > 1) process.kill(sshd, "SIGKILL");
}

function doomedFile(stateDir: string, sshd: number): string {
  return join(stateDir, "transport", `doomed-${sshd}`);
}

/** Session environment an SSH client may set (AcceptEnv LANG LC_* TERM). */
function clientEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && /^(LANG|LC_[A-Z]+|TERM)$/.test(k)) env[k] = v;
  }
  return env;
}

function main(): void {
  const stateDir = process.argv[2]!;
  // Without a command a FreeBSD sshd starts root's shell; with no pty that shell reads stdin.
  const command = process.env["SSH_ORIGINAL_COMMAND"] ?? "exec /bin/sh";
  const sshd = sessionSshd();
  // Under ForceCommand sshd passes a subsystem's command as SSH_ORIGINAL_COMMAND, indistinguishable
  // from an exec of the same path (session.c do_exec); the path is taken to mean the subsystem.
  const subsystem = Object.values(SUBSYSTEMS).includes(command);
  logSession(stateDir, { conn: sshd, command, ...(subsystem ? { subsystem } : {}) });
  // A connection doomed by an "after" drop runs nothing more.
  if (existsSync(doomedFile(stateDir, sshd))) return dropNow(sshd);
  const f = claimExec(stateDir, command);
  if (f.drop === "before") return dropNow(sshd);
  const answer = (): void => {
    if (f.fail) {
      process.stdout.write(f.fail.stdout);
      process.stderr.write(f.fail.stderr);
      process.exitCode = f.fail.code;
      return;
    }
    const child = spawn("bwrap", sandboxArgv(command, { stateDir, env: clientEnv() }), { stdio: "inherit" });
    child.on("error", (e) => {
      process.stderr.write(`sshd: ${e.message}\n`);
      process.exitCode = 127;
    });
    child.on("exit", (code, signal) => {
      if (f.drop === "during") return dropNow(sshd);
      if (f.drop === "after") {
        // sshd sends the exit status once this process is gone; the connection dies just after.
        mkdirSync(join(stateDir, "transport"), { recursive: true });
        writeFileSync(doomedFile(stateDir, sshd), "");
        spawn("/bin/sh", ["-c", `sleep 0.1; kill -9 ${sshd}`], { detached: true, stdio: "ignore" }).unref();
      }
      if (code !== null) process.exitCode = code;
      else if (signal) {
        // Die of the same signal so sshd reports exit-signal; node ignores SIGPIPE, hence the fallback.
        process.exitCode = 128 + (constants.signals[signal] ?? 1);
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
    });
  };
  if (f.stall === null) {
    // Never answers; ends when the connection does (this process is orphaned then).
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) process.exit(0);
    }, 200);
    return;
  }
  if (f.stall !== undefined) setTimeout(answer, f.stall);
  else answer();
}

main();
