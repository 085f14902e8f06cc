// Entry point of every simulated tool: `node run.ts <tool> args...` inside the sandbox (the sh
// wrappers at /sbin/zfs etc. exec it). Logs argv, takes the state lock, loads the model, runs the
// tool, saves what changed, then writes the tool's stdout/stderr and exits with its status.

import { appendFileSync, mkdirSync } from "node:fs";
import { writeFd } from "../core/fd.ts";
import { SANDBOX_STATE, statePaths, type StatePaths } from "../core/paths.ts";
import { acquireLock, loadDisk, loadKernel, releaseLock, saveDisk, saveKernel } from "../core/store.ts";
import { makeCtx, type ZfsCtx } from "../zfs/context.ts";
import { READ_ONLY, zfsMain } from "../zfs/main.ts";
import { ZPOOL_READ_ONLY, zpoolMain } from "../zpool/main.ts";
import { sysctlMain } from "./sysctl.ts";
import { ifconfigReadOnly } from "../net/ifconfig.ts";
import { ifconfigTool } from "../net/host-net.ts";
import { freebsdVersionMain, unameMain } from "./version.ts";
import { rctlMain } from "../rctl/main.ts";
import { readAccounts } from "../rctl/userland.ts";
import { sandboxProcs } from "../rctl/usage.ts";
import { STANDALONE } from "./standalone.ts";
import { SELF_RUN } from "../jail/entry.ts";
import { preloadStdin } from "../zfs/stdin.ts";
import { claimTool } from "../transport/faults.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

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

function readOnly(tool: string, args: string[]): boolean {
  if (tool === "zfs") return READ_ONLY.has(args[0] ?? "") || (args[0] === "mount" && args.length === 1);
  if (tool === "zpool") return ZPOOL_READ_ONLY.has(args[0] ?? "");
  if (tool === "sysctl") return !args.some((a) => a.includes("="));
  if (tool === "rctl") return !args.some((a) => /^-[hlnu]*[ar]/.test(a));
  if (tool === "ifconfig") return ifconfigReadOnly(args);
  return true;
}

/** Runs one tool invocation against a state directory and returns its output. */
export function runTool(stateDir: string, tool: string, args: string[]): ToolResult {
  const paths = statePaths(stateDir);
  logArgv(paths, [tool, ...args]);
  const lock = acquireLock(paths.lock, readOnly(tool, args));
  const disk = loadDisk(paths);
  const kernel = loadKernel(paths);
  const ctx: ZfsCtx = makeCtx(paths, disk, kernel, Math.floor(Date.now() / 1000));
  let code: number;
  try {
    code = dispatch(ctx, tool, args);
    if (ctx.dirtyDisk) saveDisk(paths, disk);
    if (ctx.dirtyKernel) saveKernel(paths, kernel);
  } finally {
    releaseLock(lock);
  }
  return { code, stdout: ctx.io.out.join(""), stderr: ctx.io.err.join("") };
}

function dispatch(ctx: ZfsCtx, tool: string, args: string[]): number {
  const { disk, kernel, paths } = ctx;
  let code: number;
  switch (tool) {
    case "zfs": code = zfsMain(ctx, args); break;
    case "zpool": code = zpoolMain(ctx, args); break;
    case "sysctl": {
      const r = sysctlMain(ctx.io, args, disk, kernel);
      code = r.code;
      ctx.dirtyKernel = r.changed;
      break;
    }
    case "freebsd-version":
      code = freebsdVersionMain(ctx.io, args, disk.host, join(paths.root, "boot/kernel/kernel"));
      break;
    case "uname": code = unameMain(ctx.io, args, disk.host); break;
    case "ifconfig": code = ifconfigTool(ctx, args); break;
    case "rctl": {
      const r = rctlMain(ctx.io, args, { kernel, accounts: readAccounts(paths.root), procs: sandboxProcs() });
      code = r.code;
      ctx.dirtyKernel = r.changed;
      break;
    }
    default:
      ctx.io.err.push(`${tool}: not simulated\n`);
      code = 127;
  }
  return code;
}


function main(): void {
  let argv = process.argv.slice(2);
  let state = SANDBOX_STATE;
  if (argv[0] === "--state") {
    state = argv[1]!;
    argv = argv.slice(2);
  }
  const [tool, ...args] = argv;
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
  // Tools that run other commands or take long (lockf, fetch, tar) never hold the state lock.
  // jail(8), jexec, service...: they run commands, lock only around model changes and write their own output.
  const own = SELF_RUN[tool ?? ""];
  if (own) {
    logArgv(statePaths(state), argv);
    void Promise.resolve(own(state, args)).then((code) => process.exit(code));
    return;
  }
  const standalone = STANDALONE[tool ?? ""];
  if (standalone) {
    logArgv(statePaths(state), argv);
    process.exit(standalone(args, statePaths(state)));
  }
  // A `zfs receive` reads its stream before locking, so `zfs send | zfs receive` on one host cannot deadlock.
  preloadStdin(tool ?? "", args);
  const res = runTool(state, tool ?? "", args);
  writeFd(1, res.stdout);
  writeFd(2, res.stderr);
  process.exit(res.code);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
