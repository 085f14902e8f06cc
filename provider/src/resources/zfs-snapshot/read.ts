import type { HostView } from "../../inventory/view.ts";
import type { Found, Props, Ref } from "../contract.ts";
import { markerProperty } from "../zfs-dataset/owner.ts";
import { shortOf, type SnapshotFound } from "./owner.ts";
import type { SnapshotInputs, SnapshotOutputs } from "./schema.ts";

// How a snapshot describes itself from what the host has.

/** The hold tags a state or inputs say the resource keeps. */
export function ownHolds(...bags: ReadonlyArray<Props | undefined>): string[] {
  const tags = new Set<string>();
  for (const bag of bags) {
    const holds = bag?.["holds"];
    if (Array.isArray(holds)) for (const t of holds) if (typeof t === "string") tags.add(t);
  }
  return [...tags];
}

/**
 * Whether the snapshot was taken with `-r`: a snapshot of its name below its dataset taken in the same
 * transaction group (zfs snapshot -r takes them all in one). Read only on import; after that it is
 * what the inputs said, as datasets created below later have no such snapshot and that changes nothing.
 */
function takenRecursively(found: SnapshotFound): boolean {
  return found.below.some((s) => s.createtxg === found.snap.createtxg);
}

/** The outputs and inputs of a snapshot; `ref`'s inputs (or state) give what only they can say. */
export function describeSnapshot(found: SnapshotFound, _view: HostView, ref: Ref): Found<SnapshotOutputs, SnapshotInputs> {
  const known = ref.inputs ?? ref.state;
  const snap = found.snap;
  const properties: Record<string, string> = {};
  for (const [prop, pv] of Object.entries(found.props)) {
    if (pv.source === "local" && prop.includes(":") && prop !== markerProperty) properties[prop] = pv.value;
  }
  const onHost = [...found.holdsOf(snap.name).keys()];
  // The tags this resource keeps, as far as the host still has them; on import (nothing known), every tag there is.
  const holds = Array.isArray(known?.["holds"]) ? ownHolds(known).filter((t) => onHost.includes(t)) : onHost.sort();
  const inputs: SnapshotInputs = {
    dataset: typeof known?.["dataset"] === "string" ? known["dataset"] : snap.dataset,
    name: shortOf(snap.name),
    recursive: typeof known?.["recursive"] === "boolean" ? known["recursive"] : takenRecursively(found),
    properties,
    holds,
    forceDestroy: known?.["forceDestroy"] === true,
  };
  return {
    id: snap.name,
    inputs,
    state: {
      ...inputs,
      fullName: snap.name,
      guid: snap.guid,
      createtxg: Number(snap.createtxg),
      creation: new Date(snap.creation * 1000).toISOString(),
      used: snap.used,
      referenced: snap.referenced,
      clones: snap.clones,
    },
  };
}
