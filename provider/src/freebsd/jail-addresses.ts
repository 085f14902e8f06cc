import { isIPv4 } from "node:net";

// ip4.addr and ip6.addr as the kernel keeps them, so the provider compares what a user wrote with
// what jls(8) prints. jail(8) strips `iface|`, `/mask` and ifconfig arguments before jail_set
// (usr.sbin/jail/config.c check_intparams); libjail converts each address with inet_pton and jls
// prints it with inet_ntop (lib/libjail/jail.c), so IPv6 comes back in canonical lower case; and the
// kernel keeps the first address where it is and sorts the others (sys/kern/kern_jail.c, "all sorted
// but ip[0] to preserve the primary IP address", with prison_qcmp_v4 of sys/netinet/in_jail.c and
// prison_qcmp_v6 of sys/netinet6/in6_jail.c).

/** The address family of an address parameter. */
export type AddressFamily = 4 | 6;

/** The family of ip4.addr / ip6.addr, or undefined for any other parameter. */
export function addressFamilyOf(param: string): AddressFamily | undefined {
  return param === "ip4.addr" ? 4 : param === "ip6.addr" ? 6 : undefined;
}

/** The bare address of an `[iface|]address[/mask][ ifconfig args]` entry, as config.c strips it. */
export function bareAddress(entry: string): string {
  let rest = entry.includes("|") ? entry.slice(entry.indexOf("|") + 1) : entry;
  if (rest.includes("/")) rest = rest.slice(0, rest.indexOf("/"));
  if (rest.includes(" ")) rest = rest.slice(0, rest.indexOf(" "));
  return rest;
}

/** The 16-bit groups of an IPv6 address (a dotted IPv4 tail allowed), or undefined when it is not one. */
function ip6Words(text: string): number[] | undefined {
  let body = text;
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.slice(lastColon + 1).includes(".")) {
    const tail = text.slice(lastColon + 1);
    if (!isIPv4(tail)) return undefined;
    const o = tail.split(".").map(Number);
    body = `${text.slice(0, lastColon + 1)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === "") return [];
    const words: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      words.push(Number.parseInt(g, 16));
    }
    return words;
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return undefined;
  if (halves.length === 1) return left.length === 8 ? left : undefined;
  if (left.length + right.length > 7) return undefined;
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * An IPv6 address as FreeBSD's inet_ntop prints it (lib/libc/inet/inet_ntop.c inet_ntop6): lower-case
 * hex, the first longest run of two or more zero groups as `::`, and a dotted IPv4 tail for the
 * IPv4-compatible (`::a.b.c.d`, not `::1`) and IPv4-mapped (`::ffff:a.b.c.d`) forms.
 */
export function canonicalIp6(text: string): string | undefined {
  const w = ip6Words(text);
  if (!w) return undefined;
  let best = { base: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > best.len) best = { base: i, len: j - i };
    i = j;
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 7 && w[7] !== 1) || (best.len === 5 && w[5] === 0xffff))) {
      out += `${w[6]! >> 8}.${w[6]! & 255}.${w[7]! >> 8}.${w[7]! & 255}`;
      return out;
    }
    out += w[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ":";
  return out;
}

/** One entry as the kernel stores it: the bare address, IPv6 canonical. */
export function kernelAddress(entry: string, family: AddressFamily): string {
  const bare = bareAddress(entry);
  return family === 4 ? bare : canonicalIp6(bare) ?? bare;
}

/** The bytes an address sorts by: the IPv4 number in host order (prison_qcmp_v4) or the 16 bytes (prison_qcmp_v6). */
function sortKey(address: string, family: AddressFamily): number[] {
  if (family === 4) return address.split(".").map(Number);
  return (ip6Words(address) ?? []).flatMap((word) => [word >> 8, word & 255]);
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** A list of entries as the kernel keeps it: bare, canonical, the first in place and the rest sorted. */
export function kernelAddresses(entries: readonly string[], family: AddressFamily): string[] {
  const bare = entries.map((e) => kernelAddress(e, family));
  if (bare.length < 2) return bare;
  const rest = bare.slice(1).sort((a, b) => compareKeys(sortKey(a, family), sortKey(b, family)));
  return [bare[0]!, ...rest];
}

/** True when two address lists mean the same to the kernel. */
export function sameAddresses(a: readonly string[], b: readonly string[], family: AddressFamily): boolean {
  const x = kernelAddresses(a, family);
  const y = kernelAddresses(b, family);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * Why the kernel would refuse a list, or undefined: kern_jail.c refuses INADDR_ANY, INADDR_BROADCAST
 * and the unspecified IPv6 address, and an address given twice (EINVAL, "jail_set: Invalid argument").
 */
export function checkKernelAddresses(entries: readonly string[], family: AddressFamily): string | undefined {
  const seen = new Set<string>();
  for (const entry of entries) {
    const address = kernelAddress(entry, family);
    if (address === (family === 4 ? "0.0.0.0" : "::") || (family === 4 && address === "255.255.255.255")) {
      return `${JSON.stringify(entry)}: the kernel refuses ${address} as a jail address`;
    }
    if (seen.has(address)) return `${JSON.stringify(entry)}: ${address} is given twice (the kernel refuses a repeated address)`;
    seen.add(address);
  }
  return undefined;
}
