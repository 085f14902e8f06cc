import { z } from "zod";
import { providerConfigSchema, secretConfigKeys } from "../../core/config.ts";
import { checkDatasetName } from "../../freebsd/zfs-names.ts";

// Inputs and outputs of freebsd:zfs:Replica.

/** A file system or volume name (no snapshot part). */
const datasetName = (what: string) => z.string().superRefine((name, ctx) => {
  const rule = checkDatasetName(name);
  if (rule) ctx.addIssue({ code: "custom", message: rule });
}).describe(what);

/** The provider configuration's fields, the secret ones marked so for schema.json. */
const sourceShape = Object.fromEntries(Object.entries(providerConfigSchema.shape)
  .map(([key, field]) => [key, secretConfigKeys.includes(key) ? field.meta({ secret: true }) : field])) as typeof providerConfigSchema.shape;

/** The source host's connection settings: the provider's configuration keys and rules (an unknown key is an error). */
export const replicaSource = z.strictObject(sourceShape)
  .describe(
    "Connection settings of the source host: the same keys as the provider's configuration (`host`, `port`, `user`, " +
      "`privateKey`, `privateKeyPassphrase`, `password`, `agent`, `hostKey`/`knownHostsFile`, `insecureIgnoreHostKey`, " +
      "`become`, `connectTimeout`, `maxSessions`), checked the same way. The keys, passphrase and password are kept secret. " +
      "The provider connects to both hosts; they need no trust between them.",
  )
  .meta({ pulumiType: "freebsd:zfs:ReplicaSource" });

/** Input paths always kept secret. */
export const replicaSecretInputs = [["source", "privateKey"], ["source", "privateKeyPassphrase"], ["source", "password"]] as const;

export const replicaInputs = z.strictObject({
  source: replicaSource,
  sourceDataset: datasetName("The file system or volume on the source host to replicate, e.g. `zroot/jails/db`."),
  dataset: datasetName(
    "The replica on this provider's host, e.g. `backup/db`. Its parent must exist. Changing it makes a new replica (replacement).",
  ),
  sourceSnapshot: z.string().min(1).optional().describe(
    "The source snapshot to replicate up to (its short name, or `dataset@name`), e.g. a freebsd:zfs:Snapshot's name. " +
      "Without it the replica follows the newest snapshot of `sourceDataset`: each preview and up reads the source " +
      "and an up sends what is new.",
  ),
  force: z.boolean().default(false).describe(
    "Allow overwriting a replica that diverged from its source (written to, or given snapshots the source lacks, " +
      "since the last receive): `zfs receive -F` rolls it back to the newest snapshot both share first, destroying " +
      "those changes and snapshots. Without it such a replica is refused, naming what diverged.",
  ),
  raw: z.boolean().default(false).describe(
    "Send raw streams (`zfs send -w`): an encrypted dataset travels encrypted and is received without its key.",
  ),
  forceDestroy: z.boolean().default(false).describe(
    "On delete, destroy the replica and its snapshots (`zfs destroy -r`). Off by default: deleting the resource leaves " +
      "the replica's data on the host (only an unfinished transfer is discarded).",
  ),
});

export type ReplicaInputs = z.output<typeof replicaInputs>;

export const replicaOutputs = z.object({
  ...replicaInputs.shape,
  guid: z.string().optional().describe("GUID of the replica dataset."),
  snapshot: z.string().optional().describe("The replica's newest snapshot (short name)."),
  snapshotGuid: z.string().optional().describe("GUID of that snapshot: the same as the source snapshot it was received from."),
  snapshots: z.number().int().describe("How many snapshots the replica has."),
  receivedGuid: z.string().optional().describe("GUID of the newest snapshot this resource received."),
  state: z.enum(["ok", "interrupted", "diverged"]).describe(
    "`interrupted`: a transfer was cut and left a resume token (the next up resumes it); `diverged`: written to or " +
      "given snapshots since the last receive (the next up needs `force`); `ok` otherwise.",
  ),
  resumeToken: z.string().optional().describe("The replica's `receive_resume_token` while a transfer is interrupted."),
  written: z.number().int().describe("Bytes written to the replica since its newest snapshot (`written`)."),
  divergence: z.string().optional().describe("Why the replica counts as diverged, when it does."),
});

export type ReplicaOutputs = z.output<typeof replicaOutputs>;
