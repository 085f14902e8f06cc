import { RefusedError } from "../../core/errors.ts";
import type { PropertyValue, SnapshotRecord } from "../../freebsd/zfs-output.ts";
import { want, type SectionRequest } from "../../inventory/section.ts";
import { ReadMore, type HostView } from "../../inventory/view.ts";
import { datasetTree, pools, snapshotHolds, snapshotProps, snapshots } from "../../sections/zfs.ts";
import type { Claim, Context, Props, Purpose, Ref } from "../contract.ts";
import { markerProperty, requirePool } from "../zfs-dataset/owner.ts";
import type { SnapshotInputs } from "./schema.ts";

// Which snapshot is whose: the GUID a resource's state remembers (it survives renames of the snapshot
// and of its dataset, and a promote that moves it to a clone), and the `pulumi:urn` user property a
// create sets, so that a later create can tell its own snapshot from a stranger's of the same name.

/** A managed snapshot as the host has it: the snapshot, its local properties, its holds, and its namesakes below. */
export interface SnapshotFound {
  snap: SnapshotRecord;
  /** Locally set properties (user properties and the marker). */
  props: Record<string, PropertyValue>;
  /** Tags held on a snapshot of this set (the snapshot or a namesake below). */
  holdsOf(name: string): ReadonlyMap<string, number>;
  /** The snapshots of the same name on the datasets below (what `zfs snapshot -r` took with it). */
  below: SnapshotRecord[];
}

/** The dataset of a full snapshot name. */
export function datasetOf(full: string): string {
  const at = full.indexOf("@");
  return at < 0 ? full : full.slice(0, at);
}

/** The short name of a full snapshot name. */
export function shortOf(full: string): string {
  return full.slice(full.indexOf("@") + 1);
}

/** Where an earlier state last found the snapshot, else its id. */
function locationOf(ref: Ref): string {
  const full = ref.state?.["fullName"];
  return typeof full === "string" && full.includes("@") ? full : ref.id;
}

/**
 * The sections a snapshot needs: pools; the listing of the snapshots below its dataset (where it is now,
 * and where a change would take it) and the datasets there; the local properties and holds of the snapshot.
 */
export function snapshotReads(ref: Ref, _purpose: Purpose, news?: SnapshotInputs): SectionRequest[] {
  const full = new Set([ref.id, locationOf(ref)]);
  if (news) full.add(`${datasetOf(locationOf(ref))}@${news.name}`).add(`${news.dataset}@${news.name}`);
  const named = [...full].filter((n) => n.includes("@"));
  const owners = new Set(named.map(datasetOf));
  return [want(pools), want(datasetTree, owners), want(snapshots, owners), want(snapshotProps, named), want(snapshotHolds, named)];
}

/** The found record of a listed snapshot; asks for more of the host when its properties were not read. */
function recordOf(view: HostView, snap: SnapshotRecord): SnapshotFound {
  if (!view.covers(snapshotProps, snap.name)) {
    throw new ReadMore([want(snapshotProps, [snap.name]), want(snapshotHolds, [snap.name]), want(datasetTree, [snap.dataset])]);
  }
  const short = `@${shortOf(snap.name)}`;
  const below = [...view.get(snapshots).values()].filter((s) => s.name.endsWith(short) && s.dataset.startsWith(`${snap.dataset}/`));
  const holds = view.get(snapshotHolds);
  return { snap, props: view.get(snapshotProps).get(snap.name)?.properties ?? {}, holdsOf: (name) => holds.tags(name), below };
}

/** The GUID an earlier state remembers, if any. */
function guidOf(state: Props | undefined): string | undefined {
  const guid = state?.["guid"];
  return typeof guid === "string" && guid !== "" ? guid : undefined;
}

/**
 * Finds the managed snapshot: by the GUID of earlier state, wherever it now is (every snapshot of the
 * host is listed only when it is not where it was: renamed with its dataset, moved by a promote, or
 * gone); by name on import. A GUID that is gone means the snapshot is gone, whatever has its name now.
 */
export function findSnapshot(view: HostView, ref: Ref, ctx: Context): SnapshotFound | undefined {
  if (!ref.id.includes("@")) throw new RefusedError(`${ref.id} is not a snapshot name: a snapshot is named dataset@snapshot, e.g. zroot/jails/db@pre-upgrade`);
  const listed = view.get(snapshots);
  const guid = guidOf(ref.state);
  if (guid === undefined) {
    const byName = listed.get(ref.id);
    if (!byName) requirePool(view, datasetOf(ref.id), `snapshot ${ref.id} cannot be read, so it is not known to be gone`);
    return byName && recordOf(view, byName);
  }
  const found = [...listed.values()].find((s) => s.guid === guid);
  if (found) return recordOf(view, found);
  if (!view.coversAll(snapshots)) throw new ReadMore([want(snapshots)]);
  requirePool(view, datasetOf(ref.id), `snapshot ${ref.id} cannot be read, so it is not known to be gone`);
  const stranger = listed.get(ref.id);
  if (stranger) {
    ctx.warn(
      `snapshot ${ref.id} on ${view.host} is not the one this resource manages: it has guid ${stranger.guid}, the managed one had ` +
        `guid ${guid} and is gone. It is left alone; import it to manage it`,
    );
  }
  return undefined;
}

/** The snapshot's own marker; only a local one counts. */
export function markerOf(found: SnapshotFound): string | undefined {
  const pv = found.props[markerProperty];
  return pv?.source === "local" ? pv.value : undefined;
}

/** Whose the snapshot of a create's name is: absent, this resource's (its marker), or another's. */
export function claimSnapshot(view: HostView, inputs: SnapshotInputs, ctx: Context): Claim<SnapshotFound> {
  const full = `${inputs.dataset}@${inputs.name}`;
  const existing = view.get(snapshots).get(full);
  if (!existing) return { kind: "absent" };
  const found = recordOf(view, existing);
  const owner = markerOf(found);
  if (owner === ctx.urn) return { kind: "own", record: found };
  const whose = owner === undefined ? "" : ` (created by ${owner})`;
  return {
    kind: "other",
    why: `cannot create snapshot ${full}: a snapshot of that name already exists on ${view.host}${whose}; ` +
      `to manage it, import it: pulumi import freebsd:zfs:Snapshot <resource-name> ${full}`,
  };
}
