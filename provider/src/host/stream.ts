import { Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ClientChannel } from "ssh2";
import { TimeoutError, TransportError } from "../core/errors.ts";
import type { SshConnection } from "./connection.ts";

// A byte stream from one host to another through this process: the first command's standard output
// piped into the second's standard input, each on an exec channel of its own connection, with Node's
// stream backpressure end to end (a slow receiver stops the sender through SSH's window), so the
// stream is never held whole in memory. When the sending side fails, is cancelled or runs out of
// time, the receiving side gets an end of input rather than a killed channel: a `zfs receive -s`
// then keeps what it has and reports it.

/** One end of a pipe: a connection and the shell line to run on it (quoted by host/quote.ts). */
export interface PipeEnd {
  connection: SshConnection;
  line: string;
}

/** How a command on a channel ended. */
export interface ChannelOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** What a pipe did: bytes through, and how each command ended. */
export interface PipeOutcome {
  bytes: number;
  source: ChannelOutcome;
  sink: ChannelOutcome;
}

export interface PipeOptions {
  signal?: AbortSignal;
  /** When the transfer must be over (ms since the epoch). */
  deadline?: number;
  /** Told the bytes through so far, as they pass. */
  onProgress?: (bytes: number) => void;
  /** How long the receiving command may take to finish after its input ended on a failure (ms). */
  settleMs?: number;
}

/** How long past the deadline the receiver may take to end (ms). */
const deadlineGraceMs = 2_000;

/** Output kept of a command's stdout/stderr (the stream itself is never kept). */
const keepBytes = 64 * 1024;

/** Collects a readable's text up to a bound. */
function collect(stream: NodeJS.ReadableStream): () => string {
  const parts: Buffer[] = [];
  let size = 0;
  stream.on("data", (chunk: Buffer) => {
    if (size >= keepBytes) return;
    parts.push(chunk.subarray(0, keepBytes - size));
    size += chunk.length;
  });
  return () => Buffer.concat(parts).toString("utf8");
}

/** Resolves with the channel's exit status when it closes; undefined when it closed without one (connection lost). */
function exitOf(channel: ClientChannel): Promise<number | undefined> {
  return new Promise((resolve) => {
    let code: number | undefined;
    channel.on("exit", (c: number | null, signal?: string) => {
      code = c ?? (signal ? 128 + (signal === "TERM" ? 15 : signal === "KILL" ? 9 : signal === "PIPE" ? 13 : 1) : undefined);
    });
    channel.on("close", () => resolve(code));
  });
}

/** A writable that forwards to a channel's stdin, honouring its window (drain); ending it sends EOF. */
function forwardTo(channel: ClientChannel): Writable {
  let closed = false;
  channel.once("close", () => (closed = true));
  return new Writable({
    highWaterMark: 256 * 1024,
    write(chunk: Buffer, _encoding, done) {
      if (closed) return done(new Error("the receiving channel closed"));
      if (channel.write(chunk)) return done();
      const settle = (err?: Error) => {
        channel.off("drain", onDrain);
        channel.off("close", onClose);
        done(err);
      };
      const onDrain = () => settle();
      const onClose = () => settle(new Error("the receiving channel closed"));
      channel.once("drain", onDrain);
      channel.once("close", onClose);
    },
    final(done) {
      channel.end();
      done();
    },
  });
}

/** Waits for a promise at most `ms`; "late" when it did not settle by then. */
function within<T>(p: Promise<T>, ms: number): Promise<T | "late"> {
  return Promise.race([p, new Promise<"late">((resolve) => setTimeout(() => resolve("late"), ms).unref())]);
}

/**
 * Runs `from` and `to`, `from`'s stdout piped into `to`'s stdin. Resolves when both have ended with
 * their exit statuses (the caller judges them); rejects with TransportError when a connection was
 * lost under either command, TimeoutError at the deadline, TransportError on cancellation.
 */
