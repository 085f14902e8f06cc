import type { Found, Props } from "../../core/resource.ts";
import type { Inventory } from "../../host/inventory.ts";
import type { DatasetRecord, PropertyValue } from "../../freebsd/zfs-output.ts";
import { parseExact } from "../../freebsd/zfs-output.ts";
import { resetValues } from "../../freebsd/zfs-names.ts";
import { nativeProperties } from "../../freebsd/zfs-properties.ts";
import { presentValue, sameValue } from "../../freebsd/zfs-values.ts";
import type { DatasetInputs, DatasetOutputs } from "./schema.ts";

// How a dataset reads itself from the host inventory.

/** Finds a dataset by its GUID from earlier state (it survives renames), else by name. */
export function findDataset(inv: Inventory, id: string, state?: Props): DatasetRecord | undefined {
  const guid = state?.["guid"];
  if (typeof guid === "string" && guid !== "") {
    for (const record of inv.datasets.values()) if (record.properties["guid"]?.value === guid) return record;
  }
  return inv.datasets.get(id);
}

/** A value as the user wrote it when the host agrees, otherwise as the host has it. */
function spelled(property: string, host: string, written: string | undefined): string {
  return written !== undefined && sameValue(property, written, host) ? written : presentValue(property, host);
}

/** Local properties that zfs sets by itself and that are managed elsewhere or not at all. */
function ownedByZfs(property: string, type: string, managed: Record<string, string> | undefined): boolean {
  if (property === "volsize" || property === "volblocksize") return true;
  // OpenZFS gives a non-sparse volume a local refreservation sized to hold it (zfs create -V).
  return property === "refreservation" && type === "volume" && managed?.[property] === undefined;
}

/** What create-only properties are when nobody set them (zfs prints their source as `-`, set or not). */
const createOnlyDefaults: Readonly<Record<string, readonly string[]>> = {
  casesensitivity: ["sensitive"], normalization: ["none"], utf8only: ["off"], encryption: ["off"],
  keyformat: ["none", "-"], pbkdf2iters: ["0"],
};

/** Whether a property the host reports belongs in the inputs. */
function isManaged(prop: string, pv: PropertyValue, type: string, knownProps: Record<string, string> | undefined): boolean {
  if (ownedByZfs(prop, type, knownProps)) return false;
  // A freebsd:jail:Jail sets jailed=on on the datasets delegated to it; unless asked for, that is its business.
  if (prop === "jailed" && knownProps?.[prop] === undefined) return false;
  // `quota=none` and the like are stored as local values; unasked for, they mean "not set".
  const reset = resetValues[prop];
  if (pv.source === "local" && reset !== undefined && knownProps?.[prop] === undefined && sameValue(prop, reset, pv.value)) {
    return false;
  }
  if (pv.source === "local") return true;
  // Properties set at creation report source `-`; they are inputs when asked for or not at their default.
  if (nativeProperties[prop]?.settable !== "create" || pv.source !== "-") return false;
  return knownProps?.[prop] !== undefined || !(createOnlyDefaults[prop] ?? []).includes(pv.value);
}

/** The inputs that describe a dataset as it is on the host, spelled like the known inputs where equal. */
export function inputsOf(record: DatasetRecord, known?: Props): DatasetInputs {
  const knownProps = (known?.["properties"] ?? undefined) as Record<string, string> | undefined;
  const type = record.properties["type"]?.value === "volume" ? "volume" : "filesystem";
  const properties: Record<string, string> = {};
  for (const [prop, pv] of Object.entries(record.properties)) {
    if (!isManaged(prop, pv, type, knownProps)) continue;
    properties[prop] = spelled(prop, pv.value, knownProps?.[prop]);
  }
  const inputs: DatasetInputs = {
    name: record.name,
    type,
    properties,
    createParents: known?.["createParents"] === true,
    forceDestroy: known?.["forceDestroy"] === true,
  };
  if (type === "volume") {
    const volsize = record.properties["volsize"]?.value ?? "0";
    inputs.volsize = spelled("volsize", volsize, known?.["volsize"] as string | undefined);
    const knownBlock = known?.["volblocksize"] as string | undefined;
    const block = record.properties["volblocksize"]?.value;
    if (knownBlock !== undefined && block !== undefined) inputs.volblocksize = spelled("volblocksize", block, knownBlock);
  }
  return inputs;
}

/** The outputs of a dataset: its inputs as read plus everything zfs reports. */
export function outputsOf(record: DatasetRecord, inputs: DatasetInputs): DatasetOutputs {
  const prop = (name: string): PropertyValue | undefined => record.properties[name];
  const creation = parseExact(prop("creation")?.value ?? "0");
  return {
    ...inputs,
    allProperties: record.properties,
    guid: prop("guid")?.value ?? "",
    used: parseExact(prop("used")?.value ?? "0"),
    available: parseExact(prop("available")?.value ?? "0"),
    referenced: parseExact(prop("referenced")?.value ?? "0"),
    mountpoint: prop("mountpoint")?.value ?? "-",
    creation: new Date(creation * 1000).toISOString(),
  };
}

/** Reads a dataset; undefined when it is gone. */
export function readDataset(
  inv: Inventory,
  id: string,
  known?: { state?: Props; inputs?: Props },
): Found<DatasetOutputs, DatasetInputs> | undefined {
  const record = findDataset(inv, id, known?.state);
  if (!record) return undefined;
  const inputs = inputsOf(record, known?.inputs ?? known?.state);
  return { id: record.name, state: outputsOf(record, inputs), inputs };
}
