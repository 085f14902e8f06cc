// zfs receive (zfs_do_receive; libzfs zfs_receive_one; the kernel's dmu_recv_begin_check and
// dmu_recv_resume_begin_check): options, `-A`, and the checks a snapshot stream's BEGN record meets
// against the destination, with OpenZFS 2.2.7's messages. Reading the stream and laying it down are
// recv-run.ts and recv-apply.ts.

import { err, mustDs, snapshotsOf, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { parsePropArg } from "./prop-parse.ts";
import { validateName } from "./names.ts";
import { T_FS, T_SNAP, T_VOL } from "./prop-table.ts";
import { createAncestors } from "./cmd-create.ts";
import { openDataset } from "./open.ts";
import { abortPartial, isInconsistent, resumeTokenOf, type PartialReceive } from "./recv-state.ts";
import { writtenOf } from "./written.ts";
import type { BeginInfo } from "./stream.ts";

export interface RecvFlags {
  force: boolean;
  nomount: boolean;
  dryrun: boolean;
  verbose: boolean;
  isprefix: boolean;
  istail: boolean;
  resumable: boolean;
}

/** A parsed `zfs receive` invocation. */
export interface RecvArgs {
  flags: RecvFlags;
  settings: Map<string, string>;
  target: string;
  abort: boolean;
}

/** zfs receive [-FhMnsuv] [-d|-e] [-o property=value]... [-x property]... filesystem|volume|snapshot; zfs receive -A fs */
export function parseReceive(ctx: ZfsCtx, argv: string[]): RecvArgs | number {
  const flags: RecvFlags = { force: false, nomount: false, dryrun: false, verbose: false, isprefix: false, istail: false, resumable: false };
  const settings = new Map<string, string>();
  let abort = false;
  const { opts, rest } = getopt(argv, ":o:x:dehMnuvFsAc");
  for (const o of opts) {
    if (o.opt === "o") {
      if (!parsePropArg(ctx, o.arg!, settings)) usage(ctx, "receive");
    } else if (o.opt === "d" || o.opt === "e") {
      if ((o.opt === "d" && flags.istail) || (o.opt === "e" && flags.isprefix)) {
        err(ctx, "invalid option combination: -d and -e are mutually exclusive");
        usage(ctx, "receive");
      }
      if (o.opt === "d") flags.isprefix = true;
      else flags.istail = true;
    } else if (o.opt === "F") flags.force = true;
    else if (o.opt === "n") flags.dryrun = true;
    else if (o.opt === "u") flags.nomount = true;
    else if (o.opt === "v") flags.verbose = true;
    else if (o.opt === "s") flags.resumable = true;
    else if (o.opt === "A") abort = true;
    else if (o.opt === ":") {
      err(ctx, `missing argument for '${o.optopt}' option`);
      usage(ctx, "receive");
    } else if (o.opt === "?") {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "receive");
    }
  }
  if (flags.istail) flags.isprefix = true;
  if (rest.length < 1) {
    err(ctx, "missing snapshot argument");
    usage(ctx, "receive");
  }
  if (rest.length > 1) {
    err(ctx, "too many arguments");
    usage(ctx, "receive");
  }
  if (abort && (flags.isprefix || flags.dryrun || flags.resumable || flags.nomount)) {
    err(ctx, "invalid option");
    usage(ctx, "receive");
  }
  return { flags, settings, target: rest[0]!, abort };
}

/** zfs receive -A: discards a partial receive (`%recv`, or the inconsistent file system itself). */
export function abortReceive(ctx: ZfsCtx, fs: string): number {
  const rec = ctx.disk.datasets[fs];
  if (rec?.recv && !rec.recv.newfs) {
    abortPartial(ctx, fs);
    return 0;
  }
  if (openDataset(ctx, fs, T_FS | T_VOL) === undefined) usage(ctx, "receive");
  if (!isInconsistent(mustDs(ctx, fs)) || resumeTokenOf(mustDs(ctx, fs)) === undefined) {
    err(ctx, `'${fs}' does not have any resumable receive state to abort`);
    return 1;
  }
  abortPartial(ctx, fs);
  return 0;
}

