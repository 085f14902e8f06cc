import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import type { ReleaseInputs } from "./schema.ts";

// What a release records about itself on the host, as user properties of its dataset (zfs(8):
// `module:property`), so that an import and a refresh know its source and what was verified without
// the stack's state: the mirror or repository, the sets, and the SHA-256 of each verified set.
// The @base snapshot is taken last: a dataset without it is an unfinished release.

export const recorded = {
  mirror: "pulumi:release.mirror",
  repository: "pulumi:release.repository",
  fingerprints: "pulumi:release.fingerprints",
  sets: "pulumi:release.sets",
  sha256: "pulumi:release.sha256",
} as const;

type Source = ReleaseInputs["source"];

/** The snapshot that marks a finished release. */
export function baseSnapshot(dataset: string): string {
  return `${dataset}@base`;
}

/** A user property the dataset has itself (not inherited from a parent). */
function own(record: DatasetRecord, property: string): string | undefined {
  const pv = record.properties[property];
  return pv?.source === "local" ? pv.value : undefined;
}

/** The properties a release of these inputs records, with the checksums it verified. */
export function recordedProperties(inputs: ReleaseInputs, checksums: Record<string, string>): Record<string, string> {
  const { mirror, pkgbase } = inputs.source;
  if (pkgbase) {
    return {
      [recorded.repository]: pkgbase.repository,
      [recorded.sets]: pkgbase.sets.join(","),
      ...(pkgbase.fingerprints === undefined ? {} : { [recorded.fingerprints]: pkgbase.fingerprints }),
    };
  }
  const sums = Object.entries(checksums).map(([file, sum]) => `${file}=${sum}`).join(",");
  return { [recorded.mirror]: mirror ?? "", [recorded.sets]: inputs.source.sets.join(","), ...(sums ? { [recorded.sha256]: sums } : {}) };
}

/** The source a release's dataset records; the stack's own spelling (`known`) when the host records none (a release made by hand). */
export function recordedSource(record: DatasetRecord, known: Source | undefined): Source {
  const sets = own(record, recorded.sets)?.split(",").filter(Boolean);
  const mirror = own(record, recorded.mirror);
  if (mirror !== undefined) return { mirror, sets: sets ?? known?.sets ?? ["base"] };
  const repository = own(record, recorded.repository);
  if (repository !== undefined) {
    const fingerprints = own(record, recorded.fingerprints);
    return {
      sets: ["base"],
      pkgbase: { repository, sets: sets ?? known?.pkgbase?.sets ?? ["minimal-jail"], ...(fingerprints === undefined ? {} : { fingerprints }) },
    };
  }
  return known ?? { sets: ["base"] };
}

/** The checksums a release's dataset records, by file name. */
export function recordedChecksums(record: DatasetRecord): Record<string, string> {
  const text = own(record, recorded.sha256) ?? "";
  return Object.fromEntries(text.split(",").filter((p) => p.includes("=")).map((p) => p.split("=", 2) as [string, string]));
}
