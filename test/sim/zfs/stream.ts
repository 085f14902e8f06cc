// The simulator's `zfs send` stream: not OpenZFS's DRR records, but binary records of the same shape.
// Each snapshot's stream is a BEGN record (what drr_begin says: names, guids, type, flags, resume
// point), OBJT records (a directory, file, symlink, a freed path, an extent of synthetic data), DATA
// records (file and extent bytes, raw, at most 128K each) and an ENDS record. Every record is
//   tag (4 ASCII bytes) | payload length (u32 BE) | payload | CRC-32 of the three (u32 BE)
// so a corrupted record fails the receive ("checksum mismatch") and a stream cut short lacks its
// ENDS ("incomplete stream"). File data travels as raw bytes: a stream is as large as its data.
// `zfs send -I` and `-R` concatenate snapshot streams, as OpenZFS does without -R's compound header.

import { readSync, writeSync } from "node:fs";
import { crc32 } from "node:zlib";
import type { PropValue, ZplProps } from "../core/types.ts";

/** The first bytes of every snapshot stream: a BEGN record's tag. Anything else: "bad magic number". */
export const BEGIN_TAG = "BEGN";
/** What a BEGN payload starts with (then the BeginInfo as JSON). */
export const STREAM_MAGIC = "FREEBSD-SIM-ZFS-STREAM 2\n";

export type RecordTag = "BEGN" | "OBJT" | "DATA" | "ENDS";

/** Bytes a record adds around its payload. */
export const RECORD_OVERHEAD = 12;
/** Bytes of a DATA record's header (object id u32, offset u64) before its data. */
export const DATA_HEADER = 12;
/** Most data bytes in one DATA record (the default recordsize). */
export const DATA_CHUNK = 128 * 1024;

/** What a snapshot stream's BEGN record carries (drr_begin and the DRR_BEGIN payload's nvlist). */
export interface BeginInfo {
  /** The file system `zfs send` was given (drr_toname without the @snap). */
  sendfs: string;
  /** Full name of the snapshot sent. */
  toname: string;
  toguid: string;
  /** Guid of the incremental source, "0" for a full stream. */
  fromguid: string;
  type: "filesystem" | "volume";
  creation: number;
  refer: number;
  logicalrefer: number;
  /** The snapshot's user properties. */
  user: Record<string, string>;
  volsize?: number;
  volblocksize?: number;
  zpl?: ZplProps;
  /** Locally set properties of the file system (-p, -R). */
  props?: Record<string, PropValue>;
  userProps?: Record<string, string>;
  /** Stream features: compressok/rawok from -w (and -c), resuming for a `zfs send -t` stream. */
  features: { rawok?: boolean; compressok?: boolean; resuming?: boolean };
  /** For a resuming stream, where it starts (the resume token's object, offset and bytes). */
  resume?: { object: number; offset: number; bytes: number };
}

/** One object of a snapshot stream (OBJT). */
export type StreamObject =
  | { id: number; kind: "d"; path: string; mode: number; mtime: number }
  | { id: number; kind: "f"; path: string; mode: number; mtime: number; size: number }
  | { id: number; kind: "l"; path: string; mtime: number; target: string }
  /** A path the source snapshot had and this one does not (the receiver removes it). */
  | { id: number; kind: "free"; path: string }
  /** An extent of synthetic data (fill.ts), its bytes in DATA records. */
  | { id: number; kind: "fill"; seed: string; size: number }
  /** An extent the source snapshot had and this one does not. */
  | { id: number; kind: "unfill"; seed: string };

/** Data bytes an object carries in DATA records. */
export function dataSize(o: StreamObject): number {
  return o.kind === "f" || o.kind === "fill" ? o.size : 0;
}

/** Encodes one record. */
export function encodeRecord(tag: RecordTag, payload: Buffer): Buffer {
  const out = Buffer.alloc(RECORD_OVERHEAD + payload.length);
  out.write(tag, 0, "latin1");
  out.writeUInt32BE(payload.length, 4);
  payload.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(0, 8 + payload.length)), 8 + payload.length);
  return out;
}

/** A JSON record's payload. */
export function jsonPayload(value: unknown, prefix = ""): Buffer {
  return Buffer.from(prefix + JSON.stringify(value), "utf8");
}

/** Size of a record whose payload is JSON. */
export function jsonRecordSize(value: unknown, prefix = ""): number {
  return RECORD_OVERHEAD + jsonPayload(value, prefix).length;
}

/** Bytes of the DATA records of `bytes` data starting `skip` bytes into it. */
export function dataRecordsSize(bytes: number, skip = 0): number {
  const left = Math.max(0, bytes - skip);
  const records = Math.ceil(left / DATA_CHUNK);
  return left + records * (RECORD_OVERHEAD + DATA_HEADER);
}

/** A DATA record's payload header. */
export function dataHeader(id: number, offset: number): Buffer {
  const h = Buffer.alloc(DATA_HEADER);
  h.writeUInt32BE(id, 0);
  h.writeUInt32BE(Math.floor(offset / 2 ** 32), 4);
  h.writeUInt32BE(offset % 2 ** 32, 8);
  return h;
}

