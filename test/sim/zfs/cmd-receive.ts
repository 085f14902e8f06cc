// zfs receive (zfs_do_receive, libzfs zfs_receive_one): full streams create (or with -F replace) a
// file system, incremental ones must start at its most recent snapshot (-F rolls back to the
// source first). Snapshots keep the guids they had on the sending side, so a later incremental
// stream finds its source. -d/-e name the target after the sent file system, -o sets properties,
// -u leaves it unmounted, -n only checks, -v reports.

import type { DatasetRecord } from "../core/types.ts";
import { nextTxg, randomGuid } from "../core/store.ts";
import { err, mustDs, nameOfGuid, out, snapshotsOf, touch, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { parsePropArg } from "./prop-parse.ts";
import { validateName } from "./names.ts";
import { T_SNAP } from "./prop-table.ts";
import { createAncestors } from "./cmd-create.ts";
import { newRecord } from "./cmd-common.ts";
import { setProps } from "./cmd-set.ts";
import { contentDir, isAutoMountable, isMounted, mountDataset, nestedMountDirs, snapshotDir, unmountDataset } from "./mount.ts";
import { clearTree } from "./content.ts";
import { removeDataset } from "./dependents.ts";
import { nicenum } from "./nicenum.ts";
import { receiveInput } from "./stdin.ts";
import { decodeStream, streamBytes, writeTree, type Stream, type StreamSnap } from "./stream.ts";

interface RecvFlags {
  force: boolean;
  nomount: boolean;
  dryrun: boolean;
  verbose: boolean;
  isprefix: boolean;
  istail: boolean;
}

/** zfs receive [-FhMnsuv] [-d|-e] [-o property=value]... [-x property]... filesystem|volume|snapshot */
export function zfsReceive(ctx: ZfsCtx, argv: string[]): number {
  const f: RecvFlags = { force: false, nomount: false, dryrun: false, verbose: false, isprefix: false, istail: false };
  const settings = new Map<string, string>();
  let abort = false;
  const { opts, rest } = getopt(argv, ":o:x:dehFMnsuvAc");
  for (const o of opts) {
    if (o.opt === "o") {
      if (!parsePropArg(ctx, o.arg!, settings)) return 1;
    } else if (o.opt === "d") f.isprefix = true;
    else if (o.opt === "e") f.isprefix = f.istail = true;
    else if (o.opt === "F") f.force = true;
    else if (o.opt === "n") f.dryrun = true;
    else if (o.opt === "u") f.nomount = true;
    else if (o.opt === "v") f.verbose = true;
    else if (o.opt === "A") abort = true;
    else if (o.opt === ":") {
      err(ctx, `missing argument for '${o.optopt}' option`);
      usage(ctx, "receive");
    } else if (o.opt === "?") {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "receive");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing snapshot argument");
    usage(ctx, "receive");
  }
  if (rest.length > 1) {
    err(ctx, "too many arguments");
    usage(ctx, "receive");
  }
  const tosnap = rest[0]!;
  if (abort) {
    err(ctx, `'${tosnap}' does not have any resumable receive state to abort`);
    return 1;
  }
  const data = receiveInput();
  if (data === undefined) {
    ctx.io.err.push("Error: Backup stream can not be read from a terminal.\nYou must redirect standard input.\n");
    return 1;
  }
  if (data.length === 0) {
    err(ctx, "cannot receive: failed to read from stream");
    return 1;
  }
  const stream = decodeStream(data);
  if (!stream) {
    err(ctx, "cannot receive: invalid stream (bad magic number)");
    return 1;
  }
  return receive(ctx, stream, tosnap, f, settings);
}

/** Where the stream lands: the file system and, for an exact snapshot argument, its snapshot name. */
function destination(ctx: ZfsCtx, s: Stream, tosnap: string, f: RecvFlags): { fs: string; snap?: string } | undefined {
  const at = tosnap.indexOf("@");
  if (f.isprefix) {
    if (at >= 0) {
      err(ctx, `cannot receive: invalid argument - snapshot not allowed with ${f.istail ? "-e" : "-d"}`);
      return undefined;
    }
    if (!ctx.disk.datasets[tosnap]) {
      err(ctx, `cannot receive: specified fs (${tosnap}) does not exist`);
      return undefined;
    }
    // -d keeps all of the sent name but the pool, -e only its last component.
    if (f.istail) {
      const slash = s.sendfs.lastIndexOf("/");
      return { fs: `${tosnap}${slash < 0 ? `/${s.sendfs}` : s.sendfs.slice(slash)}` };
    }
    const slash = s.sendfs.indexOf("/");
    return { fs: slash < 0 ? tosnap : `${tosnap}${s.sendfs.slice(slash)}` };
  }
  if (at < 0) return { fs: tosnap };
  if (s.snaps.length > 1) {
    err(ctx, "cannot receive: cannot specify snapshot name for multi-snapshot stream");
    return undefined;
  }
  return { fs: tosnap.slice(0, at), snap: tosnap.slice(at + 1) };
}

function receive(ctx: ZfsCtx, s: Stream, tosnap: string, f: RecvFlags, settings: Map<string, string>): number {
  const dest = destination(ctx, s, tosnap, f);
  if (!dest) return 1;
  const fs = dest.fs;
  let created = false;
  let fromguid = s.fromguid;
  for (const snap of s.snaps) {
    const snapName = `${fs}@${dest.snap ?? snap.name}`;
    const wantsNewFs = fromguid === "0";
    const prefix = wantsNewFs ? "cannot receive new filesystem stream" : "cannot receive incremental stream";
    if (validateName(snapName, T_SNAP, false)) {
      err(ctx, "cannot receive: invalid name");
      return 1;
    }
    const fail = (desc: string): number => {
      err(ctx, `${prefix}: ${desc}`);
      return 1;
    };
    const existing = ctx.disk.datasets[fs];
    if (f.verbose) out(ctx, `${f.dryrun ? "would receive" : "receiving"} ${wantsNewFs ? "full" : "incremental"} stream of ${s.sendfs}@${snap.name} into ${snapName}`);
    if (existing) {
      const snaps = snapshotsOf(ctx, fs);
      if (wantsNewFs) {
        if (!f.force) return fail(`destination '${fs}' exists\nmust specify -F to overwrite it`);
        if (snaps.length > 0) return fail(`destination has snapshots (eg. ${snaps[0]})\nmust destroy them to overwrite it`);
        if (existing.origin) return fail(`destination '${fs}' is a clone\nmust destroy it to overwrite it`);
      } else {
        const same = ctx.disk.datasets[snapName];
        if (same) {
          // The snapshot is already here (same guid): consumed and ignored, as recv_skip() does.
          if ((same.streamGuid ?? same.guid) === snap.guid) {
            fromguid = snap.guid;
            continue;
          }
          err(ctx, `cannot restore to ${snapName}: destination already exists`);
          return 1;
        }
        const latest = snaps[snaps.length - 1];
        const guidOf = (x: string): string => mustDs(ctx, x).streamGuid ?? mustDs(ctx, x).guid;
        if (!latest || guidOf(latest) !== fromguid) {
          const source = snaps.find((x) => guidOf(x) === fromguid);
          if (!f.force || !source) return fail(`most recent snapshot of ${fs} does not\nmatch incremental source`);
          if (!f.dryrun) for (const newer of snaps.slice(snaps.indexOf(source) + 1).reverse()) removeDataset(ctx, newer);
        }
      }
    } else {
      if (!wantsNewFs || !fs.includes("/")) return fail(`destination '${fs}' does not exist`);
      const parent = fs.slice(0, fs.lastIndexOf("/"));
      if (f.isprefix && !f.istail && !f.dryrun && !ctx.disk.datasets[parent] && !createAncestors(ctx, fs)) {
        return fail("unable to restore to destination");
      }
      if (!ctx.disk.datasets[parent]) {
        err(ctx, `cannot open '${parent}': dataset does not exist`);
        return fail("unable to restore to destination");
      }
    }
    if (f.dryrun) {
      fromguid = snap.guid;
      continue;
    }
    if (!existing || wantsNewFs) created = true;
    const busy = applySnapshot(ctx, s, snap, fs, snapName, wantsNewFs);
    if (busy) {
      err(ctx, busy);
      return 1;
    }
    if (f.verbose) {
      const bytes = streamBytes(snap);
      out(ctx, `received ${nicenum(bytes)}B stream in 1 seconds (${nicenum(bytes)}B/sec)`);
    }
    fromguid = snap.guid;
  }
  if (f.dryrun) return 0;
  if (settings.size > 0 && setProps(ctx, fs, settings, true) !== 0) return 1;
  const rec = ctx.disk.datasets[fs];
  if (created && !f.nomount && rec?.type === "filesystem" && isAutoMountable(ctx, fs) && !isMounted(ctx, fs)) {
    const mountErr = mountDataset(ctx, fs);
    if (mountErr) {
      err(ctx, mountErr);
      return 1;
    }
  }
  return 0;
}

/** Lays one received snapshot down: the file system (new or overwritten) gets its files, then the snapshot. */
function applySnapshot(ctx: ZfsCtx, s: Stream, snap: StreamSnap, fs: string, snapName: string, full: boolean): string | undefined {
  let rec = ctx.disk.datasets[fs];
  if (!rec) {
    rec = newRecord(ctx, {
      type: s.type, props: { ...(s.props ?? {}) }, user: { ...(s.userProps ?? {}) }, zpl: s.zpl, volsize: snap.volsize,
      volblocksize: s.volblocksize, refer: snap.refer, logicalrefer: snap.logicalrefer,
    });
    ctx.disk.datasets[fs] = rec;
    touch(ctx);
  } else if (full && isMounted(ctx, fs)) {
    // A full stream replaces the file system: it is unmounted for the swap and mounted again after.
    const busy = unmountDataset(ctx, fs);
    if (busy) return busy;
  }
  if (rec.type === "filesystem") {
    const dir = contentDir(ctx, fs);
    clearTree(dir, nestedMountDirs(ctx, fs));
    writeTree(dir, snap.files);
  }
  // Snapshot guids survive send/receive. ZFS allows the same guid twice in a pool; the model keys
  // snapshot files by guid, so a second copy gets its own key and shows the sender's guid.
  const taken = nameOfGuid(ctx, snap.guid) !== undefined;
  const guid = taken ? randomGuid() : snap.guid;
  const snapRec: DatasetRecord = {
    type: "snapshot", guid, createtxg: nextTxg(ctx.disk, ctx.now), creation: snap.creation,
    objsetid: ctx.disk.nextObjsetId++, props: {}, user: { ...snap.user }, volsize: snap.volsize,
    volblocksize: rec.volblocksize, refer: snap.refer, logicalrefer: snap.logicalrefer, written: snap.refer, unique: 0,
  };
  if (taken) snapRec.streamGuid = snap.guid;
  ctx.disk.datasets[snapName] = snapRec;
  touch(ctx);
  if (rec.type === "filesystem") writeTree(snapshotDir(ctx, snapName), snap.files);
  rec.refer = snap.refer;
  rec.logicalrefer = snap.logicalrefer;
  rec.written = 0;
  if (snap.volsize !== undefined) rec.volsize = snap.volsize;
  rec.snapshotsChanged = ctx.now;
  return undefined;
}
