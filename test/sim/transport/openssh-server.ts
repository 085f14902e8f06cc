// The OpenSSH lane: Debian's /usr/sbin/sshd (package openssh-server) serving one simulated host on
// 127.0.0.1, run in the foreground (-D) as a child of this process and stopped by close(). Its
// counters come from the ForceCommand's session log and sshd's own log (see session-log.ts).

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import type { SshStats } from "../host/ssh-server.ts";
import { openSshFiles, writeSshdConfig } from "./openssh-config.ts";
import { connectionsSince, logSize, openSshLogs, sessionsSince, sshdLogSince } from "./session-log.ts";

export const SSHD = "/usr/sbin/sshd";
const SETPRIV = "/usr/bin/setpriv";

/** Debian's privilege separation directory, which sshd refuses to start without. */
const PRIVSEP_DIR = "/run/sshd";

export interface OpenSshServerOptions {
  stateDir: string;
  authorizedKeysFiles: string[];
  port?: number;
}

/** A free TCP port on 127.0.0.1 (released before sshd binds it; listen() retries a lost race). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Pids of every descendant of `root`, from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  for (let queue = [root]; queue.length > 0;) {
    const kids = children.get(queue.shift()!) ?? [];
    out.push(...kids);
    queue.push(...kids);
  }
  return out;
}

/** A running sshd for one simulated host. */
export class OpenSshServer {
  private readonly options: OpenSshServerOptions;
  private child: ChildProcess | undefined;
  private sessionsOffset = 0;
  private connectionsOffset = 0;

  constructor(options: OpenSshServerOptions) {
    if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: install Debian's openssh-server (scripts/ensure-system.sh openssh-server)`);
    this.options = options;
  }

  /** Counters since listen() or the last resetStats(), read from the logs. */
  get stats(): SshStats {
    const sessions = sessionsSince(this.options.stateDir, this.sessionsOffset);
    return {
      connections: connectionsSince(this.options.stateDir, this.connectionsOffset),
      execChannels: sessions.length,
      commands: sessions.map((s) => s.command),
    };
  }

  resetStats(): void {
    const logs = openSshLogs(this.options.stateDir);
    this.sessionsOffset = logSize(logs.sessions);
    this.connectionsOffset = logSize(logs.sshd);
  }

  /** Starts sshd and resolves with its port once it listens. */
  async listen(): Promise<number> {
    mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
    for (let attempt = 0; ; attempt++) {
      const port = this.options.port ?? await freePort();
      try {
        await this.start(port);
        return port;
      } catch (e) {
        if (this.options.port !== undefined || attempt >= 4 || !/Address already in use/.test(String(e))) throw e;
      }
    }
  }

  private start(port: number): Promise<void> {
    const { stateDir } = this.options;
    const config = writeSshdConfig({ stateDir, port, authorizedKeysFiles: this.options.authorizedKeysFiles });
    const log = openSshFiles(stateDir).log;
    this.resetStats();
    const from = logSize(log);
    // setpriv(1) sets PR_SET_PDEATHSIG before exec'ing sshd: if this process dies without close(),
    // the listener still goes away instead of holding its port for ever.
    const argv = [SSHD, "-D", "-E", log, "-f", config];
    const child = existsSync(SETPRIV)
      ? spawn(SETPRIV, ["--pdeathsig", "TERM", ...argv], { stdio: ["ignore", "ignore", "pipe"] })
      : spawn(SSHD, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => { stderr += d.toString(); });
    return new Promise((resolve, reject) => {
      const ready = `Server listening on 127.0.0.1 port ${port}.`;
      const poll = setInterval(() => {
        if (!sshdLogSince(stateDir, from).includes(ready)) return;
        clearInterval(poll);
        child.removeListener("exit", onExit);
        this.child = child;
        resolve();
      }, 10);
      const onExit = (code: number | null): void => {
        clearInterval(poll);
        reject(new Error(`sshd exited (${code}) before listening: ${stderr}${sshdLogSince(stateDir, from)}`));
      };
      child.once("exit", onExit);
    });
  }

  /** Stops sshd and drops every connection it serves (per-connection sshd processes and their commands). */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.child = undefined;
    // Connection processes call setsid(2) and outlive the listener: collect them first.
    const pids = descendants(child.pid!);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await exited;
  }
}
