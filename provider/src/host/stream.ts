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

/** A writable that forwards to a channel's stdin, honouring its window; ending it sends EOF. */
function forwardTo(channel: ClientChannel): Writable {
  return new Writable({
    highWaterMark: 256 * 1024,
    write(chunk: Buffer, _encoding, done) {
      if (channel.destroyed || !channel.writable) return done(new Error("the receiving channel closed"));
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
  let stoppedSource = false;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      options.onProgress?.(bytes);
      done(null, chunk);
    },
  });
  // Stopping: the sender is told to stop and its channel closed; the receiver gets the end of its input.
  const stop = (why: Error) => {
    if (stopped) return;
    stopped = why;
    stoppedSource = true;
    try {
      source.signal("TERM");
    } catch {
      // the channel is already gone
    }
    source.destroy();
    sink.end();
  };
  const onAbort = () => stop(new TransportError(to.connection.label, `transfer cancelled after ${bytes} bytes`));
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const timer = options.deadline === undefined ? undefined : setTimeout(
    () => stop(new TimeoutError(to.connection.label, `the operation's deadline passed after ${bytes} bytes of the transfer`)),
    Math.max(0, options.deadline - Date.now()),
  );
  try {
    await pipeline(source, meter, forwardTo(sink));
  } catch {
    // A failure on either side: the receiver's input ends here (what it does then is its exit status).
    // When the receiver is the one that went away, the sender is stopped by the pipeline.
    stoppedSource ||= !source.readableEnded;
    if (!sink.writableEnded) sink.end();
  } finally {
    if (timer) clearTimeout(timer);
  }
  const settle = options.settleMs ?? 60_000;
  const sinkCode = await Promise.race([sinkExit, new Promise<"late">((r) => setTimeout(() => r("late"), settle).unref())]);
  options.signal?.removeEventListener("abort", onAbort);
  if (sinkCode === "late") {
    sink.destroy();
    throw stopped ?? new TimeoutError(to.connection.label, `the receiving command did not finish within ${settle} ms of its input ending`);
  }
  const sourceCode = await sourceExit;
  if (stopped) throw stopped;
  if (sinkCode === undefined) throw new TransportError(to.connection.label, `connection lost during the transfer, after ${bytes} bytes`);
  if (sourceCode === undefined && !stoppedSource) {
    throw new TransportError(from.connection.label, `connection lost during the transfer, after ${bytes} bytes`);
  }
  return {
    bytes,
    source: { code: sourceCode ?? -1, stdout: "", stderr: sourceErr() },
    sink: { code: sinkCode, stdout: sinkOut(), stderr: sinkErr() },
  };
}
