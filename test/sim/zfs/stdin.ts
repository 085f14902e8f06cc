// Standard input of `zfs receive`, read whole before the tool takes the state lock: the sending
// side of `zfs send | zfs receive` on the same host needs that lock to produce the stream.

import { readSync } from "node:fs";
import { isatty } from "node:tty";

let pending: Buffer | undefined;

/** Reads a file descriptor to its end (retrying EAGAIN on a non-blocking pipe). */
export function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === "EOF") break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

/** True for `zfs receive`/`zfs recv` invocations. */
function isReceive(tool: string, args: string[]): boolean {
  return tool === "zfs" && (args[0] === "receive" || args[0] === "recv");
}

/** Reads stdin now when the tool is a `zfs receive` whose stdin is not a terminal. */
export function preloadStdin(tool: string, args: string[]): void {
  if (isReceive(tool, args) && !isatty(0)) pending = readAll(0);
}

/** The receive stream: what preloadStdin read, else stdin read now; undefined when stdin is a terminal. */
export function receiveInput(): Buffer | undefined {
  if (pending !== undefined) return pending;
  if (isatty(0)) return undefined;
  pending = readAll(0);
  return pending;
}
