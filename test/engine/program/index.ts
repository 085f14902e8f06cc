// The program runner's public entry: a Pulumi TypeScript program's stack run with the real SDK against
// the harness's engine model (ProgramStack), what a pass returns and prints, and the config helpers.
export { ProgramStack, ProgramRunError } from "./program-stack.ts";
export type { ProgramStackOptions, RunOptions as ProgramRunOptions } from "./program-stack.ts";
export type { PassResult } from "./operations.ts";
export { renderPass } from "./display.ts";
export { parseConfigArgs, programConfigEnv, type StackConfig } from "./config.ts";
export { readProject, type Project } from "./project.ts";
export { pulumiOnPath, runWithPulumiCli } from "./pulumi-cli.ts";
export type { ProgramState, ComponentState } from "./state-file.ts";
