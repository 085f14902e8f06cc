import type { PlannedResource } from "../contract.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import { claimDataset, findDataset } from "./owner.ts";
import { planCreate, planDelete, planUpdate } from "./plan.ts";
import { datasetReads, describeDataset } from "./read.ts";
import { checkDatasetChange, datasetDerivedSecrets, datasetRule, datasetStableIn } from "./rules.ts";
import { datasetInputs, datasetOutputs, type DatasetInputs, type DatasetOutputs } from "./schema.ts";

/** freebsd:zfs:Dataset: a ZFS filesystem or volume. */
export const zfsDataset: PlannedResource<DatasetInputs, DatasetOutputs, DatasetRecord> = {
  kind: "planned",
  token: "freebsd:zfs:Dataset",
  description:
    "A ZFS filesystem or volume on a FreeBSD host. Renames happen in place; nothing that loses data (destroying " +
    "a dataset holding files, its children or snapshots, replacing the dataset, shrinking a volume) happens unless " +
    "`forceDestroy` is set. " +
    "Import with `pulumi import freebsd:zfs:Dataset NAME pool/path`.",
  inputs: datasetInputs,
  outputs: datasetOutputs,
  stableOutputs: ["guid", "creation", "type"],
  stableIn: datasetStableIn,
  deleteBeforeReplace: true,
  rule: datasetRule,
  derivedSecrets: datasetDerivedSecrets,
  checkChange: checkDatasetChange,
  idOf: (inputs) => inputs.name,
  reads: datasetReads,
  find: findDataset,
  claim: claimDataset,
  describe: describeDataset,
  planCreate,
  planUpdate,
  planDelete,
};
