// Fault flags of the freebsd-sim command line, shared by `serve` (armed at start) and `fault` (armed
// on a running host: the plan is the control file STATE/transport/faults.json, read at every exec).
//
//   --drop-after-execs N [--phase before|during|after]   --drop-after-bytes N
//   --fail REGEX --code N [--stderr TEXT] [--stdout TEXT] [--nth N]
//   --stall REGEX [--ms M] [--nth N]                      --clear

import { armFault, clearFaults, readFaultPlan, type DropPhase, type FaultSpec } from "./faults.ts";

export const FAULT_USAGE = `       freebsd-sim fault --state DIR [--clear] [--drop-after-execs N [--phase before|during|after]]
                         [--drop-after-bytes N] [--fail REGEX --code N [--stderr TEXT] [--stdout TEXT] [--nth N]]
                         [--stall REGEX [--ms M] [--nth N]]
`;

type Flags = Map<string, string[]>;

function last(flags: Flags, key: string): string | undefined {
  return flags.get(key)?.at(-1);
}

function int(flags: Flags, key: string): number | undefined {
  const v = last(flags, key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`--${key} wants a number, not '${v}'`);
  return Number(v);
}

/** A line of text as a tool prints it: newline-terminated unless empty. */
function line(text: string | undefined): string | undefined {
  if (text === undefined || text === "" || text.endsWith("\n")) return text;
  return text + "\n";
}

/** The faults the flags ask for (none when no fault flag is given). */
export function faultSpecs(flags: Flags): FaultSpec[] {
  const specs: FaultSpec[] = [];
  const execs = int(flags, "drop-after-execs");
  if (execs !== undefined) {
    const phase = last(flags, "phase") ?? "after";
    if (!["before", "during", "after"].includes(phase)) throw new Error(`--phase wants before, during or after, not '${phase}'`);
    specs.push({ kind: "drop-exec", n: execs, phase: phase as DropPhase });
  }
  const bytes = int(flags, "drop-after-bytes");
  if (bytes !== undefined) specs.push({ kind: "drop-bytes", n: bytes });
  const fail = last(flags, "fail");
  if (fail !== undefined) {
    const code = int(flags, "code");
    if (code === undefined) throw new Error("--fail needs --code N");
    specs.push({ kind: "fail", match: fail, code, n: int(flags, "nth"), stderr: line(last(flags, "stderr")), stdout: line(last(flags, "stdout")) });
  }
  const stall = last(flags, "stall");
  if (stall !== undefined) specs.push({ kind: "stall", match: stall, n: int(flags, "nth"), ms: int(flags, "ms") });
  return specs;
}

/** Arms the faults the flags ask for; returns how many. */
export function armFaultFlags(stateDir: string, flags: Flags): number {
  const specs = faultSpecs(flags);
  for (const spec of specs) armFault(stateDir, spec);
  return specs.length;
}

/** `freebsd-sim fault`: clears and/or arms faults, then prints the plan as JSON. */
export function faultCommand(stateDir: string, flags: Flags): string {
  if (flags.has("clear")) clearFaults(stateDir);
  armFaultFlags(stateDir, flags);
  return JSON.stringify(readFaultPlan(stateDir), null, 2) + "\n";
}
