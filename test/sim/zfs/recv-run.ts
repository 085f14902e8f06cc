// zfs receive reading its standard input: for each snapshot stream, its BEGN checked against the
// destination (under a shared lock), its records staged on disk as they arrive (no lock held while
// the stream flows), then, under the lock again, the stream laid down (whole) or kept as a partial
// receive (cut short or corrupt, with -s) or dropped, with libzfs' messages (zfs_receive_one,
// recv_ecksum_set_aux).

import { randomBytes } from "node:crypto";
import { isatty } from "node:tty";
import type { StatePaths } from "../core/paths.ts";
import { writeFd } from "../core/fd.ts";
import { err, ExitError, out } from "./context.ts";
import { abortReceive, checkDestination, parseReceive, type Destination, type RecvArgs } from "./cmd-receive.ts";
import { commitStream, dropPartial, savePartial } from "./recv-apply.ts";
import { Stage } from "./recv-stage.ts";
import { resumeTokenOf, stageDir } from "./recv-state.ts";
import { setProps } from "./cmd-set.ts";
import { isAutoMountable, isMounted, mountDataset } from "./mount.ts";
import { nicebytes } from "./nicenum.ts";
import { BadStream, BEGIN_TAG, STREAM_MAGIC, StreamReader, type BeginInfo } from "./stream.ts";
import { withZfs } from "./stream-tool.ts";

/** How a snapshot stream's records ended. */
type Ending = "whole" | "truncated" | "checksum";

/** Runs `zfs receive ARGS` on standard input; returns the exit status. */
export function receiveStreams(paths: StatePaths, argv: string[]): number {
  const parsed = withZfs(paths, false, (ctx) => parseReceive(ctx, argv));
  if (parsed instanceof ExitError) return parsed.code;
  if (typeof parsed === "number") return parsed;
  if (parsed.abort) {
    const code = withZfs(paths, true, (ctx) => abortReceive(ctx, parsed.target));
    return code instanceof ExitError ? code.code : code;
  }
  if (isatty(0)) {
    writeFd(2, "Error: Backup stream can not be read from a terminal.\nYou must redirect standard input.\n");
    return 1;
  }
  const reader = new StreamReader(0);
  if (reader.atEnd()) return fail("cannot receive: failed to read from stream");
  if (reader.peek(4).toString("latin1") !== BEGIN_TAG) return fail("cannot receive: invalid stream (bad magic number)");
  let count = 0;
  const created: string[] = [];
  for (;;) {
    let next;
    try {
      next = reader.next();
    } catch {
      return fail("cannot receive: invalid stream (bad magic number)");
    }
    // A clean end between snapshot streams ends the receive; one inside a BEGN record cannot be read.
    if (next.kind === "eof" && !next.partial) break;
    if (next.kind === "eof") return fail("cannot receive: failed to read from stream");
    const begin = beginOf(next.tag, next.payload);
    if (!begin) return fail("cannot receive: invalid stream (bad magic number)");
    count++;
    const code = receiveOne(paths, parsed, begin, reader, count, created, next.size);
    if (code !== 0) return code;
  }
  // Mount what the receive created (zfs_receive_impl, unless -u).
  if (created.length > 0 && !parsed.flags.nomount && !parsed.flags.dryrun) {
    const result = withZfs(paths, true, (ctx) => {
      for (const fs of created) {
        if (ctx.disk.datasets[fs]?.type !== "filesystem" || !isAutoMountable(ctx, fs) || isMounted(ctx, fs)) continue;
        const busy = mountDataset(ctx, fs);
        if (busy) {
          err(ctx, busy);
          return 1;
        }
      }
      return 0;
    });
    return result instanceof ExitError ? result.code : result;
  }
  return 0;
}

function fail(line: string): number {
  writeFd(2, `${line}\n`);
  return 1;
}

/** A BEGN record's info, or undefined when the record is not one. */
function beginOf(tag: string, payload: Buffer): BeginInfo | undefined {
  const text = payload.toString("utf8");
  if (tag !== BEGIN_TAG || !text.startsWith(STREAM_MAGIC)) return undefined;
  try {
    return JSON.parse(text.slice(STREAM_MAGIC.length)) as BeginInfo;
  } catch {
    return undefined;
  }
}

