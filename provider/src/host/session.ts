import type { Command } from "../core/command.ts";
import { CommandFailedError, ConflictError } from "../core/errors.ts";
import { conflictMarker } from "../freebsd/files.ts";
import type { ProviderConfig } from "../core/config.ts";
import { SshConnection, type ExecResult } from "./connection.ts";
import { buildInventoryScript, parseInventory, type Inventory } from "./inventory.ts";
import { quoteArgv, quoteCommand } from "./quote.ts";

/** Options of one operation against a host. */
export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Told each command before it runs (the provider logs it to the engine at debug level). */
  onCommand?: (line: string) => void;
}

/** How long a finished inventory serves reads before it is taken again. */
const inventoryTtlMs = 2_000;

/** One managed host: its connection, its cached inventory, and the commands run on it. */
export class HostSession {
  readonly connection: SshConnection;
  readonly label: string;
  private readonly become: string[];
  private inventoryPromise: Promise<Inventory> | undefined;
  private inventoryTakenAt = 0;
  private generation = 0;
  /** Inventories taken so far (for tests and benchmarks). */
  inventoriesTaken = 0;

  constructor(config: ProviderConfig) {
    this.connection = new SshConnection(config);
    this.label = this.connection.label;
    this.become = config.become === "sudo" ? ["sudo", "-n", "--"] : config.become === "doas" ? ["doas", "-n"] : [];
  }

  /** The host's inventory, shared by concurrent reads, taken again after a write or when stale. */
  inventory(options: RunOptions = {}): Promise<Inventory> {
    const fresh = Date.now() - this.inventoryTakenAt < inventoryTtlMs;
    if (this.inventoryPromise && (fresh || this.inventoryTakenAt === 0)) return this.inventoryPromise;
    const generation = this.generation;
    const taking = this.takeInventory(options).then(
      (inv) => {
        if (this.generation === generation) this.inventoryTakenAt = Date.now();
        return inv;
      },
      (err: unknown) => {
        if (this.inventoryPromise === taking) this.inventoryPromise = undefined;
        throw err;
      },
    );
    this.inventoryPromise = taking;
    this.inventoryTakenAt = 0;
    return taking;
  }

  /** Forgets the cached inventory; every write calls this. */
  invalidate(): void {
    this.generation++;
    this.inventoryPromise = undefined;
    this.inventoryTakenAt = 0;
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

  /** Runs one command; a non-zero exit not listed in `okCodes` throws CommandFailedError. */
  async exec(cmd: Command, options: RunOptions = {}): Promise<ExecResult> {
    const line = quoteCommand(cmd, this.become);
    options.onCommand?.(line);
    const result = await this.connection.exec(line, cmd.stdin === undefined ? options : { ...options, stdin: cmd.stdin });
    if (result.code !== 0 && !(cmd.okCodes ?? []).includes(result.code)) {
      const Failure = result.stderr.includes(conflictMarker) ? ConflictError : CommandFailedError;
      throw new Failure(this.label, cmd, result.code, result.stderr);
    }
    return result;
  }

  private async takeInventory(options: RunOptions): Promise<Inventory> {
    const { token, script } = buildInventoryScript();
    const line = quoteArgv([...this.become, "/bin/sh", "-c", script]);
    this.inventoriesTaken++;
    const result = await this.connection.exec(line, options);
    if (result.code !== 0) {
      throw new CommandFailedError(this.label, { argv: ["/bin/sh", "-c", "<inventory>"] }, result.code, result.stderr);
    }
    return parseInventory(this.label, token, result.stdout, result.stderr);
  }
}

