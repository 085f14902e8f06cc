import type { DatasetRecord, PoolRecord, SnapshotRecord } from "../../provider/src/freebsd/zfs-output.ts";
import type { JlsJail } from "../../provider/src/freebsd/jls.ts";
import type { IfStatus } from "../../provider/src/freebsd/ifconfig-output.ts";
import type { VnetJail } from "../../provider/src/freebsd/vnet-interfaces.ts";
import { Named } from "../../provider/src/inventory/named.ts";
import { viewOf, type HostView } from "../../provider/src/inventory/view.ts";
import { planCreateOn, planDeleteOn, planUpdateOn, readOn } from "../../provider/src/protocol/lifecycle.ts";
import type { Context, Existing, Found, PlannedResource, Props } from "../../provider/src/resources/contract.ts";
import { hostJailParams, jailFiles, rcVars, runningJails } from "../../provider/src/sections/jails.ts";
import { datasetFiles, datasets, datasetTree, pools, snapshotHolds, snapshotProps, snapshots, type HoldsRead } from "../../provider/src/sections/zfs.ts";
import { hostInterfaces, interfaceMarkers, netifVars, vnetJails } from "../../provider/src/sections/network.ts";

// What the pure tests plan against: a host given as plain data, turned into the view a batch read
// would give (every section read whole), and the generic algorithm's plans over it.

/** A host as plain data; what is not given, the host has none of. */
export interface HostParts {
  host?: string;
  pools?: PoolRecord[];
  datasets?: Map<string, DatasetRecord>;
  snapshots?: Map<string, SnapshotRecord>;
  /** Entries of mounted file systems' mount points, by dataset; a dataset not given is not mounted. */
  datasetFiles?: Map<string, string[]>;
  /** Snapshots' local properties (`zfs get -s local`), by snapshot. */
  snapshotProps?: Map<string, DatasetRecord>;
  /** Hold tags and their times, by snapshot. */
  holds?: Map<string, Map<string, number>>;
  jails?: JlsJail[];
  files?: Map<string, string>;
  rc?: Map<string, string>;
  jailParams?: Set<string>;
  /** The host's interfaces (ifconfig -a), rc.d/netif's rc.conf variables, markers by interface, VNET jails. */
  interfaces?: Map<string, IfStatus>;
  netif?: Map<string, string>;
  markers?: Map<string, string>;
  vnets?: VnetJail[];
}

/** The view of a host given as plain data. */
export function hostView(parts: HostParts = {}): HostView {
  const ds = parts.datasets ?? new Map<string, DatasetRecord>();
  const guids = new Map([...ds].map(([name, r]) => [name, r.properties["guid"]?.value ?? ""]));
  return viewOf(parts.host ?? "h", [
    [pools, parts.pools ?? []],
    [datasets, new Named("dataset", "all", ds)],
    [datasetTree, new Named("dataset", "all", guids)],
    [snapshots, parts.snapshots ?? new Map()],
    [datasetFiles, new Named("dataset", "all", parts.datasetFiles ?? new Map())],
    [snapshotProps, new Named("snapshot", "all", parts.snapshotProps ?? new Map())],
    [snapshotHolds, { tags: (snap: string) => parts.holds?.get(snap) ?? new Map() } satisfies HoldsRead],
    [runningJails, parts.jails ?? []],
    [jailFiles, new Named("file", "all", parts.files ?? new Map())],
    [rcVars, parts.rc ?? new Map()],
    [hostJailParams, parts.jailParams ?? new Set()],
    [hostInterfaces, parts.interfaces ?? new Map()],
    [netifVars, parts.netif ?? new Map()],
    [interfaceMarkers, parts.markers ?? new Map()],
    [vnetJails, parts.vnets ?? []],
  ]);
}

type Def = PlannedResource<any, any, any>;
/** A context whose warnings are dropped. */
export const quiet: Context = { urn: "urn:pulumi:test::proj::freebsd:test:Resource::x", warn: () => undefined };

/** The commands a create of `inputs` runs on this host. */
export function planCreate(def: Def, inputs: Props, parts: HostParts, ctx: Context = quiet) {
  return planCreateOn(def, hostView(parts), inputs, ctx).commands;
}

/** The commands an update runs on this host. */
export function planUpdate(def: Def, current: Existing<any, any>, news: Props, parts: HostParts, ctx: Context = quiet) {
  return planUpdateOn(def, hostView(parts), current, news, ctx);
}

/** The commands a delete runs on this host. */
export function planDelete(def: Def, current: Existing<any, any>, parts: HostParts, ctx: Context = quiet) {
  return planDeleteOn(def, hostView(parts), current, ctx);
}

/** The object as a read of this host finds it (undefined: gone). */
export function read(def: Def, parts: HostParts, id: string, known: { state?: Props; inputs?: Props } = {}, ctx: Context = quiet): Found<any, any> | undefined {
  return readOn(def, hostView(parts), { id, ...known }, ctx);
}
