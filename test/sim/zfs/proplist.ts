// Property lists for get/list columns (libzfs zprop_get_list, zprop_width, zfs_expand_proplist):
// which properties to show and how wide each column grows.

import { err, type ZfsCtx } from "./context.ts";
import { findProp, isUserProp, isUserquotaProp, isWrittenProp, prop, PROPS, T_DATASET, type PropDef } from "./prop-table.ts";
import { getNative, userProps } from "./prop-get.ts";

export interface PlEntry {
  def?: PropDef;
  /** User (module:prop), userquota@ or written@ property name. */
  user?: string;
  width: number;
  fixed: boolean;
  /** Entry added by expanding "all" (skipped silently when not applicable). */
  all: boolean;
}

/** zprop_width: the minimum column width of a native property. */
export function propWidth(def: PropDef): number {
  let w = def.col.length;
  if (def.kind === "number") w = Math.max(w, 5);
  if (def.kind === "index") for (const n of def.table ?? []) w = Math.max(w, n.length);
  return w;
}

function entryFor(def: PropDef, all: boolean): PlEntry {
  return { def, width: propWidth(def), fixed: !def.flex, all };
}

/** zprop_get_list: null for "all"; prints `bad property list: ...` and returns undefined on error. */
export function parsePropList(ctx: ZfsCtx, spec: string): PlEntry[] | null | undefined {
  if (spec === "all") return null;
  if (spec === "") {
    err(ctx, "bad property list: no properties specified");
    return undefined;
  }
  const list: PlEntry[] = [];
  for (const token of spec.split(",")) {
    const names = token === "space"
      ? ["name", "avail", "used", "usedbysnapshots", "usedbydataset", "usedbyrefreservation", "usedbychildren"]
      : [token];
    for (const name of names) {
      const def = findProp(name);
      if (def && (def.types & T_DATASET)) {
        list.push(entryFor(def, false));
      } else if (isUserProp(name) || isUserquotaProp(name) || isWrittenProp(name)) {
        list.push({ user: name, width: name.length, fixed: false, all: false });
      } else {
        err(ctx, `bad property list: invalid property '${name}'`);
        return undefined;
      }
    }
  }
  return list;
}

/** zprop_expand_list for "all": name first, then every visible property in enum order. */
export function expandAll(): PlEntry[] {
  const list = [entryFor(prop("name"), true)];
  for (const def of PROPS) if (def.visible) list.push(entryFor(def, true));
  return list;
}

/**
 * zfs_expand_proplist for one dataset: adds its user properties (for "all") and widens flexible columns
 * (skipped when widths do not matter, as with -H, since the output is the same).
 */
export function expandForDataset(ctx: ZfsCtx, list: PlEntry[], name: string, literal: boolean, widths = true): void {
  const users = userProps(ctx, name);
  if (list[0]?.all && users.size > 0) {
    const known = new Set(list.filter((e) => e.user).map((e) => e.user!));
    for (const key of [...users.keys()].sort()) {
      if (!known.has(key)) list.push({ user: key, width: key.length, fixed: false, all: true });
    }
  }
  if (!widths) return;
  for (const e of list) {
    if (e.fixed && !literal) continue;
    let text: string | undefined;
    if (e.def) text = getNative(ctx, name, e.def, literal)?.value;
    else if (e.user) text = users.get(e.user)?.value;
    if (text !== undefined && text.length > e.width) e.width = text.length;
  }
}
