import type { Command } from "../../core/command.ts";
import { clonerUnit } from "../../freebsd/interface-names.ts";
import {
  clonedInterface, clonedWords, freeUnit, ifVar, memberWords, renderSettings, settingVars, strandedVars,
  type RcVars,
} from "../../freebsd/netif-conf.ts";
import type { HostView } from "../../inventory/view.ts";
import { netifVars } from "../../sections/network.ts";
import { parsedAddresses } from "../network-shared/addresses.ts";
import { isManagedEpairEnd } from "../network-shared/owner.ts";
import { addClonedWord, removeClonedWord, variableChanges, variablesMatch, writeVariables } from "../network-shared/persist.ts";
import type { BridgeInputs } from "./schema.ts";

// A bridge in rc.conf, as rc.d/netif makes it at boot (network.subr clone_up, ifnet_rename, ifn_start):
//   cloned_interfaces="... bridgeU"        the kernel's unit (a free one; bridgeN itself for that name)
//   ifconfig_bridgeU_name="NAME"           renamed before any interface is configured
//   ifconfig_NAME="addm M ... mtu N up"     members before the MTU: the first member sets the bridge's
//   ifconfig_NAME_descr, ifconfig_NAME_ipv6, ifconfig_NAME_aliases   description and addresses
// `addm` words of epair ends that joined through their Epair's `bridge` input are the Epair's: they
// are kept, after the bridge's own members.

/**
 * The cloned_interfaces word a bridge uses: the one rc.conf has, else its own name, the unit a word
 * gone left its rename variable for (a write cut short), or a free unit.
 */
export function bridgeWord(view: HostView, name: string, existing: string | undefined): string {
  if (existing !== undefined) return existing;
  if (clonerUnit(name)?.cloner === "bridge") return name;
  const vars = view.get(netifVars);
  const left = strandedVars(vars, [name]).map((v) => /^ifconfig_(bridge\d+)_name$/.exec(v)?.[1]).find((u) => u !== undefined);
  return left ?? `bridge${freeUnit(vars, "bridge", (ifn) => view.claim(`cloned_interfaces ${ifn}`, name))}`;
}

/** The variables a bridge owns with no cloned_interfaces word: its settings, and what a word gone left. */
function wordlessVars(vars: RcVars, name: string): string[] {
  return [...settingVars(name), ...strandedVars(vars, [name])];
}

/** The variables a bridge owns for a cloned_interfaces word, in the order a delete removes them (the rename last). */
export function ownedVars(name: string, word: string): string[] {
  const ifn = clonedInterface(word);
  return [...settingVars(name), ...(ifn === name ? [] : [ifVar(ifn, "ifconfig_IF_name")])];
}

/** The `addm` words an Epair put in the bridge's ifconfig_NAME (ends with a marker of an Epair, not declared here). */
export function epairWords(view: HostView, inputs: Pick<BridgeInputs, "name" | "members">): string[] {
  const line = view.get(netifVars).get(ifVar(inputs.name, "ifconfig_IF"));
  return memberWords(line).filter((m) => !inputs.members.includes(m) && isManagedEpairEnd(view, m));
}

/** The variables that make the bridge at boot as the inputs declare it. */
export function bridgeVars(view: HostView, inputs: BridgeInputs, word: string): Map<string, string | undefined> {
  const ifn = clonedInterface(word);
  const line = [
    ...[...inputs.members, ...epairWords(view, inputs)].flatMap((m) => ["addm", m]),
    ...(inputs.mtu !== undefined ? ["mtu", String(inputs.mtu)] : []),
    ...(inputs.up ? ["up"] : []),
  ];
  const vars = new Map<string, string | undefined>(ifn === inputs.name ? [] : [[ifVar(ifn, "ifconfig_IF_name"), inputs.name]]);
  const settings = renderSettings(inputs.name, { line, description: inputs.description, addresses: parsedAddresses(inputs.addresses) });
  for (const [k, v] of settings) vars.set(k, v);
  return vars;
}

/** Whether rc.conf makes the bridge at boot as the inputs declare it. */
export function persistedAsDeclared(view: HostView, inputs: BridgeInputs, word: string | undefined): boolean {
  const vars = view.get(netifVars);
  return word !== undefined && variablesMatch(vars, bridgeVars(view, inputs, word)) && strandedVars(vars, [inputs.name]).length === 0;
}

/** Commands that bring rc.conf to the inputs: the variables first (checked), then the cloned_interfaces word. */
export function persistCommands(view: HostView, inputs: BridgeInputs, existing: string | undefined): Command[] {
  const vars = view.get(netifVars);
  const words = clonedWords(vars);
  if (!inputs.persist) return unpersistCommands(view, inputs.name, existing);
  const word = bridgeWord(view, inputs.name, existing);
  const desired = bridgeVars(view, inputs, word);
  // Variables of an earlier word (the unit changed by hand) go with it.
  if (existing !== undefined && existing !== word) for (const v of ownedVars(inputs.name, existing)) if (!desired.has(v)) desired.set(v, undefined);
  // ... and so do the ones a word gone left (a delete cut short, then the bridge declared again).
  for (const v of strandedVars(vars, [inputs.name])) if (!desired.has(v)) desired.set(v, undefined);
  return [...writeVariables(variableChanges(vars, desired)), ...addClonedWord(words, word)];
}

/** Commands that take the bridge out of rc.conf: its word first (so boot no longer makes it), then its variables. */
export function unpersistCommands(view: HostView, name: string, word: string | undefined): Command[] {
  const vars = view.get(netifVars);
  const names = word === undefined ? wordlessVars(vars, name) : ownedVars(name, word);
  const desired = new Map(names.map((n) => [n, undefined] as const));
  return [...removeClonedWord(clonedWords(vars), word), ...writeVariables(variableChanges(vars, desired))];
}

/** The rc.conf variables that make the bridge, as rc.conf holds them (its cloned_interfaces word included). */
export function rcConfOf(view: HostView, name: string, word: string | undefined): Record<string, string> {
  const vars = view.get(netifVars);
  const out: Record<string, string> = word === undefined ? {} : { cloned_interfaces: word };
  for (const n of word === undefined ? wordlessVars(vars, name) : ownedVars(name, word)) {
    const v = vars.get(n);
    if (v !== undefined) out[n] = v;
  }
  return out;
}
