// zfs rename (zfs_do_rename, libzfs zfs_rename): children, snapshots and mounts follow the new name.

import { descendantsOf, err, mustDs, parentOf, snapshotsOf, touch, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { openDataset } from "./open.ts";
import { validateName } from "./names.ts";
import { T_DATASET, T_FS, T_VOL, typeBit } from "./prop-table.ts";
import { lookupChain, mountpointPath } from "./prop-get.ts";
import { checkParents, createAncestors } from "./cmd-create.ts";
import { gather, postfix, prefix } from "./changelist.ts";

/** zfs rename [-f] ds new | -p [-f] ds new | -u [-f] fs new | -r snap snap */
export function zfsRename(ctx: ZfsCtx, argv: string[]): number {
  let parents = false;
  let recursive = false;
  let nounmount = false;
  const { opts, rest } = getopt(argv, "pruf");
  for (const o of opts) {
    if (o.opt === "p") parents = true;
    else if (o.opt === "r") recursive = true;
    else if (o.opt === "u") nounmount = true;
    else if (o.opt !== "f") {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "rename");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing source dataset argument");
    usage(ctx, "rename");
  }
  if (rest.length < 2) {
    err(ctx, "missing target dataset argument");
    usage(ctx, "rename");
  }
  if (rest.length > 2) {
    err(ctx, "too many arguments");
    usage(ctx, "rename");
  }
  if (recursive && parents) {
    err(ctx, "-p and -r options are mutually exclusive");
    usage(ctx, "rename");
  }
  if (nounmount && parents) {
    err(ctx, "-u and -p options are mutually exclusive");
    usage(ctx, "rename");
  }
  if (recursive && !rest[0]!.includes("@")) {
    err(ctx, "source dataset for recursive rename must be a snapshot");
    usage(ctx, "rename");
  }
  const types = nounmount ? T_FS : parents ? T_FS | T_VOL : T_DATASET;
  const src = openDataset(ctx, rest[0]!, types);
  if (src === undefined) return 1;
  const type = typeBit(mustDs(ctx, src).type);
  if (parents && !validateName(rest[1]!, type, false) && !createAncestors(ctx, rest[1]!)) return 1;
  return renameDataset(ctx, src, rest[1]!, recursive, nounmount) ? 0 : 1;
}

function renameDataset(ctx: ZfsCtx, src: string, target: string, recursive: boolean, nounmount: boolean): boolean {
  if (src === target) return true;
  const rec = mustDs(ctx, src);
  const toErr = (desc: string): false => {
    err(ctx, `cannot rename to '${target}': ${desc}`);
    return false;
  };
  if (rec.type === "snapshot") {
    const at = src.indexOf("@");
    if (!target.includes("@") || target.startsWith("@")) {
      target = target.startsWith("@") ? src.slice(0, at) + target : src.slice(0, at + 1) + target;
    } else if (target.slice(0, target.indexOf("@")) !== src.slice(0, at)) {
      return toErr("snapshots must be part of same dataset");
    }
    const bad = validateName(target, typeBit(rec.type), true);
    if (bad) return toErr(bad);
  } else {
    const bad = validateName(target, typeBit(rec.type), true);
    if (bad) return toErr(bad);
    if (!checkParents(ctx, target, false).ok) return false;
    if (target.split("/")[0] !== src.split("/")[0]) return toErr("datasets must be within same pool");
    if (target.startsWith(`${src}/`)) return toErr("New dataset name cannot be a descendant of current dataset name");
  }
  const fail = (desc: string): false => {
    err(ctx, `cannot rename '${src}': ${desc}`);
    return false;
  };
  if (lookupChain(ctx, src, "jailed", true)?.value === "on") return fail("dataset is used in a non-global zone");
  if (rec.type === "snapshot") return renameSnapshots(ctx, src, target, recursive);
  if (rec.type === "filesystem" && ["legacy", "none"].includes(mountpointPath(ctx, src))) nounmount = true;
  if (ctx.disk.datasets[target]) return fail("dataset already exists");
  const cl = gather(ctx, src, "name", nounmount);
  const busy = prefix(ctx, cl);
  if (busy) {
    err(ctx, busy);
    return false;
  }
  const moved = moveNames(ctx, src, target);
  postfix(ctx, cl, moved);
  return true;
}

/** Renames a dataset and everything named below it; returns old -> new names. */
function moveNames(ctx: ZfsCtx, src: string, target: string): Map<string, string> {
  const moved = new Map<string, string>();
  for (const name of Object.keys(ctx.disk.datasets)) {
    if (name === src || name.startsWith(`${src}/`) || name.startsWith(`${src}@`)) {
      moved.set(name, target + name.slice(src.length));
    }
  }
  for (const [from, to] of moved) {
    ctx.disk.datasets[to] = ctx.disk.datasets[from]!;
    delete ctx.disk.datasets[from];
  }
  touch(ctx);
  return moved;
}

function renameSnapshots(ctx: ZfsCtx, src: string, target: string, recursive: boolean): boolean {
  const fs = parentOf(src)!;
  const oldSnap = src.slice(src.indexOf("@") + 1);
  const newSnap = target.slice(target.indexOf("@") + 1);
  const heads = recursive ? [fs, ...descendantsOf(ctx, fs)] : [fs];
  const pairs: [string, string][] = [];
  for (const head of heads) {
    if (!snapshotsOf(ctx, head).includes(`${head}@${oldSnap}`)) continue;
    if (ctx.disk.datasets[`${head}@${newSnap}`]) {
      err(ctx, `cannot rename '${src}': ${recursive ? "a child dataset already has a snapshot with the new name"
        : "dataset already exists"}`);
      return false;
    }
    pairs.push([`${head}@${oldSnap}`, `${head}@${newSnap}`]);
  }
  for (const [from, to] of pairs) {
    ctx.disk.datasets[to] = ctx.disk.datasets[from]!;
    delete ctx.disk.datasets[from];
    mustDs(ctx, parentOf(to)!).snapshotsChanged = ctx.now;
  }
  touch(ctx);
  return true;
}
