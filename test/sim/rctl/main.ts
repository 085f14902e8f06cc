// rctl(8) main(): option handling, per-argument expansion and the five syscalls (usr.bin/rctl/rctl.c).
// Exit status is the number of failed arguments; ENOSYS from a disabled racct ends it at once.

import { getopt, getoptMessage } from "../core/getopt.ts";
import type { KernelState } from "../core/types.ts";
import { addRule, getLimits, getRules, parseKernelRule, pruneExited, racctEnabled, rctlState, removeRules,
  type ProcTable } from "./kernel.ts";
import { racctUsage } from "./usage.ts";
import { expandRule, humanizeAmount, humanizeIds, humanizeUsage, type Accounts } from "./userland.ts";
import { ERRNO, SyscallError } from "./vocab.ts";

export interface RctlIo {
  out: string[];
  err: string[];
}

export interface RctlEnv {
  kernel: KernelState;
  accounts: Accounts;
  procs: ProcTable;
}

const USAGE = "usage: rctl [ -h ] [-a rule | -l filter | -r filter | -u filter | filter]\n";

/** Ends rctl with a status (errx/usage exit from deep inside). */
class Exit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** Runs `rctl argv...`; returns the exit status and whether the kernel rules changed. */
export function rctlMain(io: RctlIo, argv: string[], env: RctlEnv): { code: number; changed: boolean } {
  let changed = false;
  try {
    const code = run(io, argv, env, () => {
      changed = true;
    });
    return { code: code & 0xff, changed };
  } catch (e) {
    if (e instanceof Exit) return { code: e.code, changed };
    throw e;
  }
}

function run(io: RctlIo, argv: string[], env: RctlEnv, markChanged: () => void): number {
  const flags = new Set<string>();
  // getopt(3) with "ahlnru" (usr.bin/rctl/rctl.c): unknown letters print libc's message and usage.
  const { opts, rest: args } = getopt(argv, "ahlnru");
  for (const o of opts) {
    if (o.opt === "?") {
      io.err.push(getoptMessage("rctl", o), USAGE);
      throw new Exit(1);
    }
    flags.add(o.opt);
  }
  const modes = ["a", "l", "r", "u"].filter((m) => flags.has(m));
  if (modes.length > 1) {
    io.err.push("rctl: at most one of -a, -l, -r, or -u may be specified\n");
    throw new Exit(1);
  }
  const hflag = flags.has("h");
  const nflag = flags.has("n");
  const st = rctlState(env.kernel);
  pruneExited(st, env.procs);
  const print = (rules: string[]): void => {
    for (let rule of rules) {
      if (!nflag) rule = humanizeIds(rule, env.accounts);
      if (hflag) rule = humanizeAmount(rule);
      io.out.push(`${rule}\n`);
    }
  };
  // Every rctl_* syscall returns ENOSYS while kern.racct.enable is 0; enosys() then exits.
  const syscall = <T>(fn: () => T): T => {
    if (!racctEnabled(env.kernel)) {
      io.err.push("rctl: RACCT/RCTL present, but disabled; enable using kern.racct.enable=1 tunable\n");
      throw new Exit(1);
    }
    return fn();
  };
  const warn = (what: string, e: unknown): number => {
    if (!(e instanceof SyscallError)) throw e;
    io.err.push(`rctl: ${what}: ${ERRNO[e.errno]}\n`);
    return 1;
  };
  if (args.length === 0) {
    if (modes.length > 0) {
      io.err.push(USAGE);
      throw new Exit(1);
    }
    try {
      print(syscall(() => getRules(st, parseKernelRule("::", env.procs))));
    } catch (e) {
      warn("failed to show rules for '::'", e);
    }
    return 0;
  }
  let failed = 0;
  for (const unexpanded of args) {
    // -n only stops id resolution together with -a, so `rctl -n u:root` still finds root's rules.
    const rule = expandRule(unexpanded, !(flags.has("a") && nflag), env.accounts, (m) => io.err.push(`rctl: ${m}\n`));
    if (rule === undefined) {
      failed++;
      continue;
    }
    try {
      if (flags.has("a")) {
        syscall(() => addRule(st, parseKernelRule(rule, env.procs), env.procs));
        markChanged();
      } else if (flags.has("l")) {
        print(syscall(() => getLimits(st, parseKernelRule(rule, env.procs), env.procs)));
      } else if (flags.has("r")) {
        syscall(() => removeRules(st, parseKernelRule(rule, env.procs)));
        markChanged();
      } else if (flags.has("u")) {
        const lines = syscall(() => racctUsage(parseKernelRule(rule, env.procs), env.procs));
        for (const l of lines) io.out.push(`${hflag ? humanizeUsage(l) : l}\n`);
      } else {
        print(syscall(() => getRules(st, parseKernelRule(rule, env.procs))));
      }
    } catch (e) {
      const what = flags.has("a") ? "failed to add rule" : flags.has("l") ? "failed to get limits for"
        : flags.has("r") ? "failed to remove rule" : flags.has("u") ? "failed to show resource consumption for"
        : "failed to show rules for";
      failed += warn(`${what} '${unexpanded}'`, e);
    }
  }
  return failed;
}
