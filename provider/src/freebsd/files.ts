import type { Command } from "../core/command.ts";

// Files on the host, written and removed with fixed shell text: the path is an argument and the
// content comes on standard input, so neither is ever part of the command line.

/** Writes a file atomically (a sibling temporary file, then rename), creating its directory. */
export function writeFile(path: string, content: string): Command {
  const script = 'set -e; mkdir -p "$(dirname "$1")"; umask 022; cat > "$1.pulumi-new"; mv -f "$1.pulumi-new" "$1"';
  return { argv: ["/bin/sh", "-c", script, "sh", path], stdin: content };
}

/** Removes a file; a file already gone is fine. */
export function removeFile(path: string): Command {
  return { argv: ["rm", "-f", path] };
}

/** Prints every file matching the globs between markers of the batch token (the inventory's file section). */
export function catFiles(token: string, globs: readonly string[]): Command {
  // The globs are our own constants; the token is hex. Each file ends with an added newline before
  // its end marker, so a file without a trailing newline is still read back byte for byte.
  const script =
    `for f in ${globs.join(" ")}; do [ -f "$f" ] || continue; ` +
    `printf '@@%s file %s\\n' ${token} "$f"; cat "$f"; printf '\\n@@%s eof\\n' ${token}; done`;
  return { argv: ["/bin/sh", "-c", script] };
}

/** Splits the output of catFiles into file contents by path. */
export function parseCatFiles(token: string, text: string): Map<string, string> {
  const files = new Map<string, string>();
  const head = `@@${token} file `;
  const tail = `\n@@${token} eof\n`;
  let at = 0;
  while (at < text.length) {
    if (!text.startsWith(head, at)) throw new Error(`unexpected file listing at offset ${at}`);
    const nameEnd = text.indexOf("\n", at);
    const path = text.slice(at + head.length, nameEnd);
    const end = text.indexOf(tail, nameEnd + 1);
    if (end < 0) throw new Error(`file listing of ${path} is cut short`);
    files.set(path, text.slice(nameEnd + 1, end));
    at = end + tail.length;
  }
  return files;
}
