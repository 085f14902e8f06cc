import type { Command } from "../../core/command.ts";
import { RefusedError, ValidationError } from "../../core/errors.ts";
import {
  addMember, createEpair, destroyInterface, removeMember, setDescription, setEther, setMtu, setUp,
} from "../../freebsd/ifconfig-commands.ts";
import { isBridge, isEpair, isUp, type IfStatus } from "../../freebsd/ifconfig-output.ts";
import type { HostView } from "../../inventory/view.ts";
import { hostInterfaces } from "../../sections/network.ts";
import type { Context, Existing } from "../contract.ts";
import { addressCommands, parsedAddresses } from "../network-shared/addresses.ts";
import { removeMarker, writeMarker } from "../network-shared/owner.ts";
import { bridgeOf, locationOf, type EpairRecord } from "./read.ts";
import { endsOf, type EpairInputs, type EpairOutputs } from "./schema.ts";
import { macsOf, persistCommands, unpersistCommands } from "./vars.ts";

// The command plans of freebsd:network:Epair, planned from what the host has: the ends' MACs and MTU
// first (a bridge member's MTU cannot change: ifhwioctl refuses it), then description, addresses,
// state, and last the bridge the host end joins.

type Current = Existing<EpairOutputs, EpairInputs>;

/** Refuses a bridge the host does not have (as a bridge). */
function checkBridge(view: HostView, bridge: string | undefined): void {
  if (bridge === undefined) return;
  const iface = view.get(hostInterfaces).get(bridge);
  if (!iface) throw new ValidationError("bridge", `${view.host} has no interface ${bridge}`);
  if (!isBridge(iface)) throw new ValidationError("bridge", `${bridge} on ${view.host} is not a bridge`);
}

/** Refuses to make the epair while other kinds of interfaces hold its ends' names. */
function refuseStrangers(view: HostView, name: string): void {
  for (const end of Object.values(endsOf(name))) {
    const other = view.get(hostInterfaces).get(end);
    if (other && !isEpair(other)) {
      throw new RefusedError(`${view.host} has an interface ${end} that is not an epair end (groups: ${other.groups.join(" ") || "none"}); rename or destroy it first`);
    }
  }
}

/** Refuses a change the jail end cannot take while it is in a jail's vnet (the host cannot reach it there). */
function checkInJail(record: EpairRecord, inputs: EpairInputs): void {
  const inJail = record.inJail;
  if (!inJail) return;
  const wrong = [
    inJail.end.ether !== macsOf(inputs).jail ? "jailEther" : "",
    inputs.mtu !== undefined && inJail.end.mtu !== inputs.mtu ? "mtu" : "",
  ].filter(Boolean);
  if (wrong.length === 0) return;
  throw new RefusedError(
    `${record.jail} is in the vnet of jail ${inJail.jail.name}, where its ${wrong.join(" and ")} cannot be changed from the host; ` +
      `stop the jail (it gives ${record.jail} back) and run again`,
  );
}

