import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { resourceFor } from "../../provider/src/resources/index.ts";

// examples/yaml needs no SDK: Pulumi YAML reads the package schema. So every type token, property
// name, enum value, function and `${resource.output}` it uses must be in schema.json, and what it
// declares outright must pass the provider's own Check.
const require = createRequire(import.meta.url);
const yaml = createRequire(require.resolve("@pulumi/pulumi"))("js-yaml") as { load(text: string): unknown };
const schema = JSON.parse(readFileSync(new URL("../../schema.json", import.meta.url), "utf8"));
const project = yaml.load(readFileSync(new URL("../../examples/yaml/Pulumi.yaml", import.meta.url), "utf8")) as Record<string, any>;

type Json = Record<string, any>;
const typeOf = (spec: Json): Json | undefined => schema.types[String(spec.$ref ?? "").replace("#/types/", "")];
const interpolation = /\$\{([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_]+))?\}/g;

/** The problems of a literal value against a property spec (interpolations are checked apart). */
function problems(value: unknown, spec: Json, at: string): string[] {
  if (typeof value === "string" && /^\$\{[^}]+\}$/.test(value)) return [];
  const type = typeOf(spec);
  if (type?.enum) return type.enum.some((e: Json) => e.value === value) ? [] : [`${at}: ${JSON.stringify(value)} is not one of its enum's values`];
  if (type?.properties) {
    if (typeof value !== "object" || value === null) return [`${at}: must be an object`];
    return Object.entries(value).flatMap(([k, v]) => (type.properties[k] ? problems(v, type.properties[k], `${at}.${k}`) : [`${at}.${k}: no such property in ${spec.$ref}`]));
  }
  switch (spec.type) {
    case "string": return typeof value === "string" ? [] : [`${at}: must be a string`];
    case "integer": return Number.isInteger(value) ? [] : [`${at}: must be an integer`];
    case "number": return typeof value === "number" ? [] : [`${at}: must be a number`];
    case "boolean": return typeof value === "boolean" ? [] : [`${at}: must be a boolean`];
    case "array": return Array.isArray(value) ? value.flatMap((v, i) => problems(v, spec.items, `${at}[${i}]`)) : [`${at}: must be a list`];
    case "object":
      if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: must be a map`];
      return Object.entries(value).flatMap(([k, v]) => problems(v, spec.additionalProperties ?? {}, `${at}.${k}`));
    default: return [];
  }
}

describe("examples/yaml", () => {
  const resources = Object.entries<Json>(project.resources ?? {});
  const variables = Object.entries<Json>(project.variables ?? {});

  it("is a Pulumi YAML program with a dataset and a jail", () => {
    expect(project.runtime).toBe("yaml");
    expect(resources.map(([, r]) => r.type)).toEqual(expect.arrayContaining(["freebsd:zfs:Dataset", "freebsd:jail:Jail"]));
  });

  it("uses only resource types, inputs and enum values that schema.json has, with every required input", () => {
    for (const [name, resource] of resources) {
      const spec = schema.resources[resource.type];
      expect(spec, `${name}: ${resource.type}`).toBeDefined();
      const props: Json = resource.properties ?? {};
      expect(Object.keys(props).filter((k) => !spec.inputProperties[k]), `${name}: unknown inputs`).toEqual([]);
      expect(spec.requiredInputs.filter((k: string) => props[k] === undefined), `${name}: missing inputs`).toEqual([]);
      expect(Object.entries(props).flatMap(([k, v]) => problems(v, spec.inputProperties[k], `${name}.${k}`))).toEqual([]);
    }
  });

  it("calls only functions schema.json has, and refers only to config and outputs that exist", () => {
    const outputsOf = new Map<string, Json>(Object.keys(project.config ?? {}).map((k) => [k, {}]));
    for (const [name, resource] of resources) outputsOf.set(name, schema.resources[resource.type]?.properties ?? {});
    for (const [name, variable] of variables) {
      const fn = variable["fn::invoke"]?.function;
      expect(schema.functions[fn], `${name}: ${fn}`).toBeDefined();
      outputsOf.set(name, schema.functions[fn].outputs.properties);
    }
    const text = JSON.stringify({ resources: project.resources, outputs: project.outputs });
    const refs = [...text.matchAll(interpolation)];
    expect(refs.length).toBeGreaterThan(0);
    for (const [ref, name, property] of refs) {
      expect(outputsOf.has(name!), `${ref}: no config value, resource or variable ${name}`).toBe(true);
      if (property) expect(outputsOf.get(name!)![property], `${ref}: no output ${property}`).toBeDefined();
    }
  });

  it("declares inputs the provider's Check accepts, for each resource given without interpolations", () => {
    const literal = resources.filter(([, r]) => !JSON.stringify(r.properties).includes("${"));
    expect(literal.length).toBeGreaterThan(0);
    for (const [name, resource] of literal) {
      const result = resourceFor(resource.type)!.inputs.safeParse(resource.properties);
      expect(result.error?.issues ?? [], name).toEqual([]);
    }
  });
});
