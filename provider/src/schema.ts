import { z } from "zod";
import { configEnvironment, providerConfigSchema, secretConfigKeys } from "./core/config.ts";
import type { AnyFunction } from "./functions/contract.ts";
import { functions } from "./functions/index.ts";
import type { ResourceDefinition } from "./resources/contract.ts";
import { resources } from "./resources/index.ts";
import { version } from "./version.ts";

// schema.json, derived from the zod schemas of the config and of every resource, so the docs and
// types users see are the ones Check enforces.

type Spec = Record<string, unknown>;
type Types = Record<string, Spec>;

/** The zod definition behind a schema (zod 4 keeps it at `_zod.def`). */
function defOf(schema: z.ZodType): { type: string; [k: string]: unknown } {
  return (schema as unknown as { _zod: { def: { type: string } } })._zod.def;
}

/** Converts one zod type to a Pulumi property spec; nested objects become named types. */
function propertySpec(schema: z.ZodType, typeName: string, types: Types): Spec {
  const def = defOf(schema);
  const secret = (schema.meta?.() as { secret?: boolean } | undefined)?.secret === true ? { secret: true } : {};
  const description = { ...(schema.description ? { description: schema.description } : {}), ...secret };
  switch (def.type) {
    case "optional":
    case "nullable":
      return { ...propertySpec(def["innerType"] as z.ZodType, typeName, types), ...description };
    case "default": {
      const inner = propertySpec(def["innerType"] as z.ZodType, typeName, types);
      const value = def["defaultValue"];
      const simple = typeof value === "string" || typeof value === "number" || typeof value === "boolean";
      return { ...inner, ...(simple ? { default: value } : {}), ...description };
    }
    case "string":
      return { type: "string", ...description };
    case "number": {
      const format = (schema as unknown as { _zod: { bag: { format?: string } } })._zod.bag.format;
      return { type: format === "safeint" || format === "int32" ? "integer" : "number", ...description };
    }
    case "boolean":
      return { type: "boolean", ...description };
    case "enum":
      return { type: "string", ...description };
    case "array":
      return { type: "array", items: propertySpec(def["element"] as z.ZodType, typeName, types), ...description };
    case "record":
      return { type: "object", additionalProperties: propertySpec(def["valueType"] as z.ZodType, typeName, types), ...description };
    case "unknown":
    case "any":
    case "union":
      return { $ref: "pulumi.json#/Any", ...description };
    case "object": {
      // A nested object is a named type: its token comes from `.meta({ pulumiType })`, else from the path.
      const named = (schema.meta?.() as { pulumiType?: string } | undefined)?.pulumiType ?? typeName;
      types[named] = { type: "object", ...description, ...objectSpec(schema as z.ZodObject, named, types) };
      return { $ref: `#/types/${named}` };
    }
    default:
      throw new Error(`schema: no Pulumi type for zod type ${def.type} (${typeName})`);
  }
}

/** Properties and required keys of an object schema. */
function objectSpec(schema: z.ZodObject, typeName: string, types: Types): { properties: Spec; required: string[] } {
  const properties: Spec = {};
  const required: string[] = [];
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    properties[key] = propertySpec(field, `${typeName}${key[0]!.toUpperCase()}${key.slice(1)}`, types);
    const kind = defOf(field).type;
    if (kind !== "optional" && kind !== "default") required.push(key);
  }
  return { properties, required };
}

/** The resource spec of one resource definition. */
function resourceSpec(def: ResourceDefinition, types: Types): Spec {
  const [pkg, module, name] = def.token.split(":");
  const base = `${pkg}:${module}:${name}`;
  const inputs = objectSpec(def.inputs as unknown as z.ZodObject, base, types);
  const outputs = objectSpec(def.outputs as unknown as z.ZodObject, base, types);
  return {
    description: def.description,
    inputProperties: inputs.properties,
    requiredInputs: inputs.required,
    properties: outputs.properties,
    required: outputs.required,
  };
}

/** The function spec of one function definition: its inputs and outputs as object types. */
function functionSpec(def: AnyFunction, types: Types): Spec {
  const base = def.token.replace(/:get([A-Z])/, ":$1");
  const inputs = objectSpec(def.inputs as unknown as z.ZodObject, `${base}Args`, types);
  const outputs = objectSpec(def.outputs as unknown as z.ZodObject, `${base}Result`, types);
  return {
    description: def.description,
    inputs: { type: "object", ...inputs },
    outputs: { type: "object", ...outputs },
  };
}

/** Builds the package schema. */
export function buildSchema(): Spec {
  const types: Types = {};
  const config = objectSpec(providerConfigSchema, "freebsd:index:Config", types);
  const variables: Spec = {};
  for (const [key, spec] of Object.entries(config.properties)) {
    const env = configEnvironment[key];
    variables[key] = {
      ...(spec as Spec),
      ...(secretConfigKeys.includes(key) ? { secret: true } : {}),
      ...(env ? { defaultInfo: { environment: env } } : {}),
    };
  }
  const resourceSpecs: Spec = {};
  for (const def of resources) resourceSpecs[def.token] = resourceSpec(def, types);
  const functionSpecs: Spec = {};
  for (const def of functions) functionSpecs[def.token] = functionSpec(def, types);
  return {
    name: "freebsd",
    displayName: "FreeBSD",
    version,
    description: "Manage FreeBSD hosts over SSH: jails, ZFS datasets, VNET networking and rctl limits.",
    keywords: ["pulumi", "freebsd", "jail", "zfs", "category/infrastructure", "kind/native"],
    license: "Apache-2.0",
    publisher: "pulumi-freebsd",
    meta: { moduleFormat: "(.*)" },
    config: { variables },
    provider: { description: "The provider for one FreeBSD host.", inputProperties: variables },
    resources: resourceSpecs,
    functions: functionSpecs,
    types,
    language: {
      nodejs: {
        packageName: "@pulumi-freebsd/freebsd",
        packageDescription: "Manage FreeBSD jails, ZFS, VNET and rctl with Pulumi.",
        dependencies: { "@pulumi/pulumi": "^3.0.0" },
        respectSchemaVersion: true,
      },
    },
  };
}
