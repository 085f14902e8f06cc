// zpool(8): list, get, status and version (cmd/zpool/zpool_main.c), enough for a provider's inventory.

import { err, ExitError, out, type ZfsCtx } from "../zfs/context.ts";
import { getopt } from "../core/getopt.ts";
import { FEATURES, findPoolProp, POOL_PROPS, poolProp, type PoolPropDef } from "./props.ts";
import { zpoolUsage, zpoolUsageText } from "./usage.ts";
import { ZFS_VERSION } from "../zfs/main.ts";

interface Col {
  def?: PoolPropDef;
  feature?: string;
  width: number;
  all: boolean;
}

/** Subcommands that only read state. */
export const ZPOOL_READ_ONLY = new Set(["list", "get", "status", "version", "-V", "--version", "help", "-?"]);

/** Runs `zpool argv...` and returns the exit status. */
export function zpoolMain(ctx: ZfsCtx, argv: string[]): number {
  try {
    return dispatch(ctx, argv);
  } catch (e) {
    if (e instanceof ExitError) return e.code;
    throw e;
  }
}

function dispatch(ctx: ZfsCtx, argv: string[]): number {
  const cmd = argv[0];
  if (cmd === undefined) {
    err(ctx, "missing command");
    zpoolUsage(ctx, undefined);
  }
  if (cmd === "list") return zpoolList(ctx, argv.slice(1));
  if (cmd === "get") return zpoolGet(ctx, argv.slice(1));
  if (cmd === "status") return zpoolStatus(ctx, argv.slice(1));
  if (cmd === "version" || cmd === "-V" || cmd === "--version") {
    for (const line of ZFS_VERSION) out(ctx, line);
    return 0;
  }
  if (cmd === "-?" || cmd === "help") {
    ctx.io.out.push(zpoolUsageText(undefined));
    return 0;
  }
  err(ctx, `unrecognized command '${cmd}'`);
  zpoolUsage(ctx, undefined);
}

function width(def: PoolPropDef): number {
  if (def.name === "health") return 8;
  let w = def.col.length;
  if (def.kind === "number") w = Math.max(w, 5);
  for (const n of def.table ?? []) w = Math.max(w, n.length);
  return w;
}

function parseCols(ctx: ZfsCtx, spec: string, command: string): Col[] | null {
  if (spec === "all") return null;
  if (spec === "") {
    err(ctx, "bad property list: no properties specified");
    zpoolUsage(ctx, command);
  }
  return spec.split(",").map((name) => {
    const def = findPoolProp(name);
    if (def) return { def, width: width(def), all: false };
    if (name.startsWith("feature@")) return { feature: name.slice(8), width: name.length, all: false };
    err(ctx, `bad property list: invalid property '${name}'`);
    zpoolUsage(ctx, command);
  });
}

function allCols(): Col[] {
  const cols: Col[] = [{ def: POOL_PROPS[0], width: 4, all: true }];
  for (const def of POOL_PROPS) if (def.visible) cols.push({ def, width: width(def), all: true });
  for (const [f] of FEATURES) cols.push({ feature: f, width: `feature@${f}`.length, all: true });
  return cols;
}

function cellValue(ctx: ZfsCtx, pool: string, col: Col, literal: boolean): { value: string; source: string } | undefined {
  const rec = ctx.disk.pools[pool]!;
  if (col.feature !== undefined) {
    const state = rec.features[col.feature];
    return state ? { value: state, source: "local" } : undefined;
  }
  const got = poolProp(ctx, rec, col.def!, literal);
  return got ? { value: got.value, source: got.source === "none" ? "-" : got.source } : undefined;
}

function selectPools(ctx: ZfsCtx, names: string[]): { pools: string[]; ret: number } {
  if (names.length === 0) return { pools: Object.keys(ctx.disk.pools).sort(), ret: 0 };
  const pools: string[] = [];
  let ret = 0;
  for (const n of names) {
    if (ctx.disk.pools[n]) pools.push(n);
    else {
      err(ctx, `cannot open '${n}': no such pool`);
      ret = 1;
    }
  }
  return { pools, ret };
}

/** zpool list [-Hp] [-o props] [pool]... */
function zpoolList(ctx: ZfsCtx, argv: string[]): number {
  let scripted = false;
  let literal = false;
  let spec = "name,size,allocated,free,checkpoint,expandsize,fragmentation,capacity,dedupratio,health,altroot";
  const { opts, rest } = getopt(argv, ":gHLo:pPT:v");
  for (const o of opts) {
    if (o.opt === "H") scripted = true;
    else if (o.opt === "p") literal = true;
    else if (o.opt === "o") spec = o.arg!;
    else if (o.opt === ":") {
      err(ctx, `missing argument for '${o.optopt}' option`);
      zpoolUsage(ctx, "list");
    } else if (o.opt === "?") {
      err(ctx, `invalid option '${o.optopt}'`);
      zpoolUsage(ctx, "list");
    }
  }
  const cols = parseCols(ctx, spec, "list") ?? allCols().slice(1);
  const { pools, ret } = selectPools(ctx, rest);
  if (pools.length === 0) {
    if (rest.length === 0 && !scripted) out(ctx, "no pools available");
    return rest.length === 0 ? 0 : ret;
  }
  for (const p of pools) {
    for (const c of cols) {
      if (c.def && c.def.kind === "number" && c.def.name !== "guid" && !literal) continue;
      const v = cellValue(ctx, p, c, literal)?.value;
      if (v !== undefined && v.length > c.width) c.width = v.length;
    }
  }
  const right = (c: Col): boolean => c.def?.kind === "number";
  if (!scripted) {
    out(ctx, cols.map((c, i) => {
      const title = c.def ? c.def.col : `feature@${c.feature}`.toUpperCase();
      if (right(c)) return title.padStart(c.width);
      return i === cols.length - 1 ? title : title.padEnd(c.width);
    }).join("  "));
  }
  for (const p of pools) {
    out(ctx, cols.map((c, i) => {
      const v = cellValue(ctx, p, c, literal)?.value ?? "-";
      if (scripted || (i === cols.length - 1 && !right(c))) return v;
      return right(c) ? v.padStart(c.width) : v.padEnd(c.width);
    }).join(scripted ? "\t" : "  "));
  }
  return ret;
}

