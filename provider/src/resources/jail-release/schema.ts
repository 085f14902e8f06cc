import { z } from "zod";
import { releaseVersionPattern } from "../../freebsd/release-root.ts";
import { checkDatasetName } from "../../freebsd/zfs-names.ts";

// Inputs and outputs of freebsd:jail:Release.

/** A set name: a distribution set (`base`, `lib32`, `kernel-dbg`) or a pkgbase set (`minimal-jail`). */
const setName = /^[a-z0-9][a-z0-9_-]*$/;

const pkgbaseSource = z
  .strictObject({
    repository: z.string().describe(
      "URL of the pkgbase repository, e.g. `pkg+https://pkg.FreeBSD.org/FreeBSD:15:amd64/base_release_0` or a `file:///` " +
        "directory on the host. Changing it changes nothing on the host (updated in place).",
    ),
    sets: z.array(z.string()).default(["minimal-jail"]).describe(
      "Package sets of freebsd-base(7) to install, without the `FreeBSD-set-` prefix: `minimal-jail` (default), `base-jail`, " +
        "`minimal`, `base`, `devel`, `optional-jail`, `lib32`, ... Changing them replaces the release.",
    ),
    fingerprints: z.string().optional().describe(
      "Directory of trusted keys on the host to check the packages' signatures against (e.g. `/usr/share/keys/pkgbase-15`); " +
        "it is copied into the root, where pkg(8) reads it. Required for a repository reached over the network.",
    ),
  })
  .meta({ pulumiType: "freebsd:jail:ReleasePkgbaseSource" });

const source = z
  .strictObject({
    mirror: z.string().optional().describe(
      "Where the release's distribution sets and MANIFEST are: a mirror URL such as " +
        "`https://download.freebsd.org/releases/amd64/amd64/14.3-RELEASE`, fetched with fetch(1), or a directory on the " +
        "host such as `/usr/freebsd-dist`, read in place. Changing it changes nothing on the host (updated in place).",
    ),
    sets: z.array(z.string()).default(["base"]).describe(
      "Distribution sets to extract with a `mirror` (each `<set>.txz`, verified against the MANIFEST's SHA-256 first): " +
        "`base` (default), `lib32`, ... Changing them replaces the release. Unused with `pkgbase`.",
    ),
    pkgbase: pkgbaseSource.optional().describe("Install the base system as pkgbase packages (FreeBSD 15 and later) with `pkg -r`."),
  })
  .meta({ pulumiType: "freebsd:jail:ReleaseSource" });

export const releaseInputs = z
  .strictObject({
    version: z.string().describe(
      "The release, as its userland's freebsd-version(1) names it without a patch level: `14.3-RELEASE`, `15.0-RELEASE`. " +
        "Checked against the installed root before it is snapshotted. Changing it replaces the release.",
    ),
    dataset: z.string().describe(
      "The ZFS filesystem the root lives in, e.g. `zroot/jails/releases/14.3-RELEASE`; created by the release and mounted " +
        "where its parent's mountpoint puts it. Changing it replaces the release.",
    ),
    source: source.describe("Where the base system comes from: distribution sets from a `mirror`, or `pkgbase` packages."),
    createParents: z.boolean().default(false).describe("Create missing parent datasets (`zfs create -p`)."),
    forceDestroy: z.boolean().default(false).describe(
      "Allows what loses data: replacing the release (a new `version`, `dataset` or sets), and deleting it when it holds " +
        "child datasets or snapshots besides `@base`. Never destroys clones of its snapshot (thin jails' roots): a release " +
        "with clones is not deleted.",
    ),
  })
  .superRefine((inputs, ctx) => {
    const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    if (!releaseVersionPattern.test(inputs.version)) {
      fail(["version"], "must be a release as freebsd-version names it without a patch level, e.g. 14.3-RELEASE or 15.0-BETA2");
    }
    const rule = checkDatasetName(inputs.dataset);
    if (rule) fail(["dataset"], rule);
    const { mirror, pkgbase } = inputs.source;
    if ((mirror === undefined) === (pkgbase === undefined)) fail(["source"], "must name exactly one of mirror or pkgbase");
    if (mirror !== undefined && !/^(https?|ftp|file):\/\/./.test(mirror) && !mirror.startsWith("/")) {
      fail(["source", "mirror"], "must be an http(s), ftp or file URL, or an absolute directory on the host");
    }
    const checkSets = (path: (string | number)[], sets: readonly string[]) => {
      if (sets.length === 0) fail(path, "must name at least one set");
      sets.forEach((s, i) => {
        if (!setName.test(s)) fail([...path, i], "must be a set name: lower-case letters, digits, '-' and '_'");
      });
      if (new Set(sets).size !== sets.length) fail(path, "must not name a set twice");
    };
    if (mirror !== undefined) checkSets(["source", "sets"], inputs.source.sets);
    if (pkgbase !== undefined) {
      if (inputs.source.sets.length !== 1 || inputs.source.sets[0] !== "base") {
        fail(["source", "sets"], "names distribution sets of a mirror; with pkgbase, name the package sets in pkgbase.sets");
      }
      checkSets(["source", "pkgbase", "sets"], pkgbase.sets);
      if (!/^(pkg\+)?(https?|file):\/\/./.test(pkgbase.repository)) {
        fail(["source", "pkgbase", "repository"], "must be an http(s), pkg+http(s) or file URL");
      } else if (!pkgbase.repository.startsWith("file://") && pkgbase.fingerprints === undefined) {
        fail(["source", "pkgbase", "fingerprints"], "is required for a repository reached over the network: name the directory of trusted keys (e.g. /usr/share/keys/pkgbase-15)");
      }
      if (pkgbase.fingerprints !== undefined && !pkgbase.fingerprints.startsWith("/")) {
        fail(["source", "pkgbase", "fingerprints"], "must be an absolute directory on the host");
      }
    }
  });

export type ReleaseInputs = z.output<typeof releaseInputs>;

export const releaseOutputs = z.object({
  ...releaseInputs.shape,
  snapshot: z.string().describe("`DATASET@base`, the finished release: what a thin jail's root clones from (a Dataset's `cloneFrom`). Empty when it is gone."),
  installedVersion: z.string().describe("What the root's bin/freebsd-version says (`freebsd-version -u` of the root), patch level included; empty when it cannot be read."),
  checksums: z.record(z.string(), z.string()).describe("The SHA-256 of each distribution set as verified against the MANIFEST before extraction, by file name."),
  mountpoint: z.string().describe("Where the root is mounted on the host (a jail's `path`)."),
  guid: z.string().describe("The dataset's GUID."),
  clones: z.array(z.string()).describe("The datasets cloned from `snapshot` (thin jails' roots); while there are any, the release is not deleted."),
});

export type ReleaseOutputs = z.output<typeof releaseOutputs>;
