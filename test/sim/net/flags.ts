// Flag words as ifconfig prints them: if_flags (with the netlink-only LOWER_UP bit), capabilities
// and nd6 options, and the per-driver constants behind them.

import type { Iface, IfKind } from "./types.ts";

export const IFF_UP = 0x1;
export const IFF_BROADCAST = 0x2;
export const IFF_LOOPBACK = 0x8;
export const IFF_RUNNING = 0x40;
export const IFF_PROMISC = 0x100;
export const IFF_SIMPLEX = 0x800;
export const IFF_MULTICAST = 0x8000;
export const IFF_PPROMISC = 0x20000;
export const IFF_LOWER_UP = 0x1000000;

/** Names of the if_flags bits, from sbin/ifconfig/ifconfig_netlink.c IFFBITS (14.x). */
export const IFF_NAMES = ["UP", "BROADCAST", "DEBUG", "LOOPBACK", "POINTOPOINT", "NEEDSEPOCH", "RUNNING", "NOARP",
  "PROMISC", "ALLMULTI", "DRV_OACTIVE", "SIMPLEX", "LINK0", "LINK1", "LINK2", "MULTICAST", "CANTCONFIG", "PPROMISC",
  "MONITOR", "STATICARP", "STICKYARP", "DYING", "RENAMING", "NOGROUP", "LOWER_UP"];

/** Names of the IFCAP_* bits (sys/net/if.h, ifconfig IFCAPBITS). */
export const IFCAP_NAMES = ["RXCSUM", "TXCSUM", "NETCONS", "VLAN_MTU", "VLAN_HWTAGGING", "JUMBO_MTU", "POLLING",
  "VLAN_HWCSUM", "TSO4", "TSO6", "LRO", "WOL_UCAST", "WOL_MCAST", "WOL_MAGIC", "TOE4", "TOE6", "VLAN_HWFILTER", "",
  "VLAN_HWTSO", "LINKSTATE", "NETMAP", "RXCSUM_IPV6", "TXCSUM_IPV6", "HWSTATS", "TXRTLMT", "HWRXTSTMP", "MEXTPG",
  "TXTLS4", "TXTLS6", "VXLAN_HWCSUM", "VXLAN_HWTSO", "TXTLS_RTLMT"];

export const ND6_PERFORMNUD = 0x1;
export const ND6_ACCEPT_RTADV = 0x2;
export const ND6_IFDISABLED = 0x8;
export const ND6_AUTO_LINKLOCAL = 0x20;

/** Names of the ND6_IFF_* bits (sbin/ifconfig/af_nd6.c ND6BITS). */
export const ND6_NAMES = ["PERFORMNUD", "ACCEPT_RTADV", "PREFER_SOURCE", "IFDISABLED", "DONT_SET_IFROUTE",
  "AUTO_LINKLOCAL", "NO_RADR", "NO_PREFER_IFACE", "NO_DAD", "IPV6_ONLY", "IPV6_ONLY_MANUAL", "", "", "", "",
  "DEFAULTIF"];

/** What a driver fixes for its interfaces. */
export interface KindInfo {
  /** Flags the driver sets at attach (epair_setup_ifp, bridge_clone_create, lo_clone_create, vtnet). */
  baseFlags: number;
  /** if_capabilities; if_capenable starts equal to it. */
  capabilities: number;
  mtu: number;
  /** ifmedia: current and active words as ifconfig prints them, or none (no SIOCGIFMEDIA). */
  media?: { current: string; active: string };
  /** Default nd6 flags from nd6_ifattach(): IFDISABLED but on loopback, no AUTO_LINKLOCAL on bridges. */
  nd6: number;
}

/** Driver constants read from if_epair.c, if_bridge.c, if_loop.c and virtio's if_vtnet.c. */
export const KINDS: Record<IfKind, KindInfo> = {
  // if_epair.c epair_setup_ifp: capabilities IFCAP_VLAN_MTU only; epair_media_status: always active.
  epair: { baseFlags: IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST, capabilities: 0x8, mtu: 1500,
    media: { current: "Ethernet 10Gbase-T", active: "10Gbase-T <full-duplex>" },
    nd6: ND6_PERFORMNUD | ND6_IFDISABLED | ND6_AUTO_LINKLOCAL },
  bridge: { baseFlags: IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST, capabilities: 0, mtu: 1500,
    nd6: ND6_PERFORMNUD | ND6_IFDISABLED },
  loop: { baseFlags: IFF_LOOPBACK | IFF_MULTICAST, capabilities: 0x680003, mtu: 16384,
    nd6: ND6_PERFORMNUD | ND6_AUTO_LINKLOCAL },
  vtnet: { baseFlags: IFF_BROADCAST | IFF_SIMPLEX | IFF_MULTICAST, capabilities: 0x4c07bb, mtu: 1500,
    media: { current: "Ethernet autoselect", active: "10Gbase-T <full-duplex>" },
    nd6: ND6_PERFORMNUD | ND6_IFDISABLED | ND6_AUTO_LINKLOCAL },
};

/** The flag word ifconfig prints: if_flags | if_drv_flags, plus IFF_LOWER_UP when the operstate is up. */
export function ifFlags(ifp: Iface): number {
  const up = (ifp.flags & IFF_UP) !== 0;
  let flags = KINDS[ifp.kind].baseFlags | ifp.flags;
  if (ifp.promisc > 0 || (flags & IFF_PPROMISC) !== 0) flags |= IFF_PROMISC;
  // epair_clone_create sets IFF_DRV_RUNNING for good; bridge_init, the loopback and vtnet set it on up.
  if (ifp.kind === "epair" || up) flags |= IFF_RUNNING;
  // netlink/route/iface.c dump_iface: LOWER_UP when get_operstate() says up, which for Ethernet types is
  // the media status (epair's is always active) and for the others the administrative UP flag.
  if (KINDS[ifp.kind].media || up) flags |= IFF_LOWER_UP;
  return flags >>> 0;
}

/** `HEX<NAME,...>` as print_bits() writes it; nothing in angle brackets when no bit is set. */
export function formatBits(value: number, names: string[]): string {
  const set: string[] = [];
  for (let i = 0; i < 32; i++) {
    if (((value >>> i) & 1) === 0) continue;
    set.push(names[i] ? names[i]! : `bit_${i}`);
  }
  return value.toString(16) + (set.length ? `<${set.join(",")}>` : "");
}
