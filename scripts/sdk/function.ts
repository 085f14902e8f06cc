import { doc, imports, partsOf, type Spec, tsType, upperFirst } from "./common.ts";

// One function's file (`jail/getJail.ts`), as pulumi-language-nodejs writes it (gen.go
// genFunctionDefinition): the plain form over pulumi.runtime.invoke returning a Promise, and the
// Output form over pulumi.runtime.invokeOutput taking Inputs, with their Args and Result interfaces.
// A function without inputs takes only its options.

/** The file of one function. */
export function functionFile(schema: Spec, token: string, spec: Spec): string {
  const { module, name } = partsOf(token);
  const Name = upperFirst(name);
  const inputs: Spec | undefined = spec.inputs?.properties;
  const required = new Set<string>(spec.inputs?.required ?? []);
  const outputs: Spec = spec.outputs?.properties ?? {};
  const requiredOut = new Set<string>(spec.outputs?.required ?? []);
  const optional = required.size === 0 ? "?" : "";
  const plainArgs = inputs ? `args${optional}: ${Name}Args, ` : "";
  const outputArgs = inputs ? `args${optional}: ${Name}OutputArgs, ` : "";
  const defaultArgs = inputs && optional ? "    args = args || {};\n" : "";
  const copy = Object.keys(inputs ?? {}).map((k) => `        "${k}": args.${k},\n`).join("");
  const decls = (props: Spec, req: Set<string>, form: (p: Spec) => string, prefix = "") =>
    Object.entries(props).map(([k, p]) => `${doc(p.description)}    ${prefix}${k}${req.has(k) ? "" : "?"}: ${form(p)};`).join("\n");
  const argsInterfaces = (kind: string, form: (p: Spec) => string) =>
    inputs ? `\n/**\n * A collection of arguments for invoking ${name}.\n */\nexport interface ${Name}${kind} {\n${decls(inputs, required, form)}\n}\n` : "";
  return `${imports(module === "index" ? 0 : 1, { types: true, utilities: true })}
${doc(spec.description, "")}export function ${name}(${plainArgs}opts?: pulumi.InvokeOptions): Promise<${Name}Result> {
${defaultArgs}    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
    return pulumi.runtime.invoke("${token}", {
${copy}    }, opts);
}
${argsInterfaces("Args", (p) => tsType(schema, p, false))}
/**
 * A collection of values returned by ${name}.
 */
export interface ${Name}Result {
${decls(outputs, requiredOut, (p) => tsType(schema, p, false), "readonly ")}
}
${doc(spec.description, "")}export function ${name}Output(${outputArgs}opts?: pulumi.InvokeOutputOptions): pulumi.Output<${Name}Result> {
${defaultArgs}    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
    return pulumi.runtime.invokeOutput("${token}", {
${copy}    }, opts);
}
${argsInterfaces("OutputArgs", (p) => `pulumi.Input<${tsType(schema, p, true)}>`)}`;
}

/** The lines a module's index exports a function with (lazily loaded, as every member). */
export function functionExports(name: string, hasInputs: boolean): string {
  const Name = upperFirst(name);
  const types = hasInputs ? `${Name}Args, ${Name}Result, ${Name}OutputArgs` : `${Name}Result`;
  return `export { ${types} } from "./${name}";\n` +
    `export const ${name}: typeof import("./${name}").${name} = null as any;\n` +
    `export const ${name}Output: typeof import("./${name}").${name}Output = null as any;\n` +
    `utilities.lazyLoad(exports, ["${name}","${name}Output"], () => require("./${name}"));\n`;
}
