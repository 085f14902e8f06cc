import { z } from "zod";
import { checkDatasetName, checkFullSnapshotName, checkPropertyName, checkPropertyValue } from "../../freebsd/zfs-names.ts";
import { nativeProperties, propertyAliases } from "../../freebsd/zfs-properties.ts";
import { parseSize } from "../../freebsd/zfs-values.ts";
import { markerProperty } from "./owner.ts";

// Inputs and outputs of freebsd:zfs:Dataset.

/** Properties that have their own top-level input and may not appear in `properties`. */
const topLevel = ["volsize", "volblocksize"];

export const datasetInputs = z
  .strictObject({
    name: z
      .string()
      .describe("Full name of the dataset, e.g. `zroot/jails/web`. Changing it renames the dataset in place (`zfs rename`)."),
    type: z
      .enum(["filesystem", "volume"])
      .default("filesystem")
      .describe("`filesystem` or `volume` (a zvol). Changing it replaces the dataset."),
    volsize: z.string().optional().describe("Size of a volume, e.g. `10G`. Required for volumes; can grow in place."),
    volblocksize: z
      .string()
      .optional()
      .describe("Block size of a volume, e.g. `16K`. Set only at creation; changing it replaces the volume."),
    properties: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        "ZFS properties set locally on the dataset, native (`compression`, `quota`, `mountpoint`, ...) or user " +
          "(`module:property`), with values as zfs(8) accepts them. A property removed from here is inherited again. " +
          "Properties zfs only takes at creation (`casesensitivity`, `normalization`, `utf8only`, `encryption`, ...) replace the dataset when changed.",
      ),
    createParents: z
      .boolean()
      .default(false)
      .describe("Create missing parent datasets (`zfs create -p`, `zfs clone -p`, `zfs rename -p`)."),
    cloneFrom: z
      .string()
      .optional()
      .describe(
        "Create the dataset as a clone of this snapshot (`pool/dataset@snapshot`, in the same pool) with `zfs clone`: it starts " +
          "with the snapshot's files and shares their blocks (a thin jail's root from a release's `@base`). Its `properties` are " +
          "set with `-o`; what zfs fixes at creation (`casesensitivity`, `encryption`, `volblocksize`, ...) comes from the origin. " +
          "Changing it replaces the dataset, refused unless forceDestroy is set. While the clone exists the snapshot cannot be destroyed.",
      ),
    promote: z
      .boolean()
      .optional()
      .describe(
        "With `cloneFrom`: promote the clone (`zfs promote`), so that it no longer depends on its origin: the origin's snapshots up " +
          "to `cloneFrom` move to it and the origin's dataset becomes its clone. A promote cannot be undone here (a promote done " +
          "by hand reads as `promote: true`); turning it off again is refused.",
      ),
    forceDestroy: z
      .boolean()
      .default(false)
      .describe(
        "The one switch that allows losing the dataset's data: deleting it while it holds data (any file in its mounted " +
          "file system; a volume or an unmounted file system referencing more than 1 MiB), deleting it with its child " +
          "datasets and snapshots (`zfs destroy -r`), replacing it (a change of `type`, `volblocksize` or a property zfs " +
          "takes only at creation destroys it and everything in it), and shrinking a volume. Off by default: a dataset holds data.",
      ),
    reportAllProperties: z
      .boolean()
      .default(false)
      .describe(
        "Report every property of the dataset, with its source, in `allProperties`. Off by default: the list is ten " +
          "times the rest of the dataset's state, and every refresh and preview carries it.",
      ),
  })
  .superRefine((inputs, ctx) => {
    const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const nameProblem = checkDatasetName(inputs.name);
    if (nameProblem) fail(["name"], nameProblem);
    if (inputs.cloneFrom !== undefined) {
      const problem = checkFullSnapshotName(inputs.cloneFrom);
      if (problem) fail(["cloneFrom"], problem);
      // zfs_clone (libzfs_dataset.c): "source and target pools differ".
      else if (inputs.cloneFrom.split("/")[0] !== inputs.name.split("/")[0]) fail(["cloneFrom"], `must be a snapshot in the pool of ${inputs.name}: zfs clones only within a pool`);
      if (inputs.volblocksize !== undefined) fail(["volblocksize"], "is the origin's for a clone (cloneFrom); zfs clone cannot change it");
    } else if (inputs.promote !== undefined) {
      fail(["promote"], "applies only to a clone (cloneFrom)");
    }
    if (inputs.type === "volume" && inputs.volsize === undefined && inputs.cloneFrom === undefined) fail(["volsize"], "is required for a volume");
    if (inputs.type === "filesystem") {
      if (inputs.volsize !== undefined) fail(["volsize"], "applies only to volumes (type: volume)");
      if (inputs.volblocksize !== undefined) fail(["volblocksize"], "applies only to volumes (type: volume)");
    }
    for (const key of ["volsize", "volblocksize"] as const) {
      const value = inputs[key];
      if (value !== undefined && parseSize(value) === undefined) fail([key], "must be a size such as 16K or 10G");
    }
    for (const [prop, value] of Object.entries(inputs.properties)) {
      if (topLevel.includes(prop)) {
        fail(["properties", prop], `is set with the top-level \`${prop}\` input`);
        continue;
      }
      const alias = propertyAliases[prop];
      if (alias) {
        fail(["properties", prop], `is zfs's short name; write the full name \`${alias}\``);
        continue;
      }
      const nameProblem = checkPropertyName(prop);
      if (nameProblem) {
        fail(["properties", prop], nameProblem);
        continue;
      }
      if (prop === markerProperty) {
        fail(["properties", prop], "is reserved: the provider marks the datasets it creates with it (the resource's URN)");
        continue;
      }
      if (inputs.cloneFrom !== undefined && nativeProperties[prop]?.settable === "create") {
        fail(["properties", prop], "is fixed when a dataset is created, and a clone (cloneFrom) takes it from its origin; zfs clone cannot change it");
        continue;
      }
      const valueProblem = checkPropertyValue(prop, value, inputs.type);
      if (valueProblem) fail(["properties", prop], `value ${JSON.stringify(value)} ${valueProblem}`);
    }
    const encryptionProblem = checkEncryption(inputs.properties);
    if (encryptionProblem) fail(["properties", encryptionProblem[0]], encryptionProblem[1]);
  });

