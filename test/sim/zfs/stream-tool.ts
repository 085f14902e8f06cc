// zfs send and zfs receive as tools/run.ts runs them: they meet the state lock themselves, holding it
// only to plan (send), to check the destination and to lay a stream down (receive), never while a
// stream flows, so `zfs send | zfs receive` works on one host and a stream of any size passes through
// without being held in memory.

import { statePaths, type StatePaths } from "../core/paths.ts";
import { acquireLock, loadDisk, loadKernel, releaseLock, saveDisk, saveKernel } from "../core/store.ts";
import { writeFd } from "../core/fd.ts";
import { ExitError, makeCtx, type ZfsCtx } from "./context.ts";
import { planSend } from "./cmd-send.ts";
import { writePart } from "./send-stream.ts";
import { BrokenPipe, StreamWriter } from "./stream.ts";
import { receiveStreams } from "./recv-run.ts";

/** Whether a zfs invocation is one of the streaming subcommands. */
export function isStreamingZfs(args: readonly string[]): boolean {
  return args[0] === "send" || args[0] === "receive" || args[0] === "recv";
}

/** Runs fn on the loaded model under the lock (shared unless `write`), saves what changed, then prints its output. */
export function withZfs<T>(paths: StatePaths, write: boolean, fn: (ctx: ZfsCtx) => T): T | ExitError {
  const lock = acquireLock(paths.lock, !write);
  const ctx = makeCtx(paths, loadDisk(paths), loadKernel(paths), Math.floor(Date.now() / 1000));
  try {
    const value = fn(ctx);
    if (write && ctx.dirtyDisk) saveDisk(paths, ctx.disk);
    if (write && ctx.dirtyKernel) saveKernel(paths, ctx.kernel);
    return value;
  } catch (e) {
    if (e instanceof ExitError) return e;
    throw e;
  } finally {
    releaseLock(lock);
    writeFd(1, ctx.io.out.join(""));
    writeFd(2, ctx.io.err.join(""));
  }
}

/** Runs `zfs send ...` or `zfs receive ...`; returns the exit status. */
export function runStreamingZfs(state: string, args: string[]): number {
  const paths = statePaths(state);
  return args[0] === "send" ? send(paths, args.slice(1)) : receiveStreams(paths, args.slice(1));
}

function send(paths: StatePaths, argv: string[]): number {
  const plan = withZfs(paths, false, (ctx) => planSend(ctx, argv));
  if (plan instanceof ExitError) return plan.code;
  if (plan.code !== 0) return plan.code;
  const w = new StreamWriter(1);
  try {
    for (const part of plan.parts) writePart(w, part);
  } catch (e) {
    // The receiving end went away (the receive failed, or the connection carrying the stream did).
    const why = e instanceof BrokenPipe ? "Broken pipe" : "Input/output error";
    writeFd(2, `warning: cannot send '${plan.name}': ${why}\n`);
    return 1;
  }
  return 0;
}
