// if_bridge membership (sys/net/if_bridge.c bridge_ioctl_add/_del and the ifnet departure handler).

import { EBUSY, EEXIST, EINVAL, ENOENT } from "./errno.ts";
import { byIndex, findIface } from "./state.ts";
import type { Iface, NetState } from "./types.ts";

/** BRDGADD: makes the interface named `member` (in the bridge's vnet) a member; returns an errno. */
export function bridgeAdd(net: NetState, br: Iface, member: string): number {
  const ifs = findIface(net, br.vnet, member);
  if (!ifs) return ENOENT;
  if (ifs.bridge === br.index) return EEXIST;
  if (ifs.bridge !== undefined) return EBUSY;
  // Only Ethernet-like interfaces can be members (IFT_ETHER, IFT_L2VLAN, IFT_GIF).
  if (ifs.kind !== "epair" && ifs.kind !== "vtnet") return EINVAL;
  const members = (br.members ??= []);
  // "Allow the first Ethernet member to define the MTU"; later ones must match it.
  if (members.length === 0) br.mtu = ifs.mtu;
  else if (br.mtu !== ifs.mtu) return EINVAL;
  members.unshift(ifs.index);
  ifs.bridge = br.index;
  ifs.promisc++;
  return 0;
}

/** BRDGDEL: removes a member by name; ENOENT when the bridge has no such member. */
export function bridgeDelete(net: NetState, br: Iface, member: string): number {
  const ifs = (br.members ?? []).map((i) => byIndex(net, i)).find((m) => m?.name === member);
  if (!ifs) return ENOENT;
  detachFromBridge(net, ifs);
  return 0;
}

/** Takes an interface out of its bridge (bridge_delete_member), dropping its promiscuous reference. */
export function detachFromBridge(net: NetState, ifs: Iface): void {
  const br = byIndex(net, ifs.bridge);
  if (br?.members) br.members = br.members.filter((i) => i !== ifs.index);
  if (ifs.bridge !== undefined) ifs.promisc = Math.max(0, ifs.promisc - 1);
  delete ifs.bridge;
}

/** Releases every member of a bridge that is going away. */
export function detachBridgeMembers(net: NetState, br: Iface): void {
  for (const index of br.members ?? []) {
    const ifs = byIndex(net, index);
    if (ifs) detachFromBridge(net, ifs);
  }
  if (br.members) br.members = [];
}
