import type { Command } from "../core/command.ts";

// Files on the host, written and removed with fixed shell text: the path is an argument and the
// content comes on standard input, so neither is ever part of the command line. Every
// read-modify-write of a shared host file (rc.conf through sysrc, jail.conf, rctl.conf) runs under
// one host-wide lockf(1) lock, and a rewrite is checked against what the file held when it was read.

/** The lock every provider process on a host takes around edits of shared files (lockf -k keeps it). */
export const hostLockFile = "/var/run/pulumi-freebsd.lock";

/** How long a command waits for the host lock before lockf gives up (EX_TEMPFAIL, 75). */
const lockWaitSeconds = 120;

/** The text a write prints when the file is not what the plan expected; the host layer turns it into ConflictError. */
export const conflictMarker = "pulumi-freebsd: conflict:";

/** Runs a command under the host lock (lockf(1): `-k` keeps the lock file, `-t` bounds the wait). */
export function locked(cmd: Command): Command {
  return { ...cmd, argv: ["lockf", "-k", "-t", String(lockWaitSeconds), hostLockFile, ...cmd.argv] };
}

/**
 * What a write may assume about the file: `undefined` overwrites whatever is there, `null` creates a
 * file that must not exist yet, a string replaces a file that must still hold exactly that text.
 */
export type Expected = string | null | undefined;

// $1 "any" | "absent" | the byte length of the expected text, which precedes the new
// content on stdin (read with dd bs=1: head -c and cat may read past it from a pipe); $2 the path. The temporary file is unique (mktemp) and a sibling, so the rename is atomic;
// a new file is linked into place (ln fails if another writer got there first).
const writeScript = [
  "set -e",
  'n=$1; f=$2; d=$(dirname "$f")',
  'mkdir -p "$d"',
  'tmp=$(mktemp "$f.XXXXXX")',
  "trap 'rm -f \"$tmp\" \"$tmp.was\"' EXIT",
  'chmod 644 "$tmp"',
  'conflict() { echo "' + conflictMarker + ' $f $1" >&2; exit 75; }',
  'case $n in',
  '  any) cat > "$tmp"; mv -f "$tmp" "$f" ;;',
  '  absent) cat > "$tmp"; ln "$tmp" "$f" 2>/dev/null || conflict "exists already" ;;',
  '  *) dd bs=1 count="$n" of="$tmp.was" 2>/dev/null; cat > "$tmp"; cmp -s "$tmp.was" "$f" || conflict "changed since it was read"; mv -f "$tmp" "$f" ;;',
  "esac",
].join("\n");

/** Writes a file atomically under the host lock, checked against `expect` (see Expected). */
export function writeFile(path: string, content: string, expect?: Expected): Command {
  const mode = expect === undefined ? "any" : expect === null ? "absent" : String(Buffer.byteLength(expect));
  const stdin = typeof expect === "string" ? expect + content : content;
  return locked({ argv: ["/bin/sh", "-c", writeScript, "sh", mode, path], stdin });
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

/** Prints the named files (those that exist) between markers of the batch token, like catFiles. */
export function catFilePaths(token: string, paths: readonly string[]): Command {
  const script = `for f in "$@"; do [ -f "$f" ] || continue; printf '@@%s file %s\\n' ${token} "$f"; cat "$f"; printf '\\n@@%s eof\\n' ${token}; done`;
  return { argv: ["/bin/sh", "-c", script, "sh", ...paths] };
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
