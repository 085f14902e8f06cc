// The runner's stand-in for Pulumi YAML's language host (pulumi-language-yaml): a generic Node.js
// program that the SDK's run module loads as the entry point of a `runtime: yaml` project, as it loads
// a TypeScript program. It reads the project's Pulumi.yaml (yaml-template.ts: the subset it models,
// refusing the rest with the line), and with the real @pulumi/pulumi registers one
// `pulumi.CustomResource` (or `pulumi.ProviderResource` for `pulumi:providers:PKG`) per resource, in
// dependency order, its inputs Outputs where they interpolate other resources; `fn::invoke` is
// `pulumi.runtime.invokeOutput`; the returned object is the stack's outputs. So the engine and the
// provider see the registrations a YAML stack makes.
//
// Where it differs from Pulumi YAML: it has no package schema, so it does not check types, property
// names or required inputs before registering (the provider's Check does), and a resource's outputs
// are those the program reads (`${name.property}`); a whole resource (`${name}`) is only taken by
// dependsOn and provider; values interpolated into strings are rendered as text (JSON for lists and maps).
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as PulumiModule from "@pulumi/pulumi";
import { parseInterpolation, plain, readTemplate, TemplateError, type Access, type Node, type ResourceTemplate, type Template } from "./yaml-template.ts";

