import { isDeepStrictEqual } from "node:util";
import type { FieldRule } from "../resources/contract.ts";
import { formatPath, parsePath } from "./paths.ts";
import { revealSecrets, Unknown } from "./values.ts";

// The generic detailed diff: old inputs against new inputs, property by property, each change
// classified by the resource's rule for its path.

/** PropertyDiff.Kind values (provider.proto). */
export const Kind = { ADD: 0, ADD_REPLACE: 1, DELETE: 2, DELETE_REPLACE: 3, UPDATE: 4, UPDATE_REPLACE: 5 } as const;

export interface DiffResult {
  changed: boolean;
  replaces: string[];
  diffs: string[];
  detailed: Record<string, { kind: number; inputDiff: boolean }>;
  deleteBeforeReplace: boolean;
}

type Bag = Record<string, unknown>;

const isObject = (v: unknown): v is Bag =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Copies the old values over the new ones at each ignored path (the `ignoreChanges` option). */
export function applyIgnoreChanges(olds: Bag, news: Bag, ignore: readonly string[]): Bag {
  const result = structuredCloneBag(news);
  for (const text of ignore) {
    const path = parsePath(text);
    let from: unknown = olds;
    for (const part of path) from = isObject(from) ? from[String(part)] : undefined;
    let target: Bag = result;
    path.slice(0, -1).forEach((part) => {
      const next = target[String(part)];
      target = isObject(next) ? next : (target[String(part)] = {});
    });
    const last = String(path[path.length - 1]);
    if (from === undefined) delete target[last];
    else target[last] = from;
  }
  return result;
}

function structuredCloneBag(v: Bag): Bag {
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isObject(x) ? structuredCloneBag(x) : x]));
}

/** Diffs old inputs against new inputs (both plain of secrets; news may hold unknowns). */
export function diffInputs(
  olds: Bag,
  news: Bag,
  rule: (path: readonly string[]) => FieldRule,
  deleteBeforeReplace: boolean,
): DiffResult {
  const plainOld = revealSecrets(olds).plain as Bag;
  const plainNew = revealSecrets(news).plain as Bag;
  const detailed: DiffResult["detailed"] = {};
  const note = (path: string[], kind: number) => {
    const replace = rule(path) === "replace";
    detailed[formatPath(path)] = { kind: replace ? kind + 1 : kind, inputDiff: true };
  };
  const walk = (o: unknown, n: unknown, path: string[]) => {
    if (n === Unknown) return note(path, Kind.UPDATE);
    if (isObject(o) && isObject(n)) {
      for (const key of new Set([...Object.keys(o), ...Object.keys(n)])) walk(o[key], n[key], [...path, key]);
      return;
    }
    if (isDeepStrictEqual(o, n)) return;
    if (o === undefined) note(path, Kind.ADD);
    else if (n === undefined) note(path, Kind.DELETE);
    else note(path, Kind.UPDATE);
  };
  for (const key of new Set([...Object.keys(plainOld), ...Object.keys(plainNew)])) {
    walk(plainOld[key], plainNew[key], [key]);
  }
  const tops = (filter: (kind: number) => boolean) => [
    ...new Set(
      Object.entries(detailed)
        .filter(([, d]) => filter(d.kind))
        .map(([p]) => String(parsePath(p)[0])),
    ),
  ];
  const replaces = tops((k) => k % 2 === 1);
  return {
    changed: Object.keys(detailed).length > 0,
    replaces,
    diffs: tops(() => true),
    detailed,
    deleteBeforeReplace: replaces.length > 0 && deleteBeforeReplace,
  };
}