/** Where a snapshot stream lands and how. */
export interface Destination {
  fs: string;
  snapName: string;
  /** libzfs' errbuf for this stream: "cannot receive new filesystem stream" and the like. */
  prefix: string;
  /** newfs: creates fs; replace: a full stream forced over an existing fs; incremental; resume: continues a partial receive. */
  kind: "newfs" | "replace" | "incremental" | "resume";
  /** The destination's snapshot the stream applies to (incremental, and a resume of one). */
  base?: string;
  /** Snapshots after `base` that -F destroys. */
  rollback: string[];
  /** The snapshot is already there (same guid): the stream is read and ignored (recv_skip). */
  skip?: boolean;
  partial?: PartialReceive;
}

/** The file system and snapshot name a stream goes to (-d, -e, or an exact snapshot name). */
function landing(ctx: ZfsCtx, b: BeginInfo, target: string, f: RecvFlags, count: number): { fs: string; snap: string } | undefined {
  const at = target.indexOf("@");
  const snapOf = (name: string) => name.slice(name.indexOf("@") + 1);
  const sendfs = b.toname.slice(0, b.toname.indexOf("@"));
  if (f.isprefix) {
    if (at >= 0) {
      err(ctx, `cannot receive: invalid argument - snapshot not allowed with ${f.istail ? "-e" : "-d"}`);
      return undefined;
    }
    if (!ctx.disk.datasets[target]) {
      err(ctx, `cannot receive: specified fs (${target}) does not exist`);
      return undefined;
    }
    // -d keeps all of the sent name but the pool, -e only its last component.
    const slash = f.istail ? sendfs.lastIndexOf("/") : sendfs.indexOf("/");
    const tail = slash < 0 ? (f.istail ? `/${sendfs}` : "") : sendfs.slice(slash);
    return { fs: `${target}${tail}`, snap: snapOf(b.toname) };
  }
  if (at < 0) return { fs: target, snap: snapOf(b.toname) };
  if (count > 1) {
    err(ctx, "cannot receive: cannot specify snapshot name for multi-snapshot stream");
    return undefined;
  }
  return { fs: target.slice(0, at), snap: target.slice(at + 1) };
}

