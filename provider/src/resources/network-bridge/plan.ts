import type { Command } from "../../core/command.ts";
import { RefusedError, ValidationError } from "../../core/errors.ts";
import {
  addMember, createBridge, destroyInterface, removeMember, setDescription, setMtu, setUp,
} from "../../freebsd/ifconfig-commands.ts";
import { isBridge, isUp, type IfStatus } from "../../freebsd/ifconfig-output.ts";
import type { HostView } from "../../inventory/view.ts";
import { hostInterfaces } from "../../sections/network.ts";
import type { Context, Existing } from "../contract.ts";
import { addressCommands, parsedAddresses } from "../network-shared/addresses.ts";
import { isManagedEpairEnd, removeMarker, writeMarker } from "../network-shared/owner.ts";
import type { BridgeRecord } from "./read.ts";
import type { BridgeInputs, BridgeOutputs } from "./schema.ts";
import { epairWords, persistCommands, unpersistCommands } from "./vars.ts";

// The command plans of freebsd:network:Bridge: ifconfig for the live bridge, sysrc for rc.conf, and
// the marker, planned from what the host has (a bridge destroyed by hand is made again).

type Current = Existing<BridgeOutputs, BridgeInputs>;

/** Refuses members the host does not have, that cannot join a bridge, or that are in another bridge. */
function checkMembers(view: HostView, inputs: BridgeInputs, adding: readonly string[]): void {
  const host = view.get(hostInterfaces);
  for (const member of adding) {
    const property = `members[${inputs.members.indexOf(member)}]`;
    const iface = host.get(member);
    if (!iface) throw new ValidationError(property, `${view.host} has no interface ${member} (it may be inside a jail's vnet)`);
    // bridge_ioctl_add takes Ethernet-like interfaces only (IFT_ETHER, IFT_L2VLAN, IFT_GIF).
    if (isBridge(iface) || iface.flags.includes("LOOPBACK")) {
      throw new ValidationError(property, `${member} cannot be a bridge member: if_bridge takes Ethernet interfaces (em0, vtnet0, epair ends...)`);
    }
    const other = [...host.values()].find((b) => b.name !== inputs.name && b.members.includes(member));
    if (other) throw new RefusedError(`${view.host}: ${member} is already a member of bridge ${other.name}; take it out there first (an interface is in one bridge at most)`);
  }
}

/** Commands that configure a live bridge with nothing on it yet: members, then MTU, description, addresses, up. */
function configure(inputs: BridgeInputs, view: HostView, live: IfStatus | undefined): Command[] {
  const members = live?.members ?? [];
  const adding = inputs.members.filter((m) => !members.includes(m));
  checkMembers(view, inputs, adding);
  const removing = members.filter((m) => !inputs.members.includes(m) && !isManagedEpairEnd(view, m));
  const commands: Command[] = [
    ...removing.map((m) => removeMember(inputs.name, m)),
    ...adding.map((m) => addMember(inputs.name, m)),
  ];
  // After the members: the first member gives the bridge its MTU (bridge_ioctl_add), this one is set on all.
  if (inputs.mtu !== undefined && (live?.mtu !== inputs.mtu || adding.length > 0)) commands.push(setMtu(inputs.name, inputs.mtu));
  if ((live?.description ?? "") !== (inputs.description ?? "")) commands.push(setDescription(inputs.name, inputs.description));
  const addresses = addressCommands(inputs.name, live?.addresses ?? [], parsedAddresses(inputs.addresses));
  commands.push(...addresses);
  // Last: adding an address brings the interface up (ether_ioctl SIOCSIFADDR, in6_ifinit).
  if (live === undefined || isUp(live) !== inputs.up || (!inputs.up && addresses.length > 0)) commands.push(setUp(inputs.name, inputs.up));
  return commands;
}

/** Refuses to make the bridge while another kind of interface has its name. */
function refuseStranger(view: HostView, record: BridgeRecord | undefined, name: string): void {
  const other = record?.stranger ?? view.get(hostInterfaces).get(name);
  if (other && !isBridge(other)) {
    throw new RefusedError(`${view.host} has an interface ${name} that is not a bridge (groups: ${other.groups.join(" ") || "none"}); rename or destroy it first`);
  }
}

/**
 * When the bridge is made again (it was destroyed by hand), the Epair ends its rc.conf line holds join
 * it again too: their Epairs see no change of their own to apply until the next refresh.
 */
function rejoinEpairs(view: HostView, inputs: BridgeInputs): Command[] {
  const host = view.get(hostInterfaces);
  const free = (m: string) => host.has(m) && ![...host.values()].some((b) => b.members.includes(m));
  return epairWords(view, inputs).filter(free).map((m) => addMember(inputs.name, m));
}

/** Commands that create the bridge: marker first (so a lost answer is recognised), then the bridge, then rc.conf. */
export function planCreate(inputs: BridgeInputs, view: HostView, ctx: Context): Command[] {
  refuseStranger(view, undefined, inputs.name);
  return [
    ...writeMarker(view, inputs.name, ctx.urn),
    createBridge(inputs.name),
    ...configure(inputs, view, undefined),
    ...persistCommands(view, inputs, undefined),
  ];
}

/** Commands that bring the bridge to the new inputs, making it again when it was destroyed by hand. */
export function planUpdate(record: BridgeRecord, _current: Current, news: BridgeInputs, view: HostView, ctx: Context): Command[] {
  refuseStranger(view, record, news.name);
  const live = record.live
    ? configure(news, view, record.live)
    : [createBridge(news.name), ...rejoinEpairs(view, news), ...configure(news, view, undefined)];
  const persist = persistCommands(view, news, record.word);
  if (live.length === 0 && persist.length === 0) return [];
  return [...writeMarker(view, news.name, ctx.urn), ...live, ...persist];
}

/** Commands that destroy the bridge (its members are let go), take it out of rc.conf, and remove its marker last. */
export function planDelete(record: BridgeRecord, _current: Current, view: HostView): Command[] {
  return [
    ...(record.live ? [destroyInterface(record.name)] : []),
    ...unpersistCommands(view, record.name, record.word),
    ...removeMarker(view, record.name),
  ];
}
