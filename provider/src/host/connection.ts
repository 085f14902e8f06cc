import type { Client, ClientChannel, ConnectConfig } from "ssh2";
import { TimeoutError, TransportError } from "../core/errors.ts";
import type { ProviderConfig } from "../core/config.ts";
import { verifyHostKey } from "./host-key.ts";
import { Semaphore } from "./semaphore.ts";

/** What one remote command printed and how it exited. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface ExecOptions {
  stdin?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One ssh2 connection to a host, opened lazily, shared by every call, reopened after a drop. */
export class SshConnection {
  readonly label: string;
  /** Exec channels opened so far (for tests and benchmarks). */
  channelsOpened = 0;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly slots: Semaphore;
  private readonly config: ProviderConfig;

  constructor(config: ProviderConfig) {
    this.config = config;
    this.label = `${config.user}@${config.host}:${config.port}`;
    this.slots = new Semaphore(config.maxSessions);
  }

  /**
   * Runs one shell command line on its own exec channel. Every transport problem throws TransportError.
   * A connection found dead before the command was sent is dialled again once (the command never ran);
   * one lost while the command ran is dropped, so the next command (the read-back) dials a new one.
   */
  exec(line: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.slots.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const client = await this.connect();
        try {
          return await this.runOnChannel(client, line, options);
        } catch (err) {
          const lost = err instanceof ChannelError ? err.lost : undefined;
          if (lost !== undefined) this.drop(client);
          if (lost === "unsent" && attempt === 1) continue;
          throw err instanceof ChannelError ? new TransportError(this.label, err.message) : err;
        }
      }
    });
  }

  /**
   * Opens an exec channel for a command whose input or output is a byte stream and hands it to `use`;
   * the channel holds one of the connection's slots until `use` settles (host/stream.ts pipes two of
   * them). A connection found dead before the command was sent is dialled again once; any other
   * transport problem opening it throws TransportError.
   */
  stream<T>(line: string, use: (channel: ClientChannel) => Promise<T>): Promise<T> {
    return this.slots.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const client = await this.connect();
        let channel: ClientChannel;
        try {
          channel = await this.openChannel(client, line);
        } catch (err) {
          const lost = err instanceof ChannelError ? err.lost : undefined;
          if (lost !== undefined) this.drop(client);
          if (lost === "unsent" && attempt === 1) continue;
          throw err instanceof ChannelError ? new TransportError(this.label, err.message) : err;
        }
        return use(channel);
      }
    });
  }

  /** Closes the connection; a later exec opens a new one. */
  close(): void {
    this.client?.end();
    this.client = undefined;
    this.connecting = undefined;
  }

  /** Forgets a client whose connection broke, so the next command dials again. */
  private drop(client: Client): void {
    if (this.client === client) this.client = undefined;
    client.end();
  }

  private connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const cfg = this.config;
    if (!cfg.privateKey && !cfg.password && !cfg.agent) {
      throw new TransportError(this.label, "no SSH credentials: set freebsd:privateKey, freebsd:password or an agent");
    }
    // ssh2 (and its ciphers' set-up) is loaded by the first connection: a preview never needs it.
    const { Client } = await import("ssh2");
    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let refusal: string | undefined;
      let settled = false;
      const options: ConnectConfig = {
        host: cfg.host,
        port: cfg.port,
        username: cfg.user,
        readyTimeout: cfg.connectTimeout * 1000,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
        hostVerifier: (key: Buffer) => {
          const verdict = verifyHostKey(key, cfg);
          if (!verdict.ok) refusal = verdict.reason;
          return verdict.ok;
        },
      };
      if (cfg.privateKey) options.privateKey = cfg.privateKey;
      if (cfg.privateKeyPassphrase) options.passphrase = cfg.privateKeyPassphrase;
      if (cfg.password) options.password = cfg.password;
      if (cfg.agent) options.agent = cfg.agent;
      client.on("ready", () => {
        settled = true;
        this.client = client;
        resolve(client);
      });
      // After the handshake an error or end means the connection is gone: the next command dials again.
      client.on("end", () => {
        if (this.client === client) this.client = undefined;
      });
      client.on("error", (err: Error & { level?: string }) => {
        if (this.client === client) this.client = undefined;
        if (settled) return;
        settled = true;
        reject(new TransportError(this.label, describeConnectError(err, refusal), { cause: err }));
      });
      client.on("close", () => {
        if (this.client === client) this.client = undefined;
        if (!settled) {
          settled = true;
          reject(new TransportError(this.label, refusal ?? "connection closed during the SSH handshake"));
        }
      });
      try {
        client.connect(options);
        // Small request/response packets: without TCP_NODELAY each exec waits on Nagle's algorithm.
        client.setNoDelay(true);
      } catch (err) {
        settled = true;
        reject(new TransportError(this.label, `cannot connect: ${(err as Error).message}`, { cause: err }));
      }
    });
  }

  /** Opens an exec channel running `line`; ChannelError says whether the connection was lost. */
  private openChannel(client: Client, line: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        client.exec(line, (err, channel) => {
          if (err) {
            const live = err.message.startsWith("(SSH) Channel open failure");
            return reject(new ChannelError(`cannot open an exec channel: ${err.message}`, live ? undefined : "unsent"));
          }
          this.channelsOpened++;
          resolve(channel);
        });
      } catch (err) {
        reject(new ChannelError(`cannot open an exec channel: ${(err as Error).message}`, "unsent"));
      }
    });
  }

  private runOnChannel(client: Client, line: string, options: ExecOptions): Promise<ExecResult> {
    return new Promise<ExecResult>((resolve, reject) => {
      if (options.signal?.aborted) return reject(new TransportError(this.label, "cancelled before the command ran"));
      const opened = (err: Error | undefined, stream: ClientChannel) => {
        if (err) {
          // ssh2 answers "(SSH) Channel open failure: ..." from a live server (MaxSessions and the like);
          // anything else ("No response from server", "Not connected") means the connection is gone.
          const live = err.message.startsWith("(SSH) Channel open failure");
          return reject(new ChannelError(`cannot open an exec channel: ${err.message}`, live ? undefined : "unsent"));
        }
        this.channelsOpened++;
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code: number | undefined;
        let signal: string | undefined;
        let failure: TransportError | undefined;
        // Settles at once: behind OpenSSH the channel closes only when the command's output does, and a
        // hung command may never close it. The command is asked to stop (timeout(1) passes TERM on).
        const abort = (error: TransportError) => {
          if (failure) return;
          failure = error;
          options.signal?.removeEventListener("abort", onAbort);
          reject(error);
          try {
            stream.signal("TERM");
          } catch {
            // the channel is already gone
          }
          stream.close();
        };
        const timer = options.timeoutMs
          ? setTimeout(() => abort(new TimeoutError(this.label, `no answer within ${options.timeoutMs} ms`)), options.timeoutMs)
          : undefined;
        const onAbort = () => abort(new TransportError(this.label, "command cancelled"));
        options.signal?.addEventListener("abort", onAbort, { once: true });
        stream.on("data", (chunk: Buffer) => out.push(chunk));
        stream.stderr.on("data", (chunk: Buffer) => errOut.push(chunk));
        stream.on("exit", (exitCode: number | null, exitSignal?: string) => {
          if (exitCode !== null && exitCode !== undefined) code = exitCode;
          if (exitSignal) signal = exitSignal;
        });
        stream.on("close", () => {
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener("abort", onAbort);
          if (failure) return;
          if (code === undefined) {
            if (signal) return reject(new ChannelError(`command killed by signal ${signal}`, undefined));
            return reject(new ChannelError("connection lost before the command finished", "running"));
          }
          resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(errOut).toString("utf8"), code });
        });
        if (options.stdin !== undefined) stream.end(options.stdin);
        else stream.end();
      };
      try {
        client.exec(line, opened);
      } catch (err) {
        // ssh2 throws "Not connected" when the socket is already closed: nothing was sent.
        reject(new ChannelError(`cannot open an exec channel: ${(err as Error).message}`, "unsent"));
      }
    });
  }
}

/**
 * A failure on one channel, before it becomes a TransportError: whether the connection was lost, and
 * whether that happened before the command was sent (`unsent`: safe to dial again and send it) or while
 * it ran (`running`: it may have run).
 */
class ChannelError extends Error {
  readonly lost: "unsent" | "running" | undefined;
  constructor(message: string, lost: "unsent" | "running" | undefined) {
    super(message);
    this.lost = lost;
  }
}

/** Words a connection failure the way an operator can act on it. */
function describeConnectError(err: Error & { level?: string }, refusal: string | undefined): string {
  if (refusal) return refusal;
  if (err.level === "client-authentication") return "authentication failed (check user, key or password)";
  if (err.level === "client-timeout") return "timed out waiting for the SSH handshake";
  return `cannot connect: ${err.message}`;
}
