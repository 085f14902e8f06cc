import { z } from "zod";
import { checkJailName } from "../../freebsd/jail-checks.ts";
import { checkDatasetName, checkFullSnapshotName, checkSnapshotName } from "../../freebsd/zfs-names.ts";

// Inputs and outputs of freebsd:zfs:Rollback.

export const rollbackInputs = z
  .strictObject({
    dataset: z.string().describe("The filesystem or volume to roll back, e.g. `zroot/jails/pgtest`. Changing it is a new rollback (replacement)."),
    snapshot: z
      .string()
      .describe(
        "The snapshot of `dataset` to roll back to: its name after the `@` (`clean`), or its full name (`zroot/jails/pgtest@clean`). " +
          "Changing it is a new rollback (replacement), run when the resource is created.",
      ),
    triggers: z
      .array(z.unknown())
      .optional()
      .describe("Values whose change rolls the dataset back again (in place), e.g. a test run's number."),
    destroyLaterSnapshots: z
      .boolean()
      .default(false)
      .describe(
        "Allow the rollback to destroy the snapshots taken after `snapshot` (`zfs rollback -r`); the preview names each. Without it " +
          "a rollback that would destroy any is refused. Snapshots that clones depend on are never destroyed: `-R`, which destroys " +
          "those clones too, is never used.",
      ),
    restartJail: z
      .string()
      .optional()
      .describe(
        "A jail running on the dataset: stopped (`service jail onestop`) before the rollback and started again after, also when the " +
          "rollback fails. A jail that is not running is left as it is.",
      ),
  })
  .superRefine((inputs, ctx) => {
    const fail = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const datasetProblem = checkDatasetName(inputs.dataset);
    if (datasetProblem) fail(["dataset"], datasetProblem);
    const at = inputs.snapshot.indexOf("@");
    if (at >= 0) {
      const problem = checkFullSnapshotName(inputs.snapshot);
      if (problem) fail(["snapshot"], problem);
      else if (inputs.snapshot.slice(0, at) !== inputs.dataset) {
        fail(["snapshot"], `${inputs.snapshot} is not a snapshot of ${inputs.dataset}: a dataset rolls back only to its own snapshots`);
      }
    } else {
      const problem = checkSnapshotName(inputs.snapshot);
      if (problem) fail(["snapshot"], problem);
    }
    if (inputs.restartJail !== undefined) {
      const problem = checkJailName(inputs.restartJail);
      if (problem) fail(["restartJail"], problem);
    }
  });

export type RollbackInputs = z.output<typeof rollbackInputs>;

export const rollbackOutputs = z.object({
  ...rollbackInputs.shape,
  snapshotGuid: z.string().describe("The GUID of the snapshot the dataset was last rolled back to."),
  destroyedSnapshots: z.array(z.string()).describe("The later snapshots the last rollback destroyed (`zfs rollback -r`)."),
  rolledBackAt: z.string().describe("When the dataset was last rolled back (ISO 8601)."),
});

export type RollbackOutputs = z.output<typeof rollbackOutputs>;

/** The full name of the snapshot the inputs roll back to. */
export function targetOf(inputs: Pick<RollbackInputs, "dataset" | "snapshot">): string {
  return inputs.snapshot.includes("@") ? inputs.snapshot : `${inputs.dataset}@${inputs.snapshot}`;
}
