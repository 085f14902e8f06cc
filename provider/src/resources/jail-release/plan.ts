import { createHash } from "node:crypto";
import { command, type Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import type { ManifestEntry } from "../../freebsd/release-manifest.ts";
import { zfsCreate, zfsDestroy, zfsSet } from "../../freebsd/zfs-commands.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import type { HostView } from "../../inventory/view.ts";
import { datasetTree, snapshots } from "../../sections/zfs.ts";
import type { ChangeFailure, FieldRule, Props } from "../contract.ts";
import { markerProperty } from "../zfs-dataset/owner.ts";
import { baseSnapshot, recordedProperties } from "./record.ts";
import type { ReleaseInputs } from "./schema.ts";

// The pure parts of a release's life: the commands that make, record, snapshot and destroy it, the
// checksum verdict, and which input changes replace it (and so need forceDestroy).

/** Where a release's downloads and pkg configuration live while it is installed, keyed by its URN (fixed-form hex). */
export function stagingDir(urn: string): string {
  return `/var/db/pulumi-freebsd/releases/${createHash("sha256").update(urn).digest("hex")}`;
}

/** `zfs create` of the release's dataset, marked with the URN and recording its source and verified checksums. */
export function planCreateDataset(inputs: ReleaseInputs, urn: string, checksums: Record<string, string>): Command {
  return zfsCreate(inputs.dataset, {
    parents: inputs.createParents,
    properties: { [markerProperty]: urn, ...recordedProperties(inputs, checksums) },
  });
}

/** `zfs snapshot DATASET@base`: taken last, it marks the release finished. */
export function planSnapshot(dataset: string): Command {
  return command("zfs", "snapshot", baseSnapshot(dataset));
}

/** The refusal for a set whose SHA-256 is not the MANIFEST's: names the file, where it came from and both sums. */
export function checksumMismatch(entry: ManifestEntry, from: string, actual: string): RefusedError {
  return new RefusedError(
    `${entry.file} from ${from} does not match the release's MANIFEST: the MANIFEST says sha256 ${entry.sha256}, ` +
      `the file has sha256 ${actual}. It may be corrupted or from another release; nothing was extracted and the downloads were removed`,
  );
}

/** The commands an update runs: only the recorded source changes on the host (a mirror or repository moved). */
export function planUpdate(record: DatasetRecord, olds: ReleaseInputs, news: ReleaseInputs, checksums: Record<string, string>): Command[] {
  const want = recordedProperties(news, checksums);
  const before = recordedProperties(olds, checksums);
  const changed = Object.fromEntries(Object.entries(want).filter(([k, v]) => before[k] !== v || record.properties[k]?.value !== v));
  return Object.keys(changed).length === 0 ? [] : [zfsSet(record.name, changed)];
}

/** What the release's dataset holds beyond the release itself: child datasets and snapshots other than @base. */
function extras(view: HostView, name: string): { children: string[]; others: string[] } {
  const children = [...view.get(datasetTree).names()].filter((n) => n.startsWith(`${name}/`)).sort();
  const others = [...view.get(snapshots).values()].filter((s) => s.dataset === name && s.name !== baseSnapshot(name)).map((s) => s.name).sort();
  return { children, others };
}

/**
 * The commands that delete a release: its dataset with @base (`zfs destroy -r`) and its working
 * directory. Refused while any snapshot of it has clones (thin jails' roots are never destroyed,
 * forceDestroy or not), and without forceDestroy when it holds child datasets or other snapshots.
 */
export function planDelete(record: DatasetRecord, view: HostView, current: ReleaseInputs, urn: string): Command[] {
  const name = record.name;
  const cloned = [...view.get(snapshots).values()].filter((s) => s.dataset === name && s.clones.length > 0);
  if (cloned.length > 0) {
    const list = cloned.map((s) => `${s.name} (${[...s.clones].sort().join(", ")})`).join("; ");
    throw new RefusedError(
      `refusing to delete release ${name}: clones depend on its snapshots: ${list}. Delete those datasets (or their jails' roots) ` +
        `first, or promote them; a release with clones is never destroyed, forceDestroy or not`,
    );
  }
  const { children, others } = extras(view, name);
  if (!current.forceDestroy && children.length + others.length > 0) {
    const what = [
      ...(children.length ? [`${children.length} child dataset${children.length > 1 ? "s" : ""} (${children.join(", ")})`] : []),
      ...(others.length ? [`${others.length} snapshot${others.length > 1 ? "s" : ""} besides @base (${others.join(", ")})`] : []),
    ].join(" and ");
    throw new RefusedError(`refusing to destroy release ${name}: it holds ${what}. To destroy them with it, apply forceDestroy: true first`);
  }
  return [zfsDestroy(name, { recursive: true }), command("rm", "-rf", stagingDir(urn))];
}

/** The rule for a change at an input path: a new release (version, dataset, sets, kind of source) replaces it. */
export function releaseRule(path: readonly string[]): FieldRule {
  const [top, second, third] = path;
  if (top === "version" || top === "dataset") return "replace";
  if (top === "source") {
    if (second === undefined || second === "sets") return "replace";
    if (second === "pkgbase" && (third === undefined || third === "sets")) return "replace";
  }
  return "update";
}

/** Leaf paths at which two values differ (objects walked, arrays compared whole). */
function changedPaths(a: unknown, b: unknown, path: string[] = []): string[][] {
  const isObject = (v: unknown): v is Props => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => changedPaths(a[k], b[k], [...path, k]));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
}

/** The value at an input path, for a message: JSON, or "unset". */
function shownAt(bag: unknown, path: readonly string[]): string {
  let v: unknown = bag;
  for (const part of path) v = v !== null && typeof v === "object" ? (v as Props)[part] : undefined;
  return v === undefined ? "unset" : JSON.stringify(v);
}

/** Refuses, unless the new inputs say forceDestroy, a change that replaces the release (the old root is destroyed). */
export function checkReleaseChange(olds: Props, news: ReleaseInputs): ChangeFailure[] {
  if (news.forceDestroy) return [];
  const olderSource = (olds["source"] ?? {}) as Props;
  const paths = changedPaths({ ...olds, source: olderSource }, news as unknown as Props)
    .map((p) => (p[0] === "source" && p[1] === "pkgbase" && (olderSource["pkgbase"] === undefined || news.source.pkgbase === undefined) ? ["source", "pkgbase"] : p))
    .filter((p) => releaseRule(p) === "replace")
    // With pkgbase the top-level sets are unused (always the default): a switch of source shows as source.pkgbase.
    .filter((p) => !(news.source.pkgbase && p[0] === "source" && p[1] === "sets"));
  const unique = [...new Map(paths.map((p) => [p.join("."), p])).values()];
  return unique.map((p) => ({
    property: p.join("."),
    reason:
      `${p.join(".")}: changing it from ${shownAt(olds, p)} to ${shownAt(news, p)} replaces the release ${news.dataset}: ` +
      `its root is destroyed and made again from the source. To proceed, set forceDestroy: true in the same change ` +
      `(a release whose snapshot has clones is never destroyed)`,
  }));
}
