import { doc, imports, partsOf, type Spec, tsType } from "./common.ts";

// One resource's file (`zfs/dataset.ts`), as pulumi-language-nodejs writes it (gen.go genResource):
// the class with its outputs, get() and isInstance(); the constructor copying args (defaults
// applied, secret inputs wrapped in pulumi.secret) and merging additionalSecretOutputs and
// replaceOnChanges into the resource options; the State and Args interfaces.

/**
 * The replaceOnChanges paths of a resource, as schema.Resource.ReplaceOnChanges and
 * PropertyListJoinToString make them: output properties flagged, and flagged properties of the
 * object types below them; an array property is written `name[*]`, a map property `name.*`.
 */
export function replaceOnChangesPaths(schema: Spec, properties: Spec): string[] {
  const segment = (name: string, spec: Spec) => (spec.type === "array" ? `${name}[*]` : spec.type === "object" ? `${name}.*` : name);
  const below = (spec: Spec, seen: Set<string>): string[] => {
    if (spec.type === "array") return below(spec.items, seen);
    if (spec.type === "object") return below(spec.additionalProperties ?? {}, seen);
    const token = typeof spec.$ref === "string" && spec.$ref.startsWith("#/types/") ? spec.$ref.slice(8) : undefined;
    const type = token ? schema.types[token] : undefined;
    if (!type?.properties || seen.has(token!)) return [];
    return walk(type.properties, new Set([...seen, token!]));
  };
  const walk = (props: Spec, seen: Set<string>): string[] =>
    Object.entries<Spec>(props).flatMap(([name, spec]) =>
      spec.replaceOnChanges ? [segment(name, spec)] : below(spec, seen).map((rest) => `${segment(name, spec)}.${rest}`));
  return walk(properties, new Set());
}

/** The value a constructor sends for one input: the arg, its schema default, wrapped when it is secret. */
function inputValue(name: string, spec: Spec): string {
  const arg = spec.secret ? `args?.${name} ? pulumi.secret(args.${name}) : undefined` : `args?.${name}`;
  return spec.default !== undefined ? `(${arg}) ?? ${JSON.stringify(spec.default)}` : arg;
}

/** The file of one resource. */
export function resourceFile(schema: Spec, token: string, spec: Spec): string {
  const { name } = partsOf(token);
  const inputs: Spec = spec.inputProperties ?? {};
  const outputs: Spec = spec.properties ?? {};
  const state: Spec = spec.stateInputs?.properties ?? {};
  const required = new Set<string>(spec.requiredInputs ?? []);
  const requiredOut = new Set<string>(spec.required ?? []);
  const type = (p: Spec, input: boolean) => tsType(schema, p, input);
  const outputDecls = Object.entries(outputs)
    .map(([k, p]) => `${doc(p.description)}    declare public ${k in inputs ? "" : "/*out*/ "}readonly ${k}: pulumi.Output<${type(p, false)}${requiredOut.has(k) ? "" : " | undefined"}>;`)
    .join("\n");
  const argDecls = Object.entries(inputs).map(([k, p]) => `${doc(p.description)}    ${k}${required.has(k) ? "" : "?"}: pulumi.Input<${type(p, true)}>;`).join("\n");
  const stateDecls = Object.entries(state).map(([k, p]) => `${doc(p.description)}    ${k}?: pulumi.Input<${type(p, true)}>;`).join("\n");
  const lines = (xs: string[]) => xs.map((x) => `            ${x}\n`).join("");
  const requiredChecks = [...required].map((k) => `if (args?.${k} === undefined && !opts.urn) {\n                throw new Error("Missing required property '${k}'");\n            }`);
  const copyInputs = Object.entries(inputs).map(([k, p]) => `resourceInputs["${k}"] = ${inputValue(k, p)};`);
  const outputOnly = Object.keys(outputs).filter((k) => !(k in inputs)).map((k) => `resourceInputs["${k}"] = undefined /*out*/;`);
  const copyState = Object.keys(state).map((k) => `resourceInputs["${k}"] = state?.${k};`);
  const secrets = Object.entries(outputs).filter(([, p]) => p.secret).map(([k]) => JSON.stringify(k));
  const replaces = replaceOnChangesPaths(schema, outputs).map((p) => JSON.stringify(p));
  const mergeSecrets = secrets.length
    ? `        const secretOpts = { additionalSecretOutputs: [${secrets.join(", ")}] };\n        opts = pulumi.mergeOptions(opts, secretOpts);\n`
    : "";
  const mergeReplaces = replaces.length
    ? `        const replaceOnChanges = { replaceOnChanges: [${replaces.join(", ")}] };\n        opts = pulumi.mergeOptions(opts, replaceOnChanges);\n`
    : "";
  return `${imports(1, { types: true, utilities: true })}
${doc(spec.description, "")}export class ${name} extends pulumi.CustomResource {
    /**
     * Get an existing ${name} resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     *
     * @param name The _unique_ name of the resulting resource.
     * @param id The _unique_ provider ID of the resource to lookup.
     * @param state Any extra arguments used during the lookup.
     * @param opts Optional settings to control the behavior of the CustomResource.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ${name}State, opts?: pulumi.CustomResourceOptions): ${name} {
        return new ${name}(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = '${token}';

    /**
     * Returns true if the given object is an instance of ${name}.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    public static isInstance(obj: any): obj is ${name} {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj['__pulumiType'] === ${name}.__pulumiType;
    }

${outputDecls}

    /**
     * Create a ${name} resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args${required.size ? "" : "?"}: ${name}Args, opts?: pulumi.CustomResourceOptions)
    constructor(name: string, argsOrState?: ${name}Args | ${name}State, opts?: pulumi.CustomResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState as ${name}State | undefined;
${lines(copyState)}        } else {
            const args = argsOrState as ${name}Args | undefined;
${lines([...requiredChecks, ...copyInputs, ...outputOnly])}        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
${mergeSecrets}${mergeReplaces}        super(${name}.__pulumiType, name, resourceInputs, opts);
    }
}

/**
 * Input properties used for looking up and filtering ${name} resources.
 */
export interface ${name}State {
${stateDecls}
}

/**
 * The set of arguments for constructing a ${name} resource.
 */
export interface ${name}Args {
${argDecls}
}
`;
}
