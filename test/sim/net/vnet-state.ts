// The vnets of vnet jails: each gets its own interface list with a loopback (vnet_loif_init), its
// own cloner units, and is forgotten when the jail goes.

import { cloneCreate } from "./cloners.ts";
import type { NetState } from "./types.ts";

/** Registers a vnet jail's stack, giving it a down lo0, unless it exists already. */
export function ensureVnet(net: NetState, jid: number, name: string): void {
  const known = net.vnets[String(jid)];
  if (known) {
    known.name = name;
    return;
  }
  net.vnets[String(jid)] = { name };
  cloneCreate(net, jid, "lo0", "");
}
