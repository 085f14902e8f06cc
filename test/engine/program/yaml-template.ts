// The subset of Pulumi YAML the runner's stand-in for the YAML language host reads, parsed with every
// node's line so that what it refuses is named with where it is. What it follows, from Pulumi YAML's
// reference (pulumi/docs content/docs/languages-sdks/yaml/yaml-language-reference.md, and
// pulumi/pulumi-yaml docs/spec.md):
// - top-level `config` (`configuration` in beta), `variables`, `resources`, `outputs`; config, variables
//   and resources share one namespace;
// - config entries `{ type, default, secret }` (type String, Number, Integer, Boolean, List<String>,
//   List<Number>, or the project schema's string/integer/boolean/array), or a bare default value;
// - resources `{ type, properties, options }`; `get:` and `defaultProvider` are refused;
// - options: dependsOn and provider (`${resource}`), protect, ignoreChanges, customTimeouts
//   (create/update/delete), additionalSecretOutputs, deleteBeforeReplace, replaceOnChanges,
//   retainOnDelete, version; the rest (aliases, parent, providers, import, pluginDownloadURL...) refused;
// - expressions: strings interpolate `${...}` (`$${` is a literal `${`); a string that is one `${...}`
//   substitutes the value, keeping its type; property access `a.b`, `a[0]`, `a["k"]`, `["root"].b`;
//   an object with one `fn::` key is a built-in function, of which only `fn::invoke` (function,
//   arguments, options.provider/version, return) is modelled.
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";

/** A parsed YAML value with the line it starts on. */
export type Node =
  | { kind: "scalar"; value: unknown; line: number }
  | { kind: "list"; items: Node[]; line: number }
  | { kind: "map"; entries: { key: string; line: number; value: Node }[]; line: number };

/** A refusal or mistake in the program, with its line in the file. */
export class TemplateError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = "TemplateError";
  }
}

/** A reference inside `${...}`: a root name and a path of property names and indices. */
export interface Access {
  root: string;
  path: (string | number)[];
  text: string;
}

/** A string expression: literal text and references, in order. */
export type Part = string | Access;

export interface ConfigEntry {
  name: string;
  line: number;
  type: "string" | "number" | "integer" | "boolean" | "list<string>" | "list<number>";
  default?: unknown;
  secret: boolean;
}

export interface ResourceOptionsTemplate {
  dependsOn?: Node;
  provider?: Node;
  protect?: boolean;
  ignoreChanges?: string[];
  customTimeouts?: { create?: string; update?: string; delete?: string };
  additionalSecretOutputs?: string[];
  deleteBeforeReplace?: boolean;
  replaceOnChanges?: string[];
  retainOnDelete?: boolean;
  version?: string;
}

export interface ResourceTemplate {
  name: string;
  line: number;
  type: string;
  properties: Node | undefined;
  options: ResourceOptionsTemplate;
  /** The lines of the `options:` entries that reference resources. */
  optionLines: Record<string, number>;
}

export interface Template {
  file: string;
  config: ConfigEntry[];
  variables: { name: string; line: number; value: Node }[];
  resources: ResourceTemplate[];
  outputs: { name: string; line: number; value: Node }[];
}

// Project keys the CLI reads (sdk/go/common/workspace/project.go); they mean nothing to the program.
const PROJECT_KEYS = new Set(["name", "runtime", "description", "main", "stackConfigDir", "backend", "options", "template", "plugins", "author", "license", "website"]);
const CONFIG_TYPES: Record<string, ConfigEntry["type"]> = {
  string: "string", number: "number", integer: "integer", int: "integer", boolean: "boolean", bool: "boolean",
  "list<string>": "list<string>", "list<number>": "list<number>", "list<integer>": "list<number>",
};
const OPTIONS = new Set(["dependsOn", "provider", "protect", "ignoreChanges", "customTimeouts", "additionalSecretOutputs", "deleteBeforeReplace",
  "replaceOnChanges", "retainOnDelete", "version"]);

// Reads and checks FILE (a project's Pulumi.yaml).
export function readTemplate(file: string, label = "Pulumi.yaml"): Template {
  return parseTemplate(readFileSync(file, "utf8"), label);
}

