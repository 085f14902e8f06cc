// Running a Pulumi program as the Node.js language host does (sdk/nodejs/cmd/pulumi-language-nodejs,
// Run and constructArguments): `node [nodeargs] <@pulumi/pulumi/cmd/run> --monitor --engine --organization
// --project --root-directory --stack --pwd [--dry-run] --parallel <entry point>`, PULUMI_CONFIG and
// PULUMI_CONFIG_SECRET_KEYS in its environment, PULUMI_NODEJS_TYPESCRIPT=true unless the project's
// `typescript` option is false. The run module is the one the program's own @pulumi/pulumi provides.
// A `runtime: yaml` project runs the same way with the runner's stand-in for Pulumi YAML's language
// host (yaml-program.ts, loaded by Node itself, types stripped) as the entry point, in the project's directory.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Project } from "./project.ts";

/** The entry point a `runtime: yaml` project runs: the runner's stand-in for Pulumi YAML. */
export const YAML_PROGRAM = fileURLToPath(new URL("./yaml-program.ts", import.meta.url));

/** The runtimes the runner runs. */
export const RUNTIMES: readonly string[] = ["nodejs", "yaml"];

/** The exit code with which the SDK says it already showed the user what went wrong (bail). */
export const EXIT_ALREADY_REPORTED = 32;

/** How to run the program. */
export interface RunRequest {
  project: Project;
  stack: string;
  monitorAddress: string;
  engineAddress: string;
  dryRun: boolean;
  parallel: number;
  /** PULUMI_CONFIG and friends (config.ts programConfigEnv). */
  configEnv: Record<string, string>;
  /** Extra environment for the program, on top of this process's. */
  env?: Record<string, string>;
}

/** How the program ended and what it printed. */
export interface ProgramExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running program: its exit, and a way to stop it (the engine interrupts it when it cancels). */
export interface RunningProgram {
  exited: Promise<ProgramExit>;
  interrupt(): void;
}

// The path of @pulumi/pulumi/cmd/run as the program resolves it (the language host's locateModule).
export function locateRunModule(programDir: string): string {
  try {
    return createRequire(join(programDir, "package.json")).resolve("@pulumi/pulumi/cmd/run");
  } catch {
    throw new Error(`It looks like the Pulumi SDK has not been installed for ${programDir}. Have you run npm install or yarn install?`);
  }
}

// The arguments the language host passes to the run module.
export function runArguments(req: RunRequest, runPath: string): string[] {
  const args = [runPath];
  const add = (k: string, v: string): void => {
    if (v !== "") args.push(`--${k}`, v);
  };
  add("monitor", req.monitorAddress);
  add("engine", req.engineAddress);
  // The organization a local (file) backend gives every stack.
  add("organization", "organization");
  add("project", req.project.name);
  add("root-directory", req.project.dir);
  add("stack", req.stack);
  add("pwd", req.project.dir);
  if (req.dryRun) args.push("--dry-run");
  add("parallel", String(req.parallel));
  args.push(req.project.runtime === "yaml" ? YAML_PROGRAM : req.project.main);
  return args;
}

// Starts the program; its output is collected (the engine shows it as the stack's diagnostics).
export function runProgram(req: RunRequest): RunningProgram {
  const opts = req.project.options;
  const env: Record<string, string> = { ...(process.env as Record<string, string>), ...req.env, ...req.configEnv };
  if (opts["typescript"] !== false && req.project.runtime !== "yaml") env["PULUMI_NODEJS_TYPESCRIPT"] = "true";
  if (typeof opts["tsconfigpath"] === "string") env["PULUMI_NODEJS_TSCONFIG_PATH"] = opts["tsconfigpath"];
  const nodeArgs = typeof opts["nodeargs"] === "string" ? opts["nodeargs"].split(/\s+/).filter(Boolean) : [];
  const child = spawn(process.execPath, [...nodeArgs, ...runArguments(req, locateRunModule(req.project.dir))], {
    cwd: req.project.dir, env, stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<ProgramExit>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    exited,
    interrupt: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    },
  };
}