/** zpool get [-Hp] [-o fields] all|props [pool]... */
function zpoolGet(ctx: ZfsCtx, argv: string[]): number {
  let scripted = false;
  let literal = false;
  let fields = ["name", "property", "value", "source"];
  const { opts, rest } = getopt(argv, ":Hpo:");
  for (const o of opts) {
    if (o.opt === "H") scripted = true;
    else if (o.opt === "p") literal = true;
    else if (o.opt === "o") {
      fields = o.arg!.split(",").flatMap((f) => (f === "all" ? ["name", "property", "value", "source"] : [f]));
      for (const f of fields) {
        if (!["name", "property", "value", "source"].includes(f)) {
          err(ctx, `invalid column name '${f}'`);
          zpoolUsage(ctx, "get");
        }
      }
    } else {
      err(ctx, o.opt === ":" ? `missing argument for '${o.optopt}' option` : `invalid option '${o.optopt}'`);
      zpoolUsage(ctx, "get");
    }
  }
  if (rest.length < 1) {
    err(ctx, "missing property argument");
    zpoolUsage(ctx, "get");
  }
  const names = rest.slice(1);
  if (names.length > 0 && !ctx.disk.pools[names[0]!]) {
    err(ctx, `Cannot get properties of ${names[0]}: no such pool available.`);
    return 1;
  }
  const parsed = parseCols(ctx, rest[0]!, "get");
  const cols = parsed === null ? allCols() : [{ def: POOL_PROPS[0], width: 4, all: false }, ...parsed];
  const { pools, ret } = selectPools(ctx, names);
  for (const p of pools) {
    for (const c of cols) {
      const v = cellValue(ctx, p, c, false)?.value;
      if (v !== undefined && v.length > c.width && !(c.def?.kind === "number" && c.def.name !== "guid")) {
        c.width = v.length;
      }
    }
  }
  const nameW = Math.max(4, ...pools.map((p) => p.length));
  const w: Record<string, number> = {
    name: nameW, property: Math.max(8, ...cols.map((c) => (c.def ? c.def.name : `feature@${c.feature}`).length)),
    value: Math.max(5, ...cols.slice(1).map((c) => c.width)), source: nameW + 14,
  };
  let first = true;
  for (const p of pools) {
    cols.forEach((c, i) => {
      if (i === 0) return;
      const got = cellValue(ctx, p, c, literal);
      if (!got) return;
      const cells: Record<string, string> = { name: p, property: c.def ? c.def.name : `feature@${c.feature}`,
        value: got.value, source: got.source };
      if (first && !scripted) out(ctx, row(fields, w, (f) => f.toUpperCase(), false));
      first = false;
      out(ctx, row(fields, w, (f) => cells[f]!, scripted));
    });
  }
  return ret;
}

function row(fields: string[], w: Record<string, number>, cell: (f: string) => string, scripted: boolean): string {
  return fields.map((f, i) => {
    const text = cell(f);
    if (i === fields.length - 1) return text;
    return scripted ? `${text}\t` : `${text.padEnd(w[f]!)}  `;
  }).join("");
}

/** zpool status [pool]...: one single-disk vdev per pool. */
function zpoolStatus(ctx: ZfsCtx, argv: string[]): number {
  const { rest } = getopt(argv, "c:DegiLpPstvxT:");
  const { pools, ret } = selectPools(ctx, rest);
  if (pools.length === 0 && rest.length === 0) {
    out(ctx, "no pools available");
    return 0;
  }
  pools.forEach((p, i) => {
    const rec = ctx.disk.pools[p]!;
    if (i > 0) out(ctx, "");
    out(ctx, `  pool: ${p}`);
    out(ctx, ` state: ${rec.health}`);
    out(ctx, "config:");
    out(ctx, "");
    const w = Math.max(10, p.length + 2, rec.vdev.length + 2);
    out(ctx, `\t${"NAME".padEnd(w)}  STATE     READ WRITE CKSUM`);
    out(ctx, `\t${p.padEnd(w)}  ${rec.health.padEnd(8)}     0     0     0`);
    out(ctx, `\t  ${rec.vdev.padEnd(w - 2)}  ${rec.health.padEnd(8)}     0     0     0`);
    out(ctx, "");
    out(ctx, "errors: No known data errors");
  });
  return ret;
}
