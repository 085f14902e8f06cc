// A stack of a Pulumi TypeScript program, driven like the CLI drives one: `up` is a preview pass then
// an update pass, each running the program with the real @pulumi/pulumi against the runner's engine;
// `refresh`, `destroy` and `import` likewise. State and config live in one JSON file.
//
//   const stack = new ProgramStack({ dir: "examples/web-jail", stack: "dev", stateFile, config: { "freebsd:host": "..." } });
//   const up = await stack.up();          // up.preview, up.steps, stack.outputs
//   await stack.refresh(); await stack.destroy();
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ValueMap } from "../value-model.ts";
import { programConfigEnv, qualifyConfig, type StackConfig } from "./config.ts";
import { renderPass } from "./display.ts";
import { RUNTIMES } from "./language-host.ts";
import { destroyPass, importPass, programPass, refreshPass, stackOutputs, type PassResult, type PassSettings } from "./operations.ts";
import { readProject, type Project } from "./project.ts";
import type { PluginLauncher } from "./providers.ts";
import { loadState, saveState, type ProgramState } from "./state-file.ts";

/** How to run a program's stack. */
export interface ProgramStackOptions {
  /** The project directory (Pulumi.yaml). */
  dir: string;
  stack: string;
  /** Default DIR/.pulumi-runner/STACK.json. */
  stateFile?: string;
  /** Config to set ("key" belongs to the project, "pkg:key" to a package); secret values wrapped with secret(). */
  config?: StackConfig;
  /** Encrypts the secrets in the state file; default PULUMI_CONFIG_PASSPHRASE, else "". */
  passphrase?: string;
  /** Steps at once; default 4 per CPU, the CLI's default. */
  parallel?: number;
  /** Extra environment for the program (e.g. PULUMI_NODEJS_TRANSPILE_ONLY). */
  env?: Record<string, string>;
  /** How plugins are started; default the project's plugin. */
  launcher?: PluginLauncher;
  /** Called with each pass as the CLI prints it. */
  print?: (text: string) => void;
  color?: boolean;
}

/** Options of the operations. */
export interface RunOptions {
  /** Skip the preview pass the CLI runs first (`--skip-preview`). */
  skipPreview?: boolean;
}

/** A pass that failed; its result says what happened before. */
export class ProgramRunError extends Error {
  readonly result: PassResult;

  constructor(result: PassResult) {
    super(result.error ?? "failed");
    this.name = "ProgramRunError";
    this.result = result;
  }
}

/** A program's stack. */
export class ProgramStack {
  readonly project: Project;
  readonly stateFile: string;
  private current: ProgramState;
  private readonly opts: ProgramStackOptions;

  constructor(opts: ProgramStackOptions) {
    this.opts = opts;
    this.project = readProject(opts.dir);
    this.stateFile = opts.stateFile ?? join(this.project.dir, ".pulumi-runner", `${opts.stack}.json`);
    this.current = loadState(this.stateFile, this.passphrase);
    this.current.config = { ...this.current.config, ...qualifyConfig(opts.config ?? {}, this.project.name) };
  }

  /** The state after the last update (replaced, never mutated, by later ones). */
  get state(): Readonly<ProgramState> {
    return this.current;
  }

  /** The stack's outputs. */
  get outputs(): ValueMap {
    return stackOutputs(this.current);
  }

  // Sets a config value, as `pulumi config set [--secret]` does.
  setConfig(key: string, value: StackConfig[string]): void {
    this.current = { ...this.current, config: { ...this.current.config, ...qualifyConfig({ [key]: value }, this.project.name) } };
  }

  // `pulumi preview`.
  async preview(): Promise<PassResult> {
    return this.pass(programPass, true);
  }

  // `pulumi up`: the preview pass, then the update pass.
  async up(opts: RunOptions = {}): Promise<PassResult & { preview?: PassResult }> {
    const preview = opts.skipPreview ? undefined : await this.preview();
    const result = await this.pass(programPass, false);
    return preview ? { ...result, preview } : result;
  }

  // `pulumi refresh`: every resource read back; drift recorded in the state. The program does not run.
  async refresh(opts: RunOptions & { previewOnly?: boolean } = {}): Promise<PassResult & { preview?: PassResult }> {
    const preview = opts.skipPreview && !opts.previewOnly ? undefined : await this.pass(refreshPass, true);
    if (opts.previewOnly) return preview!;
    const result = await this.pass(refreshPass, false);
    return preview ? { ...result, preview } : result;
  }

  // `pulumi destroy`.
  async destroy(opts: RunOptions = {}): Promise<PassResult & { preview?: PassResult }> {
    const preview = opts.skipPreview ? undefined : await this.pass(destroyPass, true);
    const result = await this.pass(destroyPass, false);
    return preview ? { ...result, preview } : result;
  }

  // `pulumi import TYPE NAME ID` (the SDK's version of the provider is given as the default provider's).
  async import(type: string, name: string, id: string, version = "0.1.0"): Promise<PassResult> {
    const run = (s: PassSettings): Promise<PassResult> => importPass(s, type, name, id, version);
    await this.pass(run, true);
    return this.pass(run, false);
  }

  private get passphrase(): string {
    return this.opts.passphrase ?? process.env["PULUMI_CONFIG_PASSPHRASE"] ?? "";
  }

  // One pass; an update pass's state is saved whatever happened, a failed pass throws.
  private async pass(run: (s: PassSettings) => Promise<PassResult>, dryRun: boolean): Promise<PassResult> {
    if (!RUNTIMES.includes(this.project.runtime)) {
      throw new Error(`the program runner runs nodejs programs and (a stand-in for) yaml ones; runtime '${this.project.runtime}' needs the Pulumi CLI and its language host (pulumi-language-${this.project.runtime})`);
    }
    const settings: PassSettings = {
      project: this.project, stack: this.opts.stack, dryRun, parallel: this.opts.parallel ?? availableParallelism() * 4,
      olds: this.current, config: this.current.config, configEnv: programConfigEnv(this.current.config),
      ...(this.opts.env ? { env: this.opts.env } : {}), ...(this.opts.launcher ? { launcher: this.opts.launcher } : {}),
    };
    const result = await run(settings);
    if (!dryRun) {
      this.current = result.news;
      saveState(this.stateFile, this.current, this.passphrase, this.opts.stack, this.project.name);
    }
    this.opts.print?.(renderPass(result, { stack: this.opts.stack, ...(this.opts.color ? { color: true } : {}) }));
    if (result.error !== undefined) throw new ProgramRunError(result);
    return result;
  }
}
