import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";

// The provider's attack surface as its published schema (schema.json) describes it: every string
// input of every resource, every map key, every element of a string list, and every string key of
// the provider's configuration. New inputs are fuzzed as soon as `make schema` publishes them.

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const schema = JSON.parse(readFileSync(resolve(root, "schema.json"), "utf8")) as PackageSchema;

interface TypeSpec {
  type?: string;
  $ref?: string;
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
  properties?: Record<string, TypeSpec>;
  secret?: boolean;
  enum?: { value: unknown }[];
}
interface PackageSchema {
  resources: Record<string, { inputProperties: Record<string, TypeSpec> }>;
  types: Record<string, TypeSpec>;
  config: { variables: Record<string, TypeSpec> };
}

/** One segment of a site's path: a field, `[]` an element of a list, `{}` the value under a map key, `{key}` a map key itself. */
export type Segment = string;

/** A place a string goes: a resource's (or the config's) input at `path`. */
export interface Site {
  token: string; // a resource type token, or "config"
  path: Segment[];
  kind: "value" | "key";
  secret: boolean;
  enumValues?: string[];
}

export const siteName = (s: Site) => `${s.token} ${s.path.join(".")}`;

function walk(t: TypeSpec | undefined, token: string, path: Segment[], out: Site[], secret: boolean): void {
  if (!t || path.length > 8) return;
  if (t.$ref) {
    if (!t.$ref.startsWith("#/types/")) {
      // pulumi.json#/Any (a jail's parameters, triggers): strings go there as well
      out.push({ token, path, kind: "value", secret });
      return;
    }
    const ty = schema.types[t.$ref.slice("#/types/".length)];
    if (!ty) return;
    if (ty.enum) {
      out.push({ token, path, kind: "value", secret, enumValues: ty.enum.map((e) => String(e.value)) });
      return;
    }
    for (const [k, v] of Object.entries(ty.properties ?? {})) walk(v, token, [...path, k], out, secret || !!v.secret);
    return;
  }
  if (t.type === "string") out.push({ token, path, kind: "value", secret: secret || !!t.secret });
  else if (t.type === "array") walk(t.items, token, [...path, "[]"], out, secret);
  else if (t.type === "object" && t.additionalProperties) {
    out.push({ token, path: [...path, "{key}"], kind: "key", secret });
    walk(t.additionalProperties, token, [...path, "{}"], out, secret);
  } else if (t.type === "object") {
    for (const [k, v] of Object.entries(t.properties ?? {})) walk(v, token, [...path, k], out, secret || !!v.secret);
  }
}

/** Every string site of every resource type, and of the provider config. */
export function sites(): Site[] {
  const out: Site[] = [];
  for (const [token, r] of Object.entries(schema.resources)) {
    for (const [k, v] of Object.entries(r.inputProperties)) walk(v, token, [k], out, !!v.secret);
  }
  for (const [k, v] of Object.entries(schema.config.variables)) walk(v, "config", [k], out, !!v.secret);
  return out;
}

/** The resource types the schema publishes. */
export const resourceTokens = () => Object.keys(schema.resources);

