// Synchronous stdout/stderr writes for tools that exit with process.exit (node's stream writes to
// pipes are asynchronous and would be lost).

import { writeSync } from "node:fs";

/** Writes all of a string or buffer to a file descriptor. */
export function writeFd(fd: number, data: string | Buffer): void {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue;
      if (code === "EPIPE") return;
      throw e;
    }
  }
}

/** strerror(3) of the errno names node reports, as FreeBSD words them. */
export function strerror(code: string | undefined): string {
  const table: Record<string, string> = {
    ENOENT: "No such file or directory", EACCES: "Permission denied", EEXIST: "File exists",
    EISDIR: "Is a directory", ENOTDIR: "Not a directory", EPERM: "Operation not permitted", EROFS: "Read-only file system",
    EBADF: "Bad file descriptor", ENOSPC: "No space left on device", EINVAL: "Invalid argument",
  };
  return table[code ?? ""] ?? "Input/output error";
}
