import { CommandFailedError, RefusedError } from "../../core/errors.ts";
import { parseManifest } from "../../freebsd/release-manifest.ts";
import {
  catFile, copyKeysIntoRoot, extractSet, fetchFile, isUrl, locationFile, parseInstalledCount, pkgbaseSetPackage, pkgInstall,
  pkgRepoConf, readManifest, removeDirectory, resetDirectory, sha256Of, writeWorkFile,
} from "../../freebsd/release-commands.ts";
import { parseUserlandVersion, releaseOf } from "../../freebsd/release-root.ts";
import { zfsDestroy } from "../../freebsd/zfs-commands.ts";
import { want } from "../../inventory/section.ts";
import { datasets } from "../../sections/zfs.ts";
import type { Context, Runner } from "../contract.ts";
import { checksumMismatch, planCreateDataset, planSnapshot, stagingDir } from "./plan.ts";
import { baseSnapshot } from "./record.ts";
import type { ReleaseInputs } from "./schema.ts";

// Installing a release, step by step so that each step is told to the engine's log as it ends:
// distribution sets are fetched and verified against the MANIFEST's SHA-256 before the dataset is
// even created (a corrupted set is refused with nothing extracted and the downloads removed), then
// extracted; pkgbase packages are installed with pkg -r. The root's freebsd-version is checked
// against the version asked for, and `@base` is snapshotted last: until then the dataset is an
// unfinished release, which a failure removes (and which the next create finds and makes again).

/** Progress for the engine's log (info when the engine offers it). */
function progress(ctx: Context, message: string): void {
  (ctx.info ?? ctx.warn)(message);
}

/** The repository name the release's pkg configuration uses (freebsd-base(7)'s default). */
const repoName = "FreeBSD-base";

/** Fetches (or finds) and verifies every set before anything is created; returns each set's file and checksum. */
async function verifiedSets(inputs: ReleaseInputs, runner: Runner, ctx: Context, staging: string): Promise<{ files: string[]; checksums: Record<string, string> }> {
  const location = inputs.source.mirror!;
  const manifestText = (await runner.exec(readManifest(location))).stdout;
  let manifest;
  try {
    manifest = parseManifest(manifestText);
  } catch (err) {
    throw new RefusedError(`the MANIFEST at ${locationFile(location, "MANIFEST")} cannot be read: ${(err as Error).message}`);
  }
  const files: string[] = [];
  const checksums: Record<string, string> = {};
  for (const set of inputs.source.sets) {
    const entry = manifest.get(`${set}.txz`);
    if (!entry) {
      throw new RefusedError(`the MANIFEST at ${locationFile(location, "MANIFEST")} lists no ${set}.txz (it lists ${[...manifest.keys()].join(", ")})`);
    }
    const from = locationFile(location, entry.file);
    let file = from;
    if (isUrl(location)) {
      file = `${staging}/${entry.file}`;
      await runner.exec(fetchFile(from, file));
      progress(ctx, `fetched ${entry.file} from ${from}`);
    }
    const actual = (await runner.exec(sha256Of(file))).stdout.trim();
    if (actual !== entry.sha256) throw checksumMismatch(entry, from, actual);
    progress(ctx, `verified ${entry.file}: sha256 ${actual} is the MANIFEST's`);
    files.push(file);
    checksums[entry.file] = actual;
  }
  return { files, checksums };
}

/** The mountpoint of the just-created dataset; a release's root must be mounted at a path. */
async function mountpointOf(inputs: ReleaseInputs, runner: Runner): Promise<string> {
  const view = await runner.read([want(datasets, [inputs.dataset])]);
  const record = view.get(datasets).get(inputs.dataset);
  const mountpoint = record?.properties["mountpoint"]?.value ?? "";
  const mounted = record?.properties["mounted"]?.value === "yes";
  if (!mountpoint.startsWith("/") || !mounted) {
    throw new RefusedError(`${inputs.dataset} is not mounted at a path (mountpoint ${mountpoint || "unknown"}, mounted ${mounted ? "yes" : "no"}): a release's root must be`);
  }
  return mountpoint;
}

/** Installs pkgbase package sets into the root. */
async function installPackages(inputs: ReleaseInputs, runner: Runner, ctx: Context, staging: string, root: string): Promise<void> {
  const pkgbase = inputs.source.pkgbase!;
  const confDir = `${staging}/repos`;
  await runner.exec(writeWorkFile(`${confDir}/${repoName}.conf`, pkgRepoConf(repoName, pkgbase.repository, pkgbase.fingerprints)));
  if (pkgbase.fingerprints !== undefined) await runner.exec(copyKeysIntoRoot(pkgbase.fingerprints, root));
  const packages = pkgbase.sets.map(pkgbaseSetPackage);
  progress(ctx, `installing ${packages.join(", ")} from ${pkgbase.repository} into ${root} with pkg`);
  const result = await runner.exec(pkgInstall(root, confDir, repoName, packages));
  const count = parseInstalledCount(result.stdout);
  progress(ctx, `installed ${count === undefined ? "the" : `${count}`} packages of ${packages.join(", ")}`);
}

/** Checks that the root is the release asked for, from its bin/freebsd-version. */
async function checkInstalledVersion(inputs: ReleaseInputs, runner: Runner, root: string): Promise<void> {
  const script = await runner.exec(catFile(`${root}/bin/freebsd-version`)).catch((err: unknown) => {
    if (err instanceof CommandFailedError) throw new RefusedError(`the installed root ${root} has no bin/freebsd-version: the sets hold no userland`);
    throw err;
  });
  const installed = parseUserlandVersion(script.stdout);
  if (releaseOf(installed) !== inputs.version) {
    throw new RefusedError(`the installed root reports ${installed}, not ${inputs.version}: the source holds another release`);
  }
}

/**
 * Makes the release on the host (its dataset is known to be absent): verify, create, install,
 * check, snapshot. A failure after the dataset was made destroys it again (it is this create's own,
 * unfinished and unsnapshotted), as far as the host can still be reached.
 */
export async function installRelease(inputs: ReleaseInputs, runner: Runner, ctx: Context): Promise<void> {
  const staging = stagingDir(ctx.urn);
  await runner.exec(resetDirectory(staging));
  let created = false;
  try {
    const dist = inputs.source.mirror === undefined ? undefined : await verifiedSets(inputs, runner, ctx, staging);
    await runner.exec(planCreateDataset(inputs, ctx.urn, dist?.checksums ?? {}));
    created = true;
    const root = await mountpointOf(inputs, runner);
    if (dist) {
      for (const file of dist.files) {
        await runner.exec(extractSet(file, root));
        progress(ctx, `extracted ${file.slice(file.lastIndexOf("/") + 1)} into ${root}`);
      }
    } else {
      await installPackages(inputs, runner, ctx, staging, root);
    }
    await checkInstalledVersion(inputs, runner, root);
    await runner.exec(planSnapshot(inputs.dataset));
    progress(ctx, `snapshotted ${baseSnapshot(inputs.dataset)}: release ${inputs.version} is ready`);
  } catch (err) {
    // Best effort: what is left when the host cannot be reached is found and made again by the next create.
    if (created) await runner.exec(zfsDestroy(inputs.dataset, { recursive: true })).catch(() => undefined);
    await runner.exec(removeDirectory(staging)).catch(() => undefined);
    throw err;
  }
  await runner.exec(removeDirectory(staging));
}
