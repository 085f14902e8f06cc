import { z } from "zod";
import {
  aliasConflicts, canonicalConnection, configEnvironment, connectionAliases, providerConfigSchema, providerConfigShape,
  proxyConfigShape, secretConfigPaths, type ProviderConfig,
} from "../core/config.ts";
import type { CheckFailure } from "./check.ts";
import { formatPath } from "./paths.ts";
import { applySecrets, containsUnknown, revealSecrets, Unknown } from "./values.ts";

// Provider configuration: stack config arrives as strings (pulumi-provider-protocol.md §2.4), so
// each value is decoded to its schema type; the reserved `version` key passes through untouched.
// pulumi-command's names are accepted and stored under this provider's own (core/config.ts), and the
// credentials, the bastion's included, are returned wrapped as secrets: the engine keeps what we mark.

type Bag = Record<string, unknown>;

const shape = providerConfigShape as Record<string, z.ZodType>;
const aliases = new Set<string>(Object.keys(connectionAliases));

/** A text JSON-decoded when `field` does not take it as it is (a number or a flag given as text). */
function decodeText(field: z.ZodType | undefined, value: unknown): unknown {
  if (!field || typeof value !== "string" || field.safeParse(value).success) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Decodes one config value: strings are JSON-decoded when the key's type is not a string, and so are
 * the bastion's fields (`pulumi config set --path freebsd:proxy.port 2222` stores the text "2222").
 */
function decodeValue(key: string, value: unknown): unknown {
  const decoded = decodeText(shape[key], value);
  if (key !== "proxy" || decoded === null || typeof decoded !== "object" || Array.isArray(decoded)) return decoded;
  const fields = proxyConfigShape as Record<string, z.ZodType>;
  return Object.fromEntries(Object.entries(decoded as Bag).map(([k, v]) => [k, decodeText(fields[k], v)]));
}

/** The settings with unknown values left out, for rules that need known values. */
function knownOnly(bag: Bag): Bag {
  return Object.fromEntries(Object.entries(bag).filter(([, v]) => v !== Unknown));
}

/** Decodes and validates stack config (CheckConfig): no defaults from the environment, nothing required yet. */
export function checkConfig(news: Bag): { inputs: Bag; failures: CheckFailure[] } {
  const inputs: Bag = {};
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
    if (parsed.success) {
      // The bastion's settings are kept as given (no defaults filled in), its aliases under their canonical names.
      inputs[key] = key === "proxy" && value !== null && typeof value === "object" ? canonicalConnection(value as Bag) : value;
    } else {
      const reasons = parsed.error.issues.map((i) => `freebsd:${formatPath([key, ...(i.path as (string | number)[])])}: ${i.message}`);
      failures.push({ property: key, reason: reasons.join("; ") });
    }
  }
  for (const c of aliasConflicts(knownOnly(inputs))) failures.push({ property: c.alias, reason: `freebsd:${c.alias}: ${c.message}` });
  return { inputs: applySecrets(canonicalConnection(inputs), secretConfigPaths.map((p) => [...p])), failures };
}

/** Turns Configure's args (secrets wrapped) plus FREEBSD_* environment defaults into a config. */
export function resolveConfig(
  args: Bag, env: NodeJS.ProcessEnv,
): { config: ProviderConfig } | { missing: string[] } | { failures: string[] } {
  const plain = revealSecrets(args).plain as Bag;
  const merged: Bag = {};
  for (const key of Object.keys(shape)) {
    let value = plain[key];
    const alias = Object.entries(connectionAliases).find(([, canonical]) => canonical === key)?.[0];
    const aliasSet = alias !== undefined && plain[alias] !== undefined && plain[alias] !== "";
    if ((value === undefined || value === "") && !aliases.has(key) && !aliasSet) {
      value = (configEnvironment[key] ?? []).map((name) => env[name]).find((v) => v !== undefined && v !== "");
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

/**
 * The old and new config as DiffConfig compares them: `version` left out, aliases under their canonical
 * names, and an `agent` that is no longer set (the host's or the bastion's) not counted as a change: an
 * unset agent is the environment's socket, read at each dial, and what an older SDK recorded from
 * SSH_AUTH_SOCK must not show as a change from every new shell. A set agent changed to another is a
 * change: without it, the engine would configure the provider with the old path (a Same step keeps the
 * old inputs).
 */
export function configForDiff(olds: Bag, news: Bag): { olds: Bag; news: Bag } {
  const prepare = (bag: Bag): Bag => {
    const out = canonicalConnection(Object.fromEntries(Object.entries(bag).filter(([k]) => k !== "version")));
    const proxy = out["proxy"];
    return proxy !== null && typeof proxy === "object" && !Array.isArray(proxy) ? { ...out, proxy: canonicalConnection(proxy as Bag) } : out;
  };
  const before = prepare(olds);
  const after = prepare(news);
  if (after["agent"] === undefined) delete before["agent"];
  const [oldProxy, newProxy] = [before["proxy"], after["proxy"]] as [Bag | undefined, Bag | undefined];
  if (isObject(oldProxy) && isObject(newProxy) && newProxy["agent"] === undefined && oldProxy["agent"] !== undefined) {
    const { agent: _, ...rest } = oldProxy;
    before["proxy"] = rest;
  }
  return { olds: before, news: after };
}

function isObject(v: unknown): v is Bag {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
