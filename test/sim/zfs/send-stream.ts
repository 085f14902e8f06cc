// One snapshot's stream as `zfs send` writes it (stream.ts records): planned under the state lock,
// written after it is released (a `zfs receive` on the same host needs the lock), file data read
// from the snapshot's frozen copy and synthetic extents generated as they go out. Its size is known
// before a byte is written: that is what `-nvP` estimates.

import { closeSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { fillBytes } from "./fill.ts";
import {
  DATA_CHUNK, dataHeader, dataRecordsSize, dataSize, encodeRecord, jsonPayload, jsonRecordSize, STREAM_MAGIC,
  type BeginInfo, type StreamObject, type StreamWriter,
} from "./stream.ts";

/** A snapshot stream to write: its BEGN, its objects, where file data is read, and (resuming) where it starts. */
export interface SendPart {
  begin: BeginInfo;
  objects: StreamObject[];
  /** Directory holding the sent snapshot's files. */
  dir: string;
  /** First object to send and the data offset within it (a resume token's object and offset). */
  start?: { object: number; offset: number };
}

/** The ENDS payload (records' byte count before it, so a receiver knows the stream was whole). */
function endPayload(part: SendPart, size: number): { toguid: string; size: number } {
  return { toguid: part.begin.toguid, size };
}

/** Objects a part sends, from its start. */
function sentObjects(part: SendPart): StreamObject[] {
  const first = part.start?.object ?? 0;
  return part.objects.filter((o) => o.id >= first);
}

/** Bytes of a part's stream before its ENDS record. */
function bodySize(part: SendPart): number {
  let size = jsonRecordSize(part.begin, STREAM_MAGIC);
  for (const o of sentObjects(part)) {
    const skip = part.start && o.id === part.start.object ? part.start.offset : 0;
    size += jsonRecordSize(o) + dataRecordsSize(dataSize(o), skip);
  }
  return size;
}

/** Bytes the part's stream will be. */
export function partSize(part: SendPart): number {
  const body = bodySize(part);
  return body + jsonRecordSize(endPayload(part, body));
}

/** Bytes of a full, unresumed stream of the same objects (what a resume token's bytes are counted against). */
export function wholeSize(part: SendPart): number {
  return partSize({ ...part, begin: { ...part.begin, features: { ...part.begin.features, resuming: false }, resume: undefined }, start: undefined });
}

/** Writes a part's stream. */
export function writePart(w: StreamWriter, part: SendPart): void {
  w.record("BEGN", jsonPayload(part.begin, STREAM_MAGIC));
  const chunk = Buffer.alloc(DATA_CHUNK);
  for (const o of sentObjects(part)) {
    w.record("OBJT", jsonPayload(o));
    const skip = part.start && o.id === part.start.object ? part.start.offset : 0;
    if (o.kind === "f") writeFileData(w, o.id, join(part.dir, o.path), o.size, skip, chunk);
    else if (o.kind === "fill") {
      for (let off = skip; off < o.size; off += DATA_CHUNK) {
        const n = Math.min(DATA_CHUNK, o.size - off);
        fillBytes(o.seed, off, chunk.subarray(0, n));
        writeData(w, o.id, off, chunk.subarray(0, n));
      }
    }
  }
  w.record("ENDS", jsonPayload(endPayload(part, bodySize(part))));
  w.flush();
}

function writeFileData(w: StreamWriter, id: number, path: string, size: number, skip: number, chunk: Buffer): void {
  if (size <= skip) return;
  const fd = openSync(path, "r");
  try {
    for (let off = skip; off < size; off += DATA_CHUNK) {
      const want = Math.min(DATA_CHUNK, size - off);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, chunk, got, want - got, off + got);
        if (n === 0) throw new Error(`${path}: file shorter than its snapshot says`);
        got += n;
      }
      writeData(w, id, off, chunk.subarray(0, want));
    }
  } finally {
    closeSync(fd);
  }
}

function writeData(w: StreamWriter, id: number, offset: number, data: Buffer): void {
  const payload = Buffer.concat([dataHeader(id, offset), data]);
  w.put(encodeRecord("DATA", payload));
}
