// Access to KernelState.net: the interface list of one vnet, lookups by name and index, the global
// if_index allocator and attaching a new ifnet at the tail of its vnet's list.

import type { KernelState } from "../core/types.ts";
import { KINDS } from "./flags.ts";
import type { Iface, IfKind, NetState } from "./types.ts";

/** The network state of a kernel, if the network was started. */
export function peekNet(kernel: KernelState): NetState | undefined {
  return kernel.net;
}

/** An empty network state (no interfaces, nothing allocated). */
export function emptyNet(): NetState {
  return { ifaces: [], units: {}, vnets: {}, epairIndex: 0 };
}

/** Interfaces of one vnet in the order the kernel lists them. */
export function ifacesIn(net: NetState, vnet: number): Iface[] {
  return net.ifaces.filter((i) => i.vnet === vnet);
}

/** ifunit(): the interface of a vnet with a name. */
export function findIface(net: NetState, vnet: number, name: string): Iface | undefined {
  return net.ifaces.find((i) => i.vnet === vnet && i.name === name);
}

/** The interface with an if_index. */
export function byIndex(net: NetState, index: number | undefined): Iface | undefined {
  return index === undefined ? undefined : net.ifaces.find((i) => i.index === index);
}

/** The lowest free if_index (if_alloc_domain scans the table from 1). */
export function allocIndex(net: NetState): number {
  const used = new Set(net.ifaces.map((i) => i.index));
  let idx = 1;
  while (used.has(idx)) idx++;
  return idx;
}

/** A new, down interface of a driver, not yet attached. */
export function newIface(net: NetState, kind: IfKind, name: string, vnet: number): Iface {
  const info = KINDS[kind];
  return {
    index: allocIndex(net), name, kind, vnet, home: vnet, flags: 0, promisc: 0, mtu: info.mtu, metric: 0,
    capenable: info.capabilities, groups: [], inet: [], inet6: [], nd6: info.nd6,
  };
}

/** if_attach: appends the interface to its vnet's list. */
export function attachIface(net: NetState, ifp: Iface): void {
  net.ifaces.push(ifp);
}

/** Removes an interface from the lists (if_detach or the first half of if_vmove). */
export function unlinkIface(net: NetState, ifp: Iface): void {
  const at = net.ifaces.indexOf(ifp);
  if (at >= 0) net.ifaces.splice(at, 1);
}

/** Cloner units in use in a vnet. */
export function unitsOf(net: NetState, vnet: number, cloner: string): number[] {
  const perVnet = (net.units[String(vnet)] ??= {});
  return (perVnet[cloner] ??= []);
}
