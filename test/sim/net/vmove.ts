// if_vmove(): moving an interface between vnets, as `ifconfig IF vnet J`, `-vnet J` and the
// return of loaned interfaces when a vnet jail goes away (sys/net/if.c).

import { detachBridgeMembers, detachFromBridge } from "./bridge.ts";
import { IFF_UP, KINDS } from "./flags.ts";
import { attachIface, unlinkIface } from "./state.ts";
import type { Iface, NetState } from "./types.ts";

/** Moves an interface to another vnet the way if_vmove() does. */
export function vmove(net: NetState, ifp: Iface, to: number): void {
  // if_detach_internal(ifp, vmove=true): groups dropped, if_down(), every address purged, IPv6 state
  // (nd6 flags) rebuilt, and the ifnet departure event takes it out of its bridge.
  detachFromBridge(net, ifp);
  detachBridgeMembers(net, ifp);
  ifp.flags &= ~IFF_UP;
  ifp.inet = [];
  ifp.inet6 = [];
  ifp.nd6 = KINDS[ifp.kind].nd6;
  // if_attach_internal(ifp, vmove=true) rejoins "all" and restores the cloner's group only.
  ifp.groups = ifp.cloner ? [ifp.cloner] : [];
  unlinkIface(net, ifp);
  ifp.vnet = to;
  attachIface(net, ifp);
}