/** A valid set of inputs per resource type, which each case changes at one site. */
export const BASE: Record<string, Record<string, unknown>> = {
  "freebsd:zfs:Dataset": { name: "zroot/fz/ds" },
  "freebsd:zfs:Snapshot": { dataset: "zroot/fz/ds", name: "snap" },
  "freebsd:zfs:Rollback": { dataset: "zroot/fz/ds", snapshot: "snap" },
  "freebsd:jail:Jail": { name: "fz", path: "/zroot/fz/jail" },
  "freebsd:jail:Command": { jail: "fz", create: "true" },
  "freebsd:network:Bridge": { name: "fzbr0" },
  "freebsd:network:Epair": { name: "fzep0" },
  "freebsd:rctl:Limit": { subject: "jail:fz", resource: "memoryuse", action: "deny", amount: "1g" },
  "freebsd:jail:Release": { version: "14.3-RELEASE", dataset: "zroot/fz/rel", source: { mirror: "/usr/freebsd-dist" } },
  "freebsd:zfs:Replica": { source: { host: "127.0.0.1", hostKey: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, sourceDataset: "zroot/fz/src", dataset: "zroot/fz/dst" },
};

/** The map key a value site is put under (a key the map accepts, so the value is what is judged). */
const MAP_KEYS: Record<string, string> = {
  "freebsd:zfs:Dataset properties": "org.fuzz:note",
  "freebsd:zfs:Snapshot properties": "org.fuzz:note",
  "freebsd:jail:Command environment": "FUZZ",
  "freebsd:jail:Jail allow": "raw_sockets",
  "freebsd:jail:Jail parameters": "host.domainname",
};
/** The value a key site's key is given. */
const MAP_VALUES: Record<string, unknown> = {
  "freebsd:zfs:Dataset properties": "x",
  "freebsd:zfs:Snapshot properties": "x",
  "freebsd:jail:Command environment": "x",
  "freebsd:jail:Jail allow": true,
  "freebsd:jail:Jail parameters": "x",
};

/** The concrete path of a site for a string (a key site's path ends at the key). */
export function concretePath(site: Site, value: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (let i = 0; i < site.path.length; i++) {
    const seg = site.path[i]!;
    const mapName = `${site.token} ${site.path.slice(0, i).join(".")}`;
    if (seg === "[]") out.push(0);
    else if (seg === "{key}") out.push(value);
    else if (seg === "{}") out.push(MAP_KEYS[mapName] ?? "k");
    else out.push(seg);
  }
  return out;
}

/** Required fields of optional objects, filled in when a case puts a value inside one. */
const NESTED_BASE: Record<string, Record<string, unknown>> = {
  "freebsd:zfs:Replica source.proxy": { host: "127.0.0.2" },
  "freebsd:jail:Release source.pkgbase": { repository: "file:///var/db/pkgbase-repo" },
  "config proxy": { host: "127.0.0.2" },
};

/** pulumi-command's names, kept under this provider's own (core/config.ts says so). */
export const ALIASES: Record<string, string> = { privateKeyPassword: "privateKeyPassphrase", agentSocketPath: "agent", perDialTimeout: "connectTimeout" };

/** A shallow copy of a container (secrets and other wrappers are kept as they are, never cloned). */
const copy = (v: unknown): any => (Array.isArray(v) ? [...v] : v && typeof v === "object" ? { ...v } : v);

/** The inputs of one case: `base` with `value` at the site (containers on the way copied, the rest shared). */
export function place(base: Record<string, unknown>, site: Site, value: unknown): Record<string, unknown> {
  const inputs = copy(base);
  let at: any = inputs;
  for (let i = 0; i < site.path.length; i++) {
    const seg = site.path[i]!;
    const last = i === site.path.length - 1;
    const mapName = `${site.token} ${site.path.slice(0, i).join(".")}`;
    if (seg === "[]") {
      if (last) at.push(value);
      else at.push({ ...(NESTED_BASE[`${site.token} ${site.path.slice(0, i + 1).join(".")}`] ?? {}) }), (at = at[at.length - 1]);
    } else if (seg === "{key}") {
      at[value as string] = MAP_VALUES[mapName] ?? "x";
    } else if (last) {
      at[seg === "{}" ? (MAP_KEYS[mapName] ?? "k") : seg] = value;
    } else {
      const key = seg === "{}" ? (MAP_KEYS[mapName] ?? "k") : seg;
      const nested = NESTED_BASE[`${site.token} ${site.path.slice(0, i + 1).join(".")}`];
      at[key] = at[key] === undefined ? (site.path[i + 1] === "[]" ? [] : { ...(nested ?? {}) }) : copy(at[key]);
      // A release's source is one of a mirror or pkgbase.
      if (site.token === "freebsd:jail:Release" && key === "pkgbase") delete at["mirror"];
      at = at[key];
    }
  }
  return inputs;
}

/** Where an accepted value is kept: an alias's value under its canonical name. */
export function keptPath(site: Site, value: string): (string | number)[] {
  const path = concretePath(site, value);
  const last = path[path.length - 1];
  if (site.kind === "value" && typeof last === "string" && ALIASES[last]) path[path.length - 1] = ALIASES[last]!;
  return path;
}

/** The value at a concrete path, or undefined. */
export function at(v: unknown, path: readonly (string | number)[]): unknown {
  let cur: any = v;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[p];
  }
  return cur;
}

// Hostile strings: the syntax of every file and command the provider writes, and what breaks parsers.

