import { writeSync } from "node:fs";

// Writing a tool's output to its descriptors, for every simulated tool.

/** Writes text to a descriptor, retrying short writes. */
export function writeFd(fd: number, text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
      if ((e as NodeJS.ErrnoException).code === "EPIPE") return;
      throw e;
    }
  }
}
