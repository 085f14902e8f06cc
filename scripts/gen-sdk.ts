// Generates the Node.js SDK in sdk/ (or the folder given) from schema.json, in the layout and style of
// `pulumi package gen-sdk --language nodejs` (pulumi-provider-protocol.md §6). `make schema`.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { header, type Spec } from "./sdk/common.ts";
import { moduleFiles } from "./sdk/modules.ts";
import { binPackageScript, packageJson, readme, tsconfigJson, utilitiesFile } from "./sdk/package.ts";
import { typeFiles } from "./sdk/types.ts";

const root = new URL("..", import.meta.url).pathname;
const schema: Spec = JSON.parse(readFileSync(join(root, "schema.json"), "utf8"));
const out = process.argv[2] ?? join(root, "sdk");

const sources = new Map<string, string>([
  ["utilities.ts", utilitiesFile(schema)],
  ...moduleFiles(schema),
  ...typeFiles(schema),
]);
const files = new Map<string, string>([
  ...[...sources].map(([path, text]) => [path, header + text] as [string, string]),
  ["package.json", packageJson(schema)],
  ["tsconfig.json", tsconfigJson([...sources.keys()])],
  ["scripts/bin-package.js", binPackageScript],
  ["README.md", readme(schema)],
  [".gitignore", "bin/\nnode_modules/\n"],
]);

// Everything but the build's output and installed packages is generated: a file no longer generated goes.
mkdirSync(out, { recursive: true });
for (const entry of readdirSync(out)) if (entry !== "bin" && entry !== "node_modules") rmSync(join(out, entry), { recursive: true, force: true });
for (const [path, text] of files) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), text);
}
console.log(`wrote ${files.size} files to ${out}`);
