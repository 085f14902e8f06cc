// The same operations through a real `pulumi` CLI, when one is on PATH: a local file backend
// (PULUMI_BACKEND_URL=file://DIR/.pulumi-cli unless set), the passphrase secrets provider
// (PULUMI_CONFIG_PASSPHRASE, "" unless set), the stack selected or created, config set, then the command
// with --yes. Not exercised here: the machines this project is built on cannot install the CLI.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { isSecret, unwrapSecrets } from "../value-model.ts";
import type { StackConfig } from "./config.ts";
import type { Project } from "./project.ts";

/** What to run through the CLI. */
export interface CliRun {
  cli: string;
  project: Project;
  stack: string;
  command: string;
  /** TYPE NAME ID for import. */
  args: string[];
  config: StackConfig;
  skipPreview: boolean;
}

// The `pulumi` executable on PATH, if any.
export function pulumiOnPath(path = process.env["PATH"] ?? ""): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "pulumi");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

// The CLI's environment: a file backend beside the project and a passphrase, unless the user has others.
export function cliEnv(project: Project): Record<string, string> {
  const backend = process.env["PULUMI_BACKEND_URL"] ?? `file://${join(project.dir, ".pulumi-cli")}`;
  if (backend.startsWith("file://")) mkdirSync(backend.slice("file://".length), { recursive: true });
  return {
    ...(process.env as Record<string, string>), PULUMI_BACKEND_URL: backend,
    PULUMI_CONFIG_PASSPHRASE: process.env["PULUMI_CONFIG_PASSPHRASE"] ?? "", PULUMI_SKIP_UPDATE_CHECK: "true",
  };
}

// The command lines, in order (exported so they can be checked without a CLI).
export function cliCommands(run: Omit<CliRun, "cli">): string[][] {
  const stack = ["--stack", run.stack, "--non-interactive"];
  const lines: string[][] = [["stack", "select", "--create", run.stack, "--non-interactive"]];
  for (const [key, value] of Object.entries(run.config)) {
    lines.push(["config", "set", ...(isSecret(value) ? ["--secret"] : []), key, String(unwrapSecrets(value)), ...stack]);
  }
  const skip = run.skipPreview ? ["--skip-preview"] : [];
  const main: Record<string, string[]> = {
    up: ["up", "--yes", ...skip], preview: ["preview"], refresh: ["refresh", "--yes", ...skip],
    destroy: ["destroy", "--yes", ...skip], import: ["import", ...run.args, "--yes"],
  };
  lines.push([...(main[run.command] ?? [run.command]), ...stack]);
  return lines;
}

// Runs the commands in the project's directory with the CLI; the exit code of the first that fails.
export async function runWithPulumiCli(run: CliRun): Promise<number> {
  const env = cliEnv(run.project);
  for (const args of cliCommands(run)) {
    const shown = args[0] === "config" && args.includes("--secret") ? [...args.slice(0, 4), "[secret]"] : args;
    console.log(`$ pulumi ${shown.join(" ")}`);
    const r = spawnSync(run.cli, args, { cwd: run.project.dir, env, stdio: "inherit" });
    if (r.status !== 0) return r.status ?? 1;
  }
  return 0;
}
