// The hooks the jail code calls for vnet jails (sys/kern/kern_jail.c with VIMAGE, sys/net/if.c):
// a new vnet gets its own lo0; jail(8)'s vnet.interface moves interfaces in with `ifconfig IF vnet
// JID`; removing the jail returns loaned interfaces home (vnet_if_return) and destroys the
// interfaces created inside (their cloners go with the vnet).

import type { KernelState } from "../core/types.ts";
import { cloneDestroy } from "./cloners.ts";
import { bootInterfaces, jailLookup } from "./host-net.ts";
import { runIfconfig } from "./ifconfig.ts";
import { netifStart, NETIF_RC_CONF } from "./netif.ts";
import { readAllRcVars } from "../core/rc-conf.ts";
import type { NetEnv } from "./session.ts";
import { byIndex, ifacesIn, peekNet, unlinkIface } from "./state.ts";
import type { NetState } from "./types.ts";
import { ensureVnet } from "./vnet-state.ts";
import { vmove } from "./vmove.ts";

function netOf(kernel: KernelState): NetState {
  const net = peekNet(kernel);
  if (net) return net;
  // A kernel state from before the network model: give it the boot-time interfaces (no rc.conf).
  const fresh = bootInterfaces("freebsd");
  kernel.net = fresh;
  return fresh;
}

function hostEnv(kernel: KernelState, net: NetState): NetEnv {
  return { net, vnet: 0, privileged: true, seed: "freebsd", jails: jailLookup(kernel, net), resolve: () => undefined };
}

/** Call when a jail with `vnet` is created: registers its vnet and gives it a down lo0. */
export function createVnet(kernel: KernelState, jid: number, name: string): void {
  ensureVnet(netOf(kernel), jid, name);
}

/** Call when a vnet jail is renamed (`jail -m name=...`). */
export function renameVnet(kernel: KernelState, jid: number, name: string): void {
  const jail = netOf(kernel).vnets[String(jid)];
  if (jail) jail.name = name;
}

/** `ifconfig IF vnet JID` from the host (jail(8) runs it for each vnet.interface); status and stderr. */
export function moveToVnet(kernel: KernelState, ifname: string, jid: number): { code: number; stderr: string } {
  const net = netOf(kernel);
  const io = { out: [] as string[], err: [] as string[] };
  const { code } = runIfconfig(hostEnv(kernel, net), io, [ifname, "vnet", String(jid)]);
  return { code, stderr: io.err.join("") };
}

/** `ifconfig IF -vnet JID` from the host (jail -r runs it for each vnet.interface); status and stderr. */
export function reclaimFromVnet(kernel: KernelState, ifname: string, jid: number): { code: number; stderr: string } {
  const net = netOf(kernel);
  const io = { out: [] as string[], err: [] as string[] };
  const { code } = runIfconfig(hostEnv(kernel, net), io, [ifname, "-vnet", String(jid)]);
  return { code, stderr: io.err.join("") };
}

/** rc.d/netif inside a vnet jail whose root is `rootDir` (host path): lo0 and its rc.conf's interfaces. */
export function startVnetNetwork(kernel: KernelState, jid: number, rootDir: string, log: (line: string) => void = () => {}): void {
  const net = netOf(kernel);
  netifStart({ ...hostEnv(kernel, net), vnet: jid, jails: () => undefined }, readAllRcVars({ root: rootDir, service: NETIF_RC_CONF }), log);
}

/** Call when a vnet jail is removed: interfaces from elsewhere go home, the jail's own are destroyed. */
export function returnFromVnet(kernel: KernelState, jid: number): void {
  const net = netOf(kernel);
  // vnet_if_return() runs first (SI_SUB_VNET_DONE): loaned interfaces keep their (possibly new) name.
  for (const ifp of ifacesIn(net, jid)) {
    if (ifp.home !== jid) vmove(net, ifp, ifp.home);
  }
  // Then the vnet's cloners detach, destroying what was created in it (an epair with both ends).
  for (const ifp of net.ifaces.filter((i) => i.home === jid)) {
    if (!byIndex(net, ifp.index)) continue;
    // cloneDestroy refuses a vnet's own lo0, which goes with the vnet all the same.
    if (cloneDestroy(net, ifp) !== 0) unlinkIface(net, ifp);
  }
  delete net.units[String(jid)];
  delete net.vnets[String(jid)];
}