// The @pulumi/pulumi the run module was loaded from (the program's own, as the language host resolves it).
const requireSdk = createRequire(join(process.cwd(), "package.json"));
const pulumi = requireSdk("@pulumi/pulumi") as typeof PulumiModule;
const { isConfigSecret } = requireSdk("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };
type Value = unknown;

// A resource of any type, as Pulumi YAML registers one (the SDK's classes are abstract only to TypeScript).
class YamlResource extends pulumi.CustomResource {}
class YamlProvider extends pulumi.ProviderResource {}

class Program {
  private readonly t: Template;
  private readonly values = new Map<string, Value>();
  private readonly evaluating: string[] = [];
  /** Per resource, the outputs the program reads (registered as outputs so the SDK resolves them). */
  private readonly readProps = new Map<string, Set<string>>();

  constructor(t: Template) {
    this.t = t;
    this.check();
  }

  run(): Record<string, Value> {
    for (const r of this.t.resources) this.get(r.name, r.line);
    for (const v of this.t.variables) this.get(v.name, v.line);
    return Object.fromEntries(this.t.outputs.map((o) => [o.name, this.eval(o.value)]));
  }

  private fail(line: number, message: string): never {
    throw new TemplateError(this.t.file, line, message);
  }

  // The value of a config entry, variable or resource, evaluated once (resources register on first use).
  private get(name: string, line: number): Value {
    if (this.values.has(name)) return this.values.get(name);
    if (this.evaluating.includes(name)) this.fail(line, `a cycle: ${[...this.evaluating.slice(this.evaluating.indexOf(name)), name].join(" -> ")}`);
    this.evaluating.push(name);
    try {
      let v: Value;
      const c = this.t.config.find((x) => x.name === name);
      const variable = this.t.variables.find((x) => x.name === name);
      const r = this.t.resources.find((x) => x.name === name);
      if (c) v = this.config(c);
      else if (variable) v = this.eval(variable.value);
      else if (r) v = this.register(r);
      else return this.fail(line, `'${name}' is not a config value, variable or resource of the program`);
      this.values.set(name, v);
      return v;
    } finally {
      this.evaluating.pop();
    }
  }

  private config(c: Template["config"][number]): Value {
    const key = `${pulumi.getProject()}:${c.name}`;
    const raw = new pulumi.Config().get(c.name);
    let v: Value;
    if (raw === undefined) {
      if (c.default === undefined) this.fail(c.line, `Missing required configuration variable '${key}' (pulumi config set ${c.name} <value>)`);
      v = c.default;
    } else {
      v = this.typed(raw, c, key);
    }
    return c.secret || isConfigSecret(key) ? pulumi.secret(v) : v;
  }

  private typed(raw: string, c: Template["config"][number], key: string): Value {
    const bad = (): never => this.fail(c.line, `config '${key}' must be ${c.type === "integer" ? "an integer" : `a ${c.type}`}`);
    switch (c.type) {
      case "string": return raw;
      case "number": return Number.isFinite(Number(raw)) && raw.trim() !== "" ? Number(raw) : bad();
      case "integer": return /^-?[0-9]+$/.test(raw.trim()) ? Number(raw) : bad();
      case "boolean": return raw === "true" ? true : raw === "false" ? false : bad();
      default: {
        let list: unknown;
        try {
          list = JSON.parse(raw);
        } catch {
          return bad();
        }
        const item = c.type === "list<string>" ? "string" : "number";
        return Array.isArray(list) && list.every((x) => typeof x === item) ? list : bad();
      }
    }
  }

  private register(r: ResourceTemplate): Value {
    const props = (r.properties ? this.eval(r.properties) : {}) as Record<string, Value> | null;
    const inputs: Record<string, Value> = { ...(props ?? {}) };
    for (const p of this.readProps.get(r.name) ?? []) if (!(p in inputs)) inputs[p] = undefined;
    const o = r.options;
    const opts: PulumiModule.CustomResourceOptions = {
      ...(o.dependsOn ? { dependsOn: this.resourceList(o.dependsOn, "dependsOn") } : {}),
      ...(o.provider ? { provider: this.resourceRef(o.provider, "provider") as PulumiModule.ProviderResource } : {}),
      ...(o.protect !== undefined ? { protect: o.protect } : {}),
      ...(o.ignoreChanges ? { ignoreChanges: o.ignoreChanges } : {}),
      ...(o.customTimeouts ? { customTimeouts: o.customTimeouts } : {}),
      ...(o.additionalSecretOutputs ? { additionalSecretOutputs: o.additionalSecretOutputs } : {}),
      ...(o.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: o.deleteBeforeReplace } : {}),
      ...(o.replaceOnChanges ? { replaceOnChanges: o.replaceOnChanges } : {}),
      ...(o.retainOnDelete !== undefined ? { retainOnDelete: o.retainOnDelete } : {}),
      ...(o.version ? { version: o.version } : {}),
    };
    const provider = /^pulumi:providers:(.+)$/.exec(r.type);
    if (provider) {
      if (opts.provider) this.fail(r.optionLines["provider"]!, `resource '${r.name}': a provider takes no provider option`);
      return new YamlProvider(provider[1]!, r.name, inputs, opts);
    }
    if (r.type.split(":").length !== 3) this.fail(r.line, `resource '${r.name}': ${JSON.stringify(r.type)} is not a type token (package:module:Type)`);
    return new YamlResource(r.type, r.name, inputs, opts);
  }

  private resourceRef(n: Node, what: string): PulumiModule.Resource {
    const v = n.kind === "scalar" && typeof n.value === "string" ? this.evalString(n.value, n.line) : undefined;
    return pulumi.Resource.isInstance(v) ? v : this.fail(n.line, `options.${what} takes a resource as \${name}`);
  }

  private resourceList(n: Node, what: string): PulumiModule.Resource[] {
    return n.kind === "list" ? n.items.map((i) => this.resourceRef(i, what)) : [this.resourceRef(n, what)];
  }

  // An expression: strings interpolate, an object with an `fn::` key calls a built-in, the rest is data.
  private eval(n: Node): Value {
    if (n.kind === "scalar") return typeof n.value === "string" ? this.noResource(this.evalString(n.value, n.line), n.line) : n.value;
    if (n.kind === "list") return n.items.map((i) => this.eval(i));
    const fn = n.entries.find((e) => e.key.toLowerCase().startsWith("fn::"));
    if (fn) {
      if (n.entries.length !== 1) this.fail(n.line, `a built-in function (${fn.key}) must be the only key of its map`);
      if (fn.key.toLowerCase() !== "fn::invoke") this.fail(fn.line, `${fn.key} is not modelled by the runner's YAML stand-in (only fn::invoke is)`);
      return this.invoke(fn.value, fn.line);
    }
    return Object.fromEntries(n.entries.map((e) => [e.key, this.eval(e.value)]));
  }

  private noResource(v: Value, line: number): Value {
    if (pulumi.Resource.isInstance(v)) this.fail(line, "a whole resource as a value (rather than one of its properties) is not modelled by the runner's YAML stand-in");
    return v;
  }

  private invoke(n: Node, line: number): Value {
    if (n.kind !== "map") return this.fail(line, "fn::invoke takes a map: function, arguments, options, return");
    let token = "";
    let args: Value = {};
    let ret: string | undefined;
    const opts: PulumiModule.InvokeOutputOptions = {};
    for (const e of n.entries) {
      if (e.key === "function") token = typeof plain(e.value, this.fail.bind(this)) === "string" ? String(plain(e.value, this.fail.bind(this))) : this.fail(e.line, "fn::invoke: `function` must be a function token");
      else if (e.key === "arguments") args = this.eval(e.value);
      else if (e.key === "return") ret = typeof plain(e.value, this.fail.bind(this)) === "string" ? String(plain(e.value, this.fail.bind(this))) : this.fail(e.line, "fn::invoke: `return` must be a property name");
      else if (e.key === "options") {
        if (e.value.kind !== "map") this.fail(e.line, "fn::invoke: `options` must be a map");
        for (const o of e.value.kind === "map" ? e.value.entries : []) {
          if (o.key === "provider") opts.provider = this.resourceRef(o.value, "provider") as PulumiModule.ProviderResource;
          else if (o.key === "version") opts.version = String(plain(o.value, this.fail.bind(this)));
          else this.fail(o.line, `fn::invoke: the option \`${o.key}\` is not modelled by the runner's YAML stand-in`);
        }
      } else this.fail(e.line, `fn::invoke: \`${e.key}\` is not one of function, arguments, options, return`);
    }
    if (token === "") this.fail(line, "fn::invoke needs a `function`");
    const result = pulumi.runtime.invokeOutput(token, (args ?? {}) as PulumiModule.Inputs, opts);
    return ret === undefined ? result : result.apply((r) => (r as Record<string, unknown> | undefined)?.[ret]);
  }

  // A string: one `${...}` substitutes its value (its type kept); otherwise the parts concatenate.
  private evalString(s: string, line: number): Value {
    const parts = parseInterpolation(s, line, this.fail.bind(this));
    if (parts.length === 1 && typeof parts[0] !== "string") return this.access(parts[0]!, line);
    if (parts.every((p) => typeof p === "string")) return parts.join("");
    const values = parts.map((p) => (typeof p === "string" ? p : this.noResource(this.access(p, line), line)));
    if (!values.some((v) => pulumi.Output.isInstance(v))) return values.map(text).join("");
    return pulumi.all(values as PulumiModule.Input<unknown>[]).apply((vs) => vs.map(text).join(""));
  }

  private access(a: Access, line: number): Value {
    let v: Value;
    let path = a.path;
    if (a.root === "pulumi") {
      const key = path[0];
      const builtins: Record<string, () => string> = {
        stack: () => pulumi.getStack(), project: () => pulumi.getProject(), organization: () => pulumi.getOrganization(),
        cwd: () => process.cwd(), rootDirectory: () => pulumi.runtime.getRootDirectory(),
      };
      if (typeof key !== "string" || !builtins[key] || path.length > 1) this.fail(line, `\${${a.text}}: pulumi has stack, project, organization, cwd and rootDirectory`);
      return builtins[key as string]!();
    }
    v = this.get(a.root, line);
    if (pulumi.Resource.isInstance(v) && path.length > 0) {
      const res = v as unknown as Record<string, Value>;
      v = res[String(path[0])];
      path = path.slice(1);
    }
    for (const k of path) v = pulumi.Output.isInstance(v) ? v.apply((x: unknown) => step(x, k)) : step(v, k);
    return v;
  }

  // Checks the whole template before anything registers, as Pulumi YAML does: every reference names a
  // config value, variable or resource (or a pulumi built-in), every built-in function is fn::invoke,
  // and no names refer to each other in a cycle. Records, per resource, the top-level properties the
  // program reads, so they are registered as outputs.
  private check(): void {
    const known = new Set([...this.t.config, ...this.t.variables, ...this.t.resources].map((x) => x.name));
    const resources = new Set(this.t.resources.map((r) => r.name));
    const deps = new Map<string, { name: string; line: number }[]>();
    const walk = (n: Node | undefined, owner: string): void => {
      if (n === undefined) return;
      if (n.kind === "list") n.items.forEach((i) => walk(i, owner));
      else if (n.kind === "map") {
        const fn = n.entries.find((e) => e.key.toLowerCase().startsWith("fn::"));
        if (fn && n.entries.length !== 1) this.fail(n.line, `a built-in function (${fn.key}) must be the only key of its map`);
        if (fn && fn.key.toLowerCase() !== "fn::invoke") this.fail(fn.line, `${fn.key} is not modelled by the runner's YAML stand-in (only fn::invoke is)`);
        n.entries.forEach((e) => walk(e.value, owner));
      } else if (typeof n.value === "string") {
        for (const p of parseInterpolation(n.value, n.line, this.fail.bind(this))) {
          if (typeof p === "string") continue;
          if (p.root === "pulumi") {
            if (p.path.length !== 1 || !PULUMI_BUILTINS.includes(String(p.path[0]))) this.fail(n.line, `\${${p.text}}: pulumi has ${PULUMI_BUILTINS.join(", ")}`);
            continue;
          }
          if (!known.has(p.root)) this.fail(n.line, `\${${p.text}}: '${p.root}' is not a config value, variable or resource of the program`);
          if (!deps.has(owner)) deps.set(owner, []);
          deps.get(owner)!.push({ name: p.root, line: n.line });
          if (!resources.has(p.root) || typeof p.path[0] !== "string" || ["id", "urn"].includes(p.path[0])) continue;
          if (!this.readProps.has(p.root)) this.readProps.set(p.root, new Set());
          this.readProps.get(p.root)!.add(p.path[0]);
        }
      }
    };
    for (const r of this.t.resources) {
      walk(r.properties, r.name);
      walk(r.options.dependsOn, r.name);
      walk(r.options.provider, r.name);
    }
    for (const v of this.t.variables) walk(v.value, v.name);
    for (const o of this.t.outputs) walk(o.value, "");
    const done = new Set<string>();
    const visit = (name: string, path: string[], line: number): void => {
      if (path.includes(name)) this.fail(line, `a cycle: ${[...path.slice(path.indexOf(name)), name].join(" -> ")}`);
      if (done.has(name)) return;
      for (const d of deps.get(name) ?? []) visit(d.name, [...path, name], d.line);
      done.add(name);
    };
    for (const name of known) visit(name, [], 0);
  }
}

const PULUMI_BUILTINS = ["stack", "project", "organization", "cwd", "rootDirectory"];

// One step of a property access on a known value (undefined where there is nothing, as Pulumi YAML's null).
function step(x: unknown, k: string | number): unknown {
  if (x === null || x === undefined) return undefined;
  return (x as Record<string | number, unknown>)[k];
}

// How an interpolated value reads as text.
function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === undefined || v === null) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

// The program: its stack outputs. A mistake in the template is logged as an error, and the program
// exits with the code that tells the language host it already told the user (32), as the SDK's run
// module does for an error it logged. (Throwing a RunError gives the same, but the run module also
// renders the error with util.inspect for its trace, which took 20-40 s of garbage collection here, seen
// in a CPU profile; the cause is not understood.)
export default async (): Promise<Record<string, unknown>> => {
  try {
    return new Program(readTemplate(join(process.cwd(), "Pulumi.yaml"))).run();
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    await pulumi.log.error(e.message);
    process.exit(32);
  }
};
