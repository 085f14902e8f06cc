import type { Spec } from "./common.ts";

// The package around the modules: utilities.ts (as Pulumi's), package.json and tsconfig.json for
// building it anywhere with its own devDependencies, and the script that writes bin/package.json,
// the package as it is packed and installed from bin/ (where index.js is the entry point by default,
// so it names no `main`).

/** utilities.ts: environment defaults, the version every registration sends, lazy loading. */
export function utilitiesFile(schema: Spec): string {
  const download = schema.pluginDownloadURL ? `, pluginDownloadURL: ${JSON.stringify(schema.pluginDownloadURL)}` : "";
  return `import * as pulumi from "@pulumi/pulumi";

export function getEnv(...vars: string[]): string | undefined {
    for (const v of vars) {
        const value = process.env[v];
        if (value) {
            return value;
        }
    }
    return undefined;
}

export function getEnvBoolean(...vars: string[]): boolean | undefined {
    const s = getEnv(...vars);
    if (s !== undefined) {
        if (["1", "t", "T", "true", "TRUE", "True"].indexOf(s) !== -1) {
            return true;
        }
        if (["0", "f", "F", "false", "FALSE", "False"].indexOf(s) !== -1) {
            return false;
        }
    }
    return undefined;
}

export function getEnvNumber(...vars: string[]): number | undefined {
    const s = getEnv(...vars);
    if (s !== undefined) {
        const f = parseFloat(s);
        if (!isNaN(f)) {
            return f;
        }
    }
    return undefined;
}

export function getVersion(): string {
    let version = require('./package.json').version;
    // Node allows for the version to be prefixed by a "v", while semver doesn't.
    if (version.indexOf('v') === 0) {
        version = version.slice(1);
    }
    return version;
}

/** @internal */
export function resourceOptsDefaults(): any {
    return { version: getVersion()${download} };
}

/** @internal */
export function lazyLoad(exports: any, props: string[], loadModule: any) {
    for (let property of props) {
        Object.defineProperty(exports, property, {
            enumerable: true,
            get: function() {
                return loadModule()[property];
            },
        });
    }
}
`;
}

/**
 * package.json of the SDK's source folder: `main` and `types` point into bin/ for a project that
 * installs the folder itself; `npm run build` compiles and writes bin/package.json without them.
 */
export function packageJson(schema: Spec): string {
  const node = schema.language.nodejs;
  return JSON.stringify({
    name: node.packageName,
    version: schema.version,
    description: node.packageDescription,
    keywords: schema.keywords,
    homepage: schema.homepage,
    repository: schema.repository,
    license: schema.license,
    main: "bin/index.js",
    types: "bin/index.d.ts",
    scripts: { build: "tsc && node scripts/bin-package.js" },
    dependencies: node.dependencies,
    devDependencies: { typescript: node.typescriptVersion, ...node.devDependencies },
    pulumi: { resource: true, name: schema.name, version: schema.version, server: schema.pluginDownloadURL },
  }, null, 2) + "\n";
}

/** scripts/bin-package.js: bin/package.json, the package as it is packed from bin/. */
export const binPackageScript = `// Writes bin/package.json: the package as it is packed and installed from bin/, where index.js and
// index.d.ts are found by default. The build's own fields (main, types, scripts, devDependencies) stay here.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
for (const field of ["main", "types", "scripts", "devDependencies"]) delete pkg[field];
fs.writeFileSync(path.join(root, "bin", "package.json"), JSON.stringify(pkg, null, 2) + "\\n");
`;

/** tsconfig.json: the settings of Pulumi's generated SDKs (nodenext since pulumi/pulumi#22363). */
export function tsconfigJson(files: string[]): string {
  return JSON.stringify({
    compilerOptions: {
      outDir: "bin", target: "ES2020", module: "nodenext", moduleResolution: "nodenext", declaration: true, sourceMap: true,
      stripInternal: true, experimentalDecorators: true, noFallthroughCasesInSwitch: true, forceConsistentCasingInFileNames: true,
      strict: true, skipLibCheck: true, types: ["node"],
    },
    files: files.filter((f) => f.endsWith(".ts")).sort(),
  }, null, 4) + "\n";
}

/** README.md of the package. */
export function readme(schema: Spec): string {
  return `# ${schema.language.nodejs.packageName}

The Node.js SDK of the \`${schema.name}\` Pulumi provider (${schema.description}), generated from
schema.json by scripts/gen-sdk.ts. Build it with \`npm install && npm run build\`; the package is
\`bin/\` (\`npm pack ./bin\`). See ${schema.repository} for how to use it.
`;
}
