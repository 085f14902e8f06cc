import { expect } from "vitest";
import { DeploymentError, startProvider, Stack, type Program, type ResourceSpec } from "pulumi-engine-harness";
import type { SimHost } from "freebsd-sim";
import { untimedReadSeconds } from "../../provider/src/protocol/provider.ts";
import { bound, hostView, type Subject } from "./subjects.ts";

// The fault suite's driver: for one resource type and one operation (create, update, delete), run the
// operation once without faults to count its execs and tool invocations, then once per fault (the
// connection dropped before, during or after each exec; each tool invocation failing; each exec
// stalled past the operation's customTimeouts), each time followed, as the next `pulumi up` would be,
// by a fresh provider process: a refresh that must tell the truth, and an up that must converge to
// the host the fault-free run made.

export type Op = "create" | "update" | "delete";
export type Fault =
  | { kind: "drop"; n: number; phase: "before" | "during" | "after" }
  | { kind: "failTool"; n: number }
  | { kind: "stall"; n: number };

export const ops: Op[] = ["create", "update", "delete"];
export const launcher = (env: Record<string, string>) => startProvider({ env });

/** Seconds the stalled operation gets (customTimeouts). */
export const STALL_TIMEOUT = 4;

/** What the fault-free run of one operation did. */
export interface Baseline {
  execs: number;
  tools: string[][];
  ms: number;
  preView: string;
  postView: string;
}

export function describeFault(f: Fault): string {
  if (f.kind === "drop") return `drop ${f.phase} exec ${f.n}`;
  if (f.kind === "failTool") return `fail tool ${f.n}`;
  return `stall exec ${f.n}`;
}

/** Every fault of an operation that made `b.execs` execs and `b.tools.length` tool invocations. */
export function allFaults(b: Baseline): Fault[] {
  const out: Fault[] = [];
  for (let n = 1; n <= b.execs; n++) for (const phase of ["before", "during", "after"] as const) out.push({ kind: "drop", n, phase });
  for (let n = 1; n <= b.tools.length; n++) out.push({ kind: "failTool", n });
  for (let n = 1; n <= b.execs; n++) out.push({ kind: "stall", n });
  return out;
}

/**
 * The sample `make test` runs: one fault per operation, its kind turning with the operation (each type
 * gets a drop, a tool failure and a stall across its three operations) and the drop's phase with the
 * type: the exec that changes the host (the last: an operation reads the host in one exec, then
 * writes and reads back in one batch) dropped, the first tool that changes the host failed, that exec
 * stalled past the deadline.
 */
export function sampleFaults(b: Baseline, op: Op, subjectIndex: number): Fault[] {
  const phases = ["before", "during", "after"] as const;
  const changing = Math.max(1, b.execs);
  const firstChange = b.tools.findIndex((argv) => !readOnly(argv));
  const drop: Fault = { kind: "drop", n: changing, phase: phases[subjectIndex % 3]! };
  const kinds: Fault[] = [
    drop,
    // An operation that ran no tool (an action's delete reads only) gets the drop instead.
    b.tools.length === 0 ? drop : { kind: "failTool", n: firstChange >= 0 ? firstChange + 1 : b.tools.length },
    { kind: "stall", n: changing },
  ];
  return [kinds[(subjectIndex + ops.indexOf(op)) % 3]!];
}

/** Tool invocations that only read the host. */
function readOnly(argv: string[]): boolean {
  const [tool, sub] = argv;
  if (tool === "zfs" || tool === "zpool") return ["list", "get"].includes(sub ?? "");
  if (tool === "sysrc") return argv.includes("-n") || argv.includes("-a") || argv.every((a) => !a.includes("="));
  if (tool === "rctl") return argv.length === 1 || sub === "-u" || sub === "-h";
  return ["jls", "ifconfig", "sysctl", "uname", "cat", "ls", "hostname", "freebsd-version", "stat", "lockf", "id", "test", "find"].includes(tool ?? "");
}

/** One resource type's stack, and the programs of each operation. */
export class SubjectRun {
  readonly stack: Stack;
  readonly subject: Subject;
  private readonly sim: SimHost;

  constructor(sim: SimHost, subject: Subject, config: Record<string, never>) {
    this.sim = sim;
    this.subject = bound(subject, sim);
    this.stack = new Stack(launcher, { config, stack: `faults-${subject.label.toLowerCase()}` });
  }

  pre(op: Op): Program {
    const { prereq, v1, v2 } = this.subject;
    return op === "create" ? { ...prereq } : { ...prereq, x: op === "update" ? v1 : v2 };
  }

  post(op: Op, timeout?: number): Program {
    const { prereq, v1, v2 } = this.subject;
    if (op === "delete") {
      // A delete's timeout comes from the state's resource options in the CLI; the harness takes the
      // destroyed resource's last registration, so the deadline is set by registering it once more.
      return { ...prereq };
    }
    const spec: ResourceSpec = op === "create" ? v1 : v2;
    return { ...prereq, x: timeout ? withTimeout(spec, op, timeout) : spec };
  }

  /** What the subject acts on, made again before each operation. */
  private async setup(): Promise<void> {
    if (!this.subject.setup) return;
    const r = await this.sim.exec(this.subject.setup);
    if (r.code !== 0) throw new Error(`setup failed (${r.code}): ${r.stderr}`);
  }

