import { randomBytes } from "node:crypto";
import { describeCommand, type Command } from "../core/command.ts";
import { CommandFailedError, ConflictError, TimeoutError } from "../core/errors.ts";
import type { ProviderConfig } from "../core/config.ts";
import { conflictMarker } from "../freebsd/files.ts";
import { batchScript, parseBatch, timedOutStatus, type BatchCommand, type CommandResult } from "./batch.ts";
import { SshConnection } from "./connection.ts";
import { pipeStream, type PipeOutcome } from "./stream.ts";
import { quoteArgv } from "./quote.ts";
import { redactor } from "./secrets.ts";

/** Options of one operation against a host. */
export interface RunOptions {
  signal?: AbortSignal;
  /**
   * When the whole operation must be over (ms since the epoch). Each command gets what is left, runs on
   * the host under timeout(1) so it is stopped there when the deadline passes, and fails with TimeoutError.
   */
  deadline?: number;
  /** Told each command before it runs, secrets redacted (the provider logs it to the engine at debug level). */
  onCommand?: (line: string) => void;
  /** The operation's secret values: redacted from logs and errors (the commands reach the host on stdin). */
  secrets?: readonly string[];
}

/** Grace the client gives a batch past its last deadline, so the host's timeout(1) reports first. */
export const clientGraceMs = 500;

/** The seconds left of an operation's deadline, from now (undefined: no deadline). */
export function budgetOf(options: RunOptions, now = Date.now()): number | undefined {
  return options.deadline === undefined ? undefined : Math.max(0, (options.deadline - now) / 1000);
}

/** The error of a command that failed in an operation: its command and stderr redacted of the operation's secrets. */
export function commandFailure(host: string, cmd: Command, result: CommandResult, options: RunOptions): Error {
  const redact = redactor(options.secrets);
  const shown = { ...cmd, argv: cmd.argv.map(redact) };
  if (options.deadline !== undefined && result.code === timedOutStatus) {
    return new TimeoutError(host, `the operation's deadline passed while \`${describeCommand(shown)}\` ran; it was stopped on the host`);
  }
  const Failure = result.stderr.includes(conflictMarker) ? ConflictError : CommandFailedError;
  return new Failure(host, shown, result.code, redact(result.stderr));
}

/** Whether a command's status counts as success. */
export function succeeded(cmd: Command, result: CommandResult): boolean {
  return result.code === 0 || (cmd.okCodes ?? []).includes(result.code);
}

/** One managed host's connection: batches of commands, one exec each, the script on standard input. */
export class HostSession {
  readonly connection: SshConnection;
  readonly label: string;
  private readonly become: string[];
  /** Batches sent so far (for tests and benchmarks). */
  batchesSent = 0;

  /** `env`: where the connection finds the SSH agent when the config names none (read at each dial). */
  constructor(config: ProviderConfig, env: NodeJS.ProcessEnv = process.env) {
    this.connection = new SshConnection(config, env);
    this.label = this.connection.label;
    this.become = config.become === "sudo" ? ["sudo", "-n", "--"] : config.become === "doas" ? ["doas", "-n"] : [];
  }

  /**
   * Runs items (lists of commands, each stopping at its first failure) in one exec and returns what
   * each command that ran did. Only transport problems throw; `timeoutMs` bounds the wait.
   */
  async batch(items: readonly (readonly BatchCommand[])[], options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CommandResult[][]> {
    const token = randomBytes(10).toString("hex");
    this.batchesSent++;
    const result = await this.connection.exec(quoteArgv([...this.become, "/bin/sh", "-s"]), {
      stdin: batchScript(token, items),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    const results = parseBatch(token, items, result.stdout);
    if (result.code !== 0 && results.every((r) => r.length === 0) && items.length > 0) {
      throw new CommandFailedError(this.label, { argv: ["/bin/sh", "-s"] }, result.code, result.stderr);
    }
    return results;
  }

  /** Runs one command in an operation; a status that is not success throws (CommandFailedError, ConflictError, TimeoutError). */
  async exec(cmd: Command, options: RunOptions = {}): Promise<CommandResult> {
    const budget = budgetOf(options);
    if (budget === 0) {
      throw new TimeoutError(this.label, `the operation's deadline passed before \`${redactor(options.secrets)(describeCommand(cmd))}\` could run`);
    }
    options.onCommand?.(redactor(options.secrets)(quoteArgv(cmd.argv)));
    const [results] = await this.batch([[{ cmd, ...(budget === undefined ? {} : { budget }) }]], {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(budget === undefined ? {} : { timeoutMs: budget * 1000 + clientGraceMs }),
    }).catch((err: unknown) => {
      if (err instanceof TimeoutError) {
        throw new TimeoutError(this.label, `the operation's deadline passed while \`${redactor(options.secrets)(describeCommand(cmd))}\` ran, and the host did not answer`);
      }
      throw err;
    });
    const result = results![0];
    if (!result) throw new CommandFailedError(this.label, cmd, -1, "the command did not run");
    if (!succeeded(cmd, result)) throw commandFailure(this.label, cmd, result, options);
    return result;
  }

  /** The shell line running a command as the configured user (through `become`). */
  commandLine(cmd: Command): string {
    return quoteArgv([...this.become, ...cmd.argv]);
  }

  /**
   * Runs `send` on this host and `receive` on `to`, the first's standard output piped into the second's
   * standard input through this process (host/stream.ts); resolves with both exit statuses. Under a
   * deadline each side runs under timeout(1), as a batch's commands do, so the host stops it when the
   * deadline passes, and a side stopped so fails with TimeoutError.
   */
  async pipeTo(to: HostSession, send: Command, receive: Command, options: RunOptions & { onProgress?: (bytes: number) => void }): Promise<PipeOutcome> {
    const redact = redactor(options.secrets);
    const budget = budgetOf(options);
    if (budget === 0) {
      throw new TimeoutError(this.label, `the operation's deadline passed before \`${redact(describeCommand(send))}\` could run`);
    }
    options.onCommand?.(redact(`${quoteArgv(send.argv)} (on ${this.label}) | ${quoteArgv(receive.argv)}`));
    const bounded = (cmd: Command): Command =>
      budget === undefined ? cmd : { ...cmd, argv: ["timeout", "-k", "5", String(Math.max(1, Math.ceil(budget))), ...cmd.argv] };
    const out = await pipeStream(
      { connection: this.connection, line: this.commandLine(bounded(send)) },
      { connection: to.connection, line: to.commandLine(bounded(receive)) },
      {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
    );
    if (options.deadline !== undefined && out.source.code === timedOutStatus) throw commandFailure(this.label, send, out.source, options);
    if (options.deadline !== undefined && out.sink.code === timedOutStatus) throw commandFailure(to.label, receive, out.sink, options);
    return out;
  }

  /** Closes the connection. */
  close(): void {
    this.connection.close();
  }
}
