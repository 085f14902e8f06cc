// What one run (a preview or an update pass) of a program is given.
import type { Project } from "./project.ts";
import type { PluginLauncher } from "./providers.ts";
import type { StackConfig } from "./config.ts";
import type { ProgramState } from "./state-file.ts";

/** Settings of one pass. */
export interface ProgramRun {
  project: Project;
  stack: string;
  dryRun: boolean;
  /** Steps at once (the CLI's --parallel; its default is 4 per CPU). */
  parallel: number;
  olds: ProgramState;
  config: StackConfig;
  /** PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS for the program. */
  configEnv: Record<string, string>;
  launcher: PluginLauncher;
  randomSeed?: (urn: string) => Uint8Array;
}
