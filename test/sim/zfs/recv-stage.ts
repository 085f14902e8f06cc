// Where `zfs receive` puts a snapshot stream while it reads it: a staging directory under the stash
// (files written as their DATA records arrive, never held in memory) and the operations to replay
// when the stream is whole (freed paths, entries' modes and times, synthetic extents). Its progress
// (object, offset, bytes) is what a resume token records; a partial receive keeps the stage.

import { closeSync, mkdirSync, openSync, rmSync, symlinkSync, writeSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import type { FillExtent } from "./fill.ts";
import { BadStream, parseData, type RecordTag, type StreamObject } from "./stream.ts";

/** An entry to lay down when the stream is whole. */
export interface StagedEntry {
  kind: "d" | "f" | "l";
  path: string;
  mode: number;
  mtime: number;
}

/** What a stage holds besides its files. */
export interface StageOps {
  frees: string[];
  unfills: string[];
  fills: FillExtent[];
  entries: StagedEntry[];
}

/** How far a stream got: the object being received, the data bytes of it received, the stream bytes read. */
export interface StageProgress {
  object: number;
  offset: number;
  bytes: number;
}

/** A staging directory and what was received into it. */
export class Stage {
  readonly dir: string;
  readonly ops: StageOps;
  readonly progress: StageProgress;
  private current: StreamObject | undefined;

  constructor(dir: string, ops?: StageOps, progress?: StageProgress) {
    this.dir = dir;
    mkdirSync(join(dir, "tree"), { recursive: true });
    this.ops = ops ?? { frees: [], unfills: [], fills: [], entries: [] };
    this.progress = progress ?? { object: 0, offset: 0, bytes: 0 };
  }

  /** The staged file tree. */
  get tree(): string {
    return join(this.dir, "tree");
  }

  /** Applies one record of the stream (OBJT or DATA); BadStream when it makes no sense here. */
  apply(tag: RecordTag, payload: Buffer, size: number): void {
    if (tag === "OBJT") this.object(JSON.parse(payload.toString("utf8")) as StreamObject);
    else if (tag === "DATA") this.data(payload);
    else throw new BadStream(`unexpected ${tag} record`);
    this.progress.bytes += size;
  }

  /** Checks that the last object got all its data (before the next one, or at the end). */
  finishObject(): void {
    const o = this.current;
    if (!o) return;
    const want = o.kind === "f" || o.kind === "fill" ? o.size : 0;
    if (this.progress.offset !== want) throw new BadStream(`object ${o.id} ended after ${this.progress.offset} of ${want} bytes`);
    if (o.kind === "fill") this.ops.fills.push({ seed: o.seed, bytes: o.size });
    this.current = undefined;
  }

  private object(o: StreamObject): void {
    // A resumed stream starts again at the object it stopped in: that one is continued, not begun anew.
    const again = this.current === undefined && this.progress.object > 0 && o.id === this.progress.object;
    if (!again) {
      this.finishObject();
      if (o.id <= this.progress.object) throw new BadStream(`object ${o.id} out of order`);
      this.progress.object = o.id;
      this.progress.offset = 0;
    }
    this.current = o;
    if (again) return;
    if (o.kind === "free") this.ops.frees.push(o.path);
    else if (o.kind === "unfill") this.ops.unfills.push(o.seed);
    else if (o.kind === "d" || o.kind === "f" || o.kind === "l") {
      const path = this.safe(o.path);
      if (o.kind === "d") mkdirSync(path, { recursive: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        rmSync(path, { force: true, recursive: true });
        if (o.kind === "l") symlinkSync(o.target, path);
        else closeSync(openSync(path, "w"));
      }
      this.ops.entries.push({ kind: o.kind, path: o.path, mode: o.kind === "l" ? 0o777 : o.mode, mtime: o.mtime });
    }
  }

  private data(payload: Buffer): void {
    const { id, offset, data } = parseData(payload);
    const o = this.current;
    if (!o || o.id !== id || offset !== this.progress.offset) throw new BadStream(`DATA for object ${id} at ${offset} out of order`);
    const size = o.kind === "f" || o.kind === "fill" ? o.size : 0;
    if (offset + data.length > size) throw new BadStream(`DATA past the end of object ${id}`);
    if (o.kind === "f") {
      const fd = openSync(this.safe(o.path), "r+");
      try {
        let done = 0;
        while (done < data.length) done += writeSync(fd, data, done, data.length - done, offset + done);
      } finally {
        closeSync(fd);
      }
    }
    this.progress.offset += data.length;
  }

  /** A staged path, refusing names that leave the tree. */
  private safe(rel: string): string {
    const n = normalize(rel);
    if (n.startsWith("..") || n.startsWith("/")) throw new BadStream(`bad path ${JSON.stringify(rel)}`);
    return join(this.tree, n);
  }

  /** Removes the stage. */
  discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
