// A Pulumi project as the CLI reads it (Pulumi.yaml: sdk/go/common/workspace/project.go): its name,
// runtime and runtime options, entry point, and the plugins it names by path.
import { accessSync, constants, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join, resolve } from "node:path";

const yaml = createRequire(createRequire(import.meta.url).resolve("@pulumi/pulumi"))("js-yaml") as { load(text: string): unknown };

/** What the runner uses of a project. */
export interface Project {
  /** The directory holding Pulumi.yaml. */
  dir: string;
  name: string;
  /** "nodejs" runs here, "yaml" under the runner's stand-in (yaml-program.ts); any other needs the Pulumi CLI's language host. */
  runtime: string;
  /** runtime.options: typescript (default true), tsconfigpath, nodeargs. */
  options: Record<string, unknown>;
  /** `main`, or "." (the package's main or index). */
  main: string;
  /** plugins.providers from Pulumi.yaml, name -> directory (absolute). */
  pluginDirs: Record<string, string>;
}

// Reads DIR/Pulumi.yaml.
export function readProject(dir: string): Project {
  const abs = resolve(dir);
  const doc = (yaml.load(readFileSync(join(abs, "Pulumi.yaml"), "utf8")) ?? {}) as Record<string, any>;
  if (typeof doc["name"] !== "string") throw new Error(`${join(abs, "Pulumi.yaml")}: a project needs a name`);
  const runtime = doc["runtime"];
  const runtimeName = typeof runtime === "string" ? runtime : String(runtime?.name ?? "");
  const pluginDirs: Record<string, string> = {};
  for (const p of (doc["plugins"]?.providers ?? []) as { name: string; path?: string }[]) {
    if (p.path) pluginDirs[p.name] = resolve(abs, p.path);
  }
  return {
    dir: abs, name: doc["name"], runtime: runtimeName,
    options: typeof runtime === "object" && runtime !== null ? { ...(runtime.options ?? {}) } : {},
    main: typeof doc["main"] === "string" ? doc["main"] : ".",
    pluginDirs,
  };
}

// Finds the resource plugin of a package as the CLI does, short of its plugin cache and downloads:
// the project's plugins.providers path, then `pulumi-resource-<pkg>` on PATH.
export function findPlugin(project: Project, pkg: string, path = process.env["PATH"] ?? ""): string {
  const exe = `pulumi-resource-${pkg}`;
  const candidates = [
    ...(project.pluginDirs[pkg] ? [join(project.pluginDirs[pkg], exe)] : []),
    ...path.split(delimiter).filter(Boolean).map((d) => join(d, exe)),
  ];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not this one
    }
  }
  throw new Error(`no resource plugin '${pkg}' found in the project's plugins or on PATH; the program runner does not ` +
    "search Pulumi's plugin cache or download plugins (add it to Pulumi.yaml's plugins.providers)");
}
