import { configEnvironment, providerConfigSchema, runTimeOnlyEnvironment, secretConfigKeys } from "./core/config.ts";
import type { AnyFunction } from "./functions/contract.ts";
import { functions } from "./functions/index.ts";
import type { ResourceDefinition } from "./resources/contract.ts";
import { resources } from "./resources/index.ts";
import { describeWithImport } from "./schema/docs.ts";
import { jsonSchemaOf, newTypeTable, objectSpec, type Place, type Spec, type TypeTable } from "./schema/pulumi-types.ts";
import { replacePaths } from "./schema/replace.ts";
import { version } from "./version.ts";

// schema.json, derived from the zod schemas of the config, of every resource and of every function
// (zod's own JSON Schema, mapped to Pulumi's types in schema/pulumi-types.ts), so the docs and types
// users see are the ones Check enforces; replaceOnChanges comes from each resource's own diff rule.

const pkg = "freebsd";
const repository = "https://github.com/pulumi-freebsd/pulumi-freebsd";

/** The place of a token's types: its module, and a prefix for the names of the types it nests. */
function placeOf(token: string, prefix: string, user: string): Place {
  const [, module] = token.split(":") as [string, string, string];
  return { pkg, module, prefix, user };
}

/** Properties without their defaults: outputs are what the host has, defaults apply to inputs. */
function withoutDefaults(properties: Record<string, Spec>): Record<string, Spec> {
  return Object.fromEntries(Object.entries(properties).map(([k, { default: _, ...p }]) => [k, p]));
}

/** Marks replaceOnChanges at an input path: on the input and output of that name, or in the nested type. */
function markReplace(path: string[], inputs: Record<string, Spec>, outputs: Record<string, Spec>, table: TypeTable, user: string): void {
  if (path.length === 1) {
    for (const props of [inputs, outputs]) if (props[path[0]!]) props[path[0]!] = { ...props[path[0]!], replaceOnChanges: true };
    return;
  }
  let spec = inputs[path[0]!]!;
  for (const key of path.slice(1)) {
    const token = String(spec["$ref"]).replace("#/types/", "");
    const users = table.users.get(token) ?? new Set();
    if (users.size > 1) throw new Error(`schema: ${user} replaces on ${path.join(".")}, in type ${token} shared with ${[...users].join(", ")}`);
    const props = table.types[token]!["properties"] as Record<string, Spec>;
    if (key === path[path.length - 1]) props[key] = { ...props[key], replaceOnChanges: true };
    spec = props[key]!;
  }
}

/** The resource spec of one resource definition. */
function resourceSpec(def: ResourceDefinition, table: TypeTable): Spec {
  const name = def.token.split(":")[2]!;
  const place = placeOf(def.token, name, def.token);
  const inputSchema = jsonSchemaOf(def.inputs, "input");
  const inputs = objectSpec(inputSchema, place, table);
  const outputs = objectSpec(jsonSchemaOf(def.outputs, "output"), place, table);
  const properties = withoutDefaults(outputs.properties);
  for (const path of replacePaths(inputSchema, def.rule)) markReplace(path, inputs.properties, properties, table, def.token);
  return {
    description: describeWithImport(def.description),
    inputProperties: inputs.properties,
    requiredInputs: inputs.required,
    properties,
    required: outputs.required,
    stateInputs: {
      description: `Input properties used for looking up and filtering ${name} resources.`,
      properties: Object.fromEntries(Object.entries(properties).map(([k, { replaceOnChanges: _, ...p }]) => [k, p])),
      type: "object",
    },
  };
}

