import { want, type SectionRequest } from "../../inventory/section.ts";
import type { HostView } from "../../inventory/view.ts";
import type { DatasetRecord } from "../../freebsd/zfs-output.ts";
import { datasetFiles, datasets, datasetTree, pools, snapshots } from "../../sections/zfs.ts";
import type { Found, Purpose, Ref } from "../contract.ts";
import { inputsOf, outputsOf, parentOf } from "./inputs.ts";
import { lineOf } from "./owner.ts";
import type { DatasetInputs, DatasetOutputs } from "./schema.ts";

// What a dataset reads of the host, and how it describes itself from it.

/**
 * The sections a dataset needs: the pools, and every property of the dataset and of the datasets
 * above it (inheritance and what zfs derives come from there), under its old and its new name; a
 * delete also reads what is below it (children, snapshots and their clones) and what its mounted file
 * system holds.
 */
export function datasetReads(ref: Ref, purpose: Purpose, news?: DatasetInputs): SectionRequest[] {
  const names = new Set(lineOf(ref.id));
  for (const name of [ref.inputs?.["name"], ref.state?.["name"], news?.name]) {
    if (typeof name === "string" && name.includes("/")) for (const n of lineOf(name)) names.add(n);
  }
  // A clone's plans need its origin snapshot (and the dataset it belongs to), and the snapshots of the
  // clone itself (after a promote, the datasets that depend on them).
  const clone = [news?.cloneFrom, ref.inputs?.["cloneFrom"], ref.state?.["cloneFrom"]].find((c): c is string => typeof c === "string" && c.includes("@"));
  const origin = clone === undefined ? undefined : clone.slice(0, clone.indexOf("@"));
  if (origin !== undefined && origin.includes("/")) for (const n of lineOf(origin)) names.add(n);
  const requests = [want(pools), want(datasets, names)];
  if (purpose === "delete") requests.push(want(datasetTree, [ref.id]), want(snapshots, [ref.id]), want(datasetFiles, [ref.id]));
  if (origin !== undefined && purpose !== "read") requests.push(want(snapshots, [origin, ref.id, ...(news ? [news.name] : [])]));
  return requests;
}

/** The outputs and inputs of a dataset, spelled like the known inputs where they mean the same. */
export function describeDataset(record: DatasetRecord, view: HostView, ref: Ref): Found<DatasetOutputs, DatasetInputs> {
  const parent = view.covers(datasets, parentOf(record.name)) ? view.get(datasets).get(parentOf(record.name)) : undefined;
  const inputs = inputsOf(record, ref.inputs ?? ref.state, parent);
  return { id: record.name, state: outputsOf(record, inputs), inputs };
}
