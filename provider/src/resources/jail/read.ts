import type { Claim, Context, Found, Props, Purpose, Ref } from "../contract.ts";
import { want, type SectionRequest } from "../../inventory/section.ts";
import type { HostView } from "../../inventory/view.ts";
import { datasets } from "../../sections/zfs.ts";
import { hostJailParams, jailCpusets, jailFiles, rcVars, runningJails } from "../../sections/jails.ts";
import { formatCpus, sameCpus } from "../../freebsd/cpuset.ts";
import { parseJailConf, type ConfBlock } from "../../freebsd/jail-conf.ts";
import { readJailParams } from "../../freebsd/jail-conf-values.ts";
import { markerOf } from "../../freebsd/jail-marker.ts";
import type { JailValue } from "../../freebsd/jail-params.ts";
import type { JlsJail } from "../../freebsd/jls.ts";
import { splitSysrcList } from "../../freebsd/sysrc.ts";
import { definitionConflict, isOurs, refuseConflicts } from "./conflicts.ts";
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
export function findJail(view: HostView, name: string): JailRecord | undefined {
  const live = view.get(runningJails).find((j) => j.name === name);
  const definitions: JailDefinition[] = [];
  for (const file of definitionFiles(name)) {
    const text = view.get(jailFiles).get(file);
    if (text === undefined) continue;
    // Parsed once per read of the host, however many jails the file holds.
    const conf = view.derive(`jail.conf ${file}`, () => parseJailConf(text));
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
 * The sections a jail needs: running jails, the files rc.d/jail may define it in (under its old and
 * new name), the rc.conf variables that start it at boot; writes also read the host's jail parameters
 * and the datasets it delegates.
 */
export function jailReads(ref: Ref, purpose: Purpose, news?: JailInputs): SectionRequest[] {
  const names = new Set([ref.id, ...(news ? [news.name] : [])]);
  const files = [...names].flatMap(definitionFiles);
  const requests = [want(runningJails), want(jailFiles, files), want(rcVars, ["jail_enable", "jail_list"])];
  // The running jail's CPUs (cpuset -g), only for jails whose CPUs the program manages.
  const managed = [ref.inputs?.["cpus"], ref.state?.["cpus"], news?.cpus].some((c) => c !== undefined);
  if (managed) requests.push(want(jailCpusets, names));
  if (purpose === "create" || purpose === "update") {
    requests.push(want(hostJailParams));
    if (news?.datasets?.length) requests.push(want(datasets, news.datasets));
  }
  return requests;
}

/** Finds the managed jail; undefined when it neither is defined nor runs. */
export function findManagedJail(view: HostView, ref: Ref): JailRecord | undefined {
  return findJail(view, ref.id);
}

/** Whose the jail of a create's name is: absent, this resource's (its file carries our URN), or another's. */
export function claimJail(view: HostView, inputs: JailInputs, ctx: Context): Claim<JailRecord> {
  const existing = findJail(view, inputs.name);
  refuseConflicts(view, inputs.name, existing, ctx.urn);
  if (!existing) return { kind: "absent" };
  if (isOurs(existing, ctx.urn)) return { kind: "own", record: existing };
  const where = existing.file
    ? `in ${existing.file}${existing.definitions[0]?.urn ? `, written for ${existing.definitions[0].urn}` : ""}`
    : "running, made without a jail.conf entry";
  return {
    kind: "other",
    why: `a jail named ${inputs.name} already exists on ${view.host} (${where}); to manage it, import it: ` +
      `pulumi import freebsd:jail:Jail <resource-name> ${inputs.name}`,
  };
}

/** The outputs and inputs of a jail as the host has it; a second definition is warned about. */
export function describeJail(record: JailRecord, view: HostView, ref: Ref, ctx: Context): Found<JailOutputs, JailInputs> {
  const known = ref.inputs;
  const conflict = definitionConflict(view, record.name, record, ctx.urn);
  if (conflict) ctx.warn(conflict);
  const rc = view.get(rcVars);
  const inputs: JailInputs = {
    ...inputsOfParams(record.name, effectiveParams(record, appliedParams(known)), known as Partial<JailInputs> | undefined),
    running: record.live !== undefined,
    autostart: yes(rc.get("jail_enable")) && splitSysrcList(rc.get("jail_list") ?? "").includes(record.name),
  };
  if (inputs.cpus !== undefined && record.live && view.covers(jailCpusets, record.name)) {
    // The running jail's CPUs are what is applied: a `cpuset -l` by hand shows as drift.
    const now = view.get(jailCpusets).get(record.name);
    if (now && !sameCpus(inputs.cpus, formatCpus(now))) inputs.cpus = formatCpus(now);
  }
  const text = record.file ? view.get(jailFiles).get(record.file)! : "";
  const state: JailOutputs = {
    ...inputs,
    ...(record.live ? { jid: record.live.jid } : {}),
    live: record.live?.params ?? {},
    configFile: record.file ?? "",
    config: record.block ? text.slice(record.block.commentStart, record.block.end) : "",
  };
  return { id: record.name, state, inputs };
}
