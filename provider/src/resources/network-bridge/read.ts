import { isBridge, isUp, type IfStatus } from "../../freebsd/ifconfig-output.ts";
import { persistedBridge } from "../../freebsd/netif-conf.ts";
import { want, type SectionRequest } from "../../inventory/section.ts";
import type { HostView } from "../../inventory/view.ts";
import { hostInterfaces, interfaceMarkers, netifVars, vnetJails } from "../../sections/network.ts";
import type { Claim, Context, Found, Props, Ref } from "../contract.ts";
import { spelledAddresses } from "../network-shared/addresses.ts";
import { claimNames, isManagedEpairEnd, markerOf } from "../network-shared/owner.ts";
import { bridgeInputs, type BridgeInputs, type BridgeOutputs } from "./schema.ts";
import { persistedAsDeclared, rcConfOf } from "./vars.ts";

// How a bridge reads itself from the host: the live interface (ifconfig), the rc.conf variables
// that make it at boot, and its marker. It exists while any of the three does: a bridge destroyed by
// hand but still in rc.conf comes back at the next boot, so it is drift to show, not an object gone.

export const bridgeToken = "freebsd:network:Bridge";

/** A bridge as found on the host. */
export interface BridgeRecord {
  name: string;
  /** The bridge in the host's vnet; undefined when it does not exist now. */
  live?: IfStatus;
  /** Another kind of interface holding the name, if one does. */
  stranger?: IfStatus;
  /** Its word of cloned_interfaces, when rc.conf makes it at boot. */
  word?: string;
  marker?: string;
}

/** The sections a bridge reads: the host's interfaces, rc.conf, the markers, and the VNET jails (for name collisions). */
export function bridgeReads(): SectionRequest[] {
  return [want(hostInterfaces), want(netifVars), want(interfaceMarkers), want(vnetJails)];
}

/** Finds a bridge by name; undefined when neither the host, rc.conf nor a marker has it. */
export function findBridge(view: HostView, ref: Ref): BridgeRecord | undefined {
  const name = ref.id;
  const iface = view.get(hostInterfaces).get(name);
  const word = persistedBridge(view.get(netifVars), name);
  const marker = markerOf(view, name);
  const live = iface && isBridge(iface) ? iface : undefined;
  if (!live && word === undefined && marker === undefined) return undefined;
  return { name, live, stranger: iface && !live ? iface : undefined, word, marker };
}

/** Whose the bridge name of a create is: absent, this resource's (its marker), or another's. */
export function claimBridge(view: HostView, inputs: BridgeInputs, ctx: Context): Claim<BridgeRecord> {
  const claim = claimNames(view, [inputs.name], inputs.name, ctx.urn, bridgeToken, inputs.name);
  if (claim.kind !== "own") return claim;
  return { kind: "own", record: findBridge(view, { id: inputs.name })! };
}

/** The known inputs, when complete enough to compare with. */
function knownInputs(known: Props | undefined): BridgeInputs | undefined {
  const parsed = bridgeInputs.safeParse(known);
  return parsed.success ? parsed.data : undefined;
}

/** Members in the known order first, then the rest in the kernel's. */
function ordered(members: readonly string[], known: readonly string[] | undefined): string[] {
  const rank = (m: string) => (known?.includes(m) ? known.indexOf(m) : Number.MAX_SAFE_INTEGER);
  return members.map((m, i) => [m, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([m]) => m);
}

/** The outputs and inputs of a bridge as the host has it, spelled like the known inputs. */
export function describeBridge(record: BridgeRecord, view: HostView, ref: Ref, ctx: Context): Found<BridgeOutputs, BridgeInputs> {
  const known = knownInputs(ref.inputs ?? ref.state);
  const live = record.live;
  if (record.stranger) ctx.warn(`${view.host}: ${record.name} is not a bridge (groups: ${record.stranger.groups.join(" ") || "none"})`);
  const declared = known?.members;
  const liveMembers = live?.members ?? [];
  const epairMembers = liveMembers.filter((m) => !declared?.includes(m) && isManagedEpairEnd(view, m));
  const inputs: BridgeInputs = {
    name: record.name,
    members: ordered(liveMembers.filter((m) => !epairMembers.includes(m)), declared),
    addresses: spelledAddresses(live?.addresses ?? [], known?.addresses),
    // An empty description is no description to ifconfig: declared as "", it reads back as "" (else a refresh shows drift no up removes).
    ...(live?.description !== undefined ? { description: live.description } : known?.description === "" ? { description: "" } : {}),
    up: live !== undefined && isUp(live),
    ...(known?.mtu !== undefined && live ? { mtu: live.mtu } : {}),
    persist: false,
  };
  // rc.conf is held against what was declared (what was read, on import): live drift is shown apart.
  inputs.persist = persistedAsDeclared(view, known ?? inputs, record.word);
  const state: BridgeOutputs = {
    ...inputs,
    mtu: live?.mtu ?? 0,
    epairMembers,
    ether: live?.ether ?? "",
    rcConf: rcConfOf(view, record.name, record.word),
  };
  return { id: record.name, state, inputs };
}