/** Checks a stream's BEGN against the destination; prints the error and returns undefined when it cannot be received. */
export function checkDestination(ctx: ZfsCtx, b: BeginInfo, target: string, f: RecvFlags, count: number): Destination | undefined {
  const place = landing(ctx, b, target, f, count);
  if (!place) return undefined;
  const { fs } = place;
  const snapName = `${fs}@${place.snap}`;
  const resuming = b.features.resuming === true;
  const full = b.fromguid === "0";
  const prefix = full && !resuming ? "cannot receive new filesystem stream"
    : resuming ? "cannot receive resume stream" : "cannot receive incremental stream";
  const fail = (why: string): undefined => {
    err(ctx, `${prefix}: ${why}`);
    return undefined;
  };
  if (validateName(snapName, T_SNAP, false)) {
    err(ctx, "cannot receive: invalid name");
    return undefined;
  }
  const rec = ctx.disk.datasets[fs];
  const dest = (kind: Destination["kind"], extra: Partial<Destination> = {}): Destination =>
    ({ fs, snapName, prefix, kind, rollback: [], ...extra });
  if (!rec) {
    if (!full || resuming || !fs.includes("/")) return fail(`destination '${fs}' does not exist`);
    const parent = fs.slice(0, fs.lastIndexOf("/"));
    if (f.isprefix && !f.istail && !f.dryrun && !ctx.disk.datasets[parent] && !createAncestors(ctx, fs)) {
      return fail("unable to restore to destination");
    }
    if (!ctx.disk.datasets[parent]) {
      err(ctx, `cannot open '${parent}': dataset does not exist`);
      return fail("unable to restore to destination");
    }
    if (mustDs(ctx, parent).type !== "filesystem") return fail(`parent '${parent}' is not a filesystem`);
    return dest("newfs");
  }
  const snaps = snapshotsOf(ctx, fs);
  const guidOf = (x: string): string => mustDs(ctx, x).streamGuid ?? mustDs(ctx, x).guid;
  if (full && !resuming) {
    if (!f.force) return fail(`destination '${fs}' exists\nmust specify -F to overwrite it`);
    if (snaps.length > 0) return fail(`destination has snapshots (eg. ${snaps[0]})\nmust destroy them to overwrite it`);
    if (rec.origin) return fail(`destination '${fs}' is a clone\nmust destroy it to overwrite it`);
  }
  if (full && resuming && !isInconsistent(rec) && !f.force) {
    return fail(`Resuming recv on existing destination '${fs}'\nmust specify -F to overwrite it`);
  }
  if (resuming) return checkResume(ctx, b, f, fs, snapName, prefix, dest);
  // recv_begin_check_existing_impl: a partial receive makes the file system busy (EBUSY, with its token).
  if (rec.recv) return fail(`destination ${fs} contains partially-complete state from "zfs receive -s".`);
  if (full) return dest("replace");
  if (ctx.disk.datasets[snapName]) {
    // The snapshot may already be there: consumed and ignored (zfs_receive_one, EEXIST then recv_skip).
    if (snaps.some((s) => guidOf(s) === b.toguid)) return dest("incremental", { skip: true });
    err(ctx, `cannot restore to ${snapName}: destination already exists`);
    return undefined;
  }
  const base = snaps.find((s) => guidOf(s) === b.fromguid);
  const latest = snaps[snaps.length - 1];
  if (!base) return fail(`most recent snapshot of ${fs} does not\nmatch incremental source`);
  const later = snaps.slice(snaps.indexOf(base) + 1);
  if (!f.force) {
    if (base !== latest) return fail(`most recent snapshot of ${fs} does not\nmatch incremental source`);
    if (writtenOf(ctx, fs) > 0) return fail(`destination ${fs} has been modified\nsince most recent snapshot`);
  }
  return dest("incremental", { base, rollback: later });
}

/** dmu_recv_resume_begin_check: the partial receive must be the one the stream continues (else EINVAL). */
function checkResume(ctx: ZfsCtx, b: BeginInfo, f: RecvFlags, fs: string, snapName: string, prefix: string,
  dest: (kind: Destination["kind"], extra?: Partial<Destination>) => Destination): Destination | undefined {
  const rec = mustDs(ctx, fs);
  const p = rec.recv;
  const einval = (): undefined => {
    // libzfs words the kernel's EINVAL for a resumable receive as a version problem.
    err(ctx, `${prefix}: ${f.resumable ? "kernel modules must be upgraded to receive this stream." : "invalid backup stream"}`);
    return undefined;
  };
  if (p && !p.newfs && b.fromguid === "0" && !f.force) {
    err(ctx, `cannot resume recv ${snapName}: Resuming recv on existing dataset without force`);
    return undefined;
  }
  if (!p || p.begin.toguid !== b.toguid || p.begin.fromguid !== b.fromguid) return einval();
  if (!b.resume || b.resume.object !== p.object || b.resume.offset !== p.offset) return einval();
  if (p.newfs) return dest("resume", { partial: p });
  const snaps = snapshotsOf(ctx, fs);
  const guidOf = (x: string): string => mustDs(ctx, x).streamGuid ?? mustDs(ctx, x).guid;
  const base = p.begin.fromguid === "0" ? undefined : snaps.find((s) => guidOf(s) === p.begin.fromguid);
  if (p.begin.fromguid !== "0" && !base) return einval();
  return dest("resume", { partial: p, ...(base ? { base, rollback: snaps.slice(snaps.indexOf(base) + 1) } : {}) });
}
