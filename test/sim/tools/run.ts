// Entry point of every simulated tool: `node run.ts <tool> args...` inside the sandbox (the sh
// wrappers at /sbin/zfs etc. exec it). Logs argv, takes the state lock, loads the model, runs the
// tool, saves what changed, then writes the tool's stdout/stderr and exits with its status.

import { appendFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { writeFd } from "../core/fd.ts";
import { SANDBOX_STATE, statePaths, type StatePaths } from "../core/paths.ts";
import { acquireLock, loadDisk, loadKernel, releaseLock, saveDisk, saveKernel } from "../core/store.ts";
import { makeCtx, type ZfsCtx } from "../zfs/context.ts";
import { claimTool } from "../transport/faults.ts";
import { findTool, type ModelTool } from "./table.ts";

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Appends one argv line to STATE/log/commands.jsonl. */
export function logArgv(paths: StatePaths, argv: string[]): void {
  mkdirSync(paths.log, { recursive: true });
  appendFileSync(paths.commandLog, JSON.stringify(argv) + "\n");
}

/** Runs one invocation of a tool of the table's "model" kind against a state directory and returns its output. */
export function runTool(stateDir: string, tool: string, args: string[], entry: ModelTool | undefined): ToolResult {
  const paths = statePaths(stateDir);
  logArgv(paths, [tool, ...args]);
  const lock = acquireLock(paths.lock, entry ? entry.readOnly(args) : true);
  const disk = loadDisk(paths);
  const kernel = loadKernel(paths);
  const ctx: ZfsCtx = makeCtx(paths, disk, kernel, Math.floor(Date.now() / 1000));
  let code: number;
  try {
    if (entry) code = entry.main(ctx, args);
    else {
      ctx.io.err.push(`${tool}: not simulated\n`);
      code = 127;
    }
    if (ctx.dirtyDisk) saveDisk(paths, disk);
    if (ctx.dirtyKernel) saveKernel(paths, kernel);
  } finally {
    releaseLock(lock);
  }
  return { code, stdout: ctx.io.out.join(""), stderr: ctx.io.err.join("") };
}

async function main(): Promise<void> {
  let argv = process.argv.slice(2);
  let state = SANDBOX_STATE;
  if (argv[0] === "--state") {
    state = argv[1]!;
    argv = argv.slice(2);
  }
  const [tool = "", ...args] = argv;
  // A fault armed for this invocation (tests): fail without running, or wait first (never: hang).
  const fault = claimTool(state, argv);
  if (fault.stall === null) {
    setInterval(() => undefined, 60_000);
    return;
  }
  if (fault.fail) {
    writeFd(1, fault.fail.stdout);
    writeFd(2, fault.fail.stderr);
    process.exit(fault.fail.code);
  }
  if (fault.stall !== undefined) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, fault.stall);
  const spec = findTool(tool);
  // Tools that run other commands or take long (lockf, fetch, tar) never hold the state lock;
  // jail(8), jexec, service...: they run commands, lock only around model changes and write their own output.
  if (spec?.locking === "self") {
    logArgv(statePaths(state), argv);
    const run = await spec.load();
    process.exit(await run(state, args));
  }
  if (spec?.locking === "none") {
    logArgv(statePaths(state), argv);
    const run = await spec.load();
    process.exit(run(args, statePaths(state)));
  }
  // zfs send and receive stream: they hold the state lock only around the model, never while data flows.
  if (tool === "zfs") {
    const { isStreamingZfs, runStreamingZfs } = await import("../zfs/stream-tool.ts");
    if (isStreamingZfs(args)) {
      logArgv(statePaths(state), argv);
      process.exit(runStreamingZfs(state, args));
    }
  }
  const entry = spec?.locking === "model" ? await spec.load() : undefined;
  const res = runTool(state, tool, args, entry);
  writeFd(1, res.stdout);
  writeFd(2, res.stderr);
  process.exit(res.code);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
