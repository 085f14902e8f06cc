import type { FieldRule } from "../resources/contract.ts";

// replaceOnChanges, derived from a resource's own diff rule: every input path whose change the rule
// carries out by replacement. The schema flag only reaches a generated SDK (as the replaceOnChanges
// resource option); the provider's Diff reports replacements itself, whatever the SDK sends.

type Json = Record<string, any>;

/**
 * The input paths whose change replaces the resource, walking the input JSON Schema: object
 * properties one by one, and below the first path that replaces nothing. A map's keys are not
 * known, so a map is marked only when the rule replaces for any key (asked with the key `*`); a
 * rule that replaces for some keys only (a dataset's creation-only ZFS properties) stays with the
 * provider's Diff. Arrays are compared whole, as the Diff compares them.
 */
export function replacePaths(inputs: Json, rule: ((path: readonly string[]) => FieldRule) | undefined): string[][] {
  if (!rule) return [];
  const found: string[][] = [];
  const walk = (node: Json, path: string[]) => {
    for (const [key, child] of Object.entries<Json>(node["properties"] ?? {})) {
      const here = [...path, key];
      if (rule(here) === "replace") found.push(here);
      else if (child["properties"] && Object.keys(child["properties"]).length > 0) walk(child, here);
      else if (child["type"] === "object" && typeof child["additionalProperties"] === "object" && rule([...here, "*"]) === "replace") found.push(here);
    }
  };
  walk(inputs, []);
  return found;
}
