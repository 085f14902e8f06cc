import { createHash } from "node:crypto";
import { isIPv4 } from "node:net";
import { canonicalIp6 } from "./jail-addresses.ts";
import type { IfAddress } from "./ifconfig-output.ts";

// Interface names, link-level addresses and interface addresses as FreeBSD takes them.
// - Names: at most IFNAMSIZ - 1 = 15 characters (sys/net/if.h; SIOCSIFNAME copies the name into
//   IFNAMSIZ bytes and fails with ENAMETOOLONG past that). Names are kept to lower-case letters,
//   digits and `_` because rc.d/netif reads an interface's settings from variables named after it
//   (network.subr get_if_var turns `.-/+` into `_`, so `a.b` and `a_b` would share variables), and
//   a name ending like one of those variables' suffixes (`lan0_descr`) would read another
//   interface's setting as its own.
// - Names of the form CLONER+UNIT (`bridge3`, `epair3`, `lo1`) are the kernel's own (if_clone(9)):
//   `ifconfig bridge3 create` makes unit 3 of the bridge cloner.

/** IFNAMSIZ - 1: the longest interface name. */
export const maxInterfaceName = 15;

/** The cloners whose unit names the provider meets (GENERIC 14.3: if_bridge, if_epair, if_loop). */
const cloners = ["bridge", "epair", "lo"] as const;
export type ClonerName = (typeof cloners)[number];

/** Suffixes of the per-interface rc.conf variables rc.d/netif reads (network.subr, rc.conf(5)). */
const netifSuffix = /_(name|descr|ipv6|aliases|alias\d*|ipv4|ipv6_alias\d*)$/;

/** The cloner and unit of a name in the kernel's form (`bridge3` -> bridge 3), if it is one. */
export function clonerUnit(name: string): { cloner: ClonerName; unit: number } | undefined {
  for (const cloner of cloners) {
    const digits = name.slice(cloner.length);
    if (name.startsWith(cloner) && /^(0|[1-9]\d*)$/.test(digits)) return { cloner, unit: Number(digits) };
  }
  return undefined;
}

/** The rule an interface name (of a resource of cloner `own`) breaks, or undefined. */
export function checkInterfaceName(name: string, own: ClonerName, maxLength = maxInterfaceName): string | undefined {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    return "must start with a lower-case letter and hold only lower-case letters, digits and '_' (rc.d/netif names its variables after the interface)";
  }
  if (name.length > maxLength) return lengthRule(name, maxLength);
  if (netifSuffix.test(name)) {
    return `must not end in ${netifSuffix.exec(name)![0]}: rc.d/netif would read the variables of another interface as this one's`;
  }
  for (const cloner of cloners) {
    if (!new RegExp(`^${cloner}\\d`).test(name)) continue;
    const unit = clonerUnit(name);
    if (unit?.cloner === own) return undefined;
    return `${name} is in the kernel's name space of the ${cloner} cloner (${cloner}N is what \`ifconfig ${cloner} create\` names ` +
      `its interfaces)${cloner === own ? ": write it as " + cloner + "N, with no leading zero and nothing after the unit" : ""}; choose another name`;
  }
  return undefined;
}

/** The rule for a name longer than `max`, with the longest name that fits. */
export function lengthRule(name: string, max: number): string {
  return `${name} has ${name.length} characters; it can have at most ${max} (FreeBSD interface names are at most ` +
    `${maxInterfaceName} characters, IFNAMSIZ 16 with the NUL), e.g. ${name.slice(0, max)}`;
}

/** The rule a MAC address breaks, or undefined: six colon-separated hex octets, unicast, not all zero. */
export function checkMac(mac: string): string | undefined {
  if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(mac)) return "must be six hex octets separated by ':' (e.g. 02:00:5e:10:00:01)";
  const octets = mac.split(":").map((o) => Number.parseInt(o, 16));
  if ((octets[0]! & 1) === 1) return "must be a unicast address (the low bit of the first octet clear): a multicast address cannot be an interface's";
  if (octets.every((o) => o === 0)) return "must not be all zeros";
  return undefined;
}

/** A MAC address as ifconfig prints it: two lower-case hex digits per octet. */
export function normalMac(mac: string): string {
  return mac.split(":").map((o) => o.toLowerCase().padStart(2, "0")).join(":");
}

/**
 * The MAC address an epair side gets when its inputs give none: 02 (locally administered, unicast),
 * four bytes of SHA-256("freebsd:network:Epair:" + name), then 0a for the host side and 0b for the
 * jail side, as epair(4) ends its own generated addresses. It depends on the name alone, so it is the
 * same after every re-creation and reboot (and on every host: give `hostEther`/`jailEther` explicitly
 * for epairs of the same name on hosts bridged onto one Ethernet segment).
 */
export function derivedEpairMac(name: string, side: "a" | "b"): string {
  const d = createHash("sha256").update(`freebsd:network:Epair:${name}`).digest();
  return [0x02, d[0]!, d[1]!, d[2]!, d[3]!, side === "a" ? 0x0a : 0x0b].map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** Parses `10.0.0.1/24` or `2001:db8::1/64`: the family, the kernel's spelling, the prefix length. */
export function parseInterfaceAddress(text: string): IfAddress | undefined {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return undefined;
  const [addr, plenText] = [text.slice(0, slash), text.slice(slash + 1)];
  if (!/^\d{1,3}$/.test(plenText)) return undefined;
  const plen = Number(plenText);
  if (isIPv4(addr)) return plen <= 32 ? { family: "inet", addr, plen } : undefined;
  const canonical = addr.includes(":") ? canonicalIp6(addr) : undefined;
  return canonical !== undefined && plen <= 128 ? { family: "inet6", addr: canonical, plen } : undefined;
}

/** The rule an interface address breaks, or undefined. */
export function checkInterfaceAddress(text: string): string | undefined {
  const parsed = parseInterfaceAddress(text);
  if (!parsed) return "must be an IPv4 or IPv6 address with its prefix length, e.g. 192.0.2.1/24 or 2001:db8::1/64";
  if (parsed.family === "inet6" && /^fe[89ab]/.test(parsed.addr)) {
    return "is a link-local address: the kernel assigns those itself (in6_ifattach)";
  }
  return undefined;
}

/** An address as ifconfig prints it with -f inet:cidr,inet6:cidr (`10.0.0.1/24`). */
export function formatAddress(a: IfAddress): string {
  return `${a.addr}/${a.plen}`;
}
