// zfs destroy (zfs_do_destroy with destroy_check_dependent/destroy_callback/gather_snapshots).

import { childrenOf, err, mustDs, out, snapshotsOf, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { openDataset } from "./open.ts";
import { T_DATASET, T_FS, T_SNAP, T_VOL } from "./prop-table.ts";
import { dependentsOf, destroySnapshotBatch, isDirectDescendant, removeDataset } from "./dependents.ts";
import { unmountDataset } from "./mount.ts";
import { nicebytes } from "./nicenum.ts";

interface Flags {
  verbose: boolean;
  parsable: boolean;
  dryrun: boolean;
  defer: boolean;
  force: boolean;
  recurse: boolean;
  clones: boolean;
}

/** zfs destroy [-fnpRrv] fs|vol, zfs destroy [-dnpRrv] fs|vol@snap[%snap][,snap]... */
export function zfsDestroy(ctx: ZfsCtx, argv: string[]): number {
  const f: Flags = { verbose: false, parsable: false, dryrun: false, defer: false, force: false, recurse: false, clones: false };
  let type = T_DATASET;
  const { opts, rest } = getopt(argv, "vpndfrR");
  for (const o of opts) {
    switch (o.opt) {
      case "v": f.verbose = true; break;
      case "p": f.verbose = true; f.parsable = true; break;
      case "n": f.dryrun = true; break;
      case "d": f.defer = true; type = T_SNAP; break;
      case "f": f.force = true; break;
      case "r": f.recurse = true; break;
      case "R": f.recurse = true; f.clones = true; break;
      default: err(ctx, `invalid option '${o.optopt}'`); usage(ctx, "destroy");
    }
  }
  if (rest.length === 0) {
    err(ctx, "missing dataset argument");
    usage(ctx, "destroy");
  }
  if (rest.length > 1) {
    err(ctx, "too many arguments");
    usage(ctx, "destroy");
  }
  const arg = rest[0]!;
  if (arg.includes("@")) return destroySnapshots(ctx, arg, f);
  if (arg.includes("#")) {
    err(ctx, `bookmark '${arg}' does not exist.`);
    return 1;
  }
  const name = openDataset(ctx, arg, type);
  if (name === undefined) return 1;
  return destroyDataset(ctx, name, f);
}

/** destroy_check_dependent: reports children (without -r) or clones (with -r or for snapshots). */
function checkDependents(ctx: ZfsCtx, target: string, f: Flags): boolean {
  let first = true;
  let error = false;
  const targetType = mustDs(ctx, target).type;
  for (const dep of dependentsOf(ctx, target)) {
    if (isDirectDescendant(target, dep)) {
      if (f.recurse) continue;
      if (first) {
        err(ctx, `cannot destroy '${target}': ${targetType} has children`);
        err(ctx, "use '-r' to destroy the following datasets:");
        first = false;
        error = true;
      }
      err(ctx, dep);
    } else {
      if (!f.recurse && targetType !== "snapshot") continue;
      if (first) {
        err(ctx, `cannot destroy '${target}': ${targetType} has dependent clones`);
        err(ctx, "use '-R' to destroy the following datasets:");
        first = false;
        error = true;
        f.dryrun = true;
      }
      err(ctx, dep);
    }
  }
  return error;
}

function destroyDataset(ctx: ZfsCtx, name: string, f: Flags): number {
  if (!f.recurse && !name.includes("/") && mustDs(ctx, name).type === "filesystem") {
    err(ctx, `cannot destroy '${name}': operation does not apply to pools`);
    err(ctx, `use 'zfs destroy -r ${name}' to destroy all datasets in the pool`);
    err(ctx, `use 'zpool destroy ${name}' to destroy the pool itself`);
    return 1;
  }
  if (!f.clones && checkDependents(ctx, name, f)) return 1;
  let error = false;
  // destroy_callback batches contiguous snapshots and destroys them with one ioctl before the next
  // file system or volume (destroy_batched): a batch that fails (a held snapshot) leaves that
  // dataset in place too, and a recursive destroy goes on past it.
  let batch: string[] = [];
  for (const dep of [...dependentsOf(ctx, name), name]) {
    if (!ctx.disk.datasets[dep]) continue;
    if (mustDs(ctx, dep).type === "snapshot" && !f.dryrun) {
      if (f.verbose) out(ctx, f.parsable ? `destroy\t${dep}` : `will destroy ${dep}`);
      batch.push(dep);
      continue;
    }
    const flushed = destroySnapshotBatch(ctx, batch, false);
    batch = [];
    if (!flushed || !destroyOne(ctx, dep, f)) {
      if (!f.recurse || dep === name) return 1;
      error = true;
    }
  }
  return error ? 1 : 0;
}

/** destroy_callback for one dataset: verbose line, then unmount and destroy unless -n. */
function destroyOne(ctx: ZfsCtx, name: string, f: Flags): boolean {
  if (f.verbose) {
    out(ctx, f.parsable ? `destroy\t${name}` : f.dryrun ? `would destroy ${name}` : `will destroy ${name}`);
  }
  const rec = mustDs(ctx, name);
  if (!name.includes("/") && !name.includes("@") && rec.type === "filesystem") return true;
  if (f.dryrun) return true;
  if (rec.type === "snapshot") return destroySnapshotBatch(ctx, [name], false);
  const busy = unmountDataset(ctx, name);
  if (busy) {
    err(ctx, busy);
    return false;
  }
  removeDataset(ctx, name);
  return true;
}

/** The snapshots of `fs` named by a snapspec (`a`, `a%c`, `%c`, `a%`, comma-separated). */
function matchSnapspec(ctx: ZfsCtx, fs: string, spec: string): string[] {
  const snaps = snapshotsOf(ctx, fs);
  const short = snaps.map((s) => s.slice(fs.length + 1));
  const picked = new Set<string>();
  for (const tok of spec.split(",")) {
    const pct = tok.indexOf("%");
    if (pct < 0) {
      if (short.includes(tok)) picked.add(`${fs}@${tok}`);
      continue;
    }
    const from = tok.slice(0, pct);
    const to = tok.slice(pct + 1);
    const start = from === "" ? 0 : short.indexOf(from);
    const end = to === "" ? short.length - 1 : short.indexOf(to);
    if (start < 0 || end < 0) continue;
    for (let i = start; i <= end; i++) picked.add(snaps[i]!);
  }
  return snaps.filter((s) => picked.has(s));
}

function destroySnapshots(ctx: ZfsCtx, arg: string, f: Flags): number {
  const at = arg.indexOf("@");
  const fs = openDataset(ctx, arg.slice(0, at), T_FS | T_VOL);
  if (fs === undefined) return 1;
  const spec = arg.slice(at + 1);
  const selected: string[] = [];
  let error = false;
  const gather = (name: string): void => {
    const matched = matchSnapspec(ctx, name, spec);
    for (const snap of matched) {
      if (!f.clones && !f.defer && checkDependents(ctx, snap, { ...f, recurse: false })) error = true;
      selected.push(snap);
    }
    if (f.verbose) {
      for (const snap of matched) {
        out(ctx, f.parsable ? `destroy\t${snap}` : f.dryrun || error ? `would destroy ${snap}` : `will destroy ${snap}`);
      }
    }
    if (f.recurse) for (const child of childrenOf(ctx, name)) gather(child);
  };
  gather(fs);
  if (error) return 1;
  if (selected.length === 0) {
    err(ctx, "could not find any snapshots to destroy; check snapshot names.");
    return 1;
  }
  if (f.verbose) {
    const reclaim = selected.reduce((sum, s) => sum + (mustDs(ctx, s).unique ?? 0), 0);
    out(ctx, f.parsable ? `reclaim\t${reclaim}` : f.dryrun ? `would reclaim ${nicebytes(reclaim)}` : `will reclaim ${nicebytes(reclaim)}`);
  }
  if (f.dryrun) return 0;
  if (f.clones) {
    let rv = 0;
    for (const snap of selected) {
      for (const dep of dependentsOf(ctx, snap)) {
        if (ctx.disk.datasets[dep] && !destroyOne(ctx, dep, { ...f, verbose: false, recurse: true })) rv = 1;
      }
    }
    if (rv) return rv;
  }
  return destroySnapshotBatch(ctx, selected, f.defer) ? 0 : 1;
}