// Parses the text of a Pulumi YAML program.
export function parseTemplate(text: string, file = "Pulumi.yaml"): Template {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new TemplateError(file, e.linePos?.[0]?.line ?? 1, e.message.split("\n")[0]!);
  }
  const fail = (line: number, message: string): never => {
    throw new TemplateError(file, line, message);
  };
  const convert = (n: unknown): Node => {
    const line = lines.linePos((n as YamlNode | null)?.range?.[0] ?? 0).line;
    if (isMap(n)) {
      return { kind: "map", line, entries: n.items.map((p) => {
        const key = isScalar(p.key) ? p.key.value : undefined;
        const keyLine = lines.linePos((p.key as YamlNode | null)?.range?.[0] ?? 0).line;
        if (typeof key !== "string") fail(keyLine, "a map's keys must be strings");
        return { key: key as string, line: keyLine, value: p.value === null ? { kind: "scalar", value: null, line: keyLine } : convert(p.value) };
      }) };
    }
    if (isSeq(n)) return { kind: "list", line, items: n.items.map(convert) };
    if (isScalar(n)) {
      if (n.tag && !n.tag.startsWith("tag:yaml.org,2002:")) fail(line, `the YAML tag ${n.tag} is not modelled by the runner's YAML stand-in`);
      return { kind: "scalar", line, value: n.value };
    }
    if (n === null || n === undefined) return { kind: "scalar", line, value: null };
    return fail(line, "YAML aliases and anchors are not modelled by the runner's YAML stand-in");
  };
  const top = convert(doc.contents);
  if (top.kind !== "map") return fail(top.line, "a Pulumi YAML program is a map");

  const t: Template = { file, config: [], variables: [], resources: [], outputs: [] };
  for (const { key, line, value } of top.entries) {
    if (key === "config" || key === "configuration") t.config.push(...configEntries(value, fail));
    else if (key === "variables") t.variables = entriesOf(value, key, fail).map((e) => ({ name: e.key, line: e.line, value: e.value }));
    else if (key === "outputs") t.outputs = entriesOf(value, key, fail).map((e) => ({ name: e.key, line: e.line, value: e.value }));
    else if (key === "resources") t.resources = entriesOf(value, key, fail).map((e) => resourceOf(e.key, e.line, e.value, fail));
    else if (key === "components" || key === "packages" || key === "pulumi") fail(line, `\`${key}:\` is not modelled by the runner's YAML stand-in`);
    else if (!PROJECT_KEYS.has(key)) fail(line, `\`${key}:\` is not a section of a Pulumi YAML program`);
  }
  const names = new Map<string, number>();
  for (const e of [...t.config, ...t.variables, ...t.resources]) {
    if (names.has(e.name)) fail(e.line, `'${e.name}' is declared twice (config, variables and resources share one namespace; first on line ${names.get(e.name)})`);
    names.set(e.name, e.line);
  }
  if (names.has("pulumi")) fail(names.get("pulumi")!, "'pulumi' is a built-in name");
  return t;
}

type Fail = (line: number, message: string) => never;

function entriesOf(n: Node, what: string, fail: Fail): { key: string; line: number; value: Node }[] {
  if (n.kind === "scalar" && n.value === null) return [];
  if (n.kind !== "map") return fail(n.line, `\`${what}:\` must be a map`);
  return n.entries;
}