/** Receives one snapshot stream whose BEGN was just read; returns the exit status. */
function receiveOne(paths: StatePaths, a: RecvArgs, b: BeginInfo, reader: StreamReader, count: number, created: string[],
  beginSize: number): number {
  const f = a.flags;
  const checked = withZfs(paths, false, (ctx) => {
    const d = checkDestination(ctx, b, a.target, f, count);
    if (d && f.verbose) {
      out(ctx, `${f.dryrun ? "would receive" : "receiving"} ${b.fromguid !== "0" ? "incremental" : "full"} stream of ${b.toname} into ${d.snapName}`);
    }
    return d;
  });
  if (checked instanceof ExitError) return checked.code;
  if (!checked) return 1;
  const d: Destination = checked;
  if (d.skip || f.dryrun) {
    if (d.skip && f.verbose) writeFd(1, `snap ${d.snapName} already exists; ignoring\n`);
    return skipStream(reader) === "whole" ? 0 : fail(`${d.prefix}: incomplete stream`);
  }
  const started = Date.now();
  const stage = d.partial
    ? new Stage(stageDir(paths, d.partial.stage), d.partial.ops, { object: d.partial.object, offset: d.partial.offset, bytes: d.partial.bytes })
    : new Stage(stageDir(paths, `recv-${randomBytes(8).toString("hex")}`));
  // drc_bytes_read: a new receive counts its BEGN; a resumed one goes on from the token's bytes.
  if (!d.partial) stage.progress.bytes = beginSize;
  const startBytes = stage.progress.bytes;
  const ending = consume(reader, stage);
  const received = stage.progress.bytes - startBytes;
  const result = withZfs(paths, true, (ctx) => {
    // The destination again, now under the lock: it may have changed while the stream flowed.
    const now = checkDestination(ctx, b, a.target, { ...f, verbose: false }, count);
    if (!now) {
      if (!d.partial) stage.discard();
      return 1;
    }
    if (ending === "whole") {
      const busy = commitStream(ctx, now, b, stage);
      if (busy) {
        err(ctx, busy);
        return 1;
      }
      const isNew = now.kind === "newfs" || now.partial?.newfs === true;
      // -o properties are set on the received file system (zfs_setup_cmdline_props), new or not.
      if (a.settings.size > 0 && setProps(ctx, now.fs, a.settings, true) !== 0) return 1;
      if (isNew || now.kind === "replace") created.push(now.fs);
      if (f.verbose) {
        const seconds = Math.max(1e-9, (Date.now() - started) / 1000);
        out(ctx, `received ${nicebytes(received)} stream in ${seconds.toFixed(2)} seconds (${nicebytes(received / seconds)}/sec)`);
      }
      return 0;
    }
    if (f.resumable) {
      savePartial(ctx, now, b, stage);
      if (now.kind === "newfs" && a.settings.size > 0) setProps(ctx, now.fs, a.settings, true);
      // recv_ecksum_set_aux: with -s the message carries the token to resume from.
      const token = resumeTokenOf(ctx.disk.datasets[now.fs]!);
      err(ctx, `${now.prefix}: checksum mismatch or incomplete stream.\nPartially received snapshot is saved.\n`
        + `A resuming stream can be generated on the sending system by running:\n    zfs send -t ${token}`);
      return 1;
    }
    if (now.partial) dropPartial(ctx, now);
    else stage.discard();
    err(ctx, `${now.prefix}: ${ending === "checksum" ? "checksum mismatch" : "incomplete stream"}`);
    return 1;
  });
  return result instanceof ExitError ? result.code : result;
}


/** Reads a snapshot stream's records into the stage up to its ENDS. */
function consume(reader: StreamReader, stage: Stage): Ending {
  for (;;) {
    let r;
    try {
      r = reader.next();
    } catch (e) {
      if (e instanceof BadStream) return "checksum";
      throw e;
    }
    if (r.kind === "eof") return "truncated";
    if (r.tag === "ENDS") {
      try {
        stage.finishObject();
      } catch {
        return "checksum";
      }
      return "whole";
    }
    try {
      stage.apply(r.tag, r.payload, r.size);
    } catch (e) {
      if (e instanceof BadStream) return "checksum";
      throw e;
    }
  }
}

/** Reads a snapshot stream to its ENDS without keeping it (a dry run, or a snapshot already there). */
function skipStream(reader: StreamReader): Ending {
  for (;;) {
    let r;
    try {
      r = reader.next();
    } catch {
      return "checksum";
    }
    if (r.kind === "eof") return "truncated";
    if (r.tag === "ENDS") return "whole";
  }
}
