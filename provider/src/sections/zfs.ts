import { zfsGetAll, zfsListGuids, zfsListSnapshots, zpoolList } from "../freebsd/zfs-commands.ts";
import {
  missingDatasets, parseGuidList, parseSnapshotList, parseZfsGet, parseZpoolList,
  type DatasetRecord, type PoolRecord, type SnapshotRecord,
} from "../freebsd/zfs-output.ts";
import { Named } from "../inventory/named.ts";
import type { Scope, Section, SectionOutput } from "../inventory/section.ts";

// The ZFS sections: pools, the datasets a stack names (every property), the names and GUIDs below
// named datasets (children, and the datasets renamed out of band), and the snapshots below them.

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

/** The snapshots of the named datasets and of all below them (`zfs list -t snapshot -r`). */
export const snapshots: Section<Map<string, SnapshotRecord>> = {
  key: "zfs.snapshots",
  command: (scope) => zfsListSnapshots(names(scope)),
  parse: (out, scope) => parseSnapshotList(found(out, scope, "zfs list -t snapshot")),
};
