import { RefusedError } from "../../core/errors.ts";
import { releaseOf, parseUserlandVersion } from "../../freebsd/release-root.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import { want, type SectionRequest } from "../../inventory/section.ts";
import type { HostView } from "../../inventory/view.ts";
import { releaseRoots } from "../../sections/releases.ts";
import { datasets, datasetTree, pools, snapshots } from "../../sections/zfs.ts";
import type { Context, Found, Ref } from "../contract.ts";
import { requirePool } from "../zfs-dataset/owner.ts";
import { baseSnapshot, recordedChecksums, recordedSource } from "./record.ts";
import type { ReleaseInputs, ReleaseOutputs } from "./schema.ts";

// Reading a release from the batched read: its dataset (every property, and the ones above it for
// a create), what is below it, its snapshots with their clones, and its root's bin/freebsd-version.

/** The dataset a reference names: the recorded one, else the id (an import names the dataset). */
export function datasetOf(ref: Ref): string {
  return (ref.state?.["dataset"] as string | undefined) ?? (ref.inputs?.["dataset"] as string | undefined) ?? ref.id;
}

/** The parent of a dataset name. */
export function parentOf(name: string): string {
  return name.slice(0, name.lastIndexOf("/"));
}

/** The sections a release reads: its dataset and its parent, the datasets and snapshots below it, its root. */
export function releaseReads(dataset: string): SectionRequest[] {
  return [
    want(pools),
    want(datasets, [dataset, parentOf(dataset)]),
    want(datasetTree, [dataset]),
    want(snapshots, [dataset]),
    want(releaseRoots, [dataset]),
  ];
}

/**
 * The release's dataset, or undefined when it is gone. A dataset of that name with another GUID
 * than the state remembers is someone else's (the release was destroyed and the name reused): it is
 * reported with a warning, never taken for the release.
 */
export function findRelease(view: HostView, ref: Ref, ctx: Context): DatasetRecord | undefined {
  const name = datasetOf(ref);
  const record = view.get(datasets).get(name);
  if (!record) {
    requirePool(view, name, `release ${name} cannot be read, so it is not known to be gone`);
    return undefined;
  }
  const guid = ref.state?.["guid"];
  if (typeof guid === "string" && guid !== "" && record.properties["guid"]?.value !== guid) {
    ctx.warn(`dataset ${name} on ${view.host} is not this release's: it has guid ${record.properties["guid"]?.value ?? "?"}, the release's had ${guid} and is gone. It is left alone`);
    return undefined;
  }
  return record;
}

/** The installed userland version of a release's root, or undefined when its bin/freebsd-version cannot be read. */
export function installedVersionOf(view: HostView, name: string): string | undefined {
  const script = view.get(releaseRoots).get(name)?.versionScript;
  if (script === undefined) return undefined;
  try {
    return parseUserlandVersion(script);
  } catch {
    return undefined;
  }
}

/** A release as the host shows it: outputs, and the inputs that would make it (the recorded spelling kept). */
export function describeRelease(record: DatasetRecord, view: HostView, ref: Ref, ctx: Context): Found<ReleaseOutputs, ReleaseInputs> {
  const name = record.name;
  const known = ref.inputs as Partial<ReleaseInputs> | undefined;
  const snapshot = view.get(snapshots).get(baseSnapshot(name));
  const installed = installedVersionOf(view, name);
  const root = view.get(releaseRoots).get(name);
  if (installed === undefined) {
    ctx.warn(`release ${name} on ${view.host}: ${root?.mounted === false ? "its dataset is not mounted, so " : ""}` +
      `its root's bin/freebsd-version cannot be read; the release reads as having no version`);
  }
  if (!snapshot) ctx.warn(`release ${name} on ${view.host} has no snapshot ${baseSnapshot(name)}: thin jails cannot clone from it`);
  const inputs: ReleaseInputs = {
    version: installed === undefined ? "" : releaseOf(installed),
    dataset: name,
    source: recordedSource(record, known?.source),
    createParents: known?.createParents ?? false,
    forceDestroy: known?.forceDestroy ?? false,
  };
  const state: ReleaseOutputs = {
    ...inputs,
    snapshot: snapshot ? snapshot.name : "",
    installedVersion: installed ?? "",
    checksums: recordedChecksums(record),
    mountpoint: root?.mountpoint ?? record.properties["mountpoint"]?.value ?? "",
    guid: record.properties["guid"]?.value ?? "",
    clones: [...(snapshot?.clones ?? [])].sort(),
  };
  return { id: name, state, inputs };
}

/** An import must find a finished release: a dataset with its @base snapshot. */
export function requireFinished(view: HostView, name: string): void {
  if (view.get(snapshots).has(baseSnapshot(name))) return;
  throw new RefusedError(
    `${name} on ${view.host} has no snapshot ${baseSnapshot(name)}, which marks a finished release (what thin jails clone from). ` +
      `If its root is complete, snapshot it (zfs snapshot ${baseSnapshot(name)}) and import it again`,
  );
}