/** Commands that bring the ends (a fresh pair when `hostEnd` is undefined) to the inputs. */
function configure(inputs: EpairInputs, view: HostView, hostEnd: IfStatus | undefined, jailEnd: IfStatus | undefined, fresh: boolean): Command[] {
  checkBridge(view, inputs.bridge);
  const { host, jail } = endsOf(inputs.name);
  const macs = macsOf(inputs);
  const joined = fresh ? undefined : bridgeOf(view, host);
  const mtuChanges = inputs.mtu !== undefined && (fresh || hostEnd?.mtu !== inputs.mtu);
  // A member's MTU is the bridge's: the host end leaves its bridge for the change and joins again below.
  const leave = joined !== undefined && (joined !== inputs.bridge || mtuChanges) ? [removeMember(joined, host)] : [];
  const join = inputs.bridge !== undefined && (joined !== inputs.bridge || leave.length > 0) ? [addMember(inputs.bridge, host)] : [];
  const commands: Command[] = [...leave];
  // The jail end first: it is brought up with a new pair, and after that its state is the jail's (or
  // its administrator's). A create cut short before the host end got its MAC (set next, always) is
  // finished by the next update, which brings the jail end up too.
  const hostEtherChanges = fresh || hostEnd?.ether !== macs.host;
  const jailHere = fresh || jailEnd !== undefined;
  if (jailHere && (fresh || jailEnd?.ether !== macs.jail)) commands.push(setEther(jail, macs.jail));
  if (jailHere && inputs.mtu !== undefined && (fresh || jailEnd?.mtu !== inputs.mtu)) commands.push(setMtu(jail, inputs.mtu));
  if (fresh || (jailEnd !== undefined && hostEtherChanges && isUp(jailEnd) !== inputs.up)) commands.push(setUp(jail, inputs.up));
  if (hostEtherChanges) commands.push(setEther(host, macs.host));
  if (mtuChanges) commands.push(setMtu(host, inputs.mtu!));
  if ((hostEnd?.description ?? "") !== (inputs.description ?? "")) commands.push(setDescription(host, inputs.description));
  const addresses = addressCommands(host, hostEnd?.addresses ?? [], parsedAddresses(inputs.hostAddresses));
  commands.push(...addresses);
  if (fresh || isUp(hostEnd!) !== inputs.up || (!inputs.up && addresses.length > 0)) commands.push(setUp(host, inputs.up));
  return [...commands, ...join];
}

/** Commands that create the epair: marker first, the pair, its configuration, then rc.conf. */
export function planCreate(inputs: EpairInputs, view: HostView, ctx: Context): Command[] {
  refuseStrangers(view, inputs.name);
  const { host, jail } = endsOf(inputs.name);
  return [
    ...writeMarker(view, host, ctx.urn),
    createEpair(inputs.name, host, jail),
    ...configure(inputs, view, undefined, undefined, true),
    ...persistCommands(view, inputs, undefined),
  ];
}

/** Commands that bring the epair to the new inputs, making it again when it was destroyed by hand. */
export function planUpdate(record: EpairRecord, _current: Current, news: EpairInputs, view: HostView, ctx: Context): Command[] {
  refuseStrangers(view, news.name);
  let live: Command[];
  if (record.hostEnd) {
    checkInJail(record, news);
    live = configure(news, view, record.hostEnd, record.jailEnd, false);
  } else if (record.jailEnd || record.inJail) {
    throw new RefusedError(`${view.host} has ${record.jail} but not ${record.host}: the epair is not whole; destroy ${record.jail} and run again`);
  } else {
    live = [createEpair(news.name, record.host, record.jail), ...configure(news, view, undefined, undefined, true)];
  }
  const persist = persistCommands(view, news, record.word);
  if (live.length === 0 && persist.length === 0) return [];
  return [...writeMarker(view, record.host, ctx.urn), ...live, ...persist];
}

/** Commands that destroy the epair (both ends), take it out of rc.conf and the bridge's line, and remove its marker last. */
export function planDelete(record: EpairRecord, _current: Current, view: HostView): Command[] {
  if (record.inJail) {
    throw new RefusedError(
      `refusing to delete epair ${record.name} on ${view.host}: its jail end ${record.jail} is in the vnet of running jail ` +
        `${record.inJail.jail.name}; stop that jail (or take ${record.jail} out of its vnetInterfaces) first. Nothing was changed`,
    );
  }
  if (locationOf(record) === "unknown") {
    throw new RefusedError(
      `refusing to delete epair ${record.name} on ${view.host}: its jail end ${record.jail} is not on the host, so it is in the vnet ` +
        `of a running jail, and ${record.uninspected.map((j) => j.name).join(", ")} could not be looked into; stop that jail first`,
    );
  }
  const end = record.hostEnd ? record.host : record.jailEnd ? record.jail : undefined;
  return [
    ...(end ? [destroyInterface(end)] : []),
    ...unpersistCommands(view, record.name, record.word),
    ...removeMarker(view, record.host),
  ];
}
