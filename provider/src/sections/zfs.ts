import { zfsGetAll, zfsGetSnapshotsLocal, zfsHoldsOf, zfsListGuids, zfsListSnapshots, zpoolList } from "../freebsd/zfs-commands.ts";
import {
  missingDatasets, missingHoldsDatasets, parseGuidList, parseHolds, parseSnapshotList, parseZfsGet, parseZpoolList,
  type DatasetRecord, type PoolRecord, type SnapshotRecord,
} from "../freebsd/zfs-output.ts";
import { parseZfsFiles, zfsFilesScript } from "../freebsd/zfs-files.ts";
import { Named } from "../inventory/named.ts";
import type { Scope, Section, SectionOutput } from "../inventory/section.ts";

// The ZFS sections: pools, the datasets a stack names (every property), the names and GUIDs below
// named datasets (children, and the datasets renamed out of band), the snapshots below them, and of
// named snapshots their local properties and their holds.

const names = (scope: Scope): string[] => (scope === "all" ? [] : [...scope].sort());

/** The output of a zfs command over named datasets, accepting that some of them do not exist. */
function found(out: SectionOutput, scope: Scope, what: string): string {
  if (out.code === 0) return out.stdout;
  const missing = out.code === 1 && scope !== "all" ? missingDatasets(out.stderr) : undefined;
  if (missing && scope !== "all" && missing.every((name) => scope.has(name))) return out.stdout;
  throw new Error(`${what} exited ${out.code}: ${out.stderr.trim() || "(no stderr)"}`);
}

/** Every imported pool (`zpool list`), however few the stack names. */
export const pools: Section<PoolRecord[]> = {
  key: "zfs.pools",
  command: () => zpoolList(),
  parse: (out) => {
    if (out.code !== 0) throw new Error(`zpool list exited ${out.code}: ${out.stderr.trim()}`);
    return parseZpoolList(out.stdout);
  },
};

/** Every property of the named filesystems and volumes (`zfs get all NAME...`). */
export const datasets: Section<Named<DatasetRecord>> = {
  key: "zfs.datasets",
  command: (scope) => zfsGetAll(names(scope)),
  parse: (out, scope) => new Named("dataset", scope, parseZfsGet(found(out, scope, "zfs get"))),
};

/** Names and GUIDs of the named datasets and all below them (`zfs list -r -o name,guid`). */
export const datasetTree: Section<Named<string>> = {
  key: "zfs.tree",
  command: (scope) => zfsListGuids(names(scope)),
  parse: (out, scope) => {
    const guids = parseGuidList(found(out, scope, "zfs list"));
    // Every name below a root was read too: the scope covers the roots' subtrees.
    return new Named("dataset", scope === "all" ? "all" : new Set([...scope, ...guids.keys()]), guids);
  },
};

/**
 * Of the named datasets mounted, the first entries of their mount points (`zfs mount`, find): a
 * dataset that is not mounted has no record (its files cannot be seen), a mounted empty one has none.
 */
export const datasetFiles: Section<Named<string[]>> = {
  key: "zfs.files",
  command: (scope, token) => zfsFilesScript(token, names(scope)),
  parse: (out, scope, token) => {
    if (scope === "all") throw new Error("zfs.files reads named datasets only");
    if (out.code !== 0) throw new Error(`zfs mount exited ${out.code}: ${out.stderr.trim() || "(no stderr)"}`);
    return new Named("dataset", scope, parseZfsFiles(token, out.stdout));
  },
};

/** The snapshots of the named datasets and of all below them (`zfs list -t snapshot -r`). */
export const snapshots: Section<Map<string, SnapshotRecord>> = {
  key: "zfs.snapshots",
  command: (scope) => zfsListSnapshots(names(scope)),
  parse: (out, scope) => parseSnapshotList(found(out, scope, "zfs list -t snapshot")),
};

/** The locally set properties (user properties, the marker) of the named snapshots (`zfs get -s local`). */
export const snapshotProps: Section<Named<DatasetRecord>> = {
  key: "zfs.snapshotProps",
  command: (scope) => zfsGetSnapshotsLocal(names(scope)),
  parse: (out, scope) => {
    if (scope === "all") throw new Error("zfs.snapshotProps reads named snapshots only");
    const records = parseZfsGet(found(out, scope, "zfs get"));
    // A snapshot with no local property prints nothing: every named one that exists has a record.
    return new Named("snapshot", scope, records);
  },
};

/** Holds as `zfs holds -r` read them: the tags of a snapshot it covered (none when it has none). */
export interface HoldsRead {
  /** Tags and when each was placed; throws for a snapshot the read did not cover. */
  tags(snapshot: string): ReadonlyMap<string, number>;
}

/** Whether `zfs holds -r DS@NAME` covers a snapshot: DS@NAME itself and NAME on every dataset below DS. */
function holdsCover(scope: ReadonlySet<string>, snap: string): boolean {
  for (const s of scope) {
    const at = s.indexOf("@");
    if (snap === s || (snap.startsWith(`${s.slice(0, at)}/`) && snap.endsWith(s.slice(at)))) return true;
  }
  return false;
}

/** The holds of the named snapshots and of the snapshots of their names below (`zfs holds -r`). */
export const snapshotHolds: Section<HoldsRead> = {
  key: "zfs.holds",
  command: (scope) => zfsHoldsOf(names(scope)),
  parse: (out, scope) => {
    if (scope === "all") throw new Error("zfs.holds reads named snapshots only");
    // A named snapshot whose dataset is gone is no failure: its dataset is reported missing (exit 1).
    const datasetsOf = new Set([...scope].map((snap) => snap.slice(0, snap.indexOf("@"))));
    const missing = missingHoldsDatasets(out.stderr);
    const tolerated = missing !== undefined && missing.every((name) => datasetsOf.has(name));
    if (!(out.code === 0 && missing !== undefined) && !(out.code === 1 && tolerated)) {
      throw new Error(`zfs holds exited ${out.code}: ${out.stderr.trim() || "(no stderr)"}`);
    }
    const holds = parseHolds(out.stdout);
    return {
      tags(snapshot) {
        if (!holdsCover(scope, snapshot)) throw new Error(`the holds of ${snapshot} were not read: the resource must name it among its reads`);
        return holds.get(snapshot) ?? new Map();
      },
    };
  },
};
