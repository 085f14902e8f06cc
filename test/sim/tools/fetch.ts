// fetch(1) (usr.bin/fetch/fetch.c) against a local mirror instead of the network: an http(s) or
// ftp URL is served from STATE/www/<host>/<path> (see publishUrl), file:// URLs from the host's own
// files. A host without a directory there does not resolve ("No address record"), a missing file
// is "Not Found". Progress is as fetch prints it when stderr is not a terminal.

import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { StatePaths } from "../core/paths.ts";
import { getoptLong, type LongOptions } from "../core/getopt.ts";
import { strerror, writeFd } from "./proc-io.ts";

const LONG: LongOptions = {
  "one-file": ["1", false], "ipv4-only": ["4", false], "ipv6-only": ["6", false], "no-redirect": ["A", false],
  retry: ["a", false], "buffer-size": ["B", true], direct: ["d", false], "force-restart": ["F", false],
  "if-modified-since": ["i", true], symlink: ["l", false], mirror: ["m", false], netrc: ["N", true], "no-mtime": ["n", false],
  output: ["o", true], passive: ["p", false], quiet: ["q", false], "keep-output": ["R", false], restart: ["r", false],
  "require-size": ["S", true], "print-size": ["s", false], timeout: ["T", true], verbose: ["v", false],
  "retry-delay": ["w", true], "bind-address": ["", true], "no-passive": ["", false], referer: ["", true],
  "user-agent": ["", true], "no-proxy": ["", true], "ca-cert": ["", true], "ca-path": ["", true], cert: ["", true],
  key: ["", true], crl: ["", true], "no-sslv3": ["", false], "no-tlsv1": ["", false], "no-verify-hostname": ["", false],
  "no-verify-peer": ["", false],
};
const SHORT = "146AaB:bc:dFf:Hh:i:lMmN:nPpo:qRrS:sT:tUvw:";

const USAGE = ["usage: fetch [-146AadFlMmnPpqRrsUv] [-B bytes] [--bind-address=host]",
  "       [--ca-cert=file] [--ca-path=dir] [--cert=file] [--crl=file]",
  "       [-i file] [--key=file] [-N file] [--no-passive] [--no-proxy=list]",
  "       [--no-sslv3] [--no-tlsv1] [--no-verify-hostname] [--no-verify-peer]",
  "       [-o file] [--referer=URL] [-S bytes] [-T seconds]",
  "       [--user-agent=agent-string] [-w seconds] URL ...",
  "       fetch [-146AadFlMmnPpqRrsUv] [-B bytes] [--bind-address=host]",
  "       [--ca-cert=file] [--ca-path=dir] [--cert=file] [--crl=file]",
  "       [-i file] [--key=file] [-N file] [--no-passive] [--no-proxy=list]",
  "       [--no-sslv3] [--no-tlsv1] [--no-verify-hostname] [--no-verify-peer]",
  "       [-o file] [--referer=URL] [-S bytes] [-T seconds]",
  "       [--user-agent=agent-string] [-w seconds] -h host -f file [-c dir]", ""].join("\n");

