// The simulator's `zfs send` stream: not OpenZFS's DRR records but a text-safe serialization (one
// header line, one JSON line) of what a receiver needs: the sent snapshots with their guids (which
// receive keeps, as ZFS does), their files, and for -p/-R the dataset's properties. ASCII only, so a
// stream survives being captured as a string and fed to another host's stdin.

import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import type { PropValue, ZplProps } from "../core/types.ts";

/** First line of every stream; anything else is "invalid stream (bad magic number)". */
export const STREAM_MAGIC = "FREEBSD-SIM-ZFS-STREAM 1";

/** A file, directory or symlink: [kind, relative path, mode, mtime seconds, base64 data or link target]. */
export type Entry = ["f" | "d" | "l", string, number, number, string];

export interface StreamSnap {
  /** Short snapshot name (after the @). */
  name: string;
  guid: string;
  creation: number;
  refer: number;
  logicalrefer: number;
  user: Record<string, string>;
  files: Entry[];
  volsize?: number;
}

export interface Stream {
  /** The dataset `zfs send` was given (drr_toname without the @snap). */
  sendfs: string;
  /** Guid of the incremental source, "0" for a full stream. */
  fromguid: string;
  type: "filesystem" | "volume";
  zpl?: ZplProps;
  volblocksize?: number;
  /** Locally set properties (only with -p or -R). */
  props?: Record<string, PropValue>;
  userProps?: Record<string, string>;
  snaps: StreamSnap[];
}

/** Serializes a stream. */
export function encodeStream(s: Stream): string {
  return `${STREAM_MAGIC}\n${JSON.stringify(s)}\n`;
}

/** Parses a stream; undefined when it does not start with the magic line or is cut short. */
export function decodeStream(data: Buffer): Stream | undefined {
  const text = data.toString("latin1");
  const nl = text.indexOf("\n");
  if (nl < 0 || text.slice(0, nl) !== STREAM_MAGIC) return undefined;
  try {
    const s = JSON.parse(text.slice(nl + 1)) as Stream;
    return Array.isArray(s.snaps) && s.snaps.length > 0 ? s : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a directory tree into entries, leaving out nested mount points' contents. */
export function readTree(dir: string, excludes: string[]): Entry[] {
  const entries: Entry[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const name of readdirSync(abs).sort()) {
      const p = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const mtime = Math.floor(st.mtimeMs / 1000);
      if (st.isSymbolicLink()) entries.push(["l", r, 0o777, mtime, readlinkSync(p)]);
      else if (st.isDirectory()) {
        entries.push(["d", r, st.mode & 0o7777, mtime, ""]);
        if (!excludes.includes(p)) walk(p, r);
      } else if (st.isFile()) entries.push(["f", r, st.mode & 0o7777, mtime, readFileSync(p).toString("base64")]);
    }
  };
  if (existsSync(dir)) walk(dir, "");
  return entries;
}

/** Writes entries below a directory (which must be empty or absent). */
export function writeTree(dir: string, entries: Entry[]): void {
  mkdirSync(dir, { recursive: true });
  const dirs: Entry[] = [];
  for (const e of entries) {
    const p = join(dir, e[1]);
    if (e[0] === "d") {
      mkdirSync(p, { recursive: true });
      dirs.push(e);
    } else if (e[0] === "l") symlinkSync(e[4], p);
    else {
      writeFileSync(p, Buffer.from(e[4], "base64"));
      chmodSync(p, e[2]);
      utimesSync(p, e[3], e[3]);
    }
  }
  // Directory times last: creating entries inside would move them again.
  for (const e of dirs.reverse()) {
    chmodSync(join(dir, e[1]), e[2]);
    utimesSync(join(dir, e[1]), e[3], e[3]);
  }
}

/** Bytes of file data in a snapshot of the stream (for -v sizes). */
export function streamBytes(s: StreamSnap): number {
  return s.files.reduce((n, e) => n + (e[0] === "f" ? Math.floor((e[4].length * 3) / 4) : 0), 312);
}
