import { randomBytes } from "node:crypto";
import { describeCommand, type Command } from "../core/command.ts";
import { TimeoutError, TransportError } from "../core/errors.ts";
import type { BatchCommand, CommandResult } from "../host/batch.ts";
import { quoteArgv } from "../host/quote.ts";
import { redactor } from "../host/secrets.ts";
import { budgetOf, clientGraceMs, commandFailure, succeeded, type HostSession, type RunOptions } from "../host/session.ts";
import { mergeRequests, type SectionRequest } from "./section.ts";
import { HostView, InventorySectionError, type SectionResult } from "./view.ts";

// A host as every operation sees it: reads and writes that arrive within a few milliseconds of each
// other (the engine runs independent steps at once) are sent as ONE exec, writes first, each in its
// own subshell, then the sections every operation in the batch reads, scopes united. Order between
// resources stays the engine's: only what it has already released at once is gathered.

/** How long the reads of a batch may run past its deadline, so a timed-out write is still recorded. */
const readBackGraceSeconds = 60;

/** What a write did: each command's result, the first failure, and the host read right after it. */
export interface WriteOutcome {
  results: CommandResult[];
  failure?: Error;
  view: HostView;
}

/** How long the host waits for more operations before it sends a batch: quiet time, and at most. */
export interface Gathering {
  idleMs: number;
  maxMs: number;
}

interface Entry {
  commands: readonly Command[];
  requests: readonly SectionRequest[];
  op: RunOptions;
  resolve(outcome: { results: CommandResult[]; view: HostView }): void;
  reject(err: unknown): void;
}

/** The host that resources read and write through. */
export class Host {
  readonly label: string;
  readonly session: HostSession;
  private readonly gathering: Gathering;
  private queue: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private firstAt = 0;
  /** Operations under way on this host, and how many of their reads and writes wait for an answer. */
  private active = 0;
  private waiting = 0;

  constructor(session: HostSession, gathering: Gathering = { idleMs: 30, maxMs: 5000 }) {
    this.session = session;
    this.label = session.label;
    this.gathering = gathering;
  }

  /** Reads the requested sections, in the next batch. */
  async read(requests: readonly SectionRequest[], op: RunOptions): Promise<HostView> {
    return (await this.enqueue([], requests, op)).view;
  }

  /** Runs commands in order, stopping at the first that fails, then reads `readBack`; in the next batch. */
  async write(commands: readonly Command[], readBack: readonly SectionRequest[], op: RunOptions): Promise<WriteOutcome> {
    const { results, view } = await this.enqueue(commands, readBack, op);
    const failed = results.find((r, i) => !succeeded(commands[i]!, r));
    const index = failed === undefined ? -1 : results.indexOf(failed);
    if (failed) return { results, failure: commandFailure(this.label, commands[index]!, failed, op), view };
    if (results.length < commands.length) {
      return { results, failure: new TransportError(this.label, "the batch ended before the command ran"), view };
    }
    return { results, view };
  }

  /** Runs one command and returns what it printed; its failure throws. */
  async exec(cmd: Command, op: RunOptions): Promise<CommandResult> {
    const outcome = await this.write([cmd], [], op);
    if (outcome.failure) throw outcome.failure;
    return outcome.results[0]!;
  }

