// Fault injection for reliability tests: a plan of one-shot faults in STATE/transport/faults.json
// that every exec consults, whichever SSH server runs it (the in-process ssh2 server, or the
// ForceCommand wrapper under OpenSSH's sshd, a separate process per session). Faults count execs
// from the moment they are armed; each fires once and is then listed under `fired`.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { acquireLock, releaseLock } from "../core/store.ts";

/** When a dropped connection goes away relative to the command it is tied to. */
export type DropPhase = "before" | "during" | "after";

export type FaultRule =
  /** The connection carrying the n-th exec is dropped: before running it, after running it but before
   * its exit status is sent ("during"), or once its output and exit status are sent ("after"). */
  | { id: string; kind: "drop-exec"; n: number; seen: number; phase: DropPhase }
  /** The connection is dropped once n bytes of command output (stdout + stderr) have been sent. */
  | { id: string; kind: "drop-bytes"; n: number }
  /** The n-th exec whose command matches fails with code/stdout/stderr without running. */
  | { id: string; kind: "fail"; on?: FaultTarget; source: string; flags: string; n: number; seen: number; code: number; stdout: string; stderr: string }
  /** The n-th exec whose command matches never answers (ms undefined), or runs after ms. */
  | { id: string; kind: "stall"; on?: FaultTarget; source: string; flags: string; n: number; seen: number; ms?: number };

/**
 * What a fail or stall rule is matched against: the exec's command line as the client sent it
 * (default), or one tool invocation (`zfs create -o a=b pool/x`, argv joined by spaces) wherever it
 * runs: a command of a batch script, inside a jail, or behind lockf.
 */
export type FaultTarget = "exec" | "tool";

export interface FiredFault {
  id: string;
  kind: FaultRule["kind"];
  command: string;
  at: string;
}

export interface FaultPlan {
  rules: FaultRule[];
  fired: FiredFault[];
}

/** What an exec must do, from the rules that fired on it. */
export interface ExecFaults {
  drop?: DropPhase;
  fail?: { code: number; stdout: string; stderr: string };
  /** Milliseconds to wait before answering; null: never answer. */
  stall?: number | null;
  /** Output bytes left before the connection must be dropped (rule id and budget at arming). */
  bytes?: { id: string; n: number };
}

function faultFile(stateDir: string): string {
  return join(stateDir, "transport", "faults.json");
}

function lockFile(stateDir: string): string {
  return join(stateDir, "transport", "faults.lock");
}

/** The current fault plan (empty when none was ever armed). */
export function readFaultPlan(stateDir: string): FaultPlan {
  const file = faultFile(stateDir);
  if (!existsSync(file)) return { rules: [], fired: [] };
  return JSON.parse(readFileSync(file, "utf8")) as FaultPlan;
}

function writeFaultPlan(stateDir: string, plan: FaultPlan): void {
  const file = faultFile(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(plan));
  renameSync(tmp, file);
}

/** Reads, changes and writes the plan under its lock; returns fn's result. */
export function updateFaultPlan<T>(stateDir: string, fn: (plan: FaultPlan) => T): T {
  mkdirSync(join(stateDir, "transport"), { recursive: true });
  const fd = acquireLock(lockFile(stateDir), false);
  try {
    const plan = readFaultPlan(stateDir);
    const result = fn(plan);
    writeFaultPlan(stateDir, plan);
    return result;
  } finally {
    releaseLock(fd);
  }
}

/** A rule without its id and counters, as callers arm it. */
export type FaultSpec =
  | { kind: "drop-exec"; n: number; phase?: DropPhase }
  | { kind: "drop-bytes"; n: number }
  | { kind: "fail"; match: RegExp | string; n?: number; code: number; stdout?: string; stderr?: string; on?: FaultTarget }
  | { kind: "stall"; match: RegExp | string; n?: number; ms?: number; on?: FaultTarget };

