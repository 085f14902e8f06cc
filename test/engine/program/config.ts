// Stack config as `pulumi config set` keeps it and as the engine hands it on: to the program (the
// language host's PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS) and to a default provider (its
// package's keys, namespace removed, every value a string, secure ones secret).
import type { ConfigValue } from "../stack-types.ts";
import { isSecret, secret, unwrapSecrets, type Value, type ValueMap } from "../value-model.ts";

/** Stack config by full key ("freebsd:host", "proj:tenants"): strings, secure ones wrapped as secrets. */
export type StackConfig = Record<string, ConfigValue>;

// Qualifies a key as `pulumi config set` does: without a namespace it belongs to the project.
export function configKey(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

// Parses `k=v` arguments (--config / --secret) into stack config entries.
export function parseConfigArgs(args: readonly string[], project: string, asSecret: boolean): StackConfig {
  const out: StackConfig = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new Error(`config must be given as key=value, not ${JSON.stringify(arg)}`);
    const value = arg.slice(eq + 1);
    out[configKey(arg.slice(0, eq), project)] = asSecret ? secret(value) : value;
  }
  return out;
}

// Qualifies the keys of a config record given by a caller.
export function qualifyConfig(config: StackConfig, project: string): StackConfig {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [configKey(k, project), v]));
}

// The program's environment: PULUMI_CONFIG ("ns:config:key" -> plain text, as the Node.js language host
// rewrites keys for older SDKs) and PULUMI_CONFIG_SECRET_KEYS (the secure keys, "ns:key").
export function programConfigEnv(config: StackConfig): Record<string, string> {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const i = key.indexOf(":");
    values[`${key.slice(0, i)}:config:${key.slice(i + 1)}`] = String(unwrapSecrets(value));
    if (isSecret(value)) secretKeys.push(key);
  }
  return { PULUMI_CONFIG: JSON.stringify(values), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys.sort()) };
}

// A package's config as its default provider receives it: keys without the namespace, strings, secure
// values secret (deploy.GetPackageConfig).
export function packageConfig(config: StackConfig, pkg: string): ValueMap {
  const out: ValueMap = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(`${pkg}:`)) out[key.slice(pkg.length + 1)] = value as Value;
  }
  return out;
}