  /** The fault-free run: from the state before, the operation once, counting what it did. */
  async baseline(op: Op): Promise<Baseline> {
    if (this.subject.rebuild && op !== "create") await this.stack.up(this.pre("create"), { skipPreview: true });
    await this.stack.up(this.pre(op), { skipPreview: true });
    await this.setup();
    const preView = await hostView(this.sim, this.subject);
    const toolsBefore = (await this.sim.toolLog()).length;
    this.sim.resetStats();
    const started = Date.now();
    await this.stack.up(this.post(op), { skipPreview: true });
    const ms = Date.now() - started;
    const execs = this.sim.stats.execChannels;
    const tools = (await this.sim.toolLog()).slice(toolsBefore);
    return { execs, tools, ms, preView, postView: await hostView(this.sim, this.subject) };
  }

  /** One fault case; returns what the faulted operation answered (for the figures). */
  async runCase(op: Op, fault: Fault, b: Baseline): Promise<"failed" | "succeeded"> {
    const s = this.stack;
    if (this.subject.rebuild && op !== "create") await s.up(this.pre("create"), { skipPreview: true });
    await s.up(this.pre(op), { skipPreview: true });
    await this.setup();
    expect(await hostView(this.sim, this.subject), "the state before the operation").toBe(b.preView);
    if (op === "delete" && fault.kind === "stall") {
      // Registered once with its delete timeout, so the state carries customTimeouts.delete.
      await s.up({ ...this.pre(op), x: withTimeout(this.subject.v2, "delete", STALL_TIMEOUT) }, { skipPreview: true });
    }

    arm(this.sim, fault);
    const started = Date.now();
    const timeout = fault.kind === "stall" ? STALL_TIMEOUT : undefined;
    const err = await s.up(this.post(op, timeout), { skipPreview: true }).then(() => undefined, (e: unknown) => e);
    const elapsed = Date.now() - started;
    this.sim.faults.clear();
    if (err !== undefined && !(err instanceof DeploymentError)) throw err;
    const text = err ? failureText(err as DeploymentError) : "";

    const inDiff = op === "update" && fault.kind === "stall" && fault.n <= (this.subject.diffExecs ?? 0);
    if (fault.kind === "stall" && !inDiff) {
      // The stalled exec is one of the operation's own: the deadline ends it, with time to spare.
      expect(text, "a stalled command fails the operation at its deadline").toMatch(/deadline passed/);
      expect(elapsed).toBeLessThan(STALL_TIMEOUT * 1000 + 10_000);
    }
    if (inDiff) {
      // A stall in Diff's reads ends at the provider's bound for them. A replica's host that does not
      // answer fails the update; a source that does not answer only goes uncompared, and the update
      // itself (under its own deadline) reads it again.
      if (err) expect(text, "a stalled Diff read fails at Diff's bound").toMatch(/deadline passed.*Diff reads the hosts for at most/s);
      expect(elapsed).toBeLessThan((untimedReadSeconds + STALL_TIMEOUT) * 1000 + 10_000);
    }
    if (err && fault.kind === "drop") {
      // A dropped connection is a transport failure, never a verdict about the resource.
      expect(text).toMatch(/connection|connect|ECONNRESET|closed|transport/i);
    }

    // A half-made create is recorded; a half-done delete is not forgotten. (An action's effects are no
    // object a read could find: what the state says of it is what the engine was told; see Subject.action.)
    const afterFault = await hostView(this.sim, this.subject);
    const object = !this.subject.action;
    if (object && op === "create" && afterFault !== b.preView) {
      expect(s.resource("x"), `the host changed (${describeFault(fault)}), so the state records the resource`).toBeDefined();
    }
    if (object && op === "delete" && afterFault !== b.postView) {
      expect(s.resource("x"), "a resource still on the host stays in the state").toBeDefined();
    }
    if (op === "update") expect(s.resource("x")).toBeDefined();

    // The next deployment, with a fresh provider: a refresh tells the truth.
    await s.refresh({ skipPreview: true });
    expect(await hostView(this.sim, this.subject), "a refresh changes nothing on the host").toBe(afterFault);
    if (object && op === "create" && afterFault === b.preView) expect(s.resource("x"), "nothing was made: refresh drops it").toBeUndefined();
    if (object && op === "create" && afterFault !== b.preView) expect(s.resource("x"), "something was made: refresh keeps it").toBeDefined();
    if (object && op === "delete" && afterFault === b.postView) expect(s.resource("x"), "it is gone: refresh drops it").toBeUndefined();
    if (object && op === "delete" && afterFault !== b.postView) expect(s.resource("x"), "it is still there: refresh keeps it").toBeDefined();
    if (op === "update") expect(s.resource("x")).toBeDefined();

    // ... and an up converges to what the fault-free run made; nothing else is left or lost.
    await s.up(this.post(op), { skipPreview: true });
    expect(await hostView(this.sim, this.subject), `converged after ${describeFault(fault)}`).toBe(b.postView);
    const again = await s.preview(this.post(op));
    expect(Object.entries(again.steps).filter(([, st]) => st.op !== "same").map(([n, st]) => `${n}: ${st.op}`)).toEqual([]);
    return err ? "failed" : "succeeded";
  }
}

function withTimeout(spec: ResourceSpec, op: Op, seconds: number): ResourceSpec {
  return { ...spec, options: { ...spec.options, customTimeouts: { [op]: seconds } } };
}

export function arm(sim: SimHost, f: Fault): void {
  if (f.kind === "drop") sim.faults.dropAfterExecs(f.n, { phase: f.phase });
  else if (f.kind === "failTool") sim.faults.failTool(/./, { nth: f.n, code: 1, stderr: "simulated failure\n" });
  else sim.faults.stallCommand(/./, { nth: f.n });
}

export function failureText(d: DeploymentError): string {
  return [d.message, ...d.result.diagnostics.map((x) => x.message)].join("\n");
}