/** Adds a fault to the plan; returns its id. */
export function armFault(stateDir: string, spec: FaultSpec): string {
  const id = randomUUID();
  const positive = (n: number | undefined, what: string): number => {
    const v = n ?? 1;
    if (!Number.isInteger(v) || v < (what === "bytes" ? 0 : 1)) throw new Error(`fault: bad ${what} count ${String(n)}`);
    return v;
  };
  let rule: FaultRule;
  if (spec.kind === "drop-exec") rule = { id, kind: spec.kind, n: positive(spec.n, "exec"), seen: 0, phase: spec.phase ?? "after" };
  else if (spec.kind === "drop-bytes") rule = { id, kind: spec.kind, n: positive(spec.n, "bytes") };
  else {
    const re = typeof spec.match === "string" ? new RegExp(spec.match) : spec.match;
    const base = { id, source: re.source, flags: re.flags.replace(/[gy]/g, ""), n: positive(spec.n, "match"), seen: 0, ...(spec.on === "tool" ? { on: "tool" as const } : {}) };
    rule = spec.kind === "fail"
      ? { ...base, kind: "fail", code: spec.code, stdout: spec.stdout ?? "", stderr: spec.stderr ?? "" }
      : { ...base, kind: "stall", ...(spec.ms === undefined ? {} : { ms: spec.ms }) };
  }
  updateFaultPlan(stateDir, (plan) => plan.rules.push(rule));
  return id;
}

/** Removes every armed fault (the fired list is kept unless `forget`). */
export function clearFaults(stateDir: string, forget = false): void {
  if (!existsSync(faultFile(stateDir))) return;
  updateFaultPlan(stateDir, (plan) => {
    plan.rules = [];
    if (forget) plan.fired = [];
  });
}

/** Records that a rule fired (drop-bytes rules fire when the server reaches the budget). */
export function markFired(stateDir: string, id: string, command: string): void {
  updateFaultPlan(stateDir, (plan) => fire(plan, id, command));
}

function fire(plan: FaultPlan, id: string, command: string): void {
  const rule = plan.rules.find((r) => r.id === id);
  if (!rule) return;
  plan.rules = plan.rules.filter((r) => r.id !== id);
  plan.fired.push({ id, kind: rule.kind, command, at: new Date().toISOString() });
}

/** Counts one exec against the armed faults and returns what it must do (nothing when none fired). */
export function claimExec(stateDir: string, command: string): ExecFaults {
  // Fast path without the lock: most hosts never arm a fault.
  const file = faultFile(stateDir);
  if (!existsSync(file) || readFaultPlan(stateDir).rules.length === 0) return {};
  return updateFaultPlan(stateDir, (plan) => {
    const out: ExecFaults = {};
    for (const rule of [...plan.rules]) {
      if (rule.kind === "drop-bytes") {
        out.bytes ??= { id: rule.id, n: rule.n };
        continue;
      }
      if (rule.kind !== "drop-exec" && (rule.on === "tool" || !new RegExp(rule.source, rule.flags).test(command))) continue;
      rule.seen++;
      if (rule.seen < rule.n) continue;
      fire(plan, rule.id, command);
      if (rule.kind === "drop-exec") out.drop = rule.phase;
      else if (rule.kind === "fail") out.fail ??= { code: rule.code, stdout: rule.stdout, stderr: rule.stderr };
      else out.stall ??= rule.ms ?? null;
    }
    return out;
  });
}

/** What a tool invocation must do, from the tool rules that fired on it. */
export interface ToolFaults {
  fail?: { code: number; stdout: string; stderr: string };
  /** Milliseconds to wait before running; null: never run. */
  stall?: number | null;
}

/** Counts one tool invocation (argv joined by spaces) against the armed tool rules. */
export function claimTool(stateDir: string, argv: readonly string[]): ToolFaults {
  const file = faultFile(stateDir);
  if (!existsSync(file) || !readFaultPlan(stateDir).rules.some((r) => (r.kind === "fail" || r.kind === "stall") && r.on === "tool")) return {};
  const line = argv.join(" ");
  return updateFaultPlan(stateDir, (plan) => {
    const out: ToolFaults = {};
    for (const rule of [...plan.rules]) {
      if ((rule.kind !== "fail" && rule.kind !== "stall") || rule.on !== "tool") continue;
      if (!new RegExp(rule.source, rule.flags).test(line)) continue;
      rule.seen++;
      if (rule.seen < rule.n) continue;
      fire(plan, rule.id, line);
      if (rule.kind === "fail") out.fail ??= { code: rule.code, stdout: rule.stdout, stderr: rule.stderr };
      else out.stall ??= rule.ms ?? null;
    }
    return out;
  });
}
