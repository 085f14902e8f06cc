import type { IfAddress } from "./ifconfig-output.ts";
import { clonerUnit, formatAddress, type ClonerName } from "./interface-names.ts";
import type { Command } from "../core/command.ts";
import { locked } from "./files.ts";
import { checkSysrcName, checkSysrcWord, splitSysrcList } from "./sysrc.ts";
import { ValidationError } from "../core/errors.ts";

// The rc.conf variables rc.d/netif builds interfaces from at boot (libexec/rc/network.subr of
// stable/14, as in 14.3, and rc.conf(5)):
// - clone_up: `ifconfig IFN create $(create_args_IFN)` for each word of cloned_interfaces (an epair
//   word epairN makes epairNa and epairNb); create_args is word-split, not eval'ed;
// - ifnet_rename: `ifconfig IF name NEW` for every interface with ifconfig_IF_name, after clone_up;
// - then ifn_start for every interface (`ifconfig -l` order, lo0 first): ifconfig_IF (eval'ed), then
//   ifconfig_IF_ipv6 after `inet6 -ifdisabled`, ifconfig_IF_descr, `ifconfig IF up` when ifconfig_IF
//   or ifconfig_IF_ipv6 said anything, then the IPv4 aliases, then the IPv6 ones (only when
//   ifconfig_IF_ipv6 is set: ipv6if). Aliases come from ifconfig_IF_aliases first, then from
//   ifconfig_IF_aliasN, each entry beginning with its family keyword (inet, inet6, link, ether).
// Every variable is named after the interface (get_if_var: `.-/+` become `_`).

/** Variables by name, as `sysrc -a -e` reads them. */
export type RcVars = ReadonlyMap<string, string>;

/** The variables rc.d/netif reads that the network resources look at. */
export function isNetifVar(name: string): boolean {
  return name === "cloned_interfaces" || name.startsWith("ifconfig_") || name.startsWith("create_args_");
}

/** get_if_var: the variable of interface `ifname` for a pattern such as `ifconfig_IF_descr`. */
export function ifVar(ifname: string, pattern: string): string {
  return pattern.replace("IF", ifname.replace(/[.\-/+]/g, "_"));
}

/** The words of cloned_interfaces (an `ifn:sticky` word keeps its option). */
export function clonedWords(vars: RcVars): string[] {
  return splitSysrcList(vars.get("cloned_interfaces") ?? "");
}

/** The interface a word of cloned_interfaces creates (`bridge0:sticky` -> bridge0). */
export function clonedInterface(word: string): string {
  return word.split(":")[0]!;
}

/** The names the interfaces of one cloned_interfaces word have after ifnet_rename. */
export function namesAfterBoot(vars: RcVars, word: string): string[] {
  const ifn = clonedInterface(word);
  const sides = clonerUnit(ifn)?.cloner === "epair" ? [`${ifn}a`, `${ifn}b`] : [ifn];
  return sides.map((side) => vars.get(ifVar(side, "ifconfig_IF_name")) || side);
}

/** The word of cloned_interfaces that makes the bridge named `name` at boot, if any. */
export function persistedBridge(vars: RcVars, name: string): string | undefined {
  return clonedWords(vars).find((w) => clonerUnit(clonedInterface(w))?.cloner === "bridge" && namesAfterBoot(vars, w)[0] === name);
}

/** The word of cloned_interfaces that makes the epair whose host end is `host` at boot, if any. */
export function persistedEpair(vars: RcVars, host: string): string | undefined {
  return clonedWords(vars).find((w) => clonerUnit(clonedInterface(w))?.cloner === "epair" && namesAfterBoot(vars, w)[0] === host);
}

/** Every interface name cloned_interfaces gives at boot, with the word that gives it. */
export function bootNames(vars: RcVars): Map<string, string> {
  const names = new Map<string, string>();
  for (const w of clonedWords(vars)) for (const n of namesAfterBoot(vars, w)) names.set(n, w);
  return names;
}

/**
 * The lowest unit of `cloner` free for a new cloned_interfaces word: not a word already, no
 * ifconfig_*_name of its own left behind, not a name another word's interface is renamed to, and
 * one `take` accepts (a plan made beside others from the same read claims it: HostView.claim).
 */
export function freeUnit(vars: RcVars, cloner: ClonerName, take: (ifn: string) => boolean = () => true): number {
  const taken = new Set([...clonedWords(vars).map(clonedInterface), ...bootNames(vars).keys()]);
  for (let unit = 0; ; unit++) {
    const ifn = `${cloner}${unit}`;
    const sides = cloner === "epair" ? [`${ifn}a`, `${ifn}b`] : [ifn];
    if (taken.has(ifn) || sides.some((s) => taken.has(s) || vars.has(ifVar(s, "ifconfig_IF_name")))) continue;
    if (!take(ifn)) continue;
    return unit;
  }
}

/**
 * The variables a cloned_interfaces word left behind when the word went and they did not (a delete
 * cut short between the two writes): `ifconfig_IF_name` renaming an interface no word makes any more
 * to one of `names`, and of an epair the `create_args_IF` of its unit. At the next boot they would
 * rename whatever interface gets that unit; the resource that owned the name removes them.
 */
export function strandedVars(vars: RcVars, names: readonly string[]): string[] {
  const made = new Set(clonedWords(vars).flatMap((w) => {
    const ifn = clonedInterface(w);
    return (clonerUnit(ifn)?.cloner === "epair" ? [`${ifn}a`, `${ifn}b`] : [ifn]).map((side) => ifVar(side, "IF"));
  }));
  const out: string[] = [];
  for (const [name, value] of vars) {
    const m = /^ifconfig_(.+)_name$/.exec(name);
    if (!m || !names.includes(value) || made.has(m[1]!)) continue;
    out.push(name);
    const unit = /^(epair\d+)[ab]$/.exec(m[1]!)?.[1];
    const args = unit === undefined ? undefined : ifVar(unit, "create_args_IF");
    if (args !== undefined && vars.has(args) && !out.includes(args)) out.push(args);
  }
  return out;
}

