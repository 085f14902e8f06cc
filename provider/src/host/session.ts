import { describeCommand, type Command } from "../core/command.ts";
import { CommandFailedError, ConflictError, TimeoutError, TransportError } from "../core/errors.ts";
import type { ProviderConfig } from "../core/config.ts";
import { conflictMarker } from "../freebsd/files.ts";
import { SshConnection, type ExecResult } from "./connection.ts";
import { buildInventoryScript, parseInventory, type Inventory } from "./inventory.ts";
import { quoteCommand } from "./quote.ts";
import { redactor, secretsOnStdin } from "./secrets.ts";

/** Options of one operation against a host. */
export interface RunOptions {
  signal?: AbortSignal;
  /**
   * When the whole operation must be over (ms since the epoch). Each command gets what is left, runs on
   * the host under timeout(1) so it is killed there when the deadline passes, and fails with TimeoutError.
   */
  deadline?: number;
  /** Told each command before it runs, secrets redacted (the provider logs it to the engine at debug level). */
  onCommand?: (line: string) => void;
  /** The operation's secret values: sent on stdin rather than in command lines, and redacted from logs and errors. */
  secrets?: readonly string[];
  /** An inventory begun before this time (ms since the epoch) is too old for this operation. */
  freshAfter?: number;
}

/** How long a finished inventory serves reads that do not ask for a fresher one. */
const inventoryTtlMs = 2_000;

/** Grace the client gives a command past its deadline, so the host's timeout(1) reports first. */
const clientGraceMs = 500;

/** timeout(1)'s exit status when it stopped the command (FreeBSD usr.bin/timeout, GNU coreutils alike). */
const timedOutStatus = 124;

/** One managed host: its connection, its cached inventory, and the commands run on it. */
export class HostSession {
  readonly connection: SshConnection;
  readonly label: string;
  private readonly become: string[];
  private inventoryPromise: Promise<Inventory> | undefined;
  private inventoryStartedAt = 0;
  /** When the cached inventory finished; 0 while it is in flight. */
  private inventoryFinishedAt = 0;
  /** Inventories taken so far (for tests and benchmarks). */
  inventoriesTaken = 0;

  constructor(config: ProviderConfig) {
    this.connection = new SshConnection(config);
    this.label = this.connection.label;
    this.become = config.become === "sudo" ? ["sudo", "-n", "--"] : config.become === "doas" ? ["doas", "-n"] : [];
  }

  /**
   * The host's inventory. A write plans from one begun after `freshAfter` (its operation's start); a
   * read shares one in flight, or one finished less than the TTL ago. A write forgets it.
   */
  inventory(options: RunOptions = {}): Promise<Inventory> {
    const cached = this.inventoryPromise;
    const usable = cached !== undefined && (options.freshAfter !== undefined
      ? this.inventoryStartedAt >= options.freshAfter
      : this.inventoryFinishedAt === 0 || Date.now() - this.inventoryFinishedAt < inventoryTtlMs);
    if (usable) return cached;
    const taking = this.takeInventory(options);
    this.inventoryPromise = taking;
    this.inventoryStartedAt = Date.now();
    this.inventoryFinishedAt = 0;
    taking.then(
      () => {
        if (this.inventoryPromise === taking) this.inventoryFinishedAt = Date.now();
      },
      () => {
        if (this.inventoryPromise === taking) this.inventoryPromise = undefined;
      },
    );
    return taking;
  }

  /** Forgets the cached inventory; every write calls this. */
  invalidate(): void {
    this.inventoryPromise = undefined;
  }

  /** Runs commands in order, stopping at the first failure; the inventory is invalidated. */
  async run(commands: readonly Command[], options: RunOptions = {}): Promise<void> {
    this.invalidate();
    try {
      for (const cmd of commands) await this.exec(cmd, options);
    } finally {
      this.invalidate();
    }
  }

  /** Runs one command; a non-zero exit not listed in `okCodes` throws CommandFailedError (ConflictError for a stale write). */
  async exec(cmd: Command, options: RunOptions = {}): Promise<ExecResult> {
    const result = await this.send(cmd, options);
    if (result.code !== 0 && !(cmd.okCodes ?? []).includes(result.code)) {
      const redact = redactor(options.secrets);
      const shown = { ...cmd, argv: cmd.argv.map(redact) };
      const Failure = result.stderr.includes(conflictMarker) ? ConflictError : CommandFailedError;
      throw new Failure(this.label, shown, result.code, redact(result.stderr));
    }
    return result;
  }

  /** Closes the connection. */
  close(): void {
    this.invalidate();
    this.connection.close();
  }

  /** Sends one command: secrets moved to stdin, bounded by the deadline on both ends, logged redacted. */
  private async send(cmd: Command, options: RunOptions): Promise<ExecResult> {
    const redact = redactor(options.secrets);
    const left = options.deadline === undefined ? undefined : options.deadline - Date.now();
    if (left !== undefined && left <= 0) {
      throw new TimeoutError(this.label, `the operation's deadline passed before \`${redact(describeCommand(cmd))}\` could run`);
    }
    const hidden = secretsOnStdin(cmd, options.secrets ?? []);
    // timeout(1) kills the command and everything it started (FreeBSD: procctl PROC_REAP_KILL) when the
    // deadline passes, so a channel closed by the client never leaves it running behind OpenSSH.
    const bounded = left === undefined ? hidden : { ...hidden, argv: ["timeout", "-k", "5", String(Math.ceil(left / 1000)), ...hidden.argv] };
    const line = quoteCommand(bounded, this.become);
    options.onCommand?.(redact(line));
    const result = await this.connection.exec(line, {
      ...(bounded.stdin === undefined ? {} : { stdin: bounded.stdin }),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(left === undefined ? {} : { timeoutMs: left + clientGraceMs }),
    }).catch((err: unknown) => {
      if (err instanceof TimeoutError) {
        throw new TimeoutError(this.label, `the operation's deadline passed while \`${redact(describeCommand(cmd))}\` ran, and the host did not answer`);
      }
      throw err;
    });
    if (left !== undefined && result.code === timedOutStatus) {
      throw new TimeoutError(this.label, `the operation's deadline passed while \`${redact(describeCommand(cmd))}\` ran; it was stopped on the host`);
    }
    return result;
  }

  private async takeInventory(options: RunOptions): Promise<Inventory> {
    const { token, script } = buildInventoryScript();
    this.inventoriesTaken++;
    const read = () => this.send({ argv: ["/bin/sh", "-c", script] }, { ...options, onCommand: undefined, secrets: [] });
    // Reading changes nothing, so a connection lost under it is dialled again once (the read-back of a
    // write that ended just as the connection went must still see what the write did).
    const result = await read().catch((err: unknown) => {
      if (err instanceof TransportError && !(err instanceof TimeoutError)) return read();
      throw err;
    });
    if (result.code !== 0) {
      throw new CommandFailedError(this.label, { argv: ["/bin/sh", "-c", "<inventory>"] }, result.code, result.stderr);
    }
    return parseInventory(this.label, token, result.stdout, result.stderr);
  }
}
