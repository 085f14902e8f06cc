// The host's sshd: ssh2's Server on 127.0.0.1 with the host's ed25519 key, public-key (and optional
// password) auth for root, `exec` requests run in the sandbox with streamed stdio and exit status,
// OpenSSH's MaxSessions=10 limit on open channels per connection, and TCP forwarding to loopback
// ports (a simulated host can be another's bastion).

import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import ssh2 from "ssh2";
import type { Connection, ServerChannel } from "ssh2";
import { readAuthorizedKeys } from "./keys.ts";
import { spawnOnHost } from "./sandbox.ts";
import { execWithFaults } from "../transport/fault-exec.ts";
import { refuseSession } from "../transport/session-refusal.ts";
import { replyCloseIfIdle, SUBSYSTEMS } from "./session-requests.ts";
import { serveForwarding } from "../transport/forwarding.ts";

/** OpenSSH's default MaxSessions. */
export const MAX_SESSIONS = 10;

export interface SshStats {
  connections: number;
  execChannels: number;
  commands: string[];
}

export interface SshServerOptions {
  stateDir: string;
  hostPrivateKey: string;
  authorizedKeysFiles: string[];
  password?: string;
  host?: string;
  port?: number;
}

/** A running SSH server for one simulated host. */
export class SimSshServer {
  readonly stats: SshStats = { connections: 0, execChannels: 0, commands: [] };
  private readonly server: ssh2.Server;
  private readonly options: SshServerOptions;
  private readonly clients = new Set<Connection>();

  constructor(options: SshServerOptions) {
    this.options = options;
    this.server = new ssh2.Server({ hostKeys: [options.hostPrivateKey] }, (client) => this.onClient(client));
  }

  /** Starts listening and resolves with the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => {
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting connections and drops the open ones. */
  close(): Promise<void> {
    for (const c of this.clients) c.end();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onClient(client: Connection): void {
    this.stats.connections++;
    // Nagle plus delayed ACKs would add ~90 ms to every exec round trip (the types miss this method).
    (client as Connection & { setNoDelay(on: boolean): void }).setNoDelay(true);
    this.clients.add(client);
    let open = 0;
    client.on("authentication", (ctx) => {
      if (ctx.username !== "root") return ctx.reject(["publickey"]);
      if (ctx.method === "publickey") {
        const keys = readAuthorizedKeys(this.options.authorizedKeysFiles);
        const key = keys.find((k) => k.type === ctx.key.algo && sameBytes(k.getPublicSSH(), ctx.key.data));
        if (!key) return ctx.reject(["publickey"]);
        if (ctx.signature && key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(["publickey"]);
        return ctx.accept();
      }
      if (ctx.method === "password" && this.options.password !== undefined
        && sameBytes(Buffer.from(ctx.password), Buffer.from(this.options.password))) {
        return ctx.accept();
      }
      return ctx.reject(this.options.password !== undefined ? ["publickey", "password"] : ["publickey"]);
    });
    client.on("ready", () => {
      serveForwarding(client);
      client.on("session", (accept, reject) => {
        if (open >= MAX_SESSIONS) return refuseSession(client, reject);
        open++;
        const session = accept();
        const env: Record<string, string> = {};
        let counted = true;
        const release = (): void => {
          if (counted) open--;
          counted = false;
        };
        session.on("close", () => {
          release();
          replyCloseIfIdle(client, session);
        });
        session.on("env", (acceptEnv, _rejectEnv, info) => {
          if (/^(LANG|LC_[A-Z]+|TERM)$/.test(info.key)) env[info.key] = info.val;
          acceptEnv?.();
        });
        session.on("exec", (acceptExec, _rejectExec, info) => {
          const channel = acceptExec();
          channel.on("close", release);
          this.stats.execChannels++;
          this.stats.commands.push(info.command);
          execWithFaults({ stateDir: this.options.stateDir, command: info.command, channel, client, run: () => this.runExec(channel, info.command, env) });
        });
        session.on("subsystem", (acceptSub, rejectSub, info) => {
          const command = SUBSYSTEMS[info.name];
          if (!command) return rejectSub();
          const channel = acceptSub();
          channel.on("close", release);
          this.runExec(channel, command, env);
        });
      });
    });
    client.on("error", () => undefined);
    client.on("close", () => this.clients.delete(client));
  }

  private runExec(channel: ServerChannel, command: string, env: Record<string, string>): void {
    const child = spawnOnHost(command, { stateDir: this.options.stateDir, env });
    child.stdout!.pipe(channel, { end: false });
    child.stderr!.pipe(channel.stderr, { end: false });
    channel.pipe(child.stdin!);
    child.stdin!.on("error", () => undefined);
    channel.on("close", () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    let outDone = false;
    let errDone = false;
    let status: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const finish = (): void => {
      if (!outDone || !errDone || !status) return;
      if (status.code !== null) channel.exit(status.code);
      else channel.exit(status.signal ? signalName(status.signal) : "KILL", false, "");
      channel.end();
    };
    child.stdout!.on("end", () => { outDone = true; finish(); });
    child.stderr!.on("end", () => { errDone = true; finish(); });
    child.on("exit", (code, signal) => { status = { code, signal }; finish(); });
    child.on("error", (e) => {
      channel.stderr.write(`sshd: ${e.message}\n`);
      channel.exit(127);
      channel.end();
    });
  }
}

function signalName(signal: NodeJS.Signals): string {
  return signal.replace(/^SIG/, "");
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
