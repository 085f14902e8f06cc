import type { Found, Props } from "../../core/resource.ts";
import type { Inventory } from "../../host/inventory.ts";
import { parseJailConf, type ConfBlock } from "../../freebsd/jail-conf.ts";
import { readJailParams } from "../../freebsd/jail-conf-values.ts";
import { jailParamSpec, type JailValue } from "../../freebsd/jail-params.ts";
import type { JlsJail } from "../../freebsd/jls.ts";
import { splitSysrcList } from "../../freebsd/sysrc.ts";
import { inputsOfParams, jailParamsOf } from "./params.ts";
import { jailInputs, type JailInputs, type JailOutputs } from "./schema.ts";

// How a jail reads itself from the host inventory: its definition from /etc/jail.conf.d/NAME.conf
// (or /etc/jail.conf), its live state from jls, its boot-time start from rc.conf.

export const mainJailConf = "/etc/jail.conf";

/** The file the provider keeps a jail's definition in. */
export function jailConfPath(name: string): string {
  return `/etc/jail.conf.d/${name}.conf`;
}

/** A jail as found on the host. */
export interface JailRecord {
  name: string;
  /** The file that defines it, or undefined for a jail created by hand with `jail -c`. */
  file: string | undefined;
  block: ConfBlock | undefined;
  /** Its parameters as the file gives them (globals of jail.conf included). */
  params: Array<[string, JailValue]>;
  live: JlsJail | undefined;
}

/** Finds a jail the way rc.d/jail does (jail.conf.d first, then jail.conf), with its live state. */
export function findJail(inv: Inventory, name: string): JailRecord | undefined {
  const live = inv.jails.find((j) => j.name === name);
  for (const file of [jailConfPath(name), mainJailConf]) {
    const text = inv.files.get(file);
    if (text === undefined) continue;
    const conf = parseJailConf(text);
    const block = conf.jails.find((b) => b.name === name && !b.wildcard);
    if (!block) continue;
    // Statements outside blocks apply to every jail of the file (jail.conf(5)).
    const params = readJailParams([...conf.globals.filter((g) => g.line < block.line), ...block.params]);
    return { name, file, block, params, live };
  }
  if (!live) return undefined;
  const params = Object.entries(live.params).filter(([p]) => jailParamSpec(p)?.update === "live" || p === "path");
  return { name, file: undefined, block: undefined, params: params as Array<[string, JailValue]>, live };
}

/** True when two parameter values mean the same (jls prints numbers as text, lists as arrays). */
export function sameJailValue(a: JailValue | undefined, b: JailValue | undefined): boolean {
  const norm = (v: JailValue | undefined) => (Array.isArray(v) ? v.join(",") : v === undefined ? "" : String(v));
  return norm(a) === norm(b);
}

/**
 * The parameters as they are. A running jail can differ from its file two ways: someone changed the
 * jail with `jail -m`, or edited the file (which takes effect at the next start). Whichever of the two
 * departs from what was last applied (`known`) is reported, the file first; with nothing known, the file.
 */
export function effectiveParams(record: JailRecord, known?: ReadonlyArray<[string, JailValue]>): Array<[string, JailValue]> {
  const live = record.live?.params;
  if (!live || !known) return record.params;
  const applied = new Map(known);
  return record.params.map(([name, value]) => {
    const spec = jailParamSpec(name);
    const now = live[name];
    if (spec?.kind !== "kernel" || spec.update !== "live" || now === undefined || sameJailValue(value, now)) return [name, value];
    if (!sameJailValue(value, applied.get(name))) return [name, value];
    return [name, typeof value === "number" ? Number(now) : (now as JailValue)];
  });
}

/** The parameters the known inputs stand for, when they are complete enough to render. */
function appliedParams(known: Props | undefined): Array<[string, JailValue]> | undefined {
  const parsed = jailInputs.safeParse(known);
  return parsed.success ? jailParamsOf(parsed.data) : undefined;
}

/** rc.subr's checkyesno: YES, TRUE, ON or 1, in any case. */
function yes(value: string | undefined): boolean {
  return /^(yes|true|on|1)$/i.test(value ?? "");
}

/** Reads a jail; undefined when it neither is defined nor runs. */
export function readJail(inv: Inventory, id: string, known?: { state?: Props; inputs?: Props }): Found<JailOutputs, JailInputs> | undefined {
  const record = findJail(inv, id);
  if (!record) return undefined;
  const inputs: JailInputs = {
    ...inputsOfParams(id, effectiveParams(record, appliedParams(known?.inputs)), known?.inputs as Partial<JailInputs> | undefined),
    running: record.live !== undefined,
    autostart: yes(inv.rc.get("jail_enable")) && splitSysrcList(inv.rc.get("jail_list") ?? "").includes(id),
  };
  const text = record.file ? inv.files.get(record.file)! : "";
  const state: JailOutputs = {
    ...inputs,
    ...(record.live ? { jid: record.live.jid } : {}),
    live: record.live?.params ?? {},
    configFile: record.file ?? "",
    config: record.block ? text.slice(record.block.commentStart, record.block.end) : "",
  };
  return { id, state, inputs };
}
