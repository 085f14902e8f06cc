// The kernel's jail address lists (sys/kern/kern_jail.c, FreeBSD 14 prison_ip_copyin): the first
// address stays first ("to preserve the primary IP address as given from userland") and the others
// are sorted with qsort, by prison_qcmp_v4 (sys/netinet/in_jail.c: the address in host byte order)
// or prison_qcmp_v6 (sys/netinet6/in6_jail.c: byte by byte). A list holding INADDR_ANY,
// INADDR_BROADCAST (prison_valid_v4), the unspecified IPv6 address (prison_valid_v6) or any address
// twice is refused with EINVAL.

import { groupsOf6 } from "./values.ts";

function sortKey(address: string, family: "ip4" | "ip6"): number[] {
  if (family === "ip4") return address.split(".").map(Number);
  return (groupsOf6(address) ?? []).flatMap((g) => [g >> 8, g & 255]);
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** The list as jail_set stores it, or undefined when the kernel refuses it (EINVAL). */
export function kernelAddressList(addrs: readonly string[], family: "ip4" | "ip6"): string[] | undefined {
  const keys = addrs.map((a) => sortKey(a, family));
  const rest = keys.slice(1).map((k, i) => ({ k, a: addrs[i + 1]! })).sort((x, y) => compare(x.k, y.k));
  const list = addrs.length === 0 ? [] : [{ k: keys[0]!, a: addrs[0]! }, ...rest];
  for (let i = 0; i < list.length; i++) {
    const k = list[i]!.k;
    const invalid = family === "ip4" ? k.every((b) => b === 0) || k.every((b) => b === 255) : k.every((b) => b === 0);
    if (invalid) return undefined;
    const next = list[i + 1];
    if (next && (compare(list[0]!.k, next.k) === 0 || compare(k, next.k) === 0)) return undefined;
  }
  return list.map((x) => x.a);
}
