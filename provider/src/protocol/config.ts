import { z } from "zod";
import { configEnvironment, providerConfigSchema, type ProviderConfig } from "../core/config.ts";
import type { CheckFailure } from "./check.ts";
import { formatPath } from "./paths.ts";
import { containsUnknown, revealSecrets } from "./values.ts";

// Provider configuration: stack config arrives as strings (pulumi-provider-protocol.md §2.4), so
// each value is decoded to its schema type; the reserved `version` key passes through untouched.

const shape = providerConfigSchema.shape as Record<string, z.ZodType>;

/** Decodes one config value: strings are JSON-decoded when the key's type is not a string. */
function decodeValue(key: string, value: unknown): unknown {
  const field = shape[key];
  if (!field || typeof value !== "string" || field.safeParse(value).success) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Decodes and validates stack config (CheckConfig): no defaults from the environment, nothing required yet. */
export function checkConfig(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const inputs: Record<string, unknown> = {};
  const failures: CheckFailure[] = [];
  for (const [key, raw] of Object.entries(news)) {
    if (key === "version" || key.startsWith("__")) {
      inputs[key] = raw;
      continue;
    }
    if (!(key in shape)) {
      failures.push({ property: key, reason: `unknown configuration key freebsd:${key}; known keys: ${Object.keys(shape).join(", ")}` });
      continue;
    }
    if (containsUnknown(raw)) {
      inputs[key] = raw;
      continue;
    }
    const value = decodeValue(key, raw);
    const parsed = shape[key]!.safeParse(value);
    if (parsed.success) inputs[key] = value;
    else failures.push({ property: key, reason: `freebsd:${key}: ${parsed.error.issues.map((i) => i.message).join("; ")}` });
  }
  return { inputs, failures };
}

/** Turns Configure's args (secrets wrapped) plus FREEBSD_* environment defaults into a config. */
export function resolveConfig(
  args: Record<string, unknown>, env: NodeJS.ProcessEnv,
): { config: ProviderConfig } | { missing: string[] } | { failures: string[] } {
  const plain = revealSecrets(args).plain as Record<string, unknown>;
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    let value = plain[key];
    if (value === undefined || value === "") {
      const fromEnv = (configEnvironment[key] ?? []).map((name) => env[name]).find((v) => v !== undefined && v !== "");
      value = fromEnv;
    }
    if (value !== undefined) merged[key] = decodeValue(key, value);
  }
  if (merged["host"] === undefined) return { missing: ["host"] };
  const parsed = providerConfigSchema.safeParse(merged);
  if (!parsed.success) {
    return { failures: parsed.error.issues.map((i) => `freebsd:${formatPath(i.path as string[])}: ${i.message}`) };
  }
  return { config: parsed.data };
}
