import { isEpair, isUp, type IfStatus } from "../../freebsd/ifconfig-output.ts";
import { derivedEpairMac, normalMac } from "../../freebsd/interface-names.ts";
import { persistedEpair } from "../../freebsd/netif-conf.ts";
import { jailHolding, type VnetJail } from "../../freebsd/vnet-interfaces.ts";
import { want, type SectionRequest } from "../../inventory/section.ts";
import type { HostView } from "../../inventory/view.ts";
import { hostInterfaces, interfaceMarkers, netifVars, vnetJails } from "../../sections/network.ts";
import type { Claim, Context, Found, Props, Ref } from "../contract.ts";
import { spelledAddresses } from "../network-shared/addresses.ts";
import { claimNames, markerOf } from "../network-shared/owner.ts";
import { endsOf, epairInputs, type EpairInputs, type EpairOutputs } from "./schema.ts";
import { persistedAsDeclared, rcConfOf } from "./vars.ts";

// How an epair reads itself: its host end on the host, its jail end on the host or in the vnet of a
// running VNET jail (both expected: rc.d/jail moves it in when the jail starts and back when it
// stops), the rc.conf variables that make it at boot, and its marker (kept under the host end's name).

export const epairToken = "freebsd:network:Epair";

/** An epair as found on the host. */
export interface EpairRecord {
  name: string;
  host: string;
  jail: string;
  /** The host end in the host's vnet. */
  hostEnd?: IfStatus;
  /** The jail end, when it is in the host's vnet. */
  jailEnd?: IfStatus;
  /** The running VNET jail whose vnet holds the jail end, with the end as its ifconfig lists it. */
  inJail?: { jail: VnetJail; end: IfStatus };
  /** Running VNET jails that could not be looked into (no ifconfig in them). */
  uninspected: VnetJail[];
  /** Its word of cloned_interfaces, when rc.conf makes it at boot. */
  word?: string;
  marker?: string;
}

/** Where the jail end is. */
export function locationOf(record: EpairRecord): EpairOutputs["jailInterfaceLocation"] {
  if (record.jailEnd) return "host";
  if (record.inJail) return "jail";
  return record.hostEnd && record.uninspected.length > 0 ? "unknown" : "absent";
}

/** The sections an epair reads: the host's interfaces, the VNET jails', rc.conf and the markers. */
export function epairReads(): SectionRequest[] {
  return [want(hostInterfaces), want(vnetJails), want(netifVars), want(interfaceMarkers)];
}

/** Finds an epair by name; undefined when no end of it, nor rc.conf, nor its marker is on the host. */
export function findEpair(view: HostView, ref: Ref): EpairRecord | undefined {
  const name = ref.id;
  const { host, jail } = endsOf(name);
  const ifaces = view.get(hostInterfaces);
  const epairEnd = (n: string) => {
    const i = ifaces.get(n);
    return i && isEpair(i) ? i : undefined;
  };
  const jails = view.get(vnetJails);
  const holder = jailHolding(jails, jail);
  const end = holder?.interfaces?.get(jail);
  const record: EpairRecord = {
    name, host, jail,
    hostEnd: epairEnd(host),
    jailEnd: epairEnd(jail),
    inJail: holder && end && isEpair(end) ? { jail: holder, end } : undefined,
    uninspected: jails.filter((j) => j.interfaces === undefined),
    word: persistedEpair(view.get(netifVars), host),
    marker: markerOf(view, host),
  };
  const exists = record.hostEnd || record.jailEnd || record.inJail || record.word !== undefined || record.marker !== undefined;
  return exists ? record : undefined;
}

/** Whose the names of a create are: absent, this resource's (the marker of its host end), or another's. */
export function claimEpair(view: HostView, inputs: EpairInputs, ctx: Context): Claim<EpairRecord> {
  const { host, jail } = endsOf(inputs.name);
  const claim = claimNames(view, [host, jail], host, ctx.urn, epairToken, inputs.name);
  if (claim.kind !== "own") return claim;
  return { kind: "own", record: findEpair(view, { id: inputs.name })! };
}

/** The known inputs, when complete enough to compare with. */
function knownInputs(known: Props | undefined): EpairInputs | undefined {
  const parsed = epairInputs.safeParse(known);
  return parsed.success ? parsed.data : undefined;
}

/** A MAC input as read: the known spelling when the kernel agrees, nothing when it is the derived one and none was given. */
function etherInput(live: string | undefined, known: string | undefined, derived: string): string | undefined {
  if (live === undefined) return known;
  if (known !== undefined) return normalMac(known) === live ? known : live;
  return live === derived ? undefined : live;
}

/** The bridge whose members include `ifname`, if any. */
export function bridgeOf(view: HostView, ifname: string): string | undefined {
  return [...view.get(hostInterfaces).values()].find((b) => b.members.includes(ifname))?.name;
}

/** The outputs and inputs of an epair as the host has it, spelled like the known inputs. */
export function describeEpair(record: EpairRecord, view: HostView, ref: Ref): Found<EpairOutputs, EpairInputs> {
  const known = knownInputs(ref.inputs ?? ref.state);
  const { hostEnd } = record;
  const jailSide = record.jailEnd ?? record.inJail?.end;
  const bridge = bridgeOf(view, record.host);
  const hostEther = etherInput(hostEnd?.ether, known?.hostEther, derivedEpairMac(record.name, "a"));
  const jailEther = etherInput(jailSide?.ether, known?.jailEther, derivedEpairMac(record.name, "b"));
  const inputs: EpairInputs = {
    name: record.name,
    ...(bridge !== undefined ? { bridge } : {}),
    hostAddresses: spelledAddresses(hostEnd?.addresses ?? [], known?.hostAddresses),
    // An empty description is no description to ifconfig: declared as "", it reads back as "" (else a refresh shows drift no up removes).
    ...(hostEnd?.description !== undefined ? { description: hostEnd.description } : known?.description === "" ? { description: "" } : {}),
    up: hostEnd !== undefined && isUp(hostEnd),
    ...(known?.mtu !== undefined && hostEnd ? { mtu: hostEnd.mtu } : {}),
    ...(hostEther !== undefined ? { hostEther } : {}),
    ...(jailEther !== undefined ? { jailEther } : {}),
    persist: false,
  };
  inputs.persist = persistedAsDeclared(view, known ?? inputs, record.word);
  const state: EpairOutputs = {
    ...inputs,
    hostInterface: record.host,
    jailInterface: record.jail,
    hostEtherAddress: hostEnd?.ether ?? "",
    jailEtherAddress: jailSide?.ether ?? "",
    jailInterfaceLocation: locationOf(record),
    ...(record.inJail ? { jailInterfaceJail: record.inJail.jail.name } : {}),
    rcConf: rcConfOf(view, record.name, record.word),
  };
  return { id: record.name, state, inputs };
}
