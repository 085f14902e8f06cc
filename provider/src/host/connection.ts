import type { Client, ClientChannel } from "ssh2";
import { TimeoutError, TransportError } from "../core/errors.ts";
import type { ProviderConfig } from "../core/config.ts";
import { dial, labelOf, type Dialled } from "./dial.ts";
import { redactor } from "./secrets.ts";
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

/**
 * One ssh2 connection to a host, opened lazily, shared by every call, reopened after a drop; through
 * the configured bastion when there is one (host/dial.ts), which is dialled anew with it.
 */
export class SshConnection {
  readonly label: string;
  /** Exec channels opened so far (for tests and benchmarks). */
  channelsOpened = 0;
  private client: Client | undefined;
  private bastion: Client | undefined;
  private connecting: Promise<Client> | undefined;
  /** Counts close() calls: a dial begun before the last one is not wanted any more. */
  private generation = 0;
  private readonly slots: Semaphore;
  private readonly config: ProviderConfig;
  private readonly env: NodeJS.ProcessEnv;
  /** Removes the credentials (the host's and the bastion's) from any text a dial failure gives. */
  private readonly redact: (text: string) => string;

  constructor(config: ProviderConfig, env: NodeJS.ProcessEnv = process.env) {
    this.config = config;
    this.env = env;
    this.label = labelOf(config);
    this.slots = new Semaphore(config.maxSessions);
    const p = config.proxy;
    this.redact = redactor([config.privateKey, config.privateKeyPassphrase, config.password, p?.privateKey, p?.privateKeyPassphrase, p?.password]
      .filter((v): v is string => typeof v === "string"));
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
          if (await refusedAgain(err, attempt, options.signal)) continue;
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
          if (await refusedAgain(err, attempt)) continue;
          const lost = err instanceof ChannelError ? err.lost : undefined;
          if (lost !== undefined) this.drop(client);
          if (lost === "unsent" && attempt === 1) continue;
          throw err instanceof ChannelError ? new TransportError(this.label, err.message) : err;
        }
        return use(channel);
      }
    });
  }

  /** Closes the connection (and the bastion's); a later exec opens a new one. */
  close(): void {
    this.generation++;
    this.client?.end();
    this.bastion?.end();
    this.client = undefined;
    this.bastion = undefined;
    this.connecting = undefined;
  }

  /** Forgets a client whose connection broke, so the next command dials again. */
  private drop(client: Client): void {
    if (this.client === client) {
      this.client = undefined;
      this.bastion?.end();
      this.bastion = undefined;
    }
    client.end();
  }

  private connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const generation = this.generation;
    let dialled: Dialled;
    try {
      dialled = await dial(this.config, { env: this.env, wanted: () => this.generation === generation });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new TransportError(this.label, this.redact(message), { cause: err });
    }
    const { client, bastion } = dialled;
    if (this.generation !== generation) {
      // Closed (a new configuration) while dialling: this connection is not wanted any more.
      client.end();
      bastion?.end();
      throw new TransportError(this.label, "the connection was closed while it was being opened");
    }
    this.client = client;
    this.bastion = bastion;
    // After the handshake an error or end means the connection is gone: the next command dials again.
    const forget = () => {
      if (this.client === client) {
        this.client = undefined;
        this.bastion = undefined;
      }
    };
    client.on("end", forget);
    client.on("close", forget);
    client.on("error", forget);
    bastion?.on("error", forget);
    return client;
  }

  /** Opens an exec channel running `line`; ChannelError says whether the connection was lost. */
  private openChannel(client: Client, line: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        client.exec(line, (err, channel) => {
          if (err) {
            const live = err.message.startsWith("(SSH) Channel open failure");
            return reject(new ChannelError(`cannot open an exec channel: ${err.message}`, live ? undefined : "unsent", live));
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
          return reject(new ChannelError(`cannot open an exec channel: ${err.message}`, live ? undefined : "unsent", live));
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
  /** The live server refused to open the channel (the command was never sent). */
  readonly refused: boolean;
  constructor(message: string, lost: "unsent" | "running" | undefined, refused = false) {
    super(message);
    this.lost = lost;
    this.refused = refused;
  }
}

/** How many times a channel the server refused is asked for again, and the first pause (ms, growing). */
const refusedAttempts = 10;
const refusedPauseMs = 25;

/**
 * Whether to ask again for a channel a live server refused: the command was never sent. OpenSSH counts a
 * session against MaxSessions until its side of the channel is torn down, a moment after the client sees
 * it close, so a client that keeps under the limit can still be refused briefly (found opening 200
 * channels at once, 8 at a time, behind sshd with MaxSessions 10). Pauses before saying yes.
 */
async function refusedAgain(err: unknown, attempt: number, signal?: AbortSignal): Promise<boolean> {
  if (!(err instanceof ChannelError) || !err.refused || attempt >= refusedAttempts || signal?.aborted) return false;
  await new Promise((resolve) => setTimeout(resolve, refusedPauseMs * attempt));
  return true;
}
