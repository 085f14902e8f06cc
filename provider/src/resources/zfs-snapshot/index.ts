import type { PlannedResource } from "../contract.ts";
import { claimSnapshot, findSnapshot, snapshotReads, type SnapshotFound } from "./owner.ts";
import { planCreate, planDelete, planUpdate } from "./plan.ts";
import { describeSnapshot } from "./read.ts";
import { checkSnapshotChange, snapshotRule } from "./rules.ts";
import { snapshotInputs, snapshotOutputs, type SnapshotInputs, type SnapshotOutputs } from "./schema.ts";

/** freebsd:zfs:Snapshot: a ZFS snapshot, found by its GUID wherever renames and promotes move it. */
export const zfsSnapshot: PlannedResource<SnapshotInputs, SnapshotOutputs, SnapshotFound> = {
  kind: "planned",
  token: "freebsd:zfs:Snapshot",
  description:
    "A ZFS snapshot of a filesystem or volume (`zfs snapshot`, atomically with the datasets below it when `recursive`), " +
    "with user properties and holds. Deleting it is refused while clones depend on it or others hold it, unless " +
    "`forceDestroy`. A snapshot destroyed by hand reads as gone. Import with `pulumi import freebsd:zfs:Snapshot NAME pool/dataset@snapshot`.",
  inputs: snapshotInputs,
  outputs: snapshotOutputs,
  stableOutputs: ["guid", "createtxg", "creation"],
  deleteBeforeReplace: true,
  rule: snapshotRule,
  checkChange: checkSnapshotChange,
  idOf: (inputs) => `${inputs.dataset}@${inputs.name}`,
  reads: snapshotReads,
  find: findSnapshot,
  claim: claimSnapshot,
  describe: describeSnapshot,
  planCreate,
  planUpdate,
  planDelete,
};
