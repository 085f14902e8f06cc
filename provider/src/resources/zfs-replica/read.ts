import { parseExact, type SnapshotRecord } from "../../freebsd/zfs-output.ts";
import { want, type SectionRequest } from "../../inventory/section.ts";
import type { HostView } from "../../inventory/view.ts";
import { datasets, pools, snapshots } from "../../sections/zfs.ts";
import { markerOf, requirePool } from "../zfs-dataset/owner.ts";

// What the batched read of a host says about one side of a replica: the dataset (guid, `written`,
// `receive_resume_token`, the `pulumi:urn` marker) and its own snapshots, oldest first. Both hosts
// are read with the same sections.

/** A snapshot of one side, by short name. */
export interface Snap {
  name: string;
  guid: string;
  createtxg: number;
}

/** One side of a replica as read. */
export interface Side {
  dataset: string;
  exists: boolean;
  guid?: string;
  /** Bytes written since the newest snapshot (`written`). */
  written: number;
  /** The `receive_resume_token` of a partial `zfs receive -s`. */
  token?: string;
  /** The dataset's own `pulumi:urn` marker. */
  owner?: string;
  /** Its snapshots, oldest first. */
  snaps: Snap[];
}

/** The sections a side is read from. */
export function sideReads(dataset: string): SectionRequest[] {
  return [want(pools), want(datasets, [dataset]), want(snapshots, [dataset])];
}

/** A side from a view that read `sideReads(dataset)`; an exported pool is refused rather than read as gone. */
export function sideOf(view: HostView, dataset: string): Side {
  const record = view.get(datasets).get(dataset);
  if (!record) requirePool(view, dataset);
  const snaps = [...view.get(snapshots).values()]
    .filter((s: SnapshotRecord) => s.dataset === dataset)
    .map((s) => ({ name: s.name.slice(s.name.indexOf("@") + 1), guid: s.guid, createtxg: Number(s.createtxg) }))
    .sort((a, b) => a.createtxg - b.createtxg);
  if (!record) return { dataset, exists: false, written: 0, snaps: [] };
  const value = (p: string) => record.properties[p]?.value;
  const token = value("receive_resume_token");
  const owner = markerOf(record);
  return {
    dataset,
    exists: true,
    ...(value("guid") ? { guid: value("guid")! } : {}),
    written: value("written") === undefined ? 0 : parseExact(value("written")!),
    ...(token && token !== "-" ? { token } : {}),
    ...(owner ? { owner } : {}),
    snaps,
  };
}

/** The newest snapshot of a side. */
export function newest(side: Side): Snap | undefined {
  return side.snaps[side.snaps.length - 1];
}
