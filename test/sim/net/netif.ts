// rc.d/netif start as libexec/rc/network.subr (stable/14, as in 14.3) runs it: clone_up
// (cloned_interfaces, create_args_IF), ifnet_rename (ifconfig_IF_name), then ifn_start on every
// interface, lo0 first: ifconfig_IF, ifconfig_IF_ipv6, link/ether aliases, ifconfig_IF_descr, `up`,
// DHCP, 127.0.0.1 on lo0, the inet then inet6 aliases of ifconfig_IF_aliases and ifconfig_IF_aliasN.

import { checkyesno } from "../core/rc-conf.ts";
import { runIfconfig } from "./ifconfig.ts";
import type { NetEnv } from "./session.ts";
import { ifacesIn } from "./state.ts";

type Vars = Map<string, string>;

/** rc.d/netif runs `load_rc_config network` (the old name, kept for compatibility) and then its own. */
export const NETIF_RC_CONF = ["network", "netif"];

/** The address a DHCP server hands out in the simulator (QEMU user networking's first lease). */
const DHCP_LEASE = ["inet", "10.0.2.15", "netmask", "255.255.255.0", "broadcast", "10.0.2.255"];

/** get_if_var(): the variable for an interface, with `.-/+` in its name turned into `_`. */
function ifVar(vars: Vars, ifn: string, pattern: string, fallback?: string): string | undefined {
  const name = pattern.replace("IF", ifn.replace(/[.\-/+]/g, "_"));
  return vars.has(name) ? vars.get(name) : fallback;
}

