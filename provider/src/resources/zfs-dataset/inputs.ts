import type { Props } from "../contract.ts";
import type { DatasetRecord, PropertyValue } from "../../freebsd/zfs-output.ts";
import { parseExact } from "../../freebsd/zfs-output.ts";
import { derivedProperties, keptDerived, type Values } from "../../freebsd/zfs-derived.ts";
import { resetValues } from "../../freebsd/zfs-names.ts";
import { nativeProperties } from "../../freebsd/zfs-properties.ts";
import { presentValue, sameValue } from "../../freebsd/zfs-values.ts";
import { markerProperty } from "./owner.ts";
import type { DatasetInputs, DatasetOutputs } from "./schema.ts";

// The inputs and outputs a dataset reads as: which of its properties are the user's to declare.

/** A value as the user wrote it when the host agrees, otherwise as the host has it. */
function spelled(property: string, host: string, written: string | undefined): string {
  return written !== undefined && sameValue(property, written, host) ? written : presentValue(property, host);
}

/** Local properties that zfs sets by itself and that are managed elsewhere or not at all. */
function ownedByZfs(property: string, type: string, managed: Record<string, string> | undefined): boolean {
  if (property === "volsize" || property === "volblocksize" || property === markerProperty) return true;
  // OpenZFS gives a non-sparse volume a local refreservation sized to hold it (zfs create -V).
  return property === "refreservation" && type === "volume" && managed?.[property] === undefined;
}

/** Whether a local property the host reports belongs in the inputs (derived ones are decided apart). */
function isManaged(prop: string, pv: PropertyValue, type: string, knownProps: Record<string, string> | undefined): boolean {
  if (pv.source !== "local" || ownedByZfs(prop, type, knownProps)) return false;
  // A freebsd:jail:Jail sets jailed=on on the datasets delegated to it; unless asked for, that is its business.
  if (prop === "jailed" && knownProps?.[prop] === undefined) return false;
  // `quota=none` and the like are stored as local values; unasked for, they mean "not set".
  const reset = resetValues[prop];
  return !(reset !== undefined && knownProps?.[prop] === undefined && sameValue(prop, reset, pv.value));
}

/** Values already computed, by record: a parent's are asked for once per child. */
const valuesCache = new WeakMap<DatasetRecord, Values>();

/** Every property's value, by name. */
function valuesOf(record: DatasetRecord | undefined): Values {
  if (!record) return {};
  let values = valuesCache.get(record);
  if (!values) {
    const out: Record<string, string> = {};
    for (const prop in record.properties) out[prop] = record.properties[prop]!.value;
    values = out;
    valuesCache.set(record, values);
  }
  return values;
}

/** The snapshot a dataset is a clone of now (`origin`), or undefined when it is none. */
export function originOf(record: DatasetRecord): string | undefined {
  const origin = record.properties["origin"]?.value;
  return origin === undefined || origin === "" || origin === "-" ? undefined : origin;
}

/**
 * The properties a create must declare to reproduce the dataset: its managed local ones, and those
 * zfs fixes at creation that it did not derive by itself (zfs-derived.ts) from them and from `parent`.
 * A clone's (`clone`) come from its origin, which `zfs clone` cannot change: none of them is declared.
 */
export function managedProperties(
  record: DatasetRecord, knownProps: Record<string, string> | undefined, parent: DatasetRecord | undefined, clone = false,
): Record<string, string> {
  const type = record.properties["type"]?.value === "volume" ? "volume" : "filesystem";
  const plain: Record<string, string> = {};
  // Every dataset of a refresh passes here with its ~70 properties: keys, not an array per entry.
  for (const prop of Object.keys(record.properties)) {
    const pv = record.properties[prop]!;
    if (derivedProperties.includes(prop) || !isManaged(prop, pv, type, knownProps)) continue;
    if (clone && nativeProperties[prop]?.settable === "create") continue;
    plain[prop] = pv.value;
  }
  if (clone) return plain;
  const declared = new Set(Object.keys(knownProps ?? {}));
  return { ...plain, ...keptDerived(record.name, valuesOf(record), declared, plain, valuesOf(parent), type) };
}

/**
 * What the dataset was cloned from and whether it was promoted. `cloneFrom` is a fact of its creation,
 * kept from the known inputs (a promote takes the origin away); read from `origin` only on import. A
 * clone whose origin is gone was promoted, by this resource or by hand: `promote: true`, never a new cloneFrom.
 */
function cloneInputs(record: DatasetRecord, known: Props | undefined): { cloneFrom?: string; promote?: boolean } {
  const origin = originOf(record);
  const knows = typeof known?.["name"] === "string";
  const cloneFrom = knows ? (typeof known!["cloneFrom"] === "string" ? known!["cloneFrom"] : undefined) : origin;
  const knownPromote = typeof known?.["promote"] === "boolean" ? known["promote"] : undefined;
  if (cloneFrom === undefined) return knownPromote === undefined ? {} : { promote: knownPromote };
  const promoted = origin === undefined;
  return promoted || knownPromote !== undefined ? { cloneFrom, promote: promoted } : { cloneFrom };
}

/** The parent of a dataset name (`zroot/a/b` -> `zroot/a`). */
export function parentOf(name: string): string {
  return name.slice(0, name.lastIndexOf("/"));
}

/** The inputs that describe a dataset as it is on the host, spelled like the known inputs where equal. */
export function inputsOf(record: DatasetRecord, known: Props | undefined, parent: DatasetRecord | undefined): DatasetInputs {
  const knownProps = (known?.["properties"] ?? undefined) as Record<string, string> | undefined;
  const type = record.properties["type"]?.value === "volume" ? "volume" : "filesystem";
  const clone = cloneInputs(record, known);
  const properties: Record<string, string> = {};
  for (const [prop, value] of Object.entries(managedProperties(record, knownProps, parent, clone.cloneFrom !== undefined))) {
    properties[prop] = spelled(prop, value, knownProps?.[prop]);
  }
  const inputs: DatasetInputs = {
    name: record.name,
    type,
    properties,
    createParents: known?.["createParents"] === true,
    ...clone,
    forceDestroy: known?.["forceDestroy"] === true,
    reportAllProperties: known?.["reportAllProperties"] === true,
  };
  // A volume clone has its origin's size unless the inputs set one.
  const sized = clone.cloneFrom === undefined || known?.["volsize"] !== undefined || typeof known?.["name"] !== "string";
  if (type === "volume" && sized) {
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
    ...(inputs.reportAllProperties ? { allProperties: record.properties } : {}),
    guid: prop("guid")?.value ?? "",
    used: parseExact(prop("used")?.value ?? "0"),
    available: parseExact(prop("available")?.value ?? "0"),
    referenced: parseExact(prop("referenced")?.value ?? "0"),
    mountpoint: prop("mountpoint")?.value ?? "-",
    creation: new Date(creation * 1000).toISOString(),
    ...(originOf(record) === undefined ? {} : { origin: originOf(record) }),
  };
}
