import type { ChangeFailure, FieldRule, Props } from "../contract.ts";
import { parseSize } from "../../freebsd/zfs-values.ts";
import { createOnlyProperties, type DatasetInputs } from "./schema.ts";

// How each change to a dataset's inputs is carried out, and which changes lose data: those are
// refused at Check unless the new inputs say `forceDestroy: true`.

/** The rule for a change at an input path. */
export function datasetRule(path: readonly string[]): FieldRule {
  const [top, key] = path;
  if (top === "type" || top === "volblocksize" || top === "cloneFrom") return "replace";
  if (top === "properties" && key !== undefined && createOnlyProperties.includes(key)) return "replace";
  return "update";
}

/** Output paths that repeat (or are computed from) the input at `path`, so are secret when it is. */
export function datasetDerivedSecrets(path: readonly (string | number)[]): (string | number)[][] {
  const [top, key] = path;
  if (top === "properties") {
    // A secret property value is also secret where allProperties repeats it, and mountpoint is its own output.
    if (key === undefined) return [["allProperties"], ["mountpoint"]];
    return key === "mountpoint" ? [["allProperties", key], ["mountpoint"]] : [["allProperties", key]];
  }
  // The default mountpoint is the dataset's name under its parent's.
  if (top === "name") return [["mountpoint"], ["allProperties", "mountpoint"]];
  if (top === "volsize") return [["allProperties", "volsize"], ["allProperties", "refreservation"]];
  if (top === "volblocksize") return [["allProperties", "volblocksize"]];
  return [];
}

/** Every input path at which two input bags differ (a property bag path by path). */
function changedPaths(olds: Props, news: Props): string[][] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const paths: string[][] = [];
  for (const key of new Set([...Object.keys(olds), ...Object.keys(news)])) {
    if (key !== "properties") {
      if (!same(olds[key], news[key])) paths.push([key]);
      continue;
    }
    const a = (olds[key] ?? {}) as Props;
    const b = (news[key] ?? {}) as Props;
    for (const prop of new Set([...Object.keys(a), ...Object.keys(b)])) if (!same(a[prop], b[prop])) paths.push([key, prop]);
  }
  return paths;
}

/** An input value for a message: quoted, or "unset". */
function shown(v: unknown): string {
  return v === undefined ? "unset" : JSON.stringify(v);
}

/** The value at an input path. */
function at(bag: Props, path: readonly string[]): unknown {
  return path.length === 1 ? bag[path[0]!] : ((bag[path[0]!] ?? {}) as Props)[path[1]!];
}

/**
 * Refuses, unless the new inputs say forceDestroy: true, a change that replaces the dataset (it is
 * destroyed with everything in it) and a volume shrink. Check with old inputs runs it before anything.
 */
export function checkDatasetChange(olds: Props, news: DatasetInputs): ChangeFailure[] {
  if (news.forceDestroy) return [];
  const name = news.name;
  const failures: ChangeFailure[] = [];
  for (const path of changedPaths(olds, news as Props)) {
    if (datasetRule(path) !== "replace") continue;
    const property = path.join(".");
    // An earlier version read properties zfs derived (utf8only=on from a normalization) into inputs;
    // declaring the value the dataset has keeps it as it is.
    const removed = at(news as Props, path) === undefined && path[0] === "properties";
    const hint = removed ? ` (if zfs set it by itself, declaring ${property}: ${shown(at(olds, path))} keeps the dataset as it is)` : "";
    failures.push({
      property,
      reason:
        `${property}: changing it from ${shown(at(olds, path))} to ${shown(at(news as Props, path))} replaces the dataset ${name}: ` +
        `the replacement destroys the dataset and everything in it (files, child datasets, snapshots) and creates it empty. ` +
        `To proceed, set forceDestroy: true in the same change; otherwise keep the old value${hint}`,
    });
  }
  const before = typeof olds["volsize"] === "string" ? parseSize(olds["volsize"]) : undefined;
  const after = news.volsize === undefined ? undefined : parseSize(news.volsize);
  if (before !== undefined && after !== undefined && after < before) {
    failures.push({
      property: "volsize",
      reason:
        `volsize: shrinking volume ${name} from ${shown(olds["volsize"])} to ${shown(news.volsize)} loses the data past the new size. ` +
        `To proceed, set forceDestroy: true in the same change; otherwise keep a size of at least ${shown(olds["volsize"])}`,
    });
  }
  return failures;
}

/**
 * The outputs an in-place update keeps: the mountpoint, unless the dataset is renamed (an inherited
 * mountpoint follows the name) or its own `mountpoint` property changes, so a preview keeps what
 * reads it (a jail's path) known.
 */
export function datasetStableIn(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  const mountpointOf = (props: unknown): unknown => (props as Record<string, unknown> | undefined)?.["mountpoint"];
  const same = olds["name"] === news["name"] && mountpointOf(olds["properties"]) === mountpointOf(news["properties"]);
  return same ? ["mountpoint"] : [];
}