  /**
   * Counts an operation as under way until the returned function is called. A batch waits while some
   * operation is still working out what to send (up to the longest gathering time), so what the engine
   * released at once goes in one exec even when this process was slow to get to all of it.
   */
  begin(): () => void {
    this.active++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.active--;
      if (this.queue.length > 0) this.arm(this.gathering.idleMs);
    };
  }

  /** Closes the connection. */
  close(): void {
    this.session.close();
  }

  private async enqueue(commands: readonly Command[], requests: readonly SectionRequest[], op: RunOptions) {
    this.waiting++;
    try {
      return await new Promise<{ results: CommandResult[]; view: HostView }>((resolve, reject) => {
        this.queue.push({ commands, requests, op, resolve, reject });
        if (this.queue.length === 1) this.firstAt = Date.now();
        this.arm(this.gathering.idleMs);
      });
    } finally {
      this.waiting--;
    }
  }

  /** Operations under way that are not waiting for the host: each may still add to the batch. */
  private working(): number {
    return Math.max(0, this.active - this.waiting);
  }

  /** (Re)starts the wait before the queued batch is sent: `idleMs` of quiet, never past the longest gathering time. */
  private arm(idleMs: number): void {
    clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(idleMs, this.firstAt + this.gathering.maxMs - Date.now()));
    this.timer = setTimeout(() => this.quiet(), wait);
  }

  /**
   * The queue has been quiet: send it, unless an operation is still working towards it. A timer that
   * fires late (the process was not running) fires before the I/O that arrived meanwhile is handled,
   * so that I/O gets one turn (setImmediate) before the batch leaves.
   */
  private quiet(): void {
    this.timer = undefined;
    if (this.stillWorking()) return;
    setImmediate(() => {
      if (this.timer !== undefined || this.queue.length === 0 || this.stillWorking()) return;
      void this.flush();
    });
  }

  /** Whether an operation is still working out what to add; if so, waits for it (never past the longest gathering time). */
  private stillWorking(): boolean {
    if (this.working() === 0 || Date.now() >= this.firstAt + this.gathering.maxMs) return false;
    this.arm(Infinity);
    return true;
  }

  /** Sends what is queued as one batch and hands every operation its part. */
  private async flush(): Promise<void> {
    const entries = this.queue.splice(0);
    if (entries.length === 0) return;
    const now = Date.now();
    const writes = entries.filter((e) => e.commands.length > 0);
    const reads = mergeRequests(entries.flatMap((e) => e.requests));
    const budgets = entries.map((e) => budgetOf(e.op, now));
    const longest = budgets.includes(undefined) ? undefined : Math.max(...(budgets as number[]));
    const token = randomBytes(10).toString("hex");
    const items: BatchCommand[][] = [
      ...writes.map((e) => e.commands.map((cmd) => withBudget(cmd, budgetOf(e.op, now)))),
      // The reads after the writes get a grace past the deadline: what a timed-out write did is still read back.
      ...sectionItems(reads, token, longest === undefined ? undefined : longest + readBackGraceSeconds),
    ];
    for (const e of writes) {
      const redact = redactor(e.op.secrets);
      for (const cmd of e.commands) e.op.onCommand?.(redact(quoteArgv(cmd.argv)));
    }
    const timers = entries.map((e) => deadlineTimer(this.label, e, now));
    try {
      const results = await this.send(items, writes.length === 0, entries[0]!.op.signal, longest);
      const view = viewFrom(this.label, reads, results.slice(writes.length), token);
      writes.forEach((e, i) => e.resolve({ results: results[i]!, view }));
      for (const e of entries) if (e.commands.length === 0) e.resolve({ results: [], view });
    } catch (err) {
      for (const e of entries) e.reject(err);
    } finally {
      timers.forEach(clearTimeout);
    }
  }

  /** Sends a batch; one that only reads is sent once more when the connection was lost under it. */
  private async send(items: BatchCommand[][], readOnly: boolean, signal: AbortSignal | undefined, longest: number | undefined) {
    const options = { ...(signal ? { signal } : {}), ...(longest === undefined ? {} : { timeoutMs: longest * 1000 + clientGraceMs }) };
    try {
      return await this.session.batch(items, options);
    } catch (err) {
      if (!readOnly || !(err instanceof TransportError) || err instanceof TimeoutError) throw err;
      return this.session.batch(items, options);
    }
  }
}

/** One batch item per section read, bounded by `budget` seconds. */
export function sectionItems(reads: readonly SectionRequest[], token: string, budget: number | undefined): BatchCommand[][] {
  return reads.map((r) => [withBudget(r.section.command(r.scope, token), budget)]);
}

/** The view of the read sections from their items' results: each parsed, or the reason it failed. */
export function viewFrom(host: string, reads: readonly SectionRequest[], results: readonly CommandResult[][], token: string): HostView {
  const sections = new Map<string, SectionResult>();
  reads.forEach((r, i) => {
    const result = results[i]?.[0];
    const command = describeCommand(r.section.command(r.scope, token));
    try {
      if (!result) throw new Error("it did not run");
      sections.set(r.section.key, { scope: r.scope, value: r.section.parse(result, r.scope, token) });
    } catch (err) {
      const error = new InventorySectionError(host, r.section.key, command, result?.code ?? -1, (err as Error).message);
      sections.set(r.section.key, { scope: r.scope, error });
    }
  });
  return new HostView(host, sections);
}

function withBudget(cmd: Command, budget: number | undefined): BatchCommand {
  return budget === undefined ? { cmd } : { cmd, budget };
}

/** Fails an operation whose deadline passes while its batch is still out (the others go on waiting). */
function deadlineTimer(host: string, e: Entry, now: number): NodeJS.Timeout | undefined {
  if (e.op.deadline === undefined) return undefined;
  return setTimeout(
    () => e.reject(new TimeoutError(host, "the operation's deadline passed while the host had not answered")),
    Math.max(0, e.op.deadline - now) + clientGraceMs,
  );
}
