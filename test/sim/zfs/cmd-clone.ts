// zfs clone and zfs promote (zfs_do_clone/zfs_clone, zfs_do_promote/zfs_promote).

import type { PropValue } from "../core/types.ts";
import { err, mustDs, nameOfGuid, parentOf, snapshotsOf, touch, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { exists, openDataset } from "./open.ts";
import { parsePropArg, validateProps } from "./prop-parse.ts";
import { validateName } from "./names.ts";
import { T_FS, T_SNAP, T_VOL } from "./prop-table.ts";
import { checkParents, createAncestors } from "./cmd-create.ts";
import { newRecord } from "./cmd-common.ts";
import { contentDir, isAutoMountable, mountDataset, snapshotDir } from "./mount.ts";
import { copyTree } from "./content.ts";

/** zfs clone [-p] [-o prop=value]... snapshot fs|vol */
export function zfsClone(ctx: ZfsCtx, argv: string[]): number {
  const settings = new Map<string, string>();
  let parents = false;
  const { opts, rest } = getopt(argv, "o:p");
  for (const o of opts) {
    if (o.opt === "o") {
      if (!parsePropArg(ctx, o.arg!, settings)) return 1;
    } else if (o.opt === "p") parents = true;
    else {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "clone");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing source dataset argument");
    usage(ctx, "clone");
  }
  if (rest.length < 2) {
    err(ctx, "missing target dataset argument");
    usage(ctx, "clone");
  }
  if (rest.length > 2) {
    err(ctx, "too many arguments");
    usage(ctx, "clone");
  }
  const snap = openDataset(ctx, rest[0]!, T_SNAP);
  if (snap === undefined) return 1;
  const target = rest[1]!;
  if (parents && !validateName(target, T_FS | T_VOL, false)) {
    if (exists(ctx, target, T_FS | T_VOL)) return 0;
    if (!createAncestors(ctx, target)) return 1;
  }
  if (!cloneSnapshot(ctx, snap, target, settings)) return 1;
  if (mustDs(ctx, target).type !== "filesystem" || !isAutoMountable(ctx, target)) return 0;
  const mountErr = mountDataset(ctx, target);
  if (mountErr) {
    err(ctx, mountErr);
    err(ctx, "filesystem successfully created, but not mounted");
    return 1;
  }
  return 0;
}

function cloneSnapshot(ctx: ZfsCtx, snap: string, target: string, settings: Map<string, string>): boolean {
  const fail = (desc: string): false => {
    err(ctx, `cannot create '${target}': ${desc}`);
    return false;
  };
  const bad = validateName(target, T_FS, true);
  if (bad) return fail(bad);
  const check = checkParents(ctx, target, false);
  if (!check.ok) return false;
  const head = mustDs(ctx, parentOf(snap)!);
  const type = head.type === "volume" ? "volume" : "filesystem";
  const parsed = validateProps(ctx, [...settings], { type, creating: false, keyParamsOk: true, zoned: check.zoned,
    volblocksize: head.volblocksize, errbuf: `cannot create '${target}'` });
  if (!parsed) return false;
  if (target.split("/")[0] !== snap.split("/")[0]) return fail("source and target pools differ");
  if (ctx.disk.datasets[target]) return fail("dataset already exists");
  const source = mustDs(ctx, snap);
  const props: Record<string, PropValue> = Object.fromEntries(parsed.native);
  delete props["volsize"];
  const rec = newRecord(ctx, {
    type, props, user: Object.fromEntries(parsed.user), zpl: head.zpl, volsize: head.volsize,
    volblocksize: head.volblocksize, refer: source.refer, logicalrefer: source.logicalrefer, origin: source.guid,
  });
  rec.written = 0;
  if (source.fill) rec.fill = [...source.fill];
  ctx.disk.datasets[target] = rec;
  touch(ctx);
  if (type === "filesystem") copyTree(snapshotDir(ctx, snap), contentDir(ctx, target), []);
  return true;
}

/** zfs promote clone: the origin's snapshots up to the origin move to the clone, which becomes the parent. */
export function zfsPromote(ctx: ZfsCtx, argv: string[]): number {
  if (argv.length > 0 && argv[0]!.startsWith("-")) {
    err(ctx, `invalid option '${argv[0]![1] ?? ""}'`);
    usage(ctx, "promote");
  }
  if (argv.length < 1) {
    err(ctx, "missing clone filesystem argument");
    usage(ctx, "promote");
  }
  if (argv.length > 1) {
    err(ctx, "too many arguments");
    usage(ctx, "promote");
  }
  const clone = openDataset(ctx, argv[0]!, T_FS | T_VOL);
  if (clone === undefined) return 1;
  const rec = mustDs(ctx, clone);
  const originName = rec.origin ? nameOfGuid(ctx, rec.origin) : undefined;
  if (!originName) {
    err(ctx, `cannot promote '${clone}': not a cloned filesystem`);
    return 1;
  }
  const originFs = parentOf(originName)!;
  const oldRec = mustDs(ctx, originFs);
  const originTxg = mustDs(ctx, originName).createtxg;
  const moving = snapshotsOf(ctx, originFs).filter((s) => mustDs(ctx, s).createtxg <= originTxg);
  for (const s of moving) {
    const short = s.slice(originFs.length + 1);
    if (ctx.disk.datasets[`${clone}@${short}`]) {
      err(ctx, `cannot promote '${clone}': conflicting snapshot '${short}' from parent '${originName}'`);
      return 1;
    }
  }
  for (const s of moving) {
    const to = `${clone}@${s.slice(originFs.length + 1)}`;
    ctx.disk.datasets[to] = ctx.disk.datasets[s]!;
    delete ctx.disk.datasets[s];
  }
  const originGuid = rec.origin!;
  if (oldRec.origin) rec.origin = oldRec.origin;
  else delete rec.origin;
  oldRec.origin = originGuid;
  rec.snapshotsChanged = ctx.now;
  oldRec.snapshotsChanged = ctx.now;
  touch(ctx);
  return 0;
}
