// zfs send (zfs_do_send; libzfs zfs_send_one for a single snapshot with or without -i, zfs_send for
// -I and -R, zfs_send_resume for -t): planned and estimated under the state lock, the stream written
// after it is released (send-stream.ts). The stream format is the simulator's (stream.ts); -w makes
// an ordinary stream of the simulator's datasets, which are never encrypted (dmu_send.c sets the
// RAW feature only for encrypted ones), with compressok in its resume state as OpenZFS records it.

import { isatty } from "node:tty";
import { err, mustDs, out, parentOf, snapshotsOf, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { openDataset } from "./open.ts";
import { T_DATASET } from "./prop-table.ts";
import { contentDir, isMounted, snapshotDir } from "./mount.ts";
import { nicebytes, nicenum } from "./nicenum.ts";
import { planResume } from "./cmd-send-resume.ts";
import { partSize, type SendPart } from "./send-stream.ts";
import { streamObjects } from "./stream-objects.ts";
import { contentOf } from "./written.ts";
import type { BeginInfo } from "./stream.ts";

const LONG: Record<string, string> = {
  "--replicate": "R", "--skip-missing": "s", "--dedup": "D", "--props": "p", "--parsable": "P", "--verbose": "v",
  "--dryrun": "n", "--large-block": "L", "--embed": "e", "--compressed": "c", "--raw": "w", "--backup": "b",
  "--holds": "h", "--proctitle": "V",
};

export interface SendFlags {
  from?: string;
  doall: boolean;
  replicate: boolean;
  props: boolean;
  dryrun: boolean;
  verbose: boolean;
  parsable: boolean;
  raw: boolean;
  compress: boolean;
  holds: boolean;
  backup: boolean;
  token?: string;
}

/** What `zfs send` decided under the lock: its status and, unless it failed or was a dry run, the streams to write. */
export interface SendPlan {
  code: number;
  parts: SendPart[];
  /** The name to blame when writing fails ("warning: cannot send 'NAME'"). */
  name: string;
}

/** zfs send [-DLPbcehnpsvw] [-i|-I snapshot] [-R] snapshot | zfs send [-Pnv] -t token */
export function planSend(ctx: ZfsCtx, argv: string[]): SendPlan {
  const f: SendFlags = {
    doall: false, replicate: false, props: false, dryrun: false, verbose: false, parsable: false, raw: false, compress: false,
    holds: false, backup: false,
  };
  const failed = (code = 1): SendPlan => ({ code, parts: [], name: "" });
  const { opts, rest } = getopt(argv.map((a) => LONG[a] ? `-${LONG[a]}` : a), ":i:I:RsDpvnPLeht:cwbd:SX:V");
  for (const o of opts) {
    if (o.opt === "i" || o.opt === "I") {
      if (f.from !== undefined) {
        err(ctx, "invalid option combination: -i and -I");
        usage(ctx, "send");
      }
      f.from = o.arg!;
      f.doall = o.opt === "I";
    } else if (o.opt === "R") f.replicate = true;
    else if (o.opt === "p") f.props = true;
    else if (o.opt === "n") f.dryrun = true;
    else if (o.opt === "v") f.verbose = true;
    else if (o.opt === "P") f.parsable = f.verbose = true;
    else if (o.opt === "w") f.raw = true;
    else if (o.opt === "c") f.compress = true;
    else if (o.opt === "h") f.holds = true;
    else if (o.opt === "b") f.backup = true;
    else if (o.opt === "t") f.token = o.arg!;
    else if (o.opt === ":") {
      err(ctx, `missing argument for '${o.optopt}' option`);
      usage(ctx, "send");
    } else if (o.opt === "?") {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "send");
    }
  }
  if (f.token !== undefined) {
    if (f.from !== undefined || f.replicate || f.props || f.backup || f.holds) {
      err(ctx, "invalid flags combined with -t");
      usage(ctx, "send");
    }
    if (rest.length > 0) {
      err(ctx, "too many arguments");
      usage(ctx, "send");
    }
  } else {
    if (rest.length < 1) {
      err(ctx, "missing snapshot argument");
      usage(ctx, "send");
    }
    if (rest.length > 1) {
      err(ctx, "too many arguments");
      usage(ctx, "send");
    }
  }
  if (!f.dryrun && isatty(1)) {
    ctx.io.err.push("Error: Stream can not be written to a terminal.\nYou must redirect standard output.\n");
    return failed();
  }
  if (f.token !== undefined) return planResume(ctx, f, f.token);
  return f.replicate || f.doall ? planMany(ctx, f, rest[0]!) : planOne(ctx, f, rest[0]!);
}