/** Parses a DATA payload. */
export function parseData(payload: Buffer): { id: number; offset: number; data: Buffer } {
  if (payload.length < DATA_HEADER) throw new BadStream("short DATA record");
  return {
    id: payload.readUInt32BE(0),
    offset: payload.readUInt32BE(4) * 2 ** 32 + payload.readUInt32BE(8),
    data: payload.subarray(DATA_HEADER),
  };
}

/** A stream the receiver cannot use: a record whose CRC fails or that makes no sense. */
export class BadStream extends Error {}

/** The sending side's end of a pipe went away (EPIPE): the receiver stopped reading. */
export class BrokenPipe extends Error {}

/** Blocks briefly (a non-blocking pipe that is full or empty). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Writes records to a file descriptor in large writes, waiting while the pipe is full. */
export class StreamWriter {
  bytes = 0;
  private readonly fd: number;
  private buf = Buffer.alloc(1 << 18);
  private used = 0;

  constructor(fd: number) {
    this.fd = fd;
  }

  /** Queues a record. */
  record(tag: RecordTag, payload: Buffer): void {
    this.put(encodeRecord(tag, payload));
  }

  /** Queues raw bytes. */
  put(data: Buffer): void {
    if (this.used + data.length > this.buf.length) this.flush();
    if (data.length > this.buf.length) return this.write(data);
    data.copy(this.buf, this.used);
    this.used += data.length;
  }

  /** Writes what is queued. */
  flush(): void {
    if (this.used === 0) return;
    this.write(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private write(data: Buffer): void {
    let off = 0;
    while (off < data.length) {
      try {
        off += writeSync(this.fd, data, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          pause(2);
          continue;
        }
        if (code === "EPIPE") throw new BrokenPipe("Broken pipe");
        throw e;
      }
    }
    this.bytes += data.length;
  }
}

/** What the reader found next. */
export type ReadResult =
  | { kind: "record"; tag: RecordTag; payload: Buffer; size: number }
  /** The input ended: cleanly between records (`partial` false) or inside one. */
  | { kind: "eof"; partial: boolean };

const TAGS = new Set(["BEGN", "OBJT", "DATA", "ENDS"]);

/** Reads records from a file descriptor (a pipe), checking each one's CRC. */
export class StreamReader {
  /** Bytes of the records read so far. */
  bytes = 0;
  private readonly fd: number;
  private buf = Buffer.alloc(1 << 20);
  private start = 0;
  private end = 0;
  private ended = false;

  constructor(fd: number) {
    this.fd = fd;
  }

  /** Whether the input has no bytes at all left (before anything was read: an empty stream). */
  atEnd(): boolean {
    return this.fill(1) < 1;
  }

  /** The first bytes of the input without consuming them. */
  peek(n: number): Buffer {
    const have = this.fill(n);
    return this.buf.subarray(this.start, this.start + Math.min(have, n));
  }

  /** The next record; BadStream when its CRC or tag is wrong. */
  next(): ReadResult {
    const have = this.fill(8);
    if (have === 0) return { kind: "eof", partial: false };
    if (have < 8) return this.consumeRest();
    const tag = this.buf.toString("latin1", this.start, this.start + 4);
    if (!TAGS.has(tag)) throw new BadStream(`unknown record type ${JSON.stringify(tag)}`);
    const len = this.buf.readUInt32BE(this.start + 4);
    if (len > 1 << 24) throw new BadStream("record too large");
    const size = len + RECORD_OVERHEAD;
    if (this.fill(size) < size) return this.consumeRest();
    const rec = this.buf.subarray(this.start, this.start + size);
    if (crc32(rec.subarray(0, 8 + len)) !== rec.readUInt32BE(8 + len)) throw new BadStream("checksum mismatch");
    const payload = Buffer.from(rec.subarray(8, 8 + len));
    this.start += size;
    this.bytes += size;
    return { kind: "record", tag: tag as RecordTag, payload, size };
  }

  /** Reads and drops everything left (a dry run, or the rest of a stream that failed). */
  drain(): void {
    while (!this.ended) {
      this.start = this.end = 0;
      this.fill(this.buf.length);
    }
  }

  private consumeRest(): ReadResult {
    this.start = this.end;
    return { kind: "eof", partial: true };
  }

  /** Makes at least n bytes available when the input has them; returns how many are. */
  private fill(n: number): number {
    if (this.end - this.start >= n || this.ended) return this.end - this.start;
    if (this.start > 0) {
      this.buf.copy(this.buf, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    if (n > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    while (this.end < n && !this.ended) {
      let got: number;
      try {
        got = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          pause(2);
          continue;
        }
        if (code === "EOF") got = 0;
        else throw e;
      }
      if (got === 0) this.ended = true;
      else this.end += got;
    }
    return this.end - this.start;
  }
}
