import type { Command } from "../../core/command.ts";
import { clonerUnit, derivedEpairMac, normalMac } from "../../freebsd/interface-names.ts";
import {
  clonedInterface, clonedWords, freeUnit, ifVar, memberWords, renderSettings, settingVars, strandedVars, sysrcMemberEdit, withMemberWord,
  withoutMemberWord,
  type RcVars,
} from "../../freebsd/netif-conf.ts";
import type { HostView } from "../../inventory/view.ts";
import { netifVars } from "../../sections/network.ts";
import { parsedAddresses } from "../network-shared/addresses.ts";
import { addClonedWord, removeClonedWord, variableChanges, variablesMatch, writeVariables } from "../network-shared/persist.ts";
import { endsOf, type EpairInputs } from "./schema.ts";

// An epair in rc.conf, as rc.d/netif makes it at boot (network.subr clone_up, ifnet_rename, ifn_start):
//   cloned_interfaces="... epairU"               a free unit (epairN itself for that name)
//   create_args_epairU="ether MACa [mtu N]"     applied to the a end as it is created, before any
//                                               bridge holds it (a member's MTU cannot change after)
//   ifconfig_epairUa_name="NAMEa"  ifconfig_epairUb_name="NAMEb"
//   ifconfig_NAMEa="up", ifconfig_NAMEa_descr, _ipv6, _aliases    the host end's settings
//   ifconfig_NAMEb="ether MACb [mtu N] up"      the jail end, until rc.d/jail moves it into its jail
//   ifconfig_BRIDGE="... addm NAMEa ..."        the bridge the host end joins (the bridge's own line)

/** The MAC addresses the ends get: the inputs', else the ones derived from the name. */
export function macsOf(inputs: Pick<EpairInputs, "name" | "hostEther" | "jailEther">): { host: string; jail: string } {
  return {
    host: inputs.hostEther !== undefined ? normalMac(inputs.hostEther) : derivedEpairMac(inputs.name, "a"),
    jail: inputs.jailEther !== undefined ? normalMac(inputs.jailEther) : derivedEpairMac(inputs.name, "b"),
  };
}

/**
 * The cloned_interfaces word an epair uses: the one rc.conf has, else its own name, the unit a word
 * gone left its rename variables for (a write cut short), or a free unit.
 */
export function epairWord(view: HostView, name: string, existing: string | undefined): string {
  if (existing !== undefined) return existing;
  if (clonerUnit(name)?.cloner === "epair") return name;
  const vars = view.get(netifVars);
  const { host, jail } = endsOf(name);
  const left = strandedVars(vars, [host, jail]).map((v) => /^ifconfig_(epair\d+)[ab]_name$/.exec(v)?.[1]).find((u) => u !== undefined);
  return left ?? `epair${freeUnit(vars, "epair", (ifn) => view.claim(`cloned_interfaces ${ifn}`, name))}`;
}

/** The variables an epair owns with no cloned_interfaces word: its ends' settings, and what a word gone left. */
function wordlessVars(vars: RcVars, name: string): string[] {
  const { host, jail } = endsOf(name);
  // The renames last, as in ownedVars.
  const stranded = strandedVars(vars, [host, jail]);
  return [...stranded.filter((v) => v.startsWith("create_args_")), ...settingVars(host), ...settingVars(jail), ...stranded.filter((v) => !v.startsWith("create_args_"))];
}

/**
 * The variables an epair owns for a cloned_interfaces word (the bridge's line is the bridge's), in the
 * order a delete removes them: the renames last, as they tie the unit's create_args to the epair's name
 * (a delete cut short before them leaves what strandedVars still finds).
 */
export function ownedVars(name: string, word: string): string[] {
  const ifn = clonedInterface(word);
  const { host, jail } = endsOf(name);
  const renames = ifn === name ? [] : [ifVar(`${ifn}a`, "ifconfig_IF_name"), ifVar(`${ifn}b`, "ifconfig_IF_name")];
  return [ifVar(ifn, "create_args_IF"), ...settingVars(host), ...settingVars(jail), ...renames];
}

/** The bridges' lines with the host end's `addm` only in `bridge`'s (none when undefined). */
export function joinVars(vars: RcVars, host: string, bridge: string | undefined): Map<string, string | undefined> {
  const desired = new Map<string, string | undefined>();
  for (const [name, value] of vars) {
    if (/^ifconfig_[a-z0-9_]+$/.test(name) && memberWords(value).includes(host)) desired.set(name, withoutMemberWord(value, host));
  }
  if (bridge !== undefined) {
    const line = ifVar(bridge, "ifconfig_IF");
    desired.set(line, withMemberWord(vars.get(line), host));
  }
  return desired;
}

