// sha256(1) (sbin/md5/md5.c, one program linked as md5, sha1, sha256, ...; FreeBSD 14 keeps it at
// /sbin/sha256): the BSD output `SHA256 (FILE) = DIGEST`, `-q` the digest alone (what bsdinstall's
// checksum script and release/scripts/make-manifest.sh use), `-r` `DIGEST FILE`, `-s STRING`,
// `-c DIGEST` to compare (exit 2 and ` [ Failed ]` on a mismatch), `-p` to echo standard input.
// A file that cannot be read is warn(3)ed (`sha256: FILE: No such file or directory`), the others
// still digested, and the status is 1. The GNU-style sha256sum mode is not simulated.

import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { getopt, getoptMessage } from "../core/getopt.ts";
import type { StatePaths } from "../core/paths.ts";
import { strerror, writeFd } from "./proc-io.ts";

const USAGE = "usage: sha256 [-pqrtx] [-c string] [-s string] [files ...]\n";

/** The digest of a buffer, lower-case hex. */
function digest(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Reads all of standard input (a pipe or a file). */
function readStdin(): Buffer {
  try {
    return readFileSync(0);
  } catch {
    return Buffer.alloc(0);
  }
}

/** Runs sha256; returns its exit status. */
export function sha256Main(argv: string[], _paths: StatePaths): number {
  const { opts, rest } = getopt(argv, "c:pqrs:tx");
  let quiet = false;
  let reverse = false;
  let check: string | undefined;
  let strings = false;
  let failed = 0;
  let mismatches = 0;
  const out: string[] = [];
  const compare = (sum: string, failedWord: string): void => {
    if (check !== undefined && check !== sum) {
      mismatches++;
      if (!quiet) out.push(failedWord);
    }
  };
  for (const o of opts) {
    if (o.opt === "?" || o.opt === ":" || o.opt === "t" || o.opt === "x") {
      // The time trial and the self test are not simulated; they are reported as usage errors.
      writeFd(2, (o.opt === "?" || o.opt === ":" ? getoptMessage("sha256", o) : "") + USAGE);
      return 1;
    }
    if (o.opt === "q") quiet = true;
    else if (o.opt === "r") reverse = true;
    else if (o.opt === "c") check = o.arg!;
    else if (o.opt === "p") {
      const data = readStdin();
      writeFd(1, data);
      out.push(`${digest(data)}\n`);
    } else if (o.opt === "s") {
      strings = true;
      const sum = digest(o.arg!);
      out.push(quiet ? sum : reverse ? `${sum} "${o.arg}"` : `SHA256 ("${o.arg}") = ${sum}`);
      compare(sum, " [ failed ]");
      out.push("\n");
    }
  }
  for (const file of rest) {
    let data: Buffer;
    try {
      if (statSync(file).isDirectory()) throw Object.assign(new Error("dir"), { code: "EISDIR" });
      data = readFileSync(file);
    } catch (e) {
      writeFd(1, out.splice(0).join(""));
      writeFd(2, `sha256: ${file}: ${strerror((e as NodeJS.ErrnoException).code)}\n`);
      failed++;
      continue;
    }
    const sum = digest(data);
    out.push(quiet ? sum : reverse ? `${sum} ${file}` : `SHA256 (${file}) = ${sum}`);
    compare(sum, " [ Failed ]");
    out.push("\n");
  }
  if (rest.length === 0 && !strings && !opts.some((o) => o.opt === "p")) out.push(`${digest(readStdin())}\n`);
  writeFd(1, out.join(""));
  if (failed > 0) return 1;
  return mismatches > 0 ? 2 : 0;
}
