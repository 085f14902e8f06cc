import { camel, doc, imports, partsOf, type Spec, tsType } from "./common.ts";
import { functionExports, functionFile } from "./function.ts";
import { resourceFile } from "./resource.ts";
import { modulesWithEnums } from "./types.ts";

// The modules: a folder per schema module with a file per resource and function and an index that
// lazily exports them, re-exports the module's enums and registers the module's resources (so the
// SDK can rebuild them from URNs); the root index, the explicit Provider and the config getters.

/** The files of every module, the root index, the provider and the config, by path. */
export function moduleFiles(schema: Spec): Map<string, string> {
  const files = new Map<string, string>();
  const resources = new Map<string, string[]>();
  const functions = new Map<string, [string, boolean][]>();
  for (const [token, spec] of Object.entries<Spec>(schema.resources ?? {})) {
    const { module, name } = partsOf(token);
    resources.set(module, [...(resources.get(module) ?? []), name]);
    files.set(`${module}/${camel(name)}.ts`, resourceFile(schema, token, spec));
  }
  for (const [token, spec] of Object.entries<Spec>(schema.functions ?? {})) {
    const { module, name } = partsOf(token);
    functions.set(module, [...(functions.get(module) ?? []), [name, spec.inputs !== undefined]]);
    files.set(module === "index" ? `${name}.ts` : `${module}/${name}.ts`, functionFile(schema, token, spec));
  }
  const withEnums = modulesWithEnums(schema);
  const modules = [...new Set([...resources.keys(), ...functions.keys()])].filter((m) => m !== "index").sort();
  for (const module of modules) {
    const names = resources.get(module) ?? [];
    const members = [
      ...(functions.get(module) ?? []).map(([n, hasInputs]) => functionExports(n, hasInputs)),
      ...names.map(resourceExports),
    ].join("\n");
    const enums = withEnums.has(module) ? `\n// Export enums:\nexport * from "../types/enums/${module}";\n` : "";
    const register = names.length ? `\n${registerModule(module, names)}` : "";
    files.set(`${module}/index.ts`, `${imports(1, { utilities: true })}\n// Export members:\n${members}${enums}${register}`);
  }
  files.set("index.ts", rootIndex(schema, modules, functions.get("index") ?? [], withEnums.has("index")));
  files.set("provider.ts", providerFile(schema));
  files.set("config/vars.ts", configVars(schema));
  files.set("config/index.ts", `// Export members:\nexport * from "./vars";\n`);
  return files;
}

/** The lines a module's index exports a resource with. */
const resourceExports = (n: string) =>
  `export { ${n}Args, ${n}State } from "./${camel(n)}";\n` +
  `export type ${n} = import("./${camel(n)}").${n};\n` +
  `export const ${n}: typeof import("./${camel(n)}").${n} = null as any;\n` +
  `utilities.lazyLoad(exports, ["${n}"], () => require("./${camel(n)}"));\n`;

/** The registration that lets the SDK construct a module's resources from their URNs. */
function registerModule(module: string, names: string[]): string {
  const cases = names.map((n) => `            case "freebsd:${module}:${n}":\n                return new ${n}(name, <any>undefined, { urn })`).join("\n");
  return `const _module = {\n    version: utilities.getVersion(),\n    construct: (name: string, type: string, urn: string): pulumi.Resource => {\n        switch (type) {\n${cases}\n            default:\n                throw new Error(\`unknown resource type \${type}\`);\n        }\n    },\n};\npulumi.runtime.registerResourceModule("freebsd", "${module}", _module)\n`;
}

