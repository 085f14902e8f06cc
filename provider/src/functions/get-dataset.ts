import { checkDatasetName } from "../freebsd/zfs-names.ts";
import { zfsDataset } from "../resources/zfs-dataset/index.ts";
import { datasetOutputs } from "../resources/zfs-dataset/schema.ts";
import { getByName } from "./get-by-name.ts";

/** freebsd:zfs:getDataset: one dataset by name, as freebsd:zfs:Dataset reads it. */
export const getDataset = getByName({
  token: "freebsd:zfs:getDataset",
  description: "Reads one ZFS dataset by name, as freebsd:zfs:Dataset reads it, for stacks that use what another stack or an administrator made.",
  resource: zfsDataset,
  outputs: datasetOutputs,
  what: "dataset",
  name: { describe: "Full name of the dataset, e.g. `zroot/jails/web`.", check: checkDatasetName },
});
