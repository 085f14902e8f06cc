import { isDeepStrictEqual } from "node:util";
import { z } from "zod";

// zod schemas -> Pulumi property specs, through zod's own JSON Schema converter (z.toJSONSchema):
// integers stay integers, every enumeration becomes a named enum type, every object with properties
// a named object type. Names come from `.meta({ pulumiType: "freebsd:module:Name" })` where given,
// else from the owner and the property path (freebsd:zfs:Dataset's `type` is freebsd:zfs:DatasetType).

export type Spec = Record<string, unknown>;
type Json = Record<string, any>;

/** The named types of the package, and who uses each (a type's replaceOnChanges must not be shared). */
export interface TypeTable {
  types: Record<string, Spec>;
  users: Map<string, Set<string>>;
}

/** Where a schema sits: its package and module, the name its types are prefixed with, and the resource using them (or ""). */
export interface Place {
  pkg: string;
  module: string;
  prefix: string;
  user: string;
}

export const newTypeTable = (): TypeTable => ({ types: {}, users: new Map() });

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A type name part from a property name (`jail_interface.location` -> `JailInterfaceLocation`). */
const namePart = (key: string) => key.split(/[^A-Za-z0-9]+/).filter(Boolean).map(upperFirst).join("");

/** The JSON Schema of a zod schema as read (`input`: defaults make fields optional) or as produced. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Json {
  return z.toJSONSchema(schema, { io, unrepresentable: "throw", reused: "inline", cycles: "throw" }) as Json;
}

/** Registers a named type, refusing two different types under one token. */
function register(table: TypeTable, token: string, spec: Spec, user: string): void {
  const existing = table.types[token];
  if (existing && !isDeepStrictEqual(shapeOf(existing), shapeOf(spec))) {
    throw new Error(`schema: two different types are both named ${token}; give one its own .meta({ pulumiType })`);
  }
  // The first registration wins: inputs are converted before outputs, so `required` is the inputs'.
  if (!existing) table.types[token] = spec;
  if (user) table.users.set(token, new Set([...(table.users.get(token) ?? []), user]));
}

/** What makes two types the same: their values or property names and types, not their docs, defaults or `required`. */
function shapeOf(spec: Spec): unknown {
  if (Array.isArray(spec["enum"])) return spec["enum"];
  const props = Object.entries((spec["properties"] ?? {}) as Record<string, Spec>);
  return props.map(([k, p]) => [k, p["type"], p["$ref"], JSON.stringify(p["items"]), JSON.stringify(p["additionalProperties"])]);
}

/** The token of an enumeration: its meta name, an enum of the same values in its module, else from its path. */
function enumToken(js: Json, path: string[], place: Place, table: TypeTable): string {
  if (typeof js["pulumiType"] === "string") return js["pulumiType"];
  const values = js["enum"] as unknown[];
  const same = Object.entries(table.types).find(([token, spec]) =>
    token.startsWith(`${place.pkg}:${place.module}:`) && Array.isArray(spec["enum"]) &&
    isDeepStrictEqual((spec["enum"] as { value: unknown }[]).map((e) => e.value), values));
  return same?.[0] ?? `${place.pkg}:${place.module}:${place.prefix}${path.map(namePart).join("")}`;
}

/** The Pulumi type part of a property spec for one JSON Schema node. */
function typeSpec(js: Json, path: string[], place: Place, table: TypeTable): Spec {
  if (js["$ref"] !== undefined) throw new Error(`schema: ${place.user}.${path.join(".")} refers to a shared definition; zod made a $ref`);
  if (Array.isArray(js["enum"])) {
    const token = enumToken(js, path, place, table);
    const kind = js["type"] === "integer" ? "integer" : js["type"] === "number" ? "number" : "string";
    register(table, token, { type: kind, enum: (js["enum"] as unknown[]).map((value) => ({ value })) }, place.user);
    return { $ref: `#/types/${token}` };
  }
  if (js["const"] !== undefined) return { type: typeof js["const"] === "number" ? "number" : typeof js["const"], const: js["const"] };
  const alternatives = (js["anyOf"] ?? js["oneOf"]) as Json[] | undefined;
  if (alternatives) {
    // z.nullable(x) is anyOf [x, null]: a Pulumi property is optional anyway.
    const real = alternatives.filter((a) => a["type"] !== "null");
    return real.length === 1 ? typeSpec({ ...real[0], description: js["description"] }, path, place, table) : { $ref: "pulumi.json#/Any" };
  }
  switch (js["type"]) {
    case "string":
    case "integer":
    case "number":
    case "boolean":
      return { type: js["type"] };
    case "array":
      return { type: "array", items: typeSpec(js["items"] ?? {}, [...path, "item"], place, table) };
    case "object":
      return objectTypeSpec(js, path, place, table);
    case undefined:
      // z.unknown() and z.any() have no type at all.
      return { $ref: "pulumi.json#/Any" };
    default:
      throw new Error(`schema: no Pulumi type for JSON Schema type ${JSON.stringify(js["type"])} at ${place.user}.${path.join(".")}`);
  }
}

/** A map (z.record), or a named object type (z.object) registered under its token. */
function objectTypeSpec(js: Json, path: string[], place: Place, table: TypeTable): Spec {
  const extra = js["additionalProperties"];
  const hasProperties = js["properties"] && Object.keys(js["properties"]).length > 0;
  if (!hasProperties) {
    return { type: "object", additionalProperties: typeof extra === "object" ? typeSpec(extra, [...path, "value"], place, table) : { $ref: "pulumi.json#/Any" } };
  }
  const token = typeof js["pulumiType"] === "string" ? js["pulumiType"] : `${place.pkg}:${place.module}:${place.prefix}${path.map(namePart).join("")}`;
  const { properties, required } = objectSpec(js, place, table, (key) => [key], token);
  register(table, token, { type: "object", ...(js["description"] ? { description: js["description"] } : {}), properties, required }, place.user);
  return { $ref: `#/types/${token}` };
}

/**
 * The properties and required names of an object node. Nested types are named from `typeName`
 * (a named object's own token) or, at the top, from the place's prefix and the property name.
 */
export function objectSpec(
  js: Json, place: Place, table: TypeTable, pathOf: (key: string) => string[] = (key) => [key], typeName?: string,
): { properties: Record<string, Spec>; required: string[] } {
  const nested: Place = typeName ? { ...place, prefix: typeName.split(":")[2]! } : place;
  const properties: Record<string, Spec> = {};
  for (const [key, child] of Object.entries<Json>(js["properties"] ?? {})) {
    properties[key] = propertySpec(child, typeName ? [key] : pathOf(key), nested, table);
  }
  return { properties, required: [...((js["required"] as string[] | undefined) ?? [])] };
}

/** A full property spec: its type, description, default (simple values only) and always-secret flag. */
export function propertySpec(js: Json, path: string[], place: Place, table: TypeTable): Spec {
  const value = js["default"];
  const simpleDefault = typeof value === "string" || typeof value === "number" || typeof value === "boolean";
  return {
    ...typeSpec(js, path, place, table),
    ...(js["description"] ? { description: js["description"] } : {}),
    ...(simpleDefault ? { default: value } : {}),
    ...(js["secret"] === true ? { secret: true } : {}),
  };
}
