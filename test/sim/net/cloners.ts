// Interface cloners (sys/net/if_clone.c and the drivers' create/destroy): which names each accepts,
// per-vnet unit allocation, what a new epair/bridge/lo looks like, and destroying them again.

import { EEXIST, EINVAL, ENOSPC } from "./errno.ts";
import { bridgeMac, epairMac } from "./mac.ts";
import { detachBridgeMembers, detachFromBridge } from "./bridge.ts";
import { attachIface, byIndex, findIface, newIface, unitsOf, unlinkIface } from "./state.ts";
import type { Iface, IfKind, NetState } from "./types.ts";

interface Cloner {
  name: string;
  kind: IfKind;
}

/** The cloners of a GENERIC 14.3 kernel the simulator implements, in `ifconfig -C` order. */
export const CLONERS: Cloner[] = [
  { name: "bridge", kind: "bridge" },
  { name: "epair", kind: "epair" },
  { name: "lo", kind: "loop" },
];

export interface CreateResult {
  errno: number;
  /** The name the kernel gave the (first) new interface. */
  name?: string;
}

function clonerFor(name: string): Cloner | undefined {
  // ifc_simple_match / epair_clone_match: the cloner name, then nothing but digits.
  return CLONERS.find((c) => name.startsWith(c.name) && /^\d*$/.test(name.slice(c.name.length)));
}

/** if_clone_create(): creates interfaces for a requested name like `epair`, `bridge7` or `lo1`. */
export function cloneCreate(net: NetState, vnet: number, requested: string, seed: string): CreateResult {
  const cloner = clonerFor(requested);
  if (!cloner) return { errno: EINVAL };
  if (findIface(net, vnet, requested)) return { errno: EEXIST };
  const digits = requested.slice(cloner.name.length);
  // ifc_name2unit refuses units with leading zeros.
  if (digits.length > 1 && digits.startsWith("0")) return { errno: EINVAL };
  const units = unitsOf(net, vnet, cloner.name);
  let unit: number;
  if (digits === "") {
    // ifc_alloc_unit_next: the lowest free unit whose plain name is not taken.
    unit = 0;
    while (units.includes(unit) || findIface(net, vnet, `${cloner.name}${unit}`)) unit++;
  } else {
    unit = Number(digits);
    if (unit > 0x7fff) return { errno: ENOSPC };
    if (units.includes(unit)) return { errno: EEXIST };
  }
  const base = `${cloner.name}${unit}`;
  if (cloner.kind === "epair") {
    // epair_handle_unit: both ends' names must be free, and fit IFNAMSIZ with the a/b suffix.
    if (base.length + 1 > 15) return { errno: ENOSPC };
    if (findIface(net, vnet, `${base}b`) || findIface(net, vnet, `${base}a`)) return { errno: EEXIST };
    units.push(unit);
    return { errno: 0, name: createEpair(net, vnet, base, unit, seed) };
  }
  units.push(unit);
  const ifp = newIface(net, cloner.kind, base, vnet);
  ifp.cloner = cloner.name;
  ifp.unit = unit;
  ifp.groups = [cloner.name];
  if (cloner.kind === "bridge") ifp.mac = bridgeMac(seed, base);
  attachIface(net, ifp);
  return { errno: 0, name: base };
}

function createEpair(net: NetState, vnet: number, base: string, unit: number, seed: string): string {
  const a = newIface(net, "epair", `${base}a`, vnet);
  attachIface(net, a);
  const b = newIface(net, "epair", `${base}b`, vnet);
  // epair_generate_mac: next_index follows the a side's if_index, or counts up when that is lower.
  net.epairIndex = a.index > net.epairIndex ? a.index : net.epairIndex + 1;
  for (const [ifp, side] of [[a, "a"], [b, "b"]] as const) {
    ifp.cloner = "epair";
    ifp.unit = unit;
    ifp.groups = ["epair"];
    ifp.mac = epairMac(seed, net.epairIndex, side);
  }
  a.peer = b.index;
  b.peer = a.index;
  attachIface(net, b);
  return a.name;
}

/** Detaches an interface for good: leaves its bridge (or frees its members) and gives its unit back. */
function detachForGood(net: NetState, ifp: Iface): void {
  detachFromBridge(net, ifp);
  detachBridgeMembers(net, ifp);
  unlinkIface(net, ifp);
}

/** if_clone_destroy(): destroys a cloned interface; an epair goes with both ends, wherever they are. */
export function cloneDestroy(net: NetState, ifp: Iface): number {
  // Only cloned interfaces can go; lo0 is the vnet's own loopback (if_loop.c refuses it).
  if (!ifp.cloner || (ifp.cloner === "lo" && ifp.unit === 0)) return EINVAL;
  detachForGood(net, ifp);
  const peer = byIndex(net, ifp.peer);
  if (peer) detachForGood(net, peer);
  const units = unitsOf(net, ifp.home, ifp.cloner);
  const at = units.indexOf(ifp.unit!);
  if (at >= 0) units.splice(at, 1);
  return 0;
}
