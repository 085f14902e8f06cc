// Property paths as the engine parses and prints them (sdk/go/common/resource/properties_path.go),
// and ignoreChanges: resetting paths of the new inputs to their old values (processIgnoreChanges).
import { isSecret, isValueMap, secret, type Value, type ValueMap } from "./value-model.ts";

/** A parsed path: string keys for maps, numbers for list indices; "*" is a wildcard. */
export type PropertyPath = (string | number)[];

// Parses "a.b[0]", 'a["x.y"]', "a[*]" as the engine's lenient ParsePropertyPath does.
export function parsePropertyPath(path: string): PropertyPath {
  const out: PropertyPath = [];
  if (path.startsWith(".")) throw new Error("expected property path to start with a name or index");
  let rest = path;
  while (rest.length > 0) {
    if (rest[0] === ".") {
      rest = rest.slice(1);
      if (rest.length === 0) throw new Error("expected property path to end with a name or index");
    } else if (rest[0] === "[") {
      const [element, after] = parseIndex(rest);
      out.push(element);
      rest = after;
    } else {
      const end = rest.search(/[.[]/);
      const cut = end === -1 ? rest.length : end;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
  }
  return out;
}

function parseIndex(rest: string): [string | number, string] {
  if (rest[1] === '"') {
    let key = "";
    let i = 2;
    for (;;) {
      if (i >= rest.length) throw new Error("missing closing quote in property name");
      if (rest[i] === '"') { i++; break; }
      if (rest[i] === "\\" && rest[i + 1] === '"') { key += '"'; i += 2; continue; }
      key += rest[i];
      i++;
    }
    if (rest[i] !== "]") throw new Error("missing closing bracket in property access");
    return [key, rest.slice(i + 1)];
  }
  const close = rest.indexOf("]");
  if (close === -1) throw new Error("missing closing bracket in array index");
  const segment = rest.slice(1, close);
  if (segment === "*") return ["*", rest.slice(close + 1)];
  if (!/^[+-]?\d+$/.test(segment)) throw new Error(`invalid array index: ${segment}`);
  return [Number(segment), rest.slice(close + 1)];
}

// Prints a path as the engine does (PropertyPath.String).
export function formatPropertyPath(path: PropertyPath): string {
  return path
    .map((k, i) => {
      if (typeof k === "number") return `[${k}]`;
      if (/^[A-Za-z0-9_]*$/.test(k)) return i === 0 ? k : `.${k}`;
      return `["${k.replaceAll('"', '\\"')}"]`;
    })
    .join("");
}

// True when `outer` contains `inner` ("*" matches any key or index), as PropertyPath.Contains.
export function pathContains(outer: PropertyPath, inner: PropertyPath): boolean {
  if (inner.length < outer.length) return false;
  return outer.every((p, i) => {
    const o = inner[i];
    if (typeof p === "number") return o === p;
    return p === "*" || o === p;
  });
}

/** Result of applying ignoreChanges: the new inputs, and the paths that could not be reset. */
export interface IgnoreChangesResult {
  inputs: ValueMap;
  invalidPaths: string[];
}

// Resets each ignoreChanges path of `inputs` to its value in `oldInputs` (processIgnoreChanges).
export function applyIgnoreChanges(inputs: ValueMap, oldInputs: ValueMap, ignoreChanges: readonly string[]): IgnoreChangesResult {
  const box: { root: Value } = { root: structuredCloneValue(inputs) };
  const invalidPaths: string[] = [];
  for (const p of ignoreChanges) {
    let path: PropertyPath;
    try {
      path = parsePropertyPath(p);
    } catch {
      continue; // the engine skips unparsable paths silently
    }
    if (!resetPath(path, oldInputs, box.root, false, false)) invalidPaths.push(p);
  }
  return { inputs: box.root as ValueMap, invalidPaths };
}

function unwrap(v: Value | undefined): [Value | undefined, boolean] {
  let secretSeen = false;
  let cur = v;
  while (isSecret(cur)) {
    secretSeen = true;
    cur = cur.value;
  }
  return [cur, secretSeen];
}

// One step of PropertyPath.reset: mutates `newV` (a container reached from the cloned inputs).
function resetPath(path: PropertyPath, oldV: Value | undefined, newV: Value | undefined, oldSecret: boolean, newSecret: boolean): boolean {
  if (path.length === 0) return false;
  const [o, os] = unwrap(oldV);
  const [n, ns] = unwrap(newV);
  const oSec = oldSecret || os;
  const nSec = newSecret || ns;
  const key = path[0] as string | number;
  const mark = (v: Value): Value => (oSec && !nSec ? secret(v) : v);
  if (typeof key === "number") return resetIndex(path, key, o, n, oSec, nSec, mark);
  if (key === "*") return resetWildcard(path, o, n, oSec, nSec, mark);
  const oMap = isValueMap(o) ? o : undefined;
  const nMap = isValueMap(n) ? n : undefined;
  if (path.length === 1) {
    if (oMap !== undefined && key in oMap) {
      if (nMap === undefined) return false;
      nMap[key] = mark(oMap[key] ?? null);
    } else if (nMap !== undefined) {
      delete nMap[key];
    }
    return true;
  }
  if (oMap === undefined || nMap === undefined) return oMap === undefined && nMap === undefined;
  const hasOld = key in oMap;
  const hasNew = key in nMap;
  if (hasOld && !hasNew) return false;
  if (!hasOld && !hasNew) return true;
  return resetPath(path.slice(1), oMap[key], nMap[key], oSec, nSec);
}

function resetIndex(path: PropertyPath, key: number, o: Value | undefined, n: Value | undefined,
  oSec: boolean, nSec: boolean, mark: (v: Value) => Value): boolean {
  if (key < 0) return false;
  const oArr = Array.isArray(o) ? o : undefined;
  const nArr = Array.isArray(n) ? n : undefined;
  if (oArr === undefined || nArr === undefined) return oArr === undefined && nArr === undefined;
  if (path.length === 1) {
    if (key >= oArr.length && key >= nArr.length) return true;
    if (key >= oArr.length || key >= nArr.length) return false;
    nArr[key] = mark(oArr[key] ?? null);
    return true;
  }
  if (key >= oArr.length || key >= nArr.length) return false;
  return resetPath(path.slice(1), oArr[key], nArr[key], oSec, nSec);
}

function resetWildcard(path: PropertyPath, o: Value | undefined, n: Value | undefined,
  oSec: boolean, nSec: boolean, mark: (v: Value) => Value): boolean {
  if (path.length === 1) {
    if (isValueMap(n)) {
      if (isValueMap(o)) {
        for (const k of Object.keys(o)) n[k] = mark(o[k] ?? null);
        for (const k of Object.keys(n)) if (!(k in o)) delete n[k];
      }
      return true;
    }
    if (Array.isArray(n)) {
      if (Array.isArray(o)) {
        o.forEach((v, i) => { if (i < n.length) n[i] = mark(v); });
        return o.length === n.length;
      }
      return true;
    }
    return false;
  }
  if (isValueMap(o) && isValueMap(n)) {
    return Object.keys(o).every((k) => k in n && resetPath(path.slice(1), o[k], n[k], oSec, nSec));
  }
  if (Array.isArray(o) && Array.isArray(n)) {
    const ok = o.every((v, i) => i >= n.length || resetPath(path.slice(1), v, n[i], oSec, nSec));
    return ok && o.length === n.length;
  }
  return false;
}

// Copies the containers of a value (maps, lists, secrets); leaves are immutable.
export function structuredCloneValue<T extends Value>(v: T): T {
  if (isSecret(v)) return secret(structuredCloneValue(v.value)) as T;
  if (Array.isArray(v)) return v.map(structuredCloneValue) as T;
  if (isValueMap(v)) {
    const out: ValueMap = {};
    for (const [k, e] of Object.entries(v)) out[k] = structuredCloneValue(e);
    return out as T;
  }
  return v;
}