export function pipeStream(from: PipeEnd, to: PipeEnd, options: PipeOptions = {}): Promise<PipeOutcome> {
  return to.connection.stream(to.line, (sink) =>
    from.connection.stream(from.line, (source) => transfer(from, to, source, sink, options)));
}

async function transfer(from: PipeEnd, to: PipeEnd, source: ClientChannel, sink: ClientChannel, options: PipeOptions): Promise<PipeOutcome> {
  const sinkOut = collect(sink);
  const sinkErr = collect(sink.stderr);
  const sourceErr = collect(source.stderr);
  const sinkExit = exitOf(sink);
  const sourceExit = exitOf(source);
  source.end(); // the sending command reads nothing
  let bytes = 0;
  let stopped: Error | undefined;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      options.onProgress?.(bytes);
      done(null, chunk);
    },
  });
  // The sender's channel feeds the pipeline through pipe() (ssh2 channels do not end as Node streams
  // do when destroyed); halting the pipeline unhooks it. The pipeline then ends the receiver's input.
  source.pipe(meter);
  let pumping = true;
  const halt = (why: Error) => {
    if (!pumping) return;
    source.unpipe(meter);
    meter.destroy(why);
  };
  const stop = (why: Error) => {
    stopped ??= why;
    halt(why);
  };
  // The receiver going away halts the flow: nothing would read what the sender sends.
  sink.once("close", () => halt(new Error("the receiving command ended")));
  const onAbort = () => stop(new TransportError(to.connection.label, `transfer cancelled after ${bytes} bytes`));
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const timer = options.deadline === undefined ? undefined : setTimeout(
    () => stop(new TimeoutError(to.connection.label, `the operation's deadline passed after ${bytes} bytes of the transfer`)),
    Math.max(0, options.deadline - Date.now()),
  );
  try {
    await pipeline(meter, forwardTo(sink));
  } catch {
    // Halted, or the receiving side failed: judged below from the exit statuses.
  } finally {
    pumping = false;
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
  // A sender that did not finish is told to stop; what it still sends is read and dropped until its channel closes.
  const stoppedSource = !source.readableEnded;
  if (stoppedSource) {
    try {
      source.signal("TERM");
    } catch {
      // the channel is already gone
    }
    source.close();
    source.resume();
  }
  // The receiver's input ends (EOF, never a killed channel): a `zfs receive -s` keeps what it got.
  if (!sink.writableEnded) sink.end();
  // The receiver gets time to finish what it received, but no more than the deadline leaves and a little
  // past it: a receive whose input ended at the deadline records what it has (resumable), and the
  // host's timeout(1) (session.ts runs both sides under it) reports a command it stopped.
  const settle = Math.min(options.settleMs ?? 60_000,
    options.deadline === undefined ? Infinity : Math.max(0, options.deadline - Date.now()) + deadlineGraceMs);
  const sinkCode = await within(sinkExit, settle);
  if (sinkCode === "late") {
    sink.close();
    if (stopped) throw stopped;
    if (options.deadline !== undefined && Date.now() >= options.deadline) {
      throw new TimeoutError(to.connection.label, `the operation's deadline passed while the receiving command ran, after ${bytes} bytes; its channel was closed`);
    }
    throw new TimeoutError(to.connection.label, `the receiving command did not finish within ${settle} ms of its input ending`);
  }
  const sourceCode = await within(sourceExit, stoppedSource ? 10_000 : settle);
  if (stopped) throw stopped;
  if (sinkCode === undefined) throw new TransportError(to.connection.label, `connection lost during the transfer, after ${bytes} bytes`);
  if (sourceCode === undefined && !stoppedSource) {
    throw new TransportError(from.connection.label, `connection lost during the transfer, after ${bytes} bytes`);
  }
  return {
    bytes,
    source: { code: sourceCode === "late" || sourceCode === undefined ? -1 : sourceCode, stdout: "", stderr: sourceErr() },
    sink: { code: sinkCode, stdout: sinkOut(), stderr: sinkErr() },
  };
}
