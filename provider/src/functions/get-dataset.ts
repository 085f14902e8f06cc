import { z } from "zod";
import { checkDatasetName } from "../freebsd/zfs-names.ts";
import { zfsDataset } from "../resources/zfs-dataset/index.ts";
import { datasetOutputs } from "../resources/zfs-dataset/schema.ts";
import type { FunctionDefinition } from "./contract.ts";
import { readAs } from "./read-as.ts";

const inputs = z.strictObject({
  name: z.string().describe("Full name of the dataset, e.g. `zroot/jails/web`."),
}).superRefine((i, ctx) => {
  const rule = checkDatasetName(i.name);
  if (rule) ctx.addIssue({ code: "custom", path: ["name"], message: rule });
});

/** freebsd:zfs:getDataset: one dataset by name, as freebsd:zfs:Dataset reads it. */
export const getDataset: FunctionDefinition<z.output<typeof inputs>, z.output<typeof datasetOutputs>> = {
  token: "freebsd:zfs:getDataset",
  description: "Reads one ZFS dataset by name, as freebsd:zfs:Dataset reads it, for stacks that use what another stack or an administrator made.",
  inputs,
  outputs: datasetOutputs,
  reads: (i) => zfsDataset.reads({ id: i.name }, "read"),
  result: (view, i, ctx) => readAs(zfsDataset, view, i.name, ctx, "dataset") as z.output<typeof datasetOutputs>,
};