const guidOf = (ctx: ZfsCtx, name: string): string => mustDs(ctx, name).streamGuid ?? mustDs(ctx, name).guid;

/** The stream of one snapshot (or of an unmounted file system's current state) from `from`, or full. */
export function part(ctx: ZfsCtx, f: SendFlags, fs: string, to: string, from: string | undefined, withProps: boolean): SendPart {
  const head = mustDs(ctx, fs);
  const live = !to.includes("@");
  const rec = mustDs(ctx, to);
  const begin: BeginInfo = {
    sendfs: fs, toname: live ? `${fs}@--head--` : to, toguid: guidOf(ctx, to), fromguid: from ? guidOf(ctx, from) : "0",
    type: head.type === "volume" ? "volume" : "filesystem", creation: live ? ctx.now : rec.creation, refer: rec.refer,
    logicalrefer: rec.logicalrefer, user: live ? {} : { ...rec.user },
    features: f.raw || f.compress ? { compressok: true } : {},
  };
  if (rec.volsize !== undefined) begin.volsize = rec.volsize;
  if (head.volblocksize !== undefined) begin.volblocksize = head.volblocksize;
  if (head.zpl) begin.zpl = head.zpl;
  if (withProps) {
    begin.props = { ...head.props };
    begin.userProps = { ...head.user };
  }
  const objects = streamObjects(from ? contentOf(ctx, from) : undefined, contentOf(ctx, to));
  return { begin, objects, dir: live ? contentDir(ctx, fs) : snapshotDir(ctx, to) };
}

/** The incremental source named by -i/-I: `@snap` or a bare name are snapshots of the same file system. */
function fromName(ctx: ZfsCtx, from: string, fs: string, warn: boolean): string {
  let name = from;
  if (!name.includes("@") && !name.includes("#")) {
    if (warn) ctx.io.err.push("Warning: incremental source didn't specify type, assuming snapshot. Use '@' or '#' prefix to avoid ambiguity.\n");
    name = `@${name}`;
  }
  return name.startsWith("@") || name.startsWith("#") ? `${fs}${name}` : name;
}

/** zfs_send_one: one snapshot, full or from -i's source. */
function planOne(ctx: ZfsCtx, f: SendFlags, target: string): SendPlan {
  const at = target.indexOf("@");
  const fs = at < 0 ? target : target.slice(0, at);
  const from = f.from === undefined ? undefined : fromName(ctx, f.from, fs, true);
  if (openDataset(ctx, target, T_DATASET) === undefined) return { code: 1, parts: [], name: target };
  const fail = (why: string): SendPlan => {
    err(ctx, `warning: cannot send '${target}': ${why}`);
    return { code: 1, parts: [], name: target };
  };
  if (at < 0 && isMounted(ctx, fs)) return fail("target is busy; if a filesystem, it must not be mounted");
  if (from !== undefined) {
    const fromRec = ctx.disk.datasets[from];
    if (!fromRec) return fail(`incremental source (${from}) does not exist`);
    const toTxg = at < 0 ? Number.MAX_SAFE_INTEGER : mustDs(ctx, target).createtxg;
    const isOrigin = mustDs(ctx, fs).origin === fromRec.guid;
    if ((parentOf(from) !== fs && !isOrigin) || fromRec.createtxg >= toTxg) return fail("not an earlier snapshot from the same fs");
  }
  const p = part(ctx, f, fs, target, from, f.props);
  if (f.verbose) {
    const size = partSize(p);
    estimateLines(ctx, f, [[from, target, size]], size, nicenum);
  }
  return { code: 0, parts: f.dryrun ? [] : [p], name: target };
}

