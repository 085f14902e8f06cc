import { PartialFailureError, RefusedError } from "../../core/errors.ts";
import { zfsDestroy } from "../../freebsd/zfs-commands.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import { InventorySectionError, type HostView } from "../../inventory/view.ts";
import { datasets, snapshots } from "../../sections/zfs.ts";
import type { Context, ExecutedResource, Found, Ref, Runner } from "../contract.ts";
import { markerOf } from "../zfs-dataset/owner.ts";
import { installRelease } from "./install.ts";
import { checkReleaseChange, planDelete, planUpdate, releaseRule } from "./plan.ts";
import { datasetOf, describeRelease, findRelease, parentOf, releaseReads, requireFinished } from "./read.ts";
import { baseSnapshot } from "./record.ts";
import { releaseInputs, releaseOutputs, type ReleaseInputs, type ReleaseOutputs } from "./schema.ts";

// freebsd:jail:Release: a FreeBSD base system for jails in a dataset of its own, snapshotted @base so
// thin jails clone their roots from it. Executed rather than planned: installing takes minutes and
// tells the engine's log each set fetched, verified and extracted as it goes.

export { releaseInputs, releaseOutputs } from "./schema.ts";

type Claim = "absent" | "finished" | "unfinished";

/** Whose the dataset a create would make is: absent, this release's (finished or not), or refused as someone else's. */
function claimRelease(view: HostView, inputs: ReleaseInputs, ctx: Context): Claim {
  const existing = view.get(datasets).get(inputs.dataset);
  if (!existing) return "absent";
  const owner = markerOf(existing);
  if (owner !== ctx.urn) {
    throw new RefusedError(
      `cannot create release ${inputs.dataset}: a dataset of that name already exists on ${view.host}${owner ? ` (created by ${owner})` : ""}; ` +
        `to manage it as a release, import it: pulumi import freebsd:jail:Release <resource-name> ${inputs.dataset}`,
    );
  }
  return view.get(snapshots).has(baseSnapshot(inputs.dataset)) ? "finished" : "unfinished";
}

/** Whether the dataset is this resource's own release, never finished (no @base: a create cut short). */
function unfinished(view: HostView, record: DatasetRecord, ctx: Context): boolean {
  return !view.get(snapshots).has(baseSnapshot(record.name)) && markerOf(record) === ctx.urn;
}

/** Refuses before anything is downloaded when the dataset's parent is missing and may not be created. */
function requireParent(view: HostView, inputs: ReleaseInputs): void {
  const parent = parentOf(inputs.dataset);
  if (inputs.createParents || view.get(datasets).get(parent)) return;
  throw new RefusedError(`cannot create release ${inputs.dataset}: its parent ${parent} does not exist on ${view.host}; create it first or set createParents: true`);
}

/**
 * Installs the release; a failure that left its unfinished dataset on the host (the install could not
 * remove it: the connection was lost) is a partial failure, so the state records it and the next up
 * makes it again, and a destroy can remove it.
 */
async function install(inputs: ReleaseInputs, runner: Runner, ref: Ref, ctx: Context): Promise<void> {
  try {
    await installRelease(inputs, runner, ctx);
  } catch (err) {
    if (err instanceof RefusedError) throw err;
    const view = await runner.readBack(releaseReads(inputs.dataset)).catch(() => undefined);
    const record = view && view.get(datasets).get(inputs.dataset) ? findRelease(view, ref, ctx) : undefined;
    if (!view || !record) throw err;
    // Its inputs are the ones asked for: an unfinished root tells no version, which would read as a change.
    const found = describeRelease(record, view, ref, ctx);
    throw new PartialFailureError(found.id, { ...found.state, ...inputs }, inputs, err as Error);
  }
}

/** Reads the release back after a change. */
async function readBack(runner: Runner, ref: Ref, ctx: Context, again = false): Promise<Found<ReleaseOutputs, ReleaseInputs>> {
  const requests = releaseReads(datasetOf(ref));
  // Read again after a failed read-back: past the operation's deadline and its cancellation.
  const view = await (again ? runner.readBack(requests) : runner.read(requests));
  const record = findRelease(view, ref, ctx);
  if (!record) throw new Error(`${view.host}: release ${datasetOf(ref)} was not found on the host after it was written`);
  return describeRelease(record, view, ref, ctx);
}

/**
 * Reads a release a create made back; when that read fails, the host is read again on its own, and
 * when it still cannot be seen the release is recorded with the inputs it was made from (a partial
 * failure), never left out of the state.
 */
