import type { Context, Found, Known, Props } from "../../core/resource.ts";
import type { Inventory } from "../../host/inventory.ts";
import { parseJailConf, type ConfBlock } from "../../freebsd/jail-conf.ts";
import { readJailParams } from "../../freebsd/jail-conf-values.ts";
import { markerOf } from "../../freebsd/jail-marker.ts";
import type { JailValue } from "../../freebsd/jail-params.ts";
import type { JlsJail } from "../../freebsd/jls.ts";
import { splitSysrcList } from "../../freebsd/sysrc.ts";
import { definitionConflict, isOurs } from "./conflicts.ts";
import { effectiveParams } from "./live.ts";
import { liveOnlyParams } from "./live-only.ts";
import { inputsOfParams, jailParamsOf } from "./params.ts";
import { definitionFiles } from "./paths.ts";
import { jailInputs, type JailInputs, type JailOutputs } from "./schema.ts";

// How a jail reads itself from the host inventory: its definition from the files rc.d/jail reads
// (/etc/jail.NAME.conf, /etc/jail.conf.d/NAME.conf, /etc/jail.conf), its live state from jls, its
// boot-time start from rc.conf.

/** One file's definition of a jail. */
export interface JailDefinition {
  file: string;
  block: ConfBlock;
  /** The URN of the resource that wrote the block (its `# pulumi:urn` line), if any. */
  urn: string | undefined;
  /** Its parameters as the file gives them (globals of the file included). */
  params: Array<[string, JailValue]>;
}

/** A jail as found on the host. */
export interface JailRecord {
  name: string;
  /** The file rc.d/jail uses for it, or undefined for a jail made with `jail -c` or elsewhere. */
  file: string | undefined;
  block: ConfBlock | undefined;
  /** Its parameters as that file gives them (from jls for a jail without a file). */
  params: Array<[string, JailValue]>;
  live: JlsJail | undefined;
  /** Every file that defines it, in the order rc.d/jail looks (jail.NAME.conf, jail.conf.d, jail.conf). */
  definitions: JailDefinition[];
}

/** Finds a jail the way rc.d/jail does, with every file that defines it and its live state. */
export function findJail(inv: Inventory, name: string): JailRecord | undefined {
  const live = inv.jails.find((j) => j.name === name);
  const definitions: JailDefinition[] = [];
  for (const file of definitionFiles(name)) {
    const text = inv.files.get(file);
    if (text === undefined) continue;
    const conf = parseJailConf(text);
    const block = conf.jails.find((b) => b.name === name && !b.wildcard);
    if (!block) continue;
    // Statements outside blocks apply to every jail of the file (jail.conf(5)).
    const params = readJailParams([...conf.globals.filter((g) => g.line < block.line), ...block.params]);
    definitions.push({ file, block, urn: markerOf(text, block), params });
  }
  const first = definitions[0];
  if (first) return { name, file: first.file, block: first.block, params: first.params, live, definitions };
  if (!live) return undefined;
  return { name, file: undefined, block: undefined, params: liveOnlyParams(live.params), live, definitions };
}

/** The parameters the known inputs stand for, when they are complete enough to render. */
function appliedParams(known: Props | undefined): Array<[string, JailValue]> | undefined {
  const parsed = jailInputs.safeParse(known);
  return parsed.success ? jailParamsOf(parsed.data) : undefined;
}

/** rc.subr's checkyesno: YES, TRUE, ON or 1, in any case. */
export function yes(value: string | undefined): boolean {
  return /^(yes|true|on|1)$/i.test(value ?? "");
}

/**
 * Reads a jail; undefined when it neither is defined nor runs, and, for the read-back of this
 * resource's own create, when its file does not carry this resource's URN (another stack's jail).
 */
export function readJail(inv: Inventory, id: string, known?: Known, ctx?: Context): Found<JailOutputs, JailInputs> | undefined {
  const record = findJail(inv, id);
  if (!record) return undefined;
  if (known?.creating && !isOurs(record, ctx?.urn)) return undefined;
  const conflict = definitionConflict(inv, id, record, ctx?.urn);
  if (conflict) ctx?.warn(conflict);
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
