// Listing interfaces: `ifconfig [-a] [-d|-u] [-g G] [-G G] [af]`, `ifconfig -l [af]`, `ifconfig IF`
// (list_interfaces_nl: the kernel's list order, filtered by flags, groups and address family), and
// `ifconfig -g GROUP` (ifgroup.c printgroup: the group's members, one per line).

import type { AfName } from "./af-addr.ts";
import { IFF_UP, ifFlags } from "./flags.ts";
import { ifacesIn } from "./state.ts";
import { renderStatus, type Formats } from "./status.ts";
import type { Iface } from "./types.ts";
import type { Session } from "./session.ts";

export interface ListOptions {
  ifname?: string;
  namesOnly: boolean;
  upOnly: boolean;
  downOnly: boolean;
  matchGroup?: string;
  noGroup?: string;
  /** The address family named on the command line; `ether` also requires an Ethernet address. */
  af?: AfName;
  ether: boolean;
  formats: Formats;
}

/** fnmatch(3) without flags: `*`, `?` and bracket expressions. */
export function fnmatch(pattern: string, text: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[" && pattern.indexOf("]", i + 2) > 0) {
      const end = pattern.indexOf("]", i + 2);
      re += `[${pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s").test(text);
}

function groupsOf(ifp: Iface): string[] {
  return ["all", ...ifp.groups];
}

function groupMember(ifp: Iface, match?: string, nomatch?: string): boolean {
  if (match === undefined && nomatch === undefined) return true;
  const matched = match === undefined || groupsOf(ifp).some((g) => fnmatch(match, g));
  const nomatched = nomatch === undefined || !groupsOf(ifp).some((g) => fnmatch(nomatch, g));
  return matched && nomatched;
}

function matchAf(ifp: Iface, opts: ListOptions): boolean {
  if (opts.ether) return ifp.mac !== undefined;
  if (opts.af === "inet") return ifp.inet.length > 0;
  if (opts.af === "inet6") return ifp.inet6.length > 0;
  return true;
}

/** Prints the status blocks (or names with -l) of the matching interfaces of the caller's vnet. */
export function listInterfaces(s: Session, opts: ListOptions): void {
  const names: string[] = [];
  for (const ifp of ifacesIn(s.env.net, s.env.vnet)) {
    if (opts.ifname !== undefined && ifp.name !== opts.ifname) continue;
    const up = (ifFlags(ifp) & IFF_UP) !== 0;
    if ((opts.downOnly && up) || (opts.upOnly && !up)) continue;
    if (!groupMember(ifp, opts.matchGroup, opts.noGroup)) continue;
    if (!matchAf(ifp, opts)) continue;
    if (opts.namesOnly) names.push(ifp.name);
    else s.io.out.push(renderStatus(s.env.net, ifp, opts.af ?? "all", opts.formats));
  }
  if (opts.namesOnly) s.io.out.push(names.join(" ") + "\n");
}

/** `ifconfig -g GROUP`: the members of an interface group, one per line (nothing for an unknown group). */
export function printGroup(s: Session, group: string): void {
  for (const ifp of ifacesIn(s.env.net, s.env.vnet)) {
    if (groupsOf(ifp).includes(group)) s.io.out.push(`${ifp.name}\n`);
  }
}