async function readBackCreated(runner: Runner, ref: Ref, inputs: ReleaseInputs, ctx: Context): Promise<Found<ReleaseOutputs, ReleaseInputs>> {
  try {
    return await readBack(runner, ref, ctx);
  } catch (first) {
    let again: Found<ReleaseOutputs, ReleaseInputs> | undefined;
    try {
      again = await readBack(runner, ref, ctx, true);
    } catch {
      // Still unseen (a failed section reads as a failure, not as absent): recorded with its inputs.
      throw new PartialFailureError(inputs.dataset, { ...inputs }, inputs, first as Error);
    }
    // A section that failed is read again and that is all; a read that never came back (the deadline,
    // the connection) fails the create as the deadline bounds it, the release recorded as it is.
    if (first instanceof InventorySectionError) return again;
    throw new PartialFailureError(again.id, again.state, again.inputs, first as Error);
  }
}

/** The resource. */
export const jailRelease: ExecutedResource<ReleaseInputs, ReleaseOutputs> = {
  kind: "executed",
  token: "freebsd:jail:Release",
  description:
    "A FreeBSD base system for jails in a ZFS dataset of its own, snapshotted `@base` when complete so thin jails clone " +
    "their roots from it (a Dataset's `cloneFrom`). From a release's distribution sets (fetched from a mirror or read from a " +
    "host directory, each verified against the release's MANIFEST SHA-256 before anything is extracted) or from pkgbase " +
    "packages (FreeBSD 15). Reads report the version the root's freebsd-version gives; deleting it is refused while clones " +
    "of its snapshot exist. Import with `pulumi import freebsd:jail:Release NAME pool/path`.",
  inputs: releaseInputs,
  outputs: releaseOutputs,
  stableOutputs: ["guid", "snapshot", "mountpoint", "installedVersion", "checksums", "clones"],
  deleteBeforeReplace: true,
  rule: releaseRule,
  checkChange: checkReleaseChange,
  idOf: (inputs) => inputs.dataset,
  reads: (ref) => releaseReads(datasetOf(ref)),
  read(view, ref, ctx) {
    const record = findRelease(view, ref, ctx);
    if (!record) return undefined;
    // An import (no inputs, no recorded guid) must find a finished release.
    if (ref.inputs === undefined && !ref.state?.["guid"]) requireFinished(view, record.name);
    const found = describeRelease(record, view, ref, ctx);
    if (ref.inputs !== undefined && unfinished(view, record, ctx)) {
      // This resource's own release, left unfinished by a create cut short: still being made, so a
      // refresh keeps it with its init error, and the next up (an update) makes it again.
      const inputs = { ...found.inputs, version: (ref.inputs as Partial<ReleaseInputs>).version ?? found.inputs.version };
      throw new PartialFailureError(found.id, { ...found.state, ...inputs }, inputs,
        new Error(`release ${record.name} is unfinished (no ${baseSnapshot(record.name)}): the next up makes it again`));
    }
    return found;
  },
  async create(inputs, runner, ctx) {
    const ref: Ref = { id: inputs.dataset, inputs };
    const view = await runner.read(releaseReads(inputs.dataset));
    const claim = claimRelease(view, inputs, ctx);
    if (claim === "finished") {
      ctx.warn(`release ${inputs.dataset} was made by an earlier run of this resource whose result was lost; it is adopted`);
      return readBackCreated(runner, ref, inputs, ctx);
    }
    if (claim === "unfinished") {
      ctx.warn(`release ${inputs.dataset} is left unfinished (no ${baseSnapshot(inputs.dataset)}) by an earlier run of this resource; it is made again`);
      await runner.exec(zfsDestroy(inputs.dataset));
    }
    requireParent(view, inputs);
    await install(inputs, runner, ref, ctx);
    return readBackCreated(runner, ref, inputs, ctx);
  },
  async update(current, news, runner, ctx) {
    const ref: Ref = { id: current.id, state: current.state, inputs: current.inputs };
    const view = await runner.read(releaseReads(datasetOf(ref)));
    const record = findRelease(view, ref, ctx);
    if (!record) throw new RefusedError(`release ${current.id} no longer exists on ${view.host}; run pulumi refresh`);
    if (unfinished(view, record, ctx)) {
      // Recorded unfinished (a create cut short): made again, as a create finding it would. Not
      // recursively: zfs refuses to destroy a dataset someone gave children or snapshots since.
      ctx.warn(`release ${record.name} is unfinished (no ${baseSnapshot(record.name)}): it is made again`);
      await runner.exec(zfsDestroy(record.name));
      await install(news, runner, { id: news.dataset, inputs: news }, ctx);
      return readBack(runner, { id: news.dataset, inputs: news }, ctx);
    }
    for (const cmd of planUpdate(record, current.inputs, news, current.state.checksums ?? {})) await runner.exec(cmd);
    return readBack(runner, { id: current.id, state: current.state, inputs: news }, ctx);
  },
  async delete(current, runner, ctx) {
    const ref: Ref = { id: current.id, state: current.state, inputs: current.inputs };
    const view = await runner.read(releaseReads(datasetOf(ref)));
    const record = findRelease(view, ref, ctx);
    if (!record) return;
    for (const cmd of planDelete(record, view, current.inputs, ctx.urn)) await runner.exec(cmd);
  },
};
