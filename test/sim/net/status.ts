// The status block `ifconfig [-a] [IF]` prints for one interface, line by line as 14.x's netlink
// listing does (ifconfig_netlink.c status_nl, af_inet.c, af_inet6.c, ifbridge.c, ifgroup.c, ifmedia.c,
// af_nd6.c).

import { formatBits, IFCAP_NAMES, IFF_NAMES, ifFlags, KINDS, ND6_NAMES } from "./flags.ts";
import { formatInet4, maskOf } from "./inet4.ts";
import { byIndex } from "./state.ts";
import type { Iface, NetState } from "./types.ts";

/** Which address family a listing is limited to (`ifconfig -a inet6`, `ifconfig IF inet`). */
export type AfFilter = "all" | "inet" | "inet6" | "link";

/** `-f inet:cidr|dotted,inet6:cidr` output formats. */
export interface Formats {
  inet?: string;
  inet6?: string;
}

const IN6_FLAG_WORDS: [number, string][] = [[0x01, "anycast"], [0x02, "tentative"], [0x04, "duplicated"],
  [0x08, "detached"], [0x10, "deprecated"], [0x40, "autoconf"], [0x80, "temporary"], [0x100, "prefer_source"]];

function inetLines(ifp: Iface, fmt: Formats): string[] {
  return ifp.inet.map((a) => {
    let line = `\tinet ${a.addr}`;
    if (fmt.inet === "cidr") line += `/${a.plen}`;
    else if (fmt.inet === "dotted") line += ` netmask ${formatInet4(maskOf(a.plen))}`;
    else line += ` netmask 0x${maskOf(a.plen).toString(16)}`;
    // in_status_nl prints the broadcast only for IFF_BROADCAST interfaces and a non-zero prefix.
    if (a.broadcast !== undefined && a.plen !== 0) line += ` broadcast ${a.broadcast}`;
    return line;
  });
}

function inet6Lines(ifp: Iface, fmt: Formats): string[] {
  return ifp.inet6.map((a) => {
    // getnameinfo(NI_NUMERICHOST) appends %ifname to scoped addresses; scopeid is the if_index.
    let line = `\tinet6 ${a.addr}${a.scoped ? `%${ifp.name}` : ""}`;
    line += fmt.inet6 === "cidr" ? `/${a.plen}` : ` prefixlen ${a.plen}`;
    for (const [bit, word] of IN6_FLAG_WORDS) if (a.flags & bit) line += ` ${word}`;
    if (a.scoped) line += ` scopeid 0x${ifp.index.toString(16)}`;
    return line;
  });
}

function bridgeLines(net: NetState, br: Iface): string[] {
  // No member runs STP, so bstp_reinit leaves the bridge and root ids at zero.
  const lines = [
    "\tid 00:00:00:00:00:00 priority 32768 hellotime 2 fwddelay 15",
    "\tmaxage 20 holdcnt 6 proto rstp maxaddr 2000 timeout 1200",
    "\troot id 00:00:00:00:00:00 priority 32768 ifcost 0 port 0",
  ];
  for (const index of br.members ?? []) {
    const m = byIndex(net, index);
    if (!m) continue;
    // Default member flags LEARNING|DISCOVER plus bstp's AUTOEDGE|AUTOPTP; port is the if_index.
    lines.push(`\tmember: ${m.name} flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>`);
    lines.push(`\t        ifmaxaddr 0 port ${m.index & 0xfff} priority 128 path cost 2000`);
  }
  return lines;
}

/** Renders one interface's status block (with the trailing newline). */
export function renderStatus(net: NetState, ifp: Iface, af: AfFilter, fmt: Formats = {}): string {
  const kind = KINDS[ifp.kind];
  const lines = [`${ifp.name}: flags=${formatBits(ifFlags(ifp), IFF_NAMES)} metric ${ifp.metric} mtu ${ifp.mtu}`];
  if (ifp.description !== undefined) lines.push(`\tdescription: ${ifp.description}`);
  lines.push(`\toptions=${formatBits(ifp.capenable, IFCAP_NAMES)}`);
  if ((af === "all" || af === "link") && ifp.mac) lines.push(`\tether ${ifp.mac}`);
  if (af === "all" || af === "inet") lines.push(...inetLines(ifp, fmt));
  if (af === "all" || af === "inet6") lines.push(...inet6Lines(ifp, fmt));
  if (af === "all") {
    if (ifp.kind === "bridge") lines.push(...bridgeLines(net, ifp));
    if (ifp.groups.length) lines.push(`\tgroups: ${ifp.groups.join(" ")}`);
    if (kind.media) {
      lines.push(`\tmedia: ${kind.media.current} (${kind.media.active})`);
      lines.push("\tstatus: active");
    }
  }
  if (af === "all" || af === "inet6") lines.push(`\tnd6 options=${formatBits(ifp.nd6, ND6_NAMES)}`);
  return lines.join("\n") + "\n";
}
