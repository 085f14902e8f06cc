// The engine's own input comparison, used when a provider answers Diff with DIFF_UNKNOWN
// (step_generator.go diffResource: PropertyMap.Diff + NewDetailedDiffFromObjectDiff, inputDiff=true).
import { deepEqual, isSecret, isValueMap, unwrapSecretMap, type Value, type ValueMap } from "./value-model.ts";
import { formatPropertyPath, type PropertyPath } from "./property-path.ts";

/** A detailedDiff entry kind, as the harness reports it. */
export type DiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

/** One detailedDiff entry. */
export interface PropertyDiff {
  kind: DiffKind;
  inputDiff: boolean;
}

/** The result of comparing old and new inputs. */
export interface InputDiff {
  changedKeys: string[];
  detailedDiff: Record<string, PropertyDiff>;
}

// Compares old and new inputs with secrets unwrapped, as the engine does for DIFF_UNKNOWN.
export function diffInputs(oldInputs: ValueMap, newInputs: ValueMap): InputDiff {
  const olds = unwrapSecretMap(oldInputs) as ValueMap;
  const news = unwrapSecretMap(newInputs) as ValueMap;
  const detailedDiff: Record<string, PropertyDiff> = {};
  const changedKeys = diffMaps(olds, news, [], detailedDiff);
  return { changedKeys: changedKeys.sort(), detailedDiff };
}

// Records the differences of two maps into acc; returns the keys that changed at this level.
function diffMaps(olds: ValueMap, news: ValueMap, prefix: PropertyPath, acc: Record<string, PropertyDiff>): string[] {
  const changed: string[] = [];
  for (const [k, o] of Object.entries(olds)) {
    const path = [...prefix, k];
    if (!(k in news)) {
      if (o !== null) { acc[formatPropertyPath(path)] = { kind: "delete", inputDiff: true }; changed.push(k); }
      continue;
    }
    const n = news[k] ?? null;
    if (!valuesDiffer(o, n)) continue;
    changed.push(k);
    if (o === null) acc[formatPropertyPath(path)] = { kind: "add", inputDiff: true };
    else if (n === null) acc[formatPropertyPath(path)] = { kind: "delete", inputDiff: true };
    else diffValues(o, n, path, acc);
  }
  for (const [k, n] of Object.entries(news)) {
    if (!(k in olds) && n !== null) { acc[formatPropertyPath([...prefix, k])] = { kind: "add", inputDiff: true }; changed.push(k); }
  }
  return changed;
}

function valuesDiffer(o: Value, n: Value): boolean {
  if (Array.isArray(o) && Array.isArray(n)) return o.length !== n.length || o.some((e, i) => valuesDiffer(e, n[i] ?? null));
  if (isValueMap(o) && isValueMap(n)) {
    const keys = new Set([...Object.keys(o), ...Object.keys(n)]);
    return [...keys].some((k) => (k in o && k in n ? valuesDiffer(o[k] ?? null, n[k] ?? null) : (o[k] ?? n[k] ?? null) !== null));
  }
  return !deepEqual(o, n);
}

// Records the differences between two differing non-null values at `path`.
function diffValues(o: Value, n: Value, path: PropertyPath, acc: Record<string, PropertyDiff>): void {
  if (Array.isArray(o) && Array.isArray(n)) {
    for (let i = 0; i < Math.max(o.length, n.length); i++) {
      const p = formatPropertyPath([...path, i]);
      if (i >= o.length) acc[p] = { kind: "add", inputDiff: true };
      else if (i >= n.length) acc[p] = { kind: "delete", inputDiff: true };
      else if (valuesDiffer(o[i] ?? null, n[i] ?? null)) leafOrNested(o[i] ?? null, n[i] ?? null, [...path, i], acc);
    }
    return;
  }
  if (isValueMap(o) && isValueMap(n) && !isSecret(o) && !isSecret(n)) {
    diffMaps(o, n, path, acc);
    return;
  }
  acc[formatPropertyPath(path)] = { kind: "update", inputDiff: true };
}

function leafOrNested(o: Value, n: Value, path: PropertyPath, acc: Record<string, PropertyDiff>): void {
  if (o === null && n !== null) acc[formatPropertyPath(path)] = { kind: "add", inputDiff: true };
  else if (o !== null && n === null) acc[formatPropertyPath(path)] = { kind: "delete", inputDiff: true };
  else diffValues(o, n, path, acc);
}
