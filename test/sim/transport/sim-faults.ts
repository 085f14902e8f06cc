// The `SimHost.faults` API: arms one-shot faults in the host's fault plan (faults.ts), which both
// SSH servers consult on every exec. Counting starts when a fault is armed (n = 1: the next exec).
// A `match` is tested against the exec's command line as the client sent it (the whole `sh -c`
// string), or, for the `*Tool` faults, against each tool invocation (`zfs create -o a=b pool/x`)
// wherever it runs: a command of a script sent on stdin, inside a jail, behind lockf.

import { armFault, clearFaults, readFaultPlan, type DropPhase, type FiredFault } from "./faults.ts";

export type { DropPhase, FiredFault };

export interface SimFaults {
  /** Drops the connection of the n-th exec from now: "before" running it, "during" (it ran, its exit
   * status is never sent) or "after" its output and exit status are sent (default). */
  dropAfterExecs(n: number, opts?: { phase?: DropPhase }): void;
  /** Drops the connection once n more bytes of command output (stdout + stderr) have been sent: the
   * output is cut at byte n. ssh2 server only. */
  dropAfterBytes(n: number): void;
  /** The n-th (default 1st) command from now matching `match` exits with `code` and prints `stderr`
   * (and `stdout`) without running. */
  failCommand(match: RegExp | string, opts: { code: number; stderr?: string; stdout?: string; nth?: number }): void;
  /** The n-th (default 1st) command from now matching `match` never answers, or runs after `ms`. */
  stallCommand(match: RegExp | string, opts?: { ms?: number; nth?: number }): void;
  /** The n-th (default 1st) tool invocation from now whose argv, joined by spaces, matches exits with `code`
   * and prints `stderr` (and `stdout`) without running. */
  failTool(match: RegExp | string, opts: { code: number; stderr?: string; stdout?: string; nth?: number }): void;
  /** The n-th (default 1st) matching tool invocation never returns, or runs after `ms`. */
  stallTool(match: RegExp | string, opts?: { ms?: number; nth?: number }): void;
  /** Disarms every fault not yet fired. */
  clear(): void;
  /** Faults armed and not yet fired. */
  pending(): number;
  /** Faults that fired, oldest first, with the command they hit. */
  fired(): FiredFault[];
}

/** The fault API of the host in `stateDir`, served by `server`. */
export function simFaults(stateDir: string, server: "ssh2" | "openssh"): SimFaults {
  return {
    dropAfterExecs: (n, opts) => void armFault(stateDir, { kind: "drop-exec", n, phase: opts?.phase }),
    dropAfterBytes(n) {
      if (server === "openssh") throw new Error("dropAfterBytes: not available with the OpenSSH server (its output bypasses the simulator)");
      armFault(stateDir, { kind: "drop-bytes", n });
    },
    failCommand: (match, o) => void armFault(stateDir, { kind: "fail", match, n: o.nth, code: o.code, stdout: o.stdout, stderr: o.stderr }),
    stallCommand: (match, o) => void armFault(stateDir, { kind: "stall", match, n: o?.nth, ms: o?.ms }),
    failTool: (match, o) => void armFault(stateDir, { kind: "fail", on: "tool", match, n: o.nth, code: o.code, stdout: o.stdout, stderr: o.stderr }),
    stallTool: (match, o) => void armFault(stateDir, { kind: "stall", on: "tool", match, n: o?.nth, ms: o?.ms }),
    clear: () => clearFaults(stateDir),
    pending: () => readFaultPlan(stateDir).rules.length,
    fired: () => readFaultPlan(stateDir).fired,
  };
}