/** The function spec of one function definition: its inputs (left out when there are none) and outputs. */
function functionSpec(def: AnyFunction, table: TypeTable): Spec {
  const Name = def.token.split(":")[2]!.replace(/^./, (c) => c.toUpperCase());
  const inputs = objectSpec(jsonSchemaOf(def.inputs, "input"), placeOf(def.token, `${Name}Args`, ""), table);
  const outputs = objectSpec(jsonSchemaOf(def.outputs, "output"), placeOf(def.token, `${Name}Result`, ""), table);
  return {
    description: def.description,
    ...(Object.keys(inputs.properties).length > 0 ? { inputs: { type: "object", ...inputs } } : {}),
    outputs: { type: "object", properties: withoutDefaults(outputs.properties), required: outputs.required },
  };
}

/**
 * The stack config keys (freebsd:host, ...), with their secrets and environment defaults. The agent
 * socket and the bastion have none here: an SDK would copy the variable into the provider's inputs,
 * and so into the state; the provider reads them itself when it runs.
 */
function configVariables(table: TypeTable): Record<string, Spec> {
  const config = objectSpec(jsonSchemaOf(providerConfigSchema, "input"), placeOf("freebsd:index:Config", "", ""), table);
  return Object.fromEntries(Object.entries(config.properties).map(([key, spec]) => {
    const env = runTimeOnlyEnvironment.includes(key) ? undefined : configEnvironment[key];
    return [key, {
      ...spec,
      ...(secretConfigKeys.includes(key) ? { secret: true } : {}),
      ...(env ? { defaultInfo: { environment: env } } : {}),
    }];
  }));
}

/** Builds the package schema. */
export function buildSchema(): Spec {
  const table = newTypeTable();
  const variables = configVariables(table);
  const resourceSpecs = Object.fromEntries(resources.map((def) => [def.token, resourceSpec(def, table)]));
  const functionSpecs = Object.fromEntries(functions.map((def) => [def.token, functionSpec(def, table)]));
  return {
    name: pkg,
    displayName: "FreeBSD",
    version,
    description: "Manage FreeBSD hosts over SSH: jails, ZFS datasets, VNET networking and rctl limits.",
    keywords: ["pulumi", "freebsd", "jails", "zfs", "category/infrastructure", "kind/native"],
    homepage: repository,
    repository,
    license: "Apache-2.0",
    publisher: "pulumi-freebsd",
    logoUrl: `https://raw.githubusercontent.com/pulumi-freebsd/pulumi-freebsd/main/docs/logo.png`,
    // github://<host>/<organization>/<repository>: the engine fetches release v<version>'s asset
    // pulumi-resource-freebsd-v<version>-<os>-<arch>.tar.gz (sdk/go/common/workspace/plugins.go).
    pluginDownloadURL: "github://api.github.com/pulumi-freebsd/pulumi-freebsd",
    meta: { moduleFormat: "(.*)" },
    config: { variables },
    provider: { description: "The provider for one FreeBSD host.", inputProperties: variables },
    resources: resourceSpecs,
    functions: functionSpecs,
    types: Object.fromEntries(Object.entries(table.types).sort(([a], [b]) => a.localeCompare(b))),
    language: {
      nodejs: {
        packageName: "@pulumi-freebsd/freebsd",
        packageDescription: "Manage FreeBSD jails, ZFS, VNET and rctl with Pulumi.",
        dependencies: { "@pulumi/pulumi": "^3.142.0" },
        devDependencies: { "@types/node": "^22.20.7" },
        typescriptVersion: "^6.0.3",
        respectSchemaVersion: true,
      },
      python: {
        packageName: "pulumi_freebsd",
        requires: { pulumi: ">=3.0.0,<4.0.0" },
        pyproject: { enabled: true },
        respectSchemaVersion: true,
      },
      go: {
        importBasePath: "github.com/pulumi-freebsd/pulumi-freebsd/sdk/go/freebsd",
        generateResourceContainerTypes: true,
        respectSchemaVersion: true,
      },
      csharp: {
        rootNamespace: "PulumiFreebsd",
        packageReferences: { Pulumi: "3.*" },
        respectSchemaVersion: true,
      },
    },
  };
}