/** Where a URL of the simulated internet is stored for a host's state directory. */
export function mirrorPath(stateDir: string, url: string): string | undefined {
  const m = /^(?:https?|ftp):\/\/([^/:]+)(?::\d+)?(\/[^?#]*)?/i.exec(url);
  return m ? join(stateDir, "www", m[1]!.toLowerCase(), m[2] ?? "/") : undefined;
}

/** Makes `url` downloadable on a host: copies a local file into its mirror directory. */
export function publishUrl(stateDir: string, url: string, file: string): void {
  const dest = mirrorPath(stateDir, url);
  if (!dest) throw new Error(`not an http(s)/ftp URL: ${url}`);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(file, dest);
}

interface Opts {
  o?: string;
  quiet: boolean;
  printSize: boolean;
  noMtime: boolean;
  mirror: boolean;
  requireSize?: number;
  once: boolean;
}

/** stat_bytes: a number as "xxxx YB" with Y one of " kMGTP". */
function statBytes(n: number): string {
  const prefixes = " kMGTP";
  let p = 0;
  let v = Math.floor(n);
  while (v > 9999 && p < prefixes.length - 1) {
    v = Math.floor(v / 1024);
    p++;
  }
  return `${String(v).padStart(4)} ${prefixes[p]}B`;
}

/** Runs fetch; returns its exit status. */
export function fetchMain(argv: string[], paths: StatePaths): number {
  const parsed = getoptLong("fetch", argv, SHORT, LONG);
  if (typeof parsed === "string") {
    writeFd(2, parsed + USAGE);
    return 1;
  }
  const { opts, operands } = parsed;
  const o: Opts = {
    o: opts.get("o"), quiet: opts.has("q"), printSize: opts.has("s"), noMtime: opts.has("n"), mirror: opts.has("m") || opts.has("M"),
    once: opts.has("1"),
  };
  if (opts.has("S")) {
    const s = opts.get("S")!;
    if (!/^-?\d+$/.test(s)) {
      writeFd(2, `fetch: invalid size (${s})\n`);
      return 1;
    }
    o.requireSize = Number(s);
  }
  if (operands.length === 0) {
    writeFd(2, USAGE);
    return 1;
  }
  let oDirectory = false;
  if (o.o !== undefined && o.o !== "-") {
    if (!existsSync(o.o)) {
      if (operands.length > 1) {
        writeFd(2, `fetch: ${o.o} is not a directory\n`);
        return 1;
      }
    } else if (statSync(o.o).isDirectory()) oDirectory = true;
  }
  let status = 0;
  for (const url of operands) {
    const name = basename(url.replace(/[?#].*$/, "")) || "fetch.out";
    const path = o.o === undefined ? name : o.o === "-" ? "-" : oDirectory ? `${o.o}/${name}` : o.o;
    const ok = fetchOne(url, path, o, paths);
    if (ok && o.once) return 0;
    if (!ok) status = 1;
  }
  return status;
}

function fetchOne(url: string, path: string, o: Opts, paths: StatePaths): boolean {
  if (url === "") {
    writeFd(2, "fetch: empty URL\n");
    return false;
  }
  const source = resolve(url, paths);
  if (typeof source !== "string") {
    writeFd(2, `fetch: ${url}: ${source.error}\n`);
    return false;
  }
  const st = statSync(source);
  if (o.printSize) {
    writeFd(1, `${st.size}\n`);
    return true;
  }
  if (o.requireSize !== undefined && o.requireSize !== 0 && st.size !== o.requireSize) {
    writeFd(2, `fetch: ${url}: size mismatch: expected ${o.requireSize}, actual ${st.size}\n`);
    return false;
  }
  const mtime = Math.floor(st.mtimeMs / 1000);
  if (path !== "-" && o.mirror && existsSync(path)) {
    const local = statSync(path);
    if (local.size === st.size && Math.floor(local.mtimeMs / 1000) === mtime) return true;
  }
  const start = process.hrtime.bigint();
  if (!o.quiet) writeFd(2, path.slice(0, 63).padEnd(46));
  const data = readFileSync(source);
  if (path === "-") writeFd(1, data);
  else {
    // An existing regular file is replaced through a temporary file next to it, as fetch does.
    const replacing = existsSync(path) && statSync(path).isFile();
    const target = replacing ? join(dirname(path), `.fetch.${process.pid}.${basename(path)}`) : path;
    try {
      writeFileSync(target, data);
      if (!o.noMtime) utimesSync(target, mtime, mtime);
      if (replacing) renameSync(target, path);
    } catch (e) {
      if (!o.quiet) writeFd(2, "\n");
      writeFd(2, `fetch: ${path}: open(): ${strerror((e as NodeJS.ErrnoException).code)}\n`);
      if (replacing && existsSync(target)) unlinkSync(target);
      return false;
    }
  }
  if (!o.quiet) {
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const bps = seconds === 0 ? "?? Bps" : `${statBytes(data.length / seconds)}ps`;
    writeFd(2, `        ${statBytes(data.length)} ${bps}    00s\n`);
  }
  return true;
}

/** The local file behind a URL, or the libfetch error string. */
function resolve(url: string, paths: StatePaths): string | { error: string } {
  const file = /^file:\/\/(\/[^?#]*)/i.exec(url);
  if (file || (!url.includes("://") && url.startsWith("/"))) {
    const p = decodeURIComponent(file ? file[1]! : url);
    if (!existsSync(p)) return { error: strerror("ENOENT") };
    return p;
  }
  const m = /^([a-z]+):\/\/([^/:?#]*)/i.exec(url);
  if (!m || !["http", "https", "ftp"].includes(m[1]!.toLowerCase())) return { error: "Invalid URL scheme" };
  const local = mirrorPath(paths.state, url)!;
  if (!existsSync(join(paths.state, "www", m[2]!.toLowerCase()))) return { error: "No address record" };
  if (!existsSync(local) || !statSync(local).isFile()) {
    return { error: m[1]!.toLowerCase() === "ftp" ? "File unavailable (e.g., file not found, no access)" : "Not Found" };
  }
  return local;
}
