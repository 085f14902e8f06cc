import type { z } from "zod";
import { formatPath } from "./paths.ts";
import { applySecrets, mapObject, revealSecrets, Unknown, type Path } from "./values.ts";

// Check: validate inputs with the resource's zod schema, apply defaults, keep secrets and unknowns.

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface CheckResult {
  inputs: Record<string, unknown>;
  failures: CheckFailure[];
}

/** Paths at which a value is unknown. */
function unknownPaths(v: unknown, path: Path = [], found: Path[] = []): Path[] {
  if (v === Unknown) found.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => unknownPaths(x, [...path, i], found));
  else if (v !== null && typeof v === "object") for (const k of Object.keys(v)) unknownPaths((v as Record<string, unknown>)[k], [...path, k], found);
  return found;
}

/** Replaces unknowns by undefined so the schema can check everything else. */
function withoutUnknowns(v: unknown): unknown {
  if (v === Unknown) return undefined;
  if (Array.isArray(v)) return v.map(withoutUnknowns);
  if (v !== null && typeof v === "object") return mapObject(v, withoutUnknowns);
  return v;
}

const startsWith = (path: readonly PropertyKey[], prefix: Path) =>
  prefix.length <= path.length && prefix.every((part, i) => String(part) === String(path[i]));

/** Checks decoded inputs against a schema. Unknown values pass; failures name the path and the rule. */
export function checkInputs(schema: z.ZodType, news: Record<string, unknown>): CheckResult {
  const { plain, secrets } = revealSecrets(news);
  const unknowns = unknownPaths(plain);
  const parsed = schema.safeParse(withoutUnknowns(plain));
  if (parsed.success && unknowns.length === 0) {
    return { inputs: applySecrets(parsed.data as Record<string, unknown>, secrets), failures: [] };
  }
  const failures = parsed.success
    ? []
    : parsed.error.issues
        .filter((issue) => !unknowns.some((u) => startsWith(issue.path, u) || startsWith(u, issue.path as Path)))
        .flatMap((issue) => {
          // An input the resource does not have is named itself, so the engine shows the failure at it.
          if (issue.code === "unrecognized_keys") {
            return issue.keys.map((key) => {
              const property = formatPath([...(issue.path as Path), key]);
              return { property, reason: `${property}: is not an input of this resource (check its spelling)` };
            });
          }
          return [{
            property: formatPath(issue.path as Path) || "(inputs)",
            reason: `${formatPath(issue.path as Path) || "inputs"}: ${issue.message}`,
          }];
        });
  if (unknowns.length === 0 || failures.length > 0) return { inputs: news, failures };
  // Some values are not known yet (preview): keep them, and add the defaults of absent keys.
  const defaults = defaultsOf(schema);
  const merged = { ...defaults, ...news };
  return { inputs: merged, failures: [] };
}

/** The default of each top-level field of an object schema. */
function defaultsOf(schema: z.ZodType): Record<string, unknown> {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const r = field.safeParse(undefined);
    if (r.success && r.data !== undefined) out[key] = r.data;
  }
  return out;
}

