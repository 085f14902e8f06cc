// Applies the fault plan to one exec channel of the ssh2 server: drop the connection before, during
// or after the command, cut it after a number of output bytes, fail the command without running it,
// or stall it.

import type { Socket } from "node:net";
import type { Writable } from "node:stream";
import type { Connection, ServerChannel } from "ssh2";
import { claimExec, markFired } from "./faults.ts";

/** Output bytes sent per drop-bytes rule id, across the connections of this process. */
const bytesSent = new Map<string, number>();

export interface FaultedExec {
  stateDir: string;
  command: string;
  channel: ServerChannel;
  /** The connection the channel belongs to (dropped at TCP level, no SSH disconnect message). */
  client: Connection;
  /** Runs the command on the channel: streams, exit status, end. */
  run(): void;
}

/** Drops a connection like a dead network or a killed sshd: FIN after flushing, or at once. */
export function dropConnection(client: Connection, flush: boolean): void {
  const sock = (client as unknown as { _sock?: Socket })._sock;
  if (!sock) return;
  if (flush) sock.destroySoon();
  else sock.destroy();
}

/** Runs an exec subject to the armed faults (just `run()` when none fires). */
export function execWithFaults(x: FaultedExec): void {
  const f = claimExec(x.stateDir, x.command);
  const { channel } = x;
  if (f.drop === "before") return dropConnection(x.client, false);
  if (f.bytes) {
    const state = { dropped: false };
    limitBytes(x, channel, f.bytes, state);
    limitBytes(x, channel.stderr, f.bytes, state);
  }
  if (f.drop === "during") {
    // The command ran; its exit status never leaves the host.
    patch(channel, "exit", () => dropConnection(x.client, false));
    patch(channel, "end", () => undefined);
  } else if (f.drop === "after") {
    const end = channel.end.bind(channel);
    patch(channel, "end", (...args: unknown[]) => {
      (end as (...a: unknown[]) => void)(...args);
      dropConnection(x.client, true);
    });
  }
  const answer = (): void => {
    if (!f.fail) return x.run();
    if (f.fail.stdout) channel.write(f.fail.stdout);
    if (f.fail.stderr) channel.stderr.write(f.fail.stderr);
    channel.exit(f.fail.code);
    channel.end();
  };
  if (f.stall === null) return; // never answers: the client's close or a drop ends it
  if (f.stall !== undefined) {
    const timer = setTimeout(answer, f.stall);
    channel.on("close", () => clearTimeout(timer));
    return;
  }
  answer();
}

function patch(target: object, method: string, fn: (...args: unknown[]) => unknown): void {
  Object.defineProperty(target, method, { value: fn, configurable: true, writable: true });
}

/** Lets `budget.n` bytes (counted per rule across channels) through `stream`, then drops the connection. */
function limitBytes(x: FaultedExec, stream: Writable, budget: { id: string; n: number }, state: { dropped: boolean }): void {
  const write = stream.write.bind(stream) as (chunk: Buffer) => boolean;
  patch(stream, "write", (chunk: unknown) => {
    if (state.dropped) return true;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    const used = bytesSent.get(budget.id) ?? 0;
    const left = budget.n - used;
    if (buf.length < left) {
      bytesSent.set(budget.id, used + buf.length);
      return write(buf);
    }
    if (left > 0) write(buf.subarray(0, left));
    bytesSent.set(budget.id, budget.n);
    state.dropped = true;
    markFired(x.stateDir, budget.id, x.command);
    dropConnection(x.client, true);
    return true;
  });
}
