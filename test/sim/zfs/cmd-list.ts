// zfs list (zfs_do_list, print_header, print_dataset).

import { err, out, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { forEach, type SortCol } from "./iterate.ts";
import { expandAll, expandForDataset, parsePropList, type PlEntry } from "./proplist.ts";
import { findProp, isUserProp, T_BOOKMARK, T_DATASET, T_FS, T_SNAP, T_VOL } from "./prop-table.ts";
import { getNative, userProps } from "./prop-get.ts";
import { parseDepth } from "./cmd-common.ts";

const TYPES: Record<string, number> = {
  filesystem: T_FS, fs: T_FS, volume: T_VOL, vol: T_VOL, snapshot: T_SNAP, snap: T_SNAP, bookmark: T_BOOKMARK,
  all: T_DATASET | T_BOOKMARK,
};

/** zfs list [-Hp] [-r|-d max] [-o props] [-s prop]... [-S prop]... [-t types] [datasets...] */
export function zfsList(ctx: ZfsCtx, argv: string[]): number {
  let fields = "name,used,available,referenced,mountpoint";
  let types = T_DATASET;
  let typesGiven = false;
  let literal = false;
  let scripted = false;
  let recurse = false;
  let depth: number | undefined;
  const sort: SortCol[] = [];
  const { opts, rest } = getopt(argv, "HS:d:o:prs:t:");
  for (const o of opts) {
    switch (o.opt) {
      case "o": fields = o.arg!; break;
      case "p": literal = true; break;
      case "d": depth = parseDepth(ctx, o.arg!, "list"); break;
      case "r": recurse = true; break;
      case "H": scripted = true; break;
      case "s": case "S":
        if (!findProp(o.arg!) && !isUserProp(o.arg!)) {
          err(ctx, `invalid property '${o.arg}'`);
          usage(ctx, "list");
        }
        sort.push({ name: o.arg!, reverse: o.opt === "S" });
        break;
      case "t":
        types = 0;
        typesGiven = true;
        for (const tok of o.arg!.split(",")) {
          const bit = TYPES[tok];
          if (bit === undefined) {
            err(ctx, `invalid type '${tok}'`);
            usage(ctx, "list");
          }
          types |= bit;
        }
        break;
      default: err(ctx, `invalid option '${o.optopt}'`); usage(ctx, "list");
    }
  }
  if (fields === "space" && !typesGiven) types &= ~T_SNAP;
  if ((types === T_SNAP || types === T_BOOKMARK) && rest.length > 0 && !recurse && depth === undefined) depth = 1;
  const parsed = parsePropList(ctx, fields);
  if (parsed === undefined) usage(ctx, "list");
  let list: PlEntry[] | null = parsed;
  const res = forEach(ctx, { args: rest, recurse, depthLimit: depth, types, listsnapsProp: !typesGiven,
    argsCanBePaths: true, sort });
  for (const name of res.names) {
    if (list === null) list = expandAll();
    expandForDataset(ctx, list, name, literal, !scripted);
  }
  if (res.names.length > 0 && !scripted) out(ctx, headerLine(list!));
  for (const name of res.names) out(ctx, datasetLine(ctx, name, list!, literal, scripted));
  if (res.ret === 0 && res.names.length === 0 && !scripted) err(ctx, "no datasets available");
  return res.ret;
}

function rightAligned(e: PlEntry): boolean {
  return e.def ? e.def.rightAlign : false;
}

function headerLine(list: PlEntry[]): string {
  return list.map((e, i) => {
    const title = e.def ? e.def.col : e.user!.toUpperCase();
    const last = i === list.length - 1;
    if (rightAligned(e)) return title.padStart(e.width);
    return last ? title : title.padEnd(e.width);
  }).join("  ");
}

function datasetLine(ctx: ZfsCtx, name: string, list: PlEntry[], literal: boolean, scripted: boolean): string {
  const users = userProps(ctx, name);
  const cells = list.map((e, i) => {
    let text: string;
    if (e.def) text = e.def.name === "name" ? name : getNative(ctx, name, e.def, literal)?.value ?? "-";
    else text = users.get(e.user!)?.value ?? "-";
    const right = e.def ? e.def.rightAlign : e.user!.includes("@");
    if (scripted || (i === list.length - 1 && !right)) return text;
    return right ? text.padStart(e.width) : text.padEnd(e.width);
  });
  return cells.join(scripted ? "\t" : "  ");
}