/** Splits a string into words the way `eval` re-reads it (quotes group, whitespace separates). */
function evalWords(text: string): string[] {
  const words: string[] = [];
  const re = /(?:[^\s'"\\]+|'[^']*'|"(?:\\.|[^"\\])*"|\\.)+/g;
  for (const m of text.matchAll(re)) {
    words.push(m[0].replace(/'([^']*)'|"((?:\\.|[^"\\])*)"|\\(.)/g, (_all, sq, dq, esc) =>
      sq ?? (dq !== undefined ? dq.replace(/\\([$`"\\])/g, "$1") : esc)));
  }
  return words;
}

/** _ifconfig_getargs: ifconfig_IF[_af], defaulting to ifconfig_DEFAULT. */
function rawArgs(vars: Vars, ifn: string, af = ""): string {
  return ifVar(vars, ifn, `ifconfig_IF${af}`, vars.get("ifconfig_DEFAULT")) ?? "";
}

/** ifconfig_getargs: the arguments without the pseudo ones (DHCP, NOAUTO, WPA, `vnet JAIL`...). */
function ifArgs(vars: Vars, ifn: string, af = ""): string {
  const out: string[] = [];
  let vnet = false;
  for (const arg of rawArgs(vars, ifn, af).split(/\s+/).filter(Boolean)) {
    if (vnet) vnet = false;
    else if (arg === "vnet") vnet = true;
    else if (!/^(dhcp|noauto|nosyncdhcp|syncdhcp|wpa|hostap)$/i.test(arg)) out.push(arg);
  }
  return out.join(" ");
}

function hasArg(vars: Vars, ifn: string, re: RegExp, af = ""): boolean {
  return rawArgs(vars, ifn, af).split(/\s+/).some((a) => re.test(a));
}

interface Runner {
  env: NetEnv;
  vars: Vars;
  /** Writes a line to the console. */
  log: (line: string) => void;
}

function ifconfig(r: Runner, argv: string[]): boolean {
  const io = { out: [] as string[], err: [] as string[] };
  const res = runIfconfig(r.env, io, argv);
  for (const line of [...io.out, ...io.err].join("").split("\n").filter(Boolean)) r.log(line);
  return res.code === 0;
}

function exists(r: Runner, name: string): boolean {
  return ifacesIn(r.env.net, r.env.vnet).some((i) => i.name === name);
}

function cloneUp(r: Runner): void {
  const created: string[] = [];
  for (const spec of (r.vars.get("cloned_interfaces") ?? "").split(/\s+/).filter(Boolean)) {
    const ifn = spec.split(":")[0]!;
    // `ifconfig ${ifn} create `get_if_var ${ifn} create_args_IF``: field splitting, no quote removal.
    const args = (ifVar(r.vars, ifn, "create_args_IF") ?? "").split(/[ \t\n]+/).filter(Boolean);
    if (/^epair[0-9]/.test(ifn)) {
      // epair(4) is created as epairN and configured as epairNa/epairNb.
      if (exists(r, `${ifn}a`) || exists(r, `${ifn}b`)) continue;
      if (ifconfig(r, [ifn, "create", ...args])) created.push(`${ifn}a`, `${ifn}b`);
    } else {
      if (exists(r, ifn)) continue;
      if (ifconfig(r, [ifn, "create", ...args])) created.push(ifn);
    }
  }
  if (created.length) r.log(`Created clone interfaces: ${created.join(" ")}.`);
}

function renameAll(r: Runner): void {
  for (const ifp of ifacesIn(r.env.net, r.env.vnet)) {
    const name = ifVar(r.vars, ifp.name, "ifconfig_IF_name");
    if (name) ifconfig(r, [ifp.name, "name", name]);
  }
}

function netInterfaces(r: Runner): string[] {
  const configured = r.vars.get("network_interfaces") ?? "auto";
  if (/^auto$/i.test(configured)) {
    // `ifconfig -l` minus NOAUTO interfaces, lo0 first.
    const names = ifacesIn(r.env.net, r.env.vnet).map((i) => i.name).filter((n) => !hasArg(r.vars, n, /^noauto$/i));
    return names.includes("lo0") ? ["lo0", ...names.filter((n) => n !== "lo0")] : names;
  }
  const list: string[] = [];
  for (const ifn of [...configured.split(/\s+/), ...(r.vars.get("cloned_interfaces") ?? "").split(/\s+/)]) {
    if (!ifn) continue;
    if (/^epair[0-9]/.test(ifn)) list.push(`${ifn}a`, `${ifn}b`);
    else list.push(ifn);
  }
  return list.includes("lo0") ? list : ["lo0", ...list];
}

function ipv6If(r: Runner, ifn: string): boolean {
  if (ifn === "lo0") return true;
  const list = r.vars.get("ipv6_network_interfaces") ?? "auto";
  if (!/^auto$/i.test(list) && !list.split(/\s+/).includes(ifn)) return false;
  return rawArgs(r.vars, ifn, "_ipv6") !== "" || Boolean(ifVar(r.vars, ifn, "ipv6_prefix_IF"));
}

type AliasAf = "inet" | "inet6" | "link" | "ether";
const ALIAS_AFS = ["inet", "inet6", "link", "ether"];

/**
 * ifalias_af_common(): the entries of one family from ifconfig_IF_aliases (first) and the
 * ifconfig_IF_aliasN (numeric order, up to the first empty one), each beginning with its family
 * keyword, run as `ifconfig IF ENTRY alias`.
 */
function aliases(r: Runner, ifn: string, af: AliasAf): void {
  const prefix = `ifconfig_${ifn.replace(/[.\-/+]/g, "_")}_alias`;
  const numbered = [...r.vars.keys()].filter((k) => k.startsWith(prefix) && /^\d+$/.test(k.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
  const aliasn: string[] = [];
  for (const key of numbered) {
    const value = r.vars.get(key)!;
    if (value === "") break;
    const words = value.split(/\s+/).filter(Boolean);
    if (words[0] === af) aliasn.push(...words);
    else if (af === "inet" && !ALIAS_AFS.includes(words[0] ?? "")) {
      r.log(`/etc/rc.d/netif: WARNING: $${key} needs leading "inet" keyword for an IPv4 address.`);
      aliasn.push("inet", ...words);
    }
  }
  // `for _c in $(get_if_var $_if ifconfig_IF_aliases) $_aliasn`: split at each family keyword.
  const words = [...(ifVar(r.vars, ifn, "ifconfig_IF_aliases") ?? "").split(/\s+/).filter(Boolean), ...aliasn];
  const entries: string[][] = [];
  for (const word of words) {
    if (ALIAS_AFS.includes(word) || entries.length === 0) entries.push([word]);
    else entries[entries.length - 1]!.push(word);
  }
  for (const entry of entries) {
    if (entry[0] !== af || entry.length < 2) continue;
    ifconfig(r, [ifn, ...evalWords(entry.join(" ")), "alias"]);
  }
}

function ifconfigUp(r: Runner, ifn: string): void {
  let cfg = ifn === "lo0";
  const v6all = checkyesno("ipv6_activate_all_interfaces", r.vars.get("ipv6_activate_all_interfaces"),
    (m) => r.log(`/etc/rc.d/netif: WARNING: ${m}`));
  // `_ipv6_opts=-ifdisabled` only with ipv6_activate_all_interfaces; otherwise nothing is run here and
  // the interface keeps the IFDISABLED nd6_ifattach gave it.
  if (v6all) ifconfig(r, [ifn, "inet6", "-ifdisabled"]);
  const args = ifArgs(r.vars, ifn);
  if (args) {
    ifconfig(r, [ifn, ...evalWords(args)]);
    cfg = true;
  }
  let args6 = ifArgs(r.vars, ifn, "_ipv6");
  if (args6) {
    if (/^(:|[0-9a-fA-F]*:)/.test(args6)) args6 = `inet6 ${args6}`;
    ifconfig(r, [ifn, "inet6", "-ifdisabled"]);
    ifconfig(r, [ifn, ...evalWords(args6)]);
    cfg = true;
  }
  // `ifalias $1 link alias; ifalias $1 ether alias`: link-level addresses from the alias variables.
  aliases(r, ifn, "link");
  aliases(r, ifn, "ether");
  const descr = ifVar(r.vars, ifn, "ifconfig_IF_descr");
  if (descr) ifconfig(r, [ifn, "description", descr]);
  if (cfg) ifconfig(r, [ifn, "up"]);
  if (ipv6If(r, ifn) && hasArg(r.vars, ifn, /^accept_rtadv$/, "_ipv6")) ifconfig(r, [ifn, "inet6", "accept_rtadv", "up"]);
  if (!/^(lo|stf|lp|sl)\d/.test(ifn) && hasArg(r.vars, ifn, /^(dhcp|syncdhcp|nosyncdhcp)$/i)) {
    if (!cfg) ifconfig(r, [ifn, "up"]);
    // dhclient(8) (started by rc.d/dhclient or devd) configures the lease it gets.
    ifconfig(r, [ifn, ...DHCP_LEASE]);
  }
}

function ifnStart(r: Runner, ifn: string): void {
  ifconfigUp(r, ifn);
  if (ifn === "lo0" && !ifVar(r.vars, ifn, "ifconfig_IF")) ifconfig(r, ["lo0", "inet", "127.0.0.1/8", "alias"]);
  aliases(r, ifn, "inet");
  if (ipv6If(r, ifn)) aliases(r, ifn, "inet6");
}

/** Runs `service netif start` in a vnet with the given rc.conf variables; what it prints goes to `log`. */
export function netifStart(env: NetEnv, vars: Map<string, string>, log: (line: string) => void): void {
  const r: Runner = { env, vars, log };
  cloneUp(r);
  renameAll(r);
  const started = netInterfaces(r);
  for (const ifn of started) ifnStart(r, ifn);
  log(`Starting Network: ${started.join(" ")}.`);
}
