import { z } from "zod";
import { checkDatasetName, checkFullSnapshotName, checkHoldTag, checkPropertyName, checkPropertyValue, checkSnapshotName } from "../../freebsd/zfs-names.ts";
import { markerProperty } from "../zfs-dataset/owner.ts";

// Inputs and outputs of freebsd:zfs:Snapshot.

export const snapshotInputs = z
  .strictObject({
    dataset: z
      .string()
      .describe(
        "The filesystem or volume to snapshot, e.g. `zroot/jails/db`. The snapshot stays with its data: when the dataset is " +
          "renamed, or a `zfs promote` moves the snapshot to a clone, it is still this resource's (it is found by its guid, and " +
          "`fullName` says where it is). Naming another dataset here is refused: a snapshot cannot move to other data.",
      ),
    name: z
      .string()
      .describe("The snapshot's name after the `@`, e.g. `pre-upgrade`. A new name renames it in place (`zfs rename`, `-r` when recursive)."),
    recursive: z
      .boolean()
      .default(false)
      .describe(
        "Snapshot every dataset below `dataset` too, in one transaction (`zfs snapshot -r`: atomic), hold and release their " +
          "snapshots alike and destroy them with it (`zfs destroy -r`). Changing it replaces the snapshot, which destroys it: " +
          "refused unless forceDestroy is set.",
      ),
    properties: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        "User properties (`module:property`) of the snapshot, set at creation (`zfs snapshot -o`) and changed in place (`zfs set`, " +
          "`zfs inherit` when removed). Snapshots take no native properties. `pulumi:urn` is reserved: it marks the snapshots the provider creates.",
      ),
    holds: z
      .array(z.string())
      .default([])
      .describe(
        "Hold tags this resource keeps on the snapshot (`zfs hold`), so that nobody destroys it by hand (`zfs destroy` says " +
          "`dataset is busy`). Added and removed in place (`zfs release`); released by the resource's own delete. Holds " +
          "other tools placed are never released by this resource.",
      ),
    forceDestroy: z
      .boolean()
      .default(false)
      .describe(
        "Allow the delete of a snapshot that clones depend on or that others hold: it is destroyed with `zfs destroy -d`, which " +
          "marks it to go when its last clone and hold are gone (clones are never destroyed). Also allows a change of `recursive`, " +
          "which replaces (destroys and takes again) the snapshot.",
      ),
  })
  .superRefine((inputs, ctx) => {
    const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const datasetProblem = checkDatasetName(inputs.dataset);
    if (datasetProblem) fail(["dataset"], datasetProblem);
    const nameProblem = checkSnapshotName(inputs.name);
    if (nameProblem) fail(["name"], nameProblem);
    if (!datasetProblem && !nameProblem) {
      const full = checkFullSnapshotName(`${inputs.dataset}@${inputs.name}`);
      if (full) fail(["name"], `${inputs.dataset}@${inputs.name} ${full}`);
    }
    for (const [prop, value] of Object.entries(inputs.properties)) {
      if (!prop.includes(":")) {
        fail(["properties", prop], "snapshots take only user properties (`module:property`); native properties cannot be set on a snapshot");
        continue;
      }
      const problem = checkPropertyName(prop);
      if (problem) fail(["properties", prop], problem);
      else if (prop === markerProperty) fail(["properties", prop], "is reserved: the provider marks the snapshots it creates with it (the resource's URN)");
      else {
        const valueProblem = checkPropertyValue(prop, value, "filesystem");
        if (valueProblem) fail(["properties", prop], `value ${JSON.stringify(value)} ${valueProblem}`);
      }
    }
    inputs.holds.forEach((tag, i) => {
      const problem = checkHoldTag(tag);
      if (problem) fail(["holds", i], problem);
      else if (inputs.holds.indexOf(tag) !== i) fail(["holds", i], `${JSON.stringify(tag)} is listed twice`);
    });
  });

export type SnapshotInputs = z.output<typeof snapshotInputs>;

export const snapshotOutputs = z.object({
  ...snapshotInputs.shape,
  fullName: z.string().describe("Where the snapshot is now, `dataset@name` (the dataset changes with a rename or a promote)."),
  guid: z.string().describe("The snapshot's GUID: the provider finds it by this, wherever it moves."),
  createtxg: z.number().describe("The transaction group it was taken in (equal for every snapshot of one `zfs snapshot -r`)."),
  creation: z.string().describe("When it was taken (ISO 8601)."),
  used: z.number().describe("Bytes only this snapshot holds (freed if it is destroyed)."),
  referenced: z.number().describe("Bytes the snapshot refers to."),
  clones: z.array(z.string()).describe("Datasets cloned from it (`zfs clone`): while any exists, the snapshot cannot be destroyed."),
});

export type SnapshotOutputs = z.output<typeof snapshotOutputs>;
