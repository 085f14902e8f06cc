import type { ResourceDefinition } from "../../core/resource.ts";
import { planCreate, planDelete, planUpdate } from "./plan.ts";
import { readDataset } from "./read.ts";
import { createOnlyProperties, datasetInputs, datasetOutputs, type DatasetInputs, type DatasetOutputs } from "./schema.ts";

/** freebsd:zfs:Dataset: a ZFS filesystem or volume. */
export const zfsDataset: ResourceDefinition<DatasetInputs, DatasetOutputs> = {
  token: "freebsd:zfs:Dataset",
  description:
    "A ZFS filesystem or volume on a FreeBSD host. Renames happen in place; a dataset with children or " +
    "snapshots is never destroyed unless `forceDestroy` is set. Import with `pulumi import freebsd:zfs:Dataset NAME pool/path`.",
  inputs: datasetInputs,
  outputs: datasetOutputs,
  stableOutputs: ["guid", "creation", "type"],
  deleteBeforeReplace: true,
  rule(path) {
    const [top, key] = path;
    if (top === "type" || top === "volblocksize") return "replace";
    if (top === "properties" && key !== undefined && createOnlyProperties.includes(key)) return "replace";
    return "update";
  },
  derivedSecrets(path) {
    // A secret property value is also secret where allProperties repeats it.
    if (path[0] !== "properties") return [];
    return path.length === 1 ? [["allProperties"]] : [["allProperties", path[1]!]];
  },
  idOf: (inputs) => inputs.name,
  read: readDataset,
  planCreate,
  planUpdate,
  planDelete,
};