function configEntries(n: Node, fail: Fail): ConfigEntry[] {
  return entriesOf(n, "config", fail).map(({ key, line, value }) => {
    if (key.includes(":")) fail(line, `config '${key}': other packages' config in Pulumi.yaml is not modelled by the runner's YAML stand-in (set it in the stack)`);
    if (value.kind !== "map") return { name: key, line, type: typeOfDefault(plain(value, fail), line, fail), default: plain(value, fail), secret: false };
    const spec: Record<string, unknown> = {};
    for (const e of value.entries) {
      if (!["type", "default", "secret", "description", "items", "value"].includes(e.key)) fail(e.line, `config '${key}': \`${e.key}\` is not modelled by the runner's YAML stand-in`);
      spec[e.key] = e.key === "items" ? plain(e.value, fail) : plain(e.value, fail);
    }
    if (spec["value"] !== undefined) fail(value.line, `config '${key}': \`value\` (project-level config values) is not modelled by the runner's YAML stand-in`);
    let type: ConfigEntry["type"];
    if (spec["type"] === undefined) {
      if (spec["default"] === undefined) return fail(value.line, `config '${key}': either \`type\` or \`default\` is required`);
      type = typeOfDefault(spec["default"], value.line, fail);
    } else if (String(spec["type"]).toLowerCase() === "array") {
      const items = String((spec["items"] as Record<string, unknown> | undefined)?.["type"] ?? "").toLowerCase();
      type = items === "string" ? "list<string>" : items === "integer" || items === "number" ? "list<number>" : fail(value.line, `config '${key}': an array's items must be strings or numbers`);
    } else {
      type = CONFIG_TYPES[String(spec["type"]).toLowerCase()] ?? fail(value.line, `config '${key}': type ${JSON.stringify(spec["type"])} is not one of String, Number, Integer, Boolean, List<String>, List<Number>`);
    }
    if (spec["secret"] !== undefined && typeof spec["secret"] !== "boolean") fail(value.line, `config '${key}': \`secret\` must be true or false`);
    return { name: key, line, type, ...(spec["default"] !== undefined ? { default: spec["default"] } : {}), secret: spec["secret"] === true };
  });
}

function typeOfDefault(v: unknown, line: number, fail: Fail): ConfigEntry["type"] {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return "list<string>";
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return "list<number>";
  return fail(line, "a config default must be a string, number, boolean or list of strings or numbers");
}

// A node with no expressions in it, as plain data.
export function plain(n: Node, fail: Fail): unknown {
  if (n.kind === "scalar") return n.value;
  if (n.kind === "list") return n.items.map((i) => plain(i, fail));
  return Object.fromEntries(n.entries.map((e) => [e.key, plain(e.value, fail)]));
}

function resourceOf(name: string, line: number, n: Node, fail: Fail): ResourceTemplate {
  if (n.kind !== "map") return fail(line, `resource '${name}' must be a map with a \`type\``);
  const r: ResourceTemplate = { name, line, type: "", properties: undefined, options: {}, optionLines: {} };
  for (const e of n.entries) {
    if (e.key === "type") r.type = typeof plain(e.value, fail) === "string" ? String(plain(e.value, fail)) : fail(e.line, `resource '${name}': \`type\` must be a type token`);
    else if (e.key === "properties") r.properties = e.value;
    else if (e.key === "options") r.options = optionsOf(name, e.value, r.optionLines, fail);
    else if (e.key === "get") fail(e.line, `resource '${name}': \`get:\` (reading an existing resource) is not modelled by the runner's YAML stand-in`);
    else if (e.key === "defaultProvider") fail(e.line, `resource '${name}': \`defaultProvider\` is not modelled by the runner's YAML stand-in`);
    else fail(e.line, `resource '${name}': \`${e.key}\` is not modelled by the runner's YAML stand-in (a resource has type, properties and options)`);
  }
  if (r.type === "") fail(line, `resource '${name}' has no \`type\``);
  if (r.type === "pulumi:pulumi:StackReference") fail(line, `resource '${name}': StackReference is not modelled by the program runner`);
  if (r.properties !== undefined && r.properties.kind !== "map" && !(r.properties.kind === "scalar" && r.properties.value === null)) {
    fail(r.properties.line, `resource '${name}': \`properties\` must be a map`);
  }
  return r;
}