/**
 * Commands that edit the bridges' lines to hold the host end's `addm` only in `bridge`'s, word by word
 * under the lock (the epairs joining one bridge edit its line at the same time).
 */
export function joinEdits(vars: RcVars, host: string, bridge: string | undefined): Command[] {
  const line = bridge === undefined ? undefined : ifVar(bridge, "ifconfig_IF");
  const edits: Command[] = [];
  for (const [name, value] of vars) {
    if (name !== line && /^ifconfig_[a-z0-9_]+$/.test(name) && memberWords(value).includes(host)) edits.push(sysrcMemberEdit(name, "remove", host));
  }
  if (line !== undefined && !memberWords(vars.get(line)).includes(host)) edits.push(sysrcMemberEdit(line, "add", host));
  return edits;
}

/** The variables that make the epair at boot as the inputs declare it. */
export function epairVars(view: HostView, inputs: EpairInputs, word: string): Map<string, string | undefined> {
  const vars = view.get(netifVars);
  const ifn = clonedInterface(word);
  const { host, jail } = endsOf(inputs.name);
  const macs = macsOf(inputs);
  const mtu = inputs.mtu !== undefined ? ["mtu", String(inputs.mtu)] : [];
  const desired = new Map<string, string | undefined>();
  if (ifn !== inputs.name) {
    desired.set(ifVar(`${ifn}a`, "ifconfig_IF_name"), host);
    desired.set(ifVar(`${ifn}b`, "ifconfig_IF_name"), jail);
  }
  desired.set(ifVar(ifn, "create_args_IF"), ["ether", macs.host, ...mtu].join(" "));
  const hostSettings = { line: inputs.up ? ["up"] : [], description: inputs.description, addresses: parsedAddresses(inputs.hostAddresses) };
  for (const [k, v] of renderSettings(host, hostSettings)) desired.set(k, v);
  const jailSettings = { line: ["ether", macs.jail, ...mtu, ...(inputs.up ? ["up"] : [])], addresses: [] };
  for (const [k, v] of renderSettings(jail, jailSettings)) desired.set(k, v);
  for (const [k, v] of joinVars(vars, host, inputs.bridge)) desired.set(k, v);
  return desired;
}

/** Whether rc.conf makes the epair at boot as the inputs declare it. */
export function persistedAsDeclared(view: HostView, inputs: EpairInputs, word: string | undefined): boolean {
  const vars = view.get(netifVars);
  const { host, jail } = endsOf(inputs.name);
  return word !== undefined && variablesMatch(vars, epairVars(view, inputs, word)) && strandedVars(vars, [host, jail]).length === 0;
}

/** Commands that bring rc.conf to the inputs: the variables first (checked), then the cloned_interfaces word. */
export function persistCommands(view: HostView, inputs: EpairInputs, existing: string | undefined): Command[] {
  if (!inputs.persist) return unpersistCommands(view, inputs.name, existing);
  const vars = view.get(netifVars);
  const word = epairWord(view, inputs.name, existing);
  const desired = epairVars(view, inputs, word);
  const { host, jail } = endsOf(inputs.name);
  // The bridges' lines are edited word by word (joinEdits), not compared and set.
  for (const line of joinVars(vars, host, inputs.bridge).keys()) desired.delete(line);
  // Variables a word gone left (a delete cut short, then the epair declared again) go.
  for (const v of strandedVars(vars, [host, jail])) if (!desired.has(v)) desired.set(v, undefined);
  return [...writeVariables(variableChanges(vars, desired)), ...joinEdits(vars, host, inputs.bridge), ...addClonedWord(clonedWords(vars), word)];
}

/** Commands that take the epair out of rc.conf: its word first, then its variables and its `addm` in bridges' lines. */
export function unpersistCommands(view: HostView, name: string, word: string | undefined): Command[] {
  const vars = view.get(netifVars);
  const { host, jail } = endsOf(name);
  const names = word === undefined ? wordlessVars(vars, name) : ownedVars(name, word);
  const desired = new Map<string, string | undefined>(names.map((n) => [n, undefined]));
  return [...removeClonedWord(clonedWords(vars), word), ...writeVariables(variableChanges(vars, desired)), ...joinEdits(vars, host, undefined)];
}

/** The rc.conf variables that make the epair, as rc.conf holds them (its cloned_interfaces word included). */
export function rcConfOf(view: HostView, name: string, word: string | undefined): Record<string, string> {
  const vars = view.get(netifVars);
  const { host, jail } = endsOf(name);
  const out: Record<string, string> = word === undefined ? {} : { cloned_interfaces: word };
  for (const n of word === undefined ? wordlessVars(vars, name) : ownedVars(name, word)) {
    const v = vars.get(n);
    if (v !== undefined) out[n] = v;
  }
  return out;
}
