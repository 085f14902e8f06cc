// The host's network at boot and the glue between the tool runner and ifconfig: the machine's
// own interfaces (vtnet0, then the loopback), rc.d/netif from rc.conf, and the caller's vnet.

import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { callerJid } from "../core/caller.ts";
import type { StatePaths } from "../core/paths.ts";
import type { DiskState, KernelState } from "../core/types.ts";
import type { JailRecord } from "../jail/model.ts";
import { cloneCreate } from "./cloners.ts";
import { runIfconfig } from "./ifconfig.ts";
import { hostSeed, vtnetMac } from "./mac.ts";
import { netifStart, NETIF_RC_CONF } from "./netif.ts";
import { readAllRcVars } from "../core/rc-conf.ts";
import type { Io, JailLookup, NetEnv } from "./session.ts";
import { attachIface, emptyNet, newIface, peekNet } from "./state.ts";
import { ensureVnet } from "./vnet-state.ts";
import type { NetState } from "./types.ts";

/** The parts of a tool context the network code needs (ZfsCtx has them all). */
export interface NetToolCtx {
  paths: StatePaths;
  disk: DiskState;
  kernel: KernelState;
  io: Io;
  dirtyKernel: boolean;
}

/** The interfaces a freshly booted kernel has: the virtio NIC (probed first), then lo0 (SI_SUB_PSEUDO). */
export function bootInterfaces(seed: string): NetState {
  const net = emptyNet();
  const nic = newIface(net, "vtnet", "vtnet0", 0);
  nic.mac = vtnetMac(seed, 0);
  attachIface(net, nic);
  cloneCreate(net, 0, "lo0", seed);
  return net;
}

/** The running jails of the jail model (KernelState.jails, kept by jail/model.ts). */
function kernelJails(kernel: KernelState): JailRecord[] {
  return kernel.jails?.list ?? [];
}

/** jail_getid() as the host sees it: running jails (the jail model), else the vnets the network was told of. */
export function jailLookup(kernel: KernelState, net: NetState): JailLookup {
  return (nameOrJid) => {
    const numeric = /^\d+$/.test(nameOrJid);
    for (const j of kernelJails(kernel)) {
      const name = String(j.params["name"] ?? j.jid);
      // Jail parameter vnet: 1 is "new" (its own stack), 2 "inherit" (jailsys values).
      if (numeric ? j.jid === Number(nameOrJid) : name === nameOrJid) {
        return { jid: j.jid, name, vnet: j.params["vnet"] === 1 || net.vnets[String(j.jid)] !== undefined };
      }
    }
    for (const [jid, jail] of Object.entries(net.vnets)) {
      if (numeric ? jid === nameOrJid : jail.name === nameOrJid) return { jid: Number(jid), name: jail.name, vnet: true };
    }
    return undefined;
  };
}

function hostsResolver(root: string): (name: string) => string | undefined {
  return (name) => {
    let text = "";
    try {
      text = readFileSync(join(root, "etc/hosts"), "utf8");
    } catch {
      return undefined;
    }
    for (const line of text.split("\n")) {
      const [addr, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
      if (addr && /^\d+\.\d+\.\d+\.\d+$/.test(addr) && names.includes(name)) return addr;
    }
    return undefined;
  };
}

/** The environment ifconfig runs in for a caller in jail `jid` (0: the host). */
export function netEnv(kernel: KernelState, net: NetState, paths: StatePaths, disk: DiskState | undefined,
  jid: number): NetEnv {
  const lookup = jailLookup(kernel, net);
  const ownVnet = jid !== 0 && lookup(String(jid))?.vnet === true;
  if (ownVnet) ensureVnet(net, jid, lookup(String(jid))!.name);
  return {
    net, vnet: ownVnet ? jid : 0, privileged: jid === 0 || ownVnet, seed: hostSeed(disk),
    // Nested jails are not modelled: inside a jail no other jail is visible to jail_getid().
    jails: jid === 0 ? lookup : () => undefined, resolve: hostsResolver(paths.root),
  };
}

/** Boots the host's network into the kernel state: its interfaces, then rc.d/netif. */
export function startNetwork(ctx: NetToolCtx): NetState {
  const net = bootInterfaces(hostSeed(ctx.disk));
  ctx.kernel.net = net;
  // What netif prints at boot goes to STATE/log/netif.log (kept apart from console.log, which rc.d/rctl owns).
  mkdirSync(ctx.paths.log, { recursive: true });
  const log = (line: string): void => appendFileSync(join(ctx.paths.log, "netif.log"), `${line}\n`);
  netifStart(netEnv(ctx.kernel, net, ctx.paths, ctx.disk, 0), readAllRcVars({ root: ctx.paths.root, service: NETIF_RC_CONF }), log);
  ctx.dirtyKernel = true;
  return net;
}

/** The kernel's network state, started now if this kernel booted before the simulator had one. */
export function ensureNet(ctx: NetToolCtx): NetState {
  return peekNet(ctx.kernel) ?? startNetwork(ctx);
}

/** Runs ifconfig(8) for the tool runner; returns the exit status. */
export function ifconfigTool(ctx: NetToolCtx, argv: string[], jid = callerJid()): number {
  const net = ensureNet(ctx);
  const res = runIfconfig(netEnv(ctx.kernel, net, ctx.paths, ctx.disk, jid), ctx.io, argv);
  if (res.changed) ctx.dirtyKernel = true;
  return res.code;
}
