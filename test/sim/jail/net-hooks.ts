// Where jails meet the network model (test/sim/net). jail(8) itself runs /sbin/ifconfig for
// `vnet.interface` and `IF|addr` aliases, as FreeBSD does (usr.sbin/jail/command.c); the kernel
// side, which has no command on FreeBSD (a vnet appearing with its jail, loaned interfaces going
// home and the jail's own ones destroyed when it is removed), is done through net/vnet.ts here.

import type { KernelState } from "../core/types.ts";
import { createVnet, moveToVnet, renameVnet, returnFromVnet } from "../net/vnet.ts";
import type { JailRecord } from "./model.ts";
import { SYS_NEW } from "./values.ts";

/** A vnet jail was created: it gets its own stack (a down lo0). */
export function onVnetJailCreated(kernel: KernelState, jail: JailRecord): void {
  createVnet(kernel, jail.jid, String(jail.params["name"]));
}

/** A vnet jail was renamed with `jail -m name=...`. */
export function onJailRenamed(kernel: KernelState, jail: JailRecord): void {
  if (jail.params["vnet"] === SYS_NEW) renameVnet(kernel, jail.jid, String(jail.params["name"]));
}

/** `ifconfig IF vnet JID` done in-process (when the host has no /sbin/ifconfig); an error text or undefined. */
export function moveInterfaceIntoJail(kernel: KernelState, ifname: string, jail: JailRecord): string | undefined {
  const res = moveToVnet(kernel, ifname, jail.jid);
  if (res.code !== 0) return res.stderr;
  if (!jail.vnetInterfaces.includes(ifname)) jail.vnetInterfaces.push(ifname);
  return undefined;
}

/** The jail is going: a vnet jail's loaned interfaces return to the host, its own are destroyed. */
export function releaseVnetInterfaces(kernel: KernelState, jail: JailRecord): void {
  if (jail.params["vnet"] === SYS_NEW) returnFromVnet(kernel, jail.jid);
  jail.vnetInterfaces = [];
}