function optionsOf(name: string, n: Node, lines: Record<string, number>, fail: Fail): ResourceOptionsTemplate {
  if (n.kind !== "map") return fail(n.line, `resource '${name}': \`options\` must be a map`);
  const o: ResourceOptionsTemplate = {};
  const strings = (v: Node, key: string): string[] => {
    const p = plain(v, fail);
    return Array.isArray(p) && p.every((x) => typeof x === "string") ? p : fail(v.line, `resource '${name}': options.${key} must be a list of strings`);
  };
  const bool = (v: Node, key: string): boolean => {
    const p = plain(v, fail);
    return typeof p === "boolean" ? p : fail(v.line, `resource '${name}': options.${key} must be true or false`);
  };
  for (const e of n.entries) {
    if (!OPTIONS.has(e.key)) fail(e.line, `resource '${name}': the option \`${e.key}\` is not modelled by the runner's YAML stand-in`);
    lines[e.key] = e.line;
    switch (e.key) {
      case "dependsOn": o.dependsOn = e.value; break;
      case "provider": o.provider = e.value; break;
      case "protect": o.protect = bool(e.value, e.key); break;
      case "deleteBeforeReplace": o.deleteBeforeReplace = bool(e.value, e.key); break;
      case "retainOnDelete": o.retainOnDelete = bool(e.value, e.key); break;
      case "ignoreChanges": o.ignoreChanges = strings(e.value, e.key); break;
      case "replaceOnChanges": o.replaceOnChanges = strings(e.value, e.key); break;
      case "additionalSecretOutputs": o.additionalSecretOutputs = strings(e.value, e.key); break;
      case "version": {
        const v = plain(e.value, fail);
        o.version = typeof v === "string" ? v : fail(e.line, `resource '${name}': options.version must be a string`);
        break;
      }
      case "customTimeouts": {
        const v = plain(e.value, fail) as Record<string, unknown> | null;
        if (typeof v !== "object" || v === null || Array.isArray(v)) fail(e.line, `resource '${name}': options.customTimeouts must be a map`);
        for (const [k, d] of Object.entries(v!)) {
          if (!["create", "update", "delete"].includes(k) || typeof d !== "string") fail(e.line, `resource '${name}': options.customTimeouts takes create, update and delete as durations ("5m")`);
        }
        o.customTimeouts = v as ResourceOptionsTemplate["customTimeouts"];
        break;
      }
    }
  }
  return o;
}

// Splits a string into literal text and `${...}` references (`$${` is a literal `${`).
export function parseInterpolation(s: string, line: number, fail: Fail): Part[] {
  const parts: Part[] = [];
  let text = "";
  let i = 0;
  while (i < s.length) {
    if (s.startsWith("$${", i)) {
      text += "${";
      i += 3;
    } else if (s.startsWith("${", i)) {
      const end = closing(s, i + 2);
      if (end === -1) fail(line, `unterminated \${ in ${JSON.stringify(s)}`);
      if (text) parts.push(text);
      text = "";
      parts.push(parseAccess(s.slice(i + 2, end), line, fail));
      i = end + 1;
    } else {
      text += s[i];
      i++;
    }
  }
  if (text) parts.push(text);
  return parts;
}

// The index of the `}` closing an interpolation (quoted keys may hold one).
function closing(s: string, from: number): number {
  let quoted = false;
  for (let i = from; i < s.length; i++) {
    if (quoted && s[i] === "\\") i++;
    else if (s[i] === '"') quoted = !quoted;
    else if (!quoted && s[i] === "}") return i;
  }
  return -1;
}

// Parses `root.a[0]["k"]` (Pulumi YAML's property access; the root may be `["quoted"]`).
export function parseAccess(text: string, line: number, fail: Fail): Access {
  let i = 0;
  const path: (string | number)[] = [];
  const bad = (): never => fail(line, `\${${text}}: not a property access Pulumi YAML's stand-in can read (name, .property, [index], ["key"])`);
  const quoted = (): string => {
    let out = "";
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      out += text[i];
      i++;
    }
    if (text[i] !== '"') bad();
    i++;
    return out;
  };
  const bracket = (): string | number => {
    i++; // [
    let v: string | number;
    if (text[i] === '"') v = quoted();
    else {
      const m = /^[0-9]+/.exec(text.slice(i));
      if (!m) return bad();
      v = Number(m[0]);
      i += m[0].length;
    }
    if (text[i] !== "]") bad();
    i++;
    return v;
  };
  let root: string;
  if (text[0] === "[") {
    const r = bracket();
    root = typeof r === "string" ? r : bad();
  } else {
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text);
    if (!m) return bad();
    root = m[0];
    i = m[0].length;
  }
  while (i < text.length) {
    if (text[i] === ".") {
      const m = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(text.slice(i + 1));
      if (!m) return bad();
      path.push(m[0]);
      i += 1 + m[0].length;
    } else if (text[i] === "[") path.push(bracket());
    else bad();
  }
  return { root, path, text };
}