/** A run's canary: a command that, if it ever ran on the host, leaves a file and a tool-log entry. */
export function canary(id: string) {
  const file = `/tmp/PWNED-${id}`;
  const snap = `zroot@PWNED${id}`;
  const cmd = `touch ${file}; zfs snapshot ${snap}`;
  return {
    file,
    snap,
    payloads: [
      `; ${cmd};`, `$(${cmd})`, `\`${cmd}\``, `| ${cmd}`, `&& ${cmd}`, `\n${cmd}\n`, `\r\n${cmd}\r\n`,
      `'; ${cmd}; '`, `"; ${cmd}; "`, `"$(${cmd})"`, `';${cmd};#`, `\\'; ${cmd} #`,
      // jail.conf: end the value, add a command parameter, or a block of its own
      `"; exec.created = "${cmd}"; x="`, `';\nexec.start += "${cmd}";\n`, `"; }\npwn { exec.prestart = "${cmd}"; persist; }\nx { y="`,
      `\${cmd}`, `$(${cmd})`,
      // rc.conf (sourced by sh): leave the quotes, or add a line
      `"\n${cmd}\nx="`, `'\n${cmd}\n'`, `\\"; ${cmd}; #`,
      // rctl.conf: a second rule on the line or the next
      `\njail:pwn:maxproc:deny=1\n`, `:deny=1\n${cmd}`,
    ],
  };
}

const FRAGMENTS = [
  ";", "|", "&", "&&", "||", "$", "$(", ")", "`", "'", '"', "\\", "\n", "\r", "\r\n", "\0", "\t", " ", "*", "?", "[", "]",
  "{", "}", "<", ">", "#", "~", "!", "=", "+=", ",", ":", "/", ".", "..", "../", "-", "--", "-o", "-f", "%", "@", "^",
  "${x}", "$x", "$HOME", "$$", "$?", ".include \"/etc/*\";", "/*", "*/", "//", "exec.start", "path", "persist;",
  "jail_enable=YES", "jail_list", "cloned_interfaces", "ifconfig_", "#!", "\\n", "%s%n",
  "é", "ß", "Ω", "中文", "🚀", "\u202e", "\u2028", "\u2029", "\ufeff", "\u0301", "\u00a0", "\u0085", "\u200b", "\x7f", "\x1b[31m", "\x01",
];
const VALID = [
  "zroot/fz/ds", "zroot", "fz", "snap", "web", "jail:fz", "memoryuse", "deny", "1g", "512m", "10.0.0.5/24", "lo0|10.0.0.5",
  "/zroot/fz/jail", "/usr/freebsd-dist", "14.3-RELEASE", "base", "org.fuzz:note", "on", "off", "lz4", "none", "fzbr0",
  "vtnet0", "0-3", "02:00:00:00:00:01", "fz.example.org", "/bin/sh /etc/rc", "127.0.0.1", "root", "SHA256:x",
];

/** Hostile strings for one run: near-valid values with payloads, fragments in any order, very long ones. */
export function hostile(payloads: string[]): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) },
    { weight: 2, arbitrary: fc.constantFrom(...VALID) },
    { weight: 3, arbitrary: fc.constantFrom(...payloads) },
    { weight: 2, arbitrary: fc.string({ maxLength: 8, unit: "grapheme" }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: "binary" }) },
  );
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...VALID), fc.array(piece, { minLength: 1, maxLength: 6 })).map(([v, p]) => v + p.join("")) },
    { weight: 5, arbitrary: fc.array(piece, { minLength: 1, maxLength: 8 }).map((p) => p.join("")) },
    { weight: 2, arbitrary: fc.constantFrom(...payloads) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...VALID, "a", "x"), fc.integer({ min: 256, max: 70_000 })).map(([v, n]) => v.repeat(Math.ceil(n / v.length)).slice(0, n)) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "\0", "\n", "-", "--help", "-rf", ".", "..", "/", "$", "'", '"') },
  );
}

/** Case counts from the environment: FREEBSD_FUZZ_CASES (Check level), FREEBSD_FUZZ_HOST_CASES (on the host). */
export function caseCounts(): { check: number; host: number; seed: number } {
  const num = (name: string, dflt: number) => {
    const raw = process.env[name];
    const n = raw === undefined || raw === "" ? dflt : Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
    return n;
  };
  return { check: num("FREEBSD_FUZZ_CASES", 2000), host: num("FREEBSD_FUZZ_HOST_CASES", 10), seed: num("FREEBSD_FUZZ_SEED", Date.now() % 2 ** 31) };
}