/** zfs_send: every snapshot after -I's source (or all of them with -R) up to the target, each from the one before. */
function planMany(ctx: ZfsCtx, f: SendFlags, target: string): SendPlan {
  const at = target.indexOf("@");
  if (at < 0) {
    err(ctx, "Error: Unsupported flag with filesystem or bookmark.");
    return { code: 1, parts: [], name: target };
  }
  const fs = target.slice(0, at);
  if (openDataset(ctx, fs, T_DATASET) === undefined) return { code: 1, parts: [], name: target };
  if (openDataset(ctx, target, T_DATASET) === undefined) return { code: 1, parts: [], name: target };
  let from = f.from === undefined ? undefined : fromName(ctx, f.from, fs, false);
  const toTxg = mustDs(ctx, target).createtxg;
  let chain: string[];
  if (from !== undefined) {
    const fromRec = ctx.disk.datasets[from];
    if (mustDs(ctx, fs).origin && fromRec && mustDs(ctx, fs).origin === fromRec.guid) {
      chain = snapshotsOf(ctx, fs).filter((s) => mustDs(ctx, s).createtxg <= toTxg);
    } else {
      if (parentOf(from) !== fs) {
        err(ctx, "incremental source must be in same filesystem");
        usage(ctx, "send");
      }
      if (!fromRec) {
        err(ctx, `warning: cannot send '${target}': incremental source (${from}) does not exist`);
        return { code: 1, parts: [], name: target };
      }
      chain = snapshotsOf(ctx, fs).filter((s) => mustDs(ctx, s).createtxg > fromRec.createtxg && mustDs(ctx, s).createtxg <= toTxg);
    }
  } else {
    chain = snapshotsOf(ctx, fs).filter((s) => mustDs(ctx, s).createtxg <= toTxg);
    from = undefined;
  }
  const parts: SendPart[] = [];
  const lines: Array<[string | undefined, string, number]> = [];
  let prev = from;
  chain.forEach((name, i) => {
    const p = part(ctx, f, fs, name, prev, (f.props || f.replicate) && i === 0);
    parts.push(p);
    // dump_snapshot prints the previous snapshot's short name (sdd->prevsnap).
    lines.push([prev === undefined ? undefined : prev.slice(prev.indexOf("@") + 1), name, partSize(p)]);
    prev = name;
  });
  if (f.verbose) estimateLines(ctx, f, lines, lines.reduce((n, l) => n + l[2], 0), nicebytes);
  return { code: 0, parts: f.dryrun ? [] : parts, name: target };
}

/** send_print_verbose lines, then the total (estimate_size: zfs_nicenum; zfs_send: zfs_nicebytes). */
export function estimateLines(ctx: ZfsCtx, f: SendFlags, lines: Array<[string | undefined, string, number]>, total: number,
  totalText: (n: number) => string): void {
  const text: string[] = [];
  for (const [from, to, size] of lines) {
    if (f.parsable) text.push(from === undefined ? `full\t${to}\t${size}` : `incremental\t${from}\t${to}\t${size}`);
    else {
      const what = from === undefined ? `full send of ${to}`
        : `send from ${from.includes("@") || from.includes("#") ? from : `@${from}`} to ${to}`;
      text.push(size === 0 ? what : `${what} estimated size is ${nicebytes(size)}`);
    }
  }
  text.push(f.parsable ? `size\t${total}` : `total estimated size is ${totalText(total)}`);
  for (const line of text) (f.dryrun ? out : err)(ctx, line);
}
