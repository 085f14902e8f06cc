// What the kernel does with addresses and the UP flag: in_aifaddr_ioctl/in_difaddr_ioctl,
// in6_update_ifa/in6_purgeifaddr, and in6_if_up() assigning link-local addresses.

import { EADDRNOTAVAIL, EINVAL } from "./errno.ts";
import { IFF_BROADCAST, IFF_UP, KINDS, ND6_AUTO_LINKLOCAL, ND6_IFDISABLED } from "./flags.ts";
import { defaultBroadcast, formatInet4, inetAton } from "./inet4.ts";
import { isLinkLocal, linkLocalFromMac } from "./inet6.ts";
import type { Iface, Inet6 } from "./types.ts";

/** IN6_IFF_TENTATIVE: the address is undergoing duplicate address detection. */
export const IN6_IFF_TENTATIVE = 0x02;

/** if_up(): sets IFF_UP and lets IPv6 attach (in6_if_up). */
export function ifUp(ifp: Iface): void {
  ifp.flags |= IFF_UP;
  attachInet6(ifp);
}

/** in6_ifattach(): ::1 on loopbacks, then a link-local address unless IPv6 is disabled on the interface. */
export function attachInet6(ifp: Iface): void {
  if ((ifp.flags & IFF_UP) === 0 || (ifp.nd6 & ND6_IFDISABLED) !== 0) return;
  if (ifp.kind === "loop" && !ifp.inet6.some((a) => a.addr === "::1")) {
    ifp.inet6.push({ addr: "::1", plen: 128, scoped: false, flags: 0 });
  }
  if ((ifp.nd6 & ND6_AUTO_LINKLOCAL) === 0 || ifp.inet6.some((a) => a.scoped)) return;
  // The loopback's interface id is ::1 (in6_ifattach_linklocal); others use the modified EUI-64.
  const addr = ifp.kind === "loop" ? "fe80::1" : ifp.mac ? linkLocalFromMac(ifp.mac) : undefined;
  if (addr) ifp.inet6.push({ addr, plen: 64, scoped: true, flags: 0 });
}

/** in_aifaddr_ioctl(): adds (or re-adds at the end) an IPv4 address; the driver's SIOCSIFADDR brings it up. */
export function addInet4(ifp: Iface, addr: string, plen: number, broadcast?: string): number {
  ifp.inet = ifp.inet.filter((a) => a.addr !== addr);
  const entry = { addr, plen, broadcast } as Iface["inet"][number];
  if ((KINDS[ifp.kind].baseFlags & IFF_BROADCAST) !== 0) {
    entry.broadcast = broadcast ?? formatInet4(defaultBroadcast(inetAton(addr)!, plen));
  } else {
    delete entry.broadcast;
  }
  ifp.inet.push(entry);
  // ether_ioctl/loioctl SIOCSIFADDR: `ifp->if_flags |= IFF_UP`.
  ifp.flags |= IFF_UP;
  return 0;
}

/** in_difaddr_ioctl(): removes an IPv4 address, EADDRNOTAVAIL when the interface does not have it. */
export function deleteInet4(ifp: Iface, addr: string): number {
  const before = ifp.inet.length;
  ifp.inet = ifp.inet.filter((a) => a.addr !== addr);
  return ifp.inet.length === before ? EADDRNOTAVAIL : 0;
}

/** in6_update_ifa(): adds an IPv6 address; changing an existing address's prefix length is EINVAL. */
export function addInet6(ifp: Iface, addr: string, plen: number, flags: number): number {
  const existing = ifp.inet6.find((a) => a.addr === addr);
  if (existing) {
    if (existing.plen !== plen) return EINVAL;
    existing.flags = flags;
    return 0;
  }
  const entry: Inet6 = { addr, plen, scoped: isLinkLocal(addr), flags };
  ifp.inet6.push(entry);
  // in6_ifinit: the first IPv6 address gives the driver a SIOCSIFADDR, which sets IFF_UP.
  if (ifp.inet6.length === 1) ifp.flags |= IFF_UP;
  // in6_control SIOCAIFADDR_IN6: adding an address clears ND6_IFF_IFDISABLED (then in6_if_up runs).
  if ((ifp.nd6 & ND6_IFDISABLED) !== 0) {
    ifp.nd6 &= ~ND6_IFDISABLED;
    attachInet6(ifp);
  }
  return 0;
}

/** SIOCDIFADDR_IN6: removes an IPv6 address, EADDRNOTAVAIL when absent. */
export function deleteInet6(ifp: Iface, addr: string): number {
  const before = ifp.inet6.length;
  ifp.inet6 = ifp.inet6.filter((a) => a.addr !== addr);
  return ifp.inet6.length === before ? EADDRNOTAVAIL : 0;
}

/** Sets or clears nd6 flags (SIOCSIFINFO_FLAGS); clearing IFDISABLED on an up interface attaches IPv6. */
export function setNd6Flags(ifp: Iface, flags: number): void {
  const wasDisabled = (ifp.nd6 & ND6_IFDISABLED) !== 0;
  ifp.nd6 = flags;
  if (wasDisabled && (flags & ND6_IFDISABLED) === 0) attachInet6(ifp);
  // nd6_ioctl, "ifdisabled 0->1 transition": addresses stay but are marked tentative (DAD is on).
  if (!wasDisabled && (flags & ND6_IFDISABLED) !== 0) {
    for (const a of ifp.inet6) a.flags |= IN6_IFF_TENTATIVE;
  }
  if (wasDisabled && (flags & ND6_IFDISABLED) === 0) {
    for (const a of ifp.inet6) a.flags &= ~IN6_IFF_TENTATIVE;
  }
}
