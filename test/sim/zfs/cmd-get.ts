// zfs get (zfs_do_get/get_callback and libzfs zprop_print_one_property).

import { err, out, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { forEach } from "./iterate.ts";
import { expandAll, expandForDataset, parsePropList, type PlEntry } from "./proplist.ts";
import { prop, T_BOOKMARK, T_DATASET, T_FS, T_SNAP, T_VOL } from "./prop-table.ts";
import { getNative, sourceText, userProps, type Got } from "./prop-get.ts";
import { parseDepth } from "./cmd-common.ts";

type Col = "name" | "property" | "value" | "received" | "source";
const SOURCES: Record<string, string> = {
  local: "local", default: "default", inherited: "inherited", received: "received", temporary: "temporary", none: "none",
};
const TYPES: Record<string, number> = {
  filesystem: T_FS, volume: T_VOL, snapshot: T_SNAP, snap: T_SNAP, bookmark: T_BOOKMARK, all: T_DATASET | T_BOOKMARK,
};

/** zfs get [-rHp] [-d max] [-o fields] [-t types] [-s sources] all|props [datasets...] */
export function zfsGet(ctx: ZfsCtx, argv: string[]): number {
  let columns: Col[] = ["name", "property", "value", "source"];
  let sources: Set<string> | undefined;
  let types = T_DATASET | T_BOOKMARK;
  let literal = false;
  let scripted = false;
  let recurse = false;
  let depth: number | undefined;
  const { opts, rest } = getopt(argv, ":d:o:s:rt:Hp");
  for (const o of opts) {
    switch (o.opt) {
      case "p": literal = true; break;
      case "d": depth = parseDepth(ctx, o.arg!, "get"); break;
      case "r": recurse = true; break;
      case "H": scripted = true; break;
      case ":": err(ctx, `missing argument for '${o.optopt}' option`); usage(ctx, "get");
      case "o": columns = parseColumns(ctx, o.arg!); break;
      case "s": sources = parseSources(ctx, o.arg!); break;
      case "t": types = parseTypes(ctx, o.arg!); break;
      default: err(ctx, `invalid option '${o.optopt}'`); usage(ctx, "get");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing property argument");
    usage(ctx, "get");
  }
  const datasets = rest.slice(1);
  if ((types === T_SNAP || types === T_BOOKMARK) && datasets.length > 0 && !recurse && depth === undefined) depth = 1;
  const parsed = parsePropList(ctx, rest[0]!);
  if (parsed === undefined) usage(ctx, "get");
  // zfs_do_get puts a NAME placeholder first so the NAME column can be sized.
  let list: PlEntry[] | null = parsed === null ? null
    : [{ def: prop("name"), width: 4, fixed: false, all: false }, ...parsed];
  const res = forEach(ctx, { args: datasets, recurse, depthLimit: depth, types, argsCanBePaths: true });
  for (const name of res.names) {
    if (list === null) list = expandAll();
    expandForDataset(ctx, list, name, false, !scripted);
  }
  const printer = makePrinter(ctx, columns, scripted, sources);
  for (const name of res.names) printDataset(ctx, name, list!, literal, printer);
  return res.ret;
}

function parseColumns(ctx: ZfsCtx, spec: string): Col[] {
  const cols: Col[] = [];
  for (const tok of spec.split(",")) {
    if (cols.length === 5) {
      err(ctx, "too many fields given to -o option");
      usage(ctx, "get");
    }
    if (tok === "all") {
      if (cols.length > 0) {
        err(ctx, "\"all\" conflicts with specific fields given to -o option");
        usage(ctx, "get");
      }
      return ["name", "property", "value", "received", "source"];
    }
    if (!["name", "property", "value", "received", "source"].includes(tok)) {
      err(ctx, `invalid column name '${tok}'`);
      usage(ctx, "get");
    }
    cols.push(tok as Col);
  }
  return cols;
}

function parseSources(ctx: ZfsCtx, spec: string): Set<string> {
  const set = new Set<string>();
  for (const tok of spec.split(",")) {
    if (!(tok in SOURCES)) {
      err(ctx, `invalid source '${tok}'`);
      usage(ctx, "get");
    }
    set.add(tok);
  }
  return set;
}

function parseTypes(ctx: ZfsCtx, spec: string): number {
  let mask = 0;
  for (const tok of spec.split(",")) {
    const bit = TYPES[tok];
    if (bit === undefined) {
      err(ctx, `invalid type '${tok}'`);
      usage(ctx, "get");
    }
    mask |= bit;
  }
  return mask;
}

interface Printer {
  print(name: string, property: string, got: Got, list: PlEntry[]): void;
}

function sourceKey(got: Got): string {
  return got.source === "inherited" ? "inherited" : got.source;
}

function makePrinter(ctx: ZfsCtx, columns: Col[], scripted: boolean, sources: Set<string> | undefined): Printer {
  let widths: Record<Col, number> | undefined;
  return {
    print(name, property, got, list) {
      if (sources && !sources.has(sourceKey(got))) return;
      if (!widths) {
        widths = headerWidths(list);
        if (!scripted) out(ctx, formatRow(columns, widths, false, (c) => c.toUpperCase()));
      }
      const cell = (c: Col): string => c === "name" ? name : c === "property" ? property : c === "value" ? got.value
        : c === "received" ? "-" : sourceText(got);
      out(ctx, formatRow(columns, widths, scripted, cell));
    },
  };
}

/** zprop_print_headers' column widths. */
function headerWidths(list: PlEntry[]): Record<Col, number> {
  const w: Record<Col, number> = { name: 4, property: 8, value: 5, received: 8, source: 6 };
  list.forEach((e, i) => {
    const propName = e.def ? e.def.name : e.user!;
    w.property = Math.max(w.property, propName.length);
    if (i > 0) w.value = Math.max(w.value, e.width);
    if (e.def?.name === "name" && e.width > w.name) {
      w.name = e.width;
      w.source = e.width + "inherited from".length;
    }
  });
  return w;
}

function formatRow(columns: Col[], widths: Record<Col, number>, scripted: boolean, cell: (c: Col) => string): string {
  let line = "";
  columns.forEach((c, i) => {
    const text = cell(c);
    if (i === columns.length - 1) line += text;
    else if (scripted) line += `${text}\t`;
    else line += `${text.padEnd(widths[c])}  `;
  });
  return line;
}

function printDataset(ctx: ZfsCtx, name: string, list: PlEntry[], literal: boolean, printer: Printer): void {
  const users = userProps(ctx, name);
  list.forEach((e, i) => {
    if (i === 0 && e.def?.name === "name") return;
    if (e.def) {
      let got = getNative(ctx, name, e.def, literal);
      if (!got) {
        if (e.all) return;
        got = { value: "-", source: "none" };
      }
      printer.print(name, e.def.name, got, list);
      return;
    }
    const user = e.user!;
    const got = users.get(user);
    if (!got) {
      if (e.all) return;
      printer.print(name, user, { value: "-", source: "none" }, list);
      return;
    }
    printer.print(name, user, got, list);
  });
}