/**
 * What zfs create refuses about the encryption properties that Check can see without the parent
 * (libzfs_crypto.c zfs_crypto_create): a new encryption root needs a keyformat.
 */
function checkEncryption(props: Record<string, string>): [string, string] | undefined {
  const encryption = props["encryption"];
  const keyParams = ["keyformat", "keylocation", "pbkdf2iters"].filter((p) => props[p] !== undefined);
  if (encryption === "off" && keyParams.length > 0) {
    return [keyParams[0]!, "applies only to an encrypted dataset; zfs refuses it with encryption=off"];
  }
  if (encryption !== undefined && encryption !== "off" && props["keyformat"] === undefined) {
    return [
      "encryption",
      `value ${JSON.stringify(encryption)} makes a new encryption root, which needs keyformat (raw, hex or passphrase) and usually ` +
        "keylocation (e.g. file:///path/to/key); a child of an encrypted parent inherits encryption when `encryption` is left unset",
    ];
  }
  if (props["keylocation"] !== undefined && props["keyformat"] === undefined) {
    return ["keylocation", "names the key of a new encryption root, which also needs keyformat (raw, hex or passphrase)"];
  }
  if (props["pbkdf2iters"] !== undefined && /^\d+$/.test(props["pbkdf2iters"]) && Number(props["pbkdf2iters"]) < 100000) {
    // MIN_PBKDF2_ITERATIONS (include/sys/fs/zfs.h).
    return ["pbkdf2iters", "must be at least 100000 (zfs: minimum pbkdf2 iterations is 100000)"];
  }
  return undefined;
}

export type DatasetInputs = z.output<typeof datasetInputs>;

const propertyValue = z
  .object({
    value: z.string().describe("The value, exact as `zfs get -p` prints it."),
    source: z.string().describe("Where it comes from: `local`, `default`, `inherited from <dataset>`, `received`, `temporary` or `-`."),
  })
  .meta({ pulumiType: "freebsd:zfs:PropertyValue", description: "A ZFS property value and its source." });

export const datasetOutputs = z.object({
  name: z.string().describe("Full name of the dataset."),
  type: z.enum(["filesystem", "volume"]).describe("`filesystem` or `volume`."),
  volsize: z.string().optional().describe("Size of the volume."),
  volblocksize: z.string().optional().describe("Block size of the volume."),
  properties: z.record(z.string(), z.string()).describe("The locally set properties, as managed."),
  createParents: z.boolean().describe("Whether missing parents are created."),
  cloneFrom: z.string().optional().describe("The snapshot the dataset was created as a clone of."),
  promote: z.boolean().optional().describe("Whether the clone was promoted (it no longer depends on its origin)."),
  origin: z.string().optional().describe("The snapshot the dataset is a clone of now (zfs's `origin`); absent when it is not a clone, as after a promote."),
  forceDestroy: z.boolean().describe("Whether the dataset's data may be lost: a delete while it holds data or has children and snapshots, a replacement, a volume shrink."),
  reportAllProperties: z.boolean().describe("Whether `allProperties` is reported."),
  allProperties: z
    .record(z.string(), propertyValue)
    .optional()
    .describe("With `reportAllProperties`: every property of the dataset with its value (exact, as `zfs get -p` prints it) and its source."),
  guid: z.string().describe("The dataset's GUID; it survives renames."),
  used: z.number().describe("Bytes used by the dataset and its descendants."),
  available: z.number().describe("Bytes available to the dataset."),
  referenced: z.number().describe("Bytes referenced by the dataset."),
  mountpoint: z.string().describe("Effective mountpoint (`none`, `legacy` or a path; `-` for volumes)."),
  creation: z.string().describe("When the dataset was created (ISO 8601)."),
});

export type DatasetOutputs = z.output<typeof datasetOutputs>;

/** Native properties zfs takes only at creation: a change replaces the dataset. */
export const createOnlyProperties = Object.entries(nativeProperties)
  .filter(([, p]) => p.settable === "create")
  .map(([name]) => name);
