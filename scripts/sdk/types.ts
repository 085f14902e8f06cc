import { doc, enumMemberName, isEnum, partsOf, type Spec, tsType } from "./common.ts";

// The shared types: object types in types/input.ts (as `NameArgs`, members taking Inputs) and
// types/output.ts, index-module types at the top and the others in a namespace per module; enums in
// types/enums/MODULE/index.ts as a const object and a type of its values (gen.go genEnum).

/** The files of the schema's types, by path. */
export function typeFiles(schema: Spec): Map<string, string> {
  const files = new Map<string, string>();
  const objects = new Map<string, { input: string[]; output: string[] }>();
  const enums = new Map<string, string[]>();
  for (const [token, spec] of Object.entries<Spec>(schema.types ?? {})) {
    const { module, name } = partsOf(token);
    if (isEnum(schema, token)) {
      enums.set(module, [...(enums.get(module) ?? []), enumDecl(name, spec)]);
      continue;
    }
    const entry = objects.get(module) ?? { input: [], output: [] };
    const indent = module === "index" ? "" : "    ";
    const props = Object.entries<Spec>(spec.properties ?? {});
    const req = new Set<string>(spec.required ?? []);
    const members = (input: boolean) =>
      props.map(([k, p]) => `${doc(p.description, `${indent}    `)}${indent}    ${k}${req.has(k) ? "" : "?"}: ${input ? `pulumi.Input<${tsType(schema, p, true)}>` : tsType(schema, p, false)};`).join("\n");
    entry.input.push(`${doc(spec.description, indent)}${indent}export interface ${name}Args {\n${members(true)}\n${indent}}`);
    entry.output.push(`${doc(spec.description, indent)}${indent}export interface ${name} {\n${members(false)}\n${indent}}`);
    objects.set(module, entry);
  }
  const typesFile = (kind: "input" | "output") => {
    const sections = [...objects].sort(([a], [b]) => (a === "index" ? -1 : b === "index" ? 1 : a.localeCompare(b)))
      .map(([module, decls]) => (module === "index" ? `${decls[kind].join("\n\n")}\n` : `export namespace ${module} {\n${decls[kind].join("\n\n")}\n}\n`));
    return `import * as pulumi from "@pulumi/pulumi";\nimport * as inputs from "../types/input";\nimport * as outputs from "../types/output";\nimport * as enums from "../types/enums";\n\n${sections.join("\n")}`;
  };
  files.set("types/input.ts", typesFile("input"));
  files.set("types/output.ts", typesFile("output"));
  files.set("types/index.ts", `import * as utilities from "../utilities";\n\n// Export sub-modules:\nimport * as enums from "./enums";\nimport * as input from "./input";\nimport * as output from "./output";\n\nexport {\n    enums,\n    input,\n    output,\n};\n`);
  const modules = [...new Set([...enums.keys()].filter((m) => m !== "index"))].sort();
  const submodules = modules.length
    ? `// Export sub-modules:\n${modules.map((m) => `import * as ${m} from "./${m}";`).join("\n")}\n\nexport {\n${modules.map((m) => `    ${m},\n`).join("")}};\n`
    : "";
  files.set("types/enums/index.ts", `${(enums.get("index") ?? []).map((e) => `${e}\n`).join("")}${submodules}`);
  for (const module of modules) files.set(`types/enums/${module}/index.ts`, enums.get(module)!.map((e) => `${e}\n`).join(""));
  return files;
}

/** An enum: a const object of its values by member name, and the type of those values. */
function enumDecl(name: string, spec: Spec): string {
  const members = (spec.enum as Spec[]).map((e) => `${doc(e.description)}    ${e.name ?? enumMemberName(e.value, name)}: ${JSON.stringify(e.value)},`);
  return `\nexport const ${name} = {\n${members.join("\n")}\n} as const;\n\n${doc(spec.description, "")}export type ${name} = (typeof ${name})[keyof typeof ${name}];`;
}

/** The modules that have enums: their index files re-export them. */
export function modulesWithEnums(schema: Spec): Set<string> {
  return new Set(Object.keys(schema.types ?? {}).filter((t) => isEnum(schema, t)).map((t) => partsOf(t).module));
}
