// The network part of the kernel model: interfaces (ifnet), their addresses, bridge membership and
// the vnet each one lives in. It sits in KernelState.net, so a reboot drops it like the kernel does.

/** Driver of an interface: the loopback, the host's NIC, or a cloned epair/bridge. */
export type IfKind = "loop" | "vtnet" | "epair" | "bridge";

/** An IPv4 address as the kernel keeps it (in_ifaddr). */
export interface Inet4 {
  addr: string;
  plen: number;
  /** Broadcast address; absent on interfaces without IFF_BROADCAST. */
  broadcast?: string;
}

/** An IPv6 address (in6_ifaddr). */
export interface Inet6 {
  /** Canonical text form without the zone. */
  addr: string;
  plen: number;
  /** Link-local scope: printed as `addr%ifname ... scopeid 0xINDEX`. */
  scoped: boolean;
  /** IN6_IFF_* bits (anycast, deprecated, autoconf, prefer_source...). */
  flags: number;
}

/** One network interface (struct ifnet). */
export interface Iface {
  /** if_index: one global table since FreeBSD 14 (sys/net/if.c if_alloc_domain); kept across vnet moves. */
  index: number;
  name: string;
  kind: IfKind;
  /** Cloner name ("epair", "bridge", "lo") and unit for cloned interfaces. */
  cloner?: string;
  unit?: number;
  /** epair: if_index of the other end. */
  peer?: number;
  /** Jail id of the vnet the interface is in now (0: the host) and of the vnet that created it. */
  vnet: number;
  home: number;
  /** Stack-owned if_flags bits set by the user (IFF_UP, IFF_PPROMISC, IFF_DEBUG...). */
  flags: number;
  /** ifpromisc() reference count (bridge membership). */
  promisc: number;
  mtu: number;
  metric: number;
  /** if_capenable. */
  capenable: number;
  mac?: string;
  description?: string;
  /** Interface groups besides "all", in join order. */
  groups: string[];
  inet: Inet4[];
  inet6: Inet6[];
  /** ND6_IFF_* flags (nd6 options=). */
  nd6: number;
  /** Bridges: if_index of each member, newest first (bridge_ioctl_add inserts at the list head). */
  members?: number[];
  /** Bridge members: if_index of the bridge. */
  bridge?: number;
}

/** A vnet jail known to the network stack. */
export interface VnetJail {
  name: string;
}

/** KernelState.net. */
export interface NetState {
  /** Every interface of every vnet, in attach order (V_ifnet is a tail queue per vnet). */
  ifaces: Iface[];
  /** Cloner units in use per vnet (each vnet has its own cloners): vnet jid -> cloner -> units. */
  units: Record<string, Record<string, number[]>>;
  /** Vnet jails by jid. */
  vnets: Record<string, VnetJail>;
  /** if_epair.c next_index, mixed into the generated MAC addresses. */
  epairIndex: number;
}
