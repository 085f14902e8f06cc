// zfs send (zfs_do_send, libzfs zfs_send_one): full and incremental (-i, -I) streams of a snapshot,
// properties with -p/-R, estimates with -n/-v/-P. The stream format is the simulator's (stream.ts).

import { isatty } from "node:tty";
import { err, mustDs, parentOf, snapshotsOf, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { openDataset } from "./open.ts";
import { T_DATASET } from "./prop-table.ts";
import { contentDir, nestedMountDirs, snapshotDir } from "./mount.ts";
import { nicebytes } from "./nicenum.ts";
import { randomGuid } from "../core/store.ts";
import { encodeStream, readTree, streamBytes, type Stream, type StreamSnap } from "./stream.ts";

const LONG: Record<string, string> = {
  "--replicate": "R", "--skip-missing": "s", "--dedup": "D", "--props": "p", "--parsable": "P", "--verbose": "v",
  "--dryrun": "n", "--large-block": "L", "--embed": "e", "--compressed": "c", "--raw": "w", "--backup": "b",
  "--holds": "h", "--proctitle": "V",
};

interface SendFlags {
  from?: string;
  doall: boolean;
  replicate: boolean;
  props: boolean;
  dryrun: boolean;
  verbose: boolean;
  parsable: boolean;
}

/** zfs send [-DLPbcehnpsvw] [-i|-I snapshot] [-R] snapshot */
export function zfsSend(ctx: ZfsCtx, argv: string[]): number {
  const f: SendFlags = { doall: false, replicate: false, props: false, dryrun: false, verbose: false, parsable: false };
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
    else if (o.opt === ":") {
      err(ctx, `missing argument for '${o.optopt}' option`);
      usage(ctx, "send");
    } else if (o.opt === "?") {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "send");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing snapshot argument");
    usage(ctx, "send");
  }
  if (rest.length > 1) {
    err(ctx, "too many arguments");
    usage(ctx, "send");
  }
  if (!f.dryrun && isatty(1)) {
    ctx.io.err.push("Error: Stream can not be written to a terminal.\nYou must redirect standard output.\n");
    return 1;
  }
  const target = rest[0]!;
  const at = target.indexOf("@");
  const fs = at < 0 ? target : target.slice(0, at);
  let fromName: string | undefined;
  if (f.from !== undefined) {
    let from = f.from;
    if (!from.includes("@") && !from.includes("#")) {
      // zfs_do_send: a bare name is taken as a snapshot of the same file system.
      ctx.io.err.push("Warning: incremental source didn't specify type, assuming snapshot. Use '@' or '#' prefix to avoid ambiguity.\n");
      from = `@${from}`;
    }
    fromName = from.startsWith("@") || from.startsWith("#") ? `${fs}${from}` : from;
  }
  if (openDataset(ctx, target, T_DATASET) === undefined) return 1;
  const toName = at < 0 ? `${fs}@--head--` : target;
  let chain = [toName];
  let fromguid = "0";
  if (fromName !== undefined) {
    const fromRec = ctx.disk.datasets[fromName];
    if (!fromRec) {
      err(ctx, `warning: cannot send '${target}': incremental source (${fromName}) does not exist`);
      return 1;
    }
    const toTxg = at < 0 ? Number.MAX_SAFE_INTEGER : mustDs(ctx, target).createtxg;
    const isOrigin = mustDs(ctx, fs).origin === fromRec.guid;
    if ((parentOf(fromName) !== fs && !isOrigin) || fromRec.createtxg >= toTxg) {
      err(ctx, `warning: cannot send '${target}': not an earlier snapshot from the same fs`);
      return 1;
    }
    fromguid = fromRec.streamGuid ?? fromRec.guid;
    if (f.doall) chain = [...snapshotsOf(ctx, fs).filter((s) => mustDs(ctx, s).createtxg > fromRec.createtxg
      && mustDs(ctx, s).createtxg <= toTxg), ...(at < 0 ? [toName] : [])];
  } else if (f.replicate && at >= 0) {
    // -R without -i: every snapshot up to the one named, the first of them as a full stream.
    chain = snapshotsOf(ctx, fs).filter((s) => mustDs(ctx, s).createtxg <= mustDs(ctx, target).createtxg);
  }
  const head = mustDs(ctx, fs);
  const stream: Stream = { sendfs: fs, fromguid, type: head.type === "volume" ? "volume" : "filesystem", snaps: [] };
  if (head.zpl) stream.zpl = head.zpl;
  if (head.volblocksize !== undefined) stream.volblocksize = head.volblocksize;
  if (f.props || f.replicate) {
    stream.props = { ...head.props };
    stream.userProps = { ...head.user };
  }
  for (const name of chain) stream.snaps.push(snapRecord(ctx, fs, name));
  if (f.verbose || f.dryrun) estimate(ctx, f, stream, fromName, chain);
  if (!f.dryrun) ctx.io.out.push(encodeStream(stream));
  return 0;
}

function snapRecord(ctx: ZfsCtx, fs: string, name: string): StreamSnap {
  const short = name.slice(name.indexOf("@") + 1);
  const live = short === "--head--" && !ctx.disk.datasets[name];
  const rec = mustDs(ctx, live ? fs : name);
  const dir = live ? contentDir(ctx, fs) : snapshotDir(ctx, name);
  const files = rec.type === "volume" ? [] : readTree(dir, live ? nestedMountDirs(ctx, fs) : []);
  return {
    name: short, guid: live ? randomGuid() : rec.streamGuid ?? rec.guid, creation: live ? ctx.now : rec.creation, refer: rec.refer,
    logicalrefer: rec.logicalrefer, user: live ? {} : { ...rec.user }, files, volsize: rec.volsize,
  };
}

/** The -n/-v/-P estimate lines (on stdout for a dry run, else stderr). */
function estimate(ctx: ZfsCtx, f: SendFlags, s: Stream, fromName: string | undefined, chain: string[]): void {
  const lines: string[] = [];
  let total = 0;
  let prev = fromName;
  chain.forEach((name, i) => {
    const size = streamBytes(s.snaps[i]!);
    total += size;
    if (f.parsable) lines.push(prev ? `incremental\t${prev}\t${name}\t${size}` : `full\t${name}\t${size}`);
    else lines.push(prev ? `send from ${prev} to ${name} estimated size is ${nicebytes(size)}`
      : `full send of ${name} estimated size is ${nicebytes(size)}`);
    prev = name;
  });
  lines.push(f.parsable ? `size\t${total}` : `total estimated size is ${nicebytes(total)}`);
  const text = lines.map((l) => `${l}\n`).join("");
  if (f.dryrun) ctx.io.out.push(text);
  else ctx.io.err.push(text);
}