function rootIndex(schema: Spec, modules: string[], functions: [string, boolean][], enums: boolean): string {
  const members = functions.map(([n, hasInputs]) => functionExports(n, hasInputs)).join("\n");
  const subs = ["config", "types", ...modules];
  return `${imports(0, { utilities: true })}
// Export members:
${members}${members ? "\n" : ""}export { ProviderArgs } from "./provider";
export type Provider = import("./provider").Provider;
export const Provider: typeof import("./provider").Provider = null as any;
utilities.lazyLoad(exports, ["Provider"], () => require("./provider"));
${enums ? `\n// Export enums:\nexport * from "./types/enums";\n` : ""}
// Export sub-modules:
${subs.map((m) => `import * as ${m} from "./${m}";`).join("\n")}

export {
${subs.map((m) => `    ${m},\n`).join("")}};
pulumi.runtime.registerResourcePackage("${schema.name}", {
    version: utilities.getVersion(),
    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {
        if (type !== "pulumi:providers:${schema.name}") {
            throw new Error(\`unknown provider type \${type}\`);
        }
        return new Provider(name, <any>undefined, { urn });
    },
});
`;
}

/** The explicit provider: its config arguments, non-strings sent as JSON as the engine expects them. */
function providerFile(schema: Spec): string {
  const props = Object.entries<Spec>(schema.provider.inputProperties);
  const argDecls = props.map(([k, p]) => `${doc(p.description)}    ${k}?: pulumi.Input<${tsType(schema, p, true)}>;`).join("\n");
  const isString = (p: Spec) => p.type === "string" || (p.$ref && schema.types[String(p.$ref).replace("#/types/", "")]?.type === "string");
  const copy = props.map(([k, p]) => {
    const env = p.defaultInfo?.environment as string[] | undefined;
    const getter = p.type === "boolean" ? "getEnvBoolean" : p.type === "integer" || p.type === "number" ? "getEnvNumber" : "getEnv";
    let value = env ? `(args ? args.${k} : undefined) ?? utilities.${getter}(${env.map((e) => JSON.stringify(e)).join(", ")})` : `(args ? args.${k} : undefined)`;
    if (p.secret) value = `${value} ? pulumi.secret(${value}) : undefined`;
    if (!isString(p)) value = `pulumi.output(${value}).apply(JSON.stringify)`;
    return `            resourceInputs["${k}"] = ${value};`;
  }).join("\n");
  const secrets = props.filter(([, p]) => p.secret).map(([k]) => JSON.stringify(k));
  return `${imports(0, { types: true, utilities: true })}
${doc(schema.provider.description, "")}export class Provider extends pulumi.ProviderResource {
    /** @internal */
    public static readonly __pulumiType = '${schema.name}';

    /**
     * Returns true if the given object is an instance of Provider.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    public static isInstance(obj: any): obj is Provider {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj['__pulumiType'] === "pulumi:providers:" + Provider.__pulumiType;
    }

    /**
     * Create a Provider resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        {
${copy}
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        const secretOpts = { additionalSecretOutputs: [${secrets.join(", ")}] };
        opts = pulumi.mergeOptions(opts, secretOpts);
        super(Provider.__pulumiType, name, resourceInputs, opts);
    }
}

/**
 * The set of arguments for constructing a Provider resource.
 */
export interface ProviderArgs {
${argDecls}
}
`;
}

/** The stack config getters (`freebsd:host`, ...), read when used. */
function configVars(schema: Spec): string {
  const vars = Object.entries<Spec>(schema.config.variables).map(([k, p]) => {
    const read = p.type === "boolean" ? "getObject<boolean>" : p.type === "integer" || p.type === "number" ? "getObject<number>" : "get";
    return `${doc(p.description, "")}export declare const ${k}: ${tsType(schema, p, false)} | undefined;\nObject.defineProperty(exports, ${JSON.stringify(k)}, {\n    get() {\n        return __config.${read}(${JSON.stringify(k)});\n    },\n    enumerable: true,\n});\n`;
  });
  return `${imports(1, { types: true, utilities: true })}\ndeclare var exports: any;\nconst __config = new pulumi.Config("${schema.name}");\n\n${vars.join("\n")}`;
}
