import { addressFamilyOf, kernelAddresses, sameAddresses } from "../../freebsd/jail-addresses.ts";
import { jailParamSpec, type JailValue } from "../../freebsd/jail-params.ts";
import type { JlsValue } from "../../freebsd/jls.ts";
import type { JailRecord } from "./read.ts";

// A running jail against its definition. The running jail is the truth for what is applied: jls
// reports every kernel parameter as the kernel keeps it, so values are compared as the kernel would
// store them (addresses bare, canonical and sorted after the first; numbers from jls's text).

/** True when two values of one parameter mean the same to the kernel. */
export function sameJailValue(name: string, a: JailValue | undefined, b: JailValue | undefined): boolean {
  const family = addressFamilyOf(name);
  if (family && Array.isArray(a) && Array.isArray(b)) return sameAddresses(a, b, family);
  const norm = (v: JailValue | undefined) => (Array.isArray(v) ? v.join(",") : v === undefined ? "" : String(v));
  return norm(a) === norm(b);
}

/**
 * Whether jls's value of a parameter tells what is applied: kernel parameters other than `path`,
 * which the kernel keeps resolved through symbolic links (kern_jail.c vn_path_to_global_path).
 */
function liveComparable(name: string): boolean {
  const spec = jailParamSpec(name);
  return spec?.kind === "kernel" && spec.update !== "read-only" && name !== "path";
}

/** A value jls printed, typed like the definition's value of the same parameter. */
function asDefined(defined: JailValue, now: JlsValue): JailValue {
  return typeof defined === "number" ? Number(now) : (now as JailValue);
}

/**
 * The parameters as they are. A running jail can differ from its file two ways: someone changed the
 * jail (`jail -m`, or a restart by hand), or edited the file (which takes effect at the next start).
 * Whichever of the two departs from what was last applied (`known`) is reported, the file first; with
 * nothing known, the file.
 */
export function effectiveParams(record: JailRecord, known?: ReadonlyArray<[string, JailValue]>): Array<[string, JailValue]> {
  const live = record.live?.params;
  if (!live || !known) return record.params;
  const applied = new Map(known);
  return record.params.map(([name, value]) => {
    const now = live[name];
    if (!liveComparable(name) || now === undefined || sameJailValue(name, value, now as JailValue)) return [name, value];
    if (!sameJailValue(name, value, applied.get(name))) return [name, value];
    return [name, asDefined(value, now)];
  });
}

/** Parameters with jls's value of each kernel parameter it reports, the definition's for the rest. */
export function withLiveValues(params: ReadonlyArray<readonly [string, JailValue]>, live: Readonly<Record<string, JlsValue>>): Array<[string, JailValue]> {
  return params.map(([name, value]) => {
    const now = live[name];
    return liveComparable(name) && now !== undefined ? [name, asDefined(value, now)] : [name, value];
  });
}

/** A running jail's parameters: what it runs with where jls tells, its file's otherwise. */
export function liveParams(record: JailRecord): Array<[string, JailValue]> {
  return withLiveValues(record.params, record.live?.params ?? {});
}

/** The parameters that differ between two parameter lists, with both values. */
export function changedParams(before: ReadonlyArray<readonly [string, JailValue]>, after: ReadonlyArray<readonly [string, JailValue]>) {
  const old = new Map(before);
  const now = new Map(after);
  return [...new Set([...old.keys(), ...now.keys()])]
    .filter((name) => !sameJailValue(name, old.get(name), now.get(name)))
    .map((name) => ({ name, before: old.get(name), after: now.get(name) }));
}

/** The value `jail -m` is given: addresses as the kernel keeps them (jail -m adds no interface aliases). */
export function modifyValue(name: string, value: JailValue): JailValue {
  const family = addressFamilyOf(name);
  return family && Array.isArray(value) ? kernelAddresses(value, family) : value;
}