/** What rc.d/netif applies to one interface: its ifconfig_IF words, description and addresses. */
export interface InterfaceSettings {
  line: string[];
  description?: string;
  addresses: readonly IfAddress[];
}

/** The names of the variables that carry an interface's settings. */
export function settingVars(ifname: string): string[] {
  return ["ifconfig_IF", "ifconfig_IF_descr", "ifconfig_IF_ipv6", "ifconfig_IF_aliases"].map((p) => ifVar(ifname, p));
}

/**
 * The variables of one interface: ifconfig_IF (its words), ifconfig_IF_descr, the first IPv6 address in
 * ifconfig_IF_ipv6 (without it rc.d/netif adds no IPv6 alias: ipv6if), and every other address in
 * ifconfig_IF_aliases (`inet A/P inet6 B/P`). A variable with nothing to say is absent (undefined).
 */
export function renderSettings(ifname: string, s: InterfaceSettings): Map<string, string | undefined> {
  const [line, descr, ipv6, aliases] = settingVars(ifname);
  const first6 = s.addresses.find((a) => a.family === "inet6");
  const rest = [...s.addresses.filter((a) => a.family === "inet"), ...s.addresses.filter((a) => a.family === "inet6" && a !== first6)];
  const text = (words: string[]) => (words.length > 0 ? words.join(" ") : undefined);
  return new Map([
    [line!, text(s.line)],
    [descr!, s.description || undefined],
    [ipv6!, first6 ? `inet6 ${formatAddress(first6)}` : undefined],
    [aliases!, text(rest.flatMap((a) => [a.family, formatAddress(a)]))],
  ]);
}

/** The `addm MEMBER` pairs of a bridge's ifconfig_IF, in order. */
export function memberWords(value: string | undefined): string[] {
  const words = splitSysrcList(value ?? "");
  return words.flatMap((w, i) => (w === "addm" && words[i + 1] !== undefined ? [words[i + 1]!] : []));
}

/** A bridge's ifconfig_IF with `addm MEMBER` added after its last addm (or first), unless there already. */
export function withMemberWord(value: string | undefined, member: string): string {
  const words = splitSysrcList(value ?? "");
  if (memberWords(value).includes(member)) return words.join(" ");
  let at = 0;
  words.forEach((w, i) => {
    if (w === "addm" && i + 1 < words.length) at = i + 2;
  });
  return [...words.slice(0, at), "addm", member, ...words.slice(at)].join(" ");
}

/** A bridge's ifconfig_IF without `addm MEMBER`; undefined when nothing is left. */
export function withoutMemberWord(value: string | undefined, member: string): string | undefined {
  const words = splitSysrcList(value ?? "");
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === "addm" && words[i + 1] === member) i++;
    else out.push(words[i]!);
  }
  return out.length > 0 ? out.join(" ") : undefined;
}

// $1 the variable, $2 add|remove, $3 the member. Reads the line as it is now (under the host lock, so
// no other writer is between the read and the write) and edits only the `addm MEMBER` pair: inserted
// after the last pair (or first), as withMemberWord does; every pair of it removed, as
// withoutMemberWord does. A line left empty is deleted. Nothing else of the line changes.
const memberScript = [
  'var=$1 op=$2 m=$3',
  'if v=$(sysrc -n "$var" 2>/dev/null); then had=1; else v= had=; fi',
  "set -f; set -- $v",
  'at=0 i=0 has= prev=',
  'for w do i=$((i+1)); if [ "$prev" = addm ]; then [ "$w" = "$m" ] && has=1; at=$i; prev=; else prev=$w; fi; done',
  'out= pend= k=0',
  'if [ "$op" = add ]; then',
  '  [ -n "$has" ] && exit 0',
  '  [ "$at" = 0 ] && out=" addm $m"',
  '  for w do k=$((k+1)); out="$out $w"; [ "$k" = "$at" ] && out="$out addm $m"; done',
  'else',
  '  [ -z "$has" ] && exit 0',
  '  for w do',
  '    if [ -n "$pend" ]; then pend=; [ "$w" = "$m" ] && continue; out="$out addm"; fi',
  '    if [ "$w" = addm ]; then pend=1; else out="$out $w"; fi',
  '  done',
  '  [ -n "$pend" ] && out="$out addm"',
  'fi',
  'out=${out# }',
  'if [ -n "$out" ]; then sysrc "$var=$out" >/dev/null; elif [ -n "$had" ]; then sysrc -x "$var"; fi',
].join("\n");

/**
 * Adds `addm MEMBER` to a bridge's ifconfig_IF line in rc.conf, or removes it, word by word under the
 * host lock: writers of one bridge's line (the epairs joining it, all at once) never conflict, where a
 * compare-and-set of the whole line would let one of N through each round.
 */
export function sysrcMemberEdit(variable: string, op: "add" | "remove", member: string): Command {
  const bad = checkSysrcName(variable) ?? (/^ifconfig_/.test(variable) ? undefined : "must be an ifconfig_IF variable");
  if (bad) throw new ValidationError("bridge", bad);
  const word = checkSysrcWord(member);
  if (word) throw new ValidationError("name", word);
  return locked({ argv: ["/bin/sh", "-c", memberScript, "sh", variable, op, member] });
}
