// The passes of the CLI's operations over a program's stack: a program pass (preview or update: the
// program run against the monitor, then deletes), a refresh pass (every resource read with its
// provider from state; the program does not run), a destroy pass, and an import. Each pass has its own
// Engine service, plugin processes and (for a program pass) monitor and program process; the new state
// is what the pass left, also when it failed half way (the engine checkpoints as it goes).
import { deleteInDependencyOrder, deleteResource } from "../delete-step.ts";
import { FakeEngine, type LogEntry } from "../fake-engine.ts";
import { readForImport } from "../import-step.ts";
import { refreshResource } from "../refresh-step.ts";
import { DeploymentError, type Diagnostic, type StepRecord } from "../stack-types.ts";
import { makeUrn, urnName, urnType } from "../urn.ts";
import type { ValueMap } from "../value-model.ts";
import { ProgramDeployment, stackUrn } from "./engine.ts";
import { EXIT_ALREADY_REPORTED, runProgram, type ProgramExit } from "./language-host.ts";
import { startMonitor } from "./monitor.ts";
import { projectLauncher } from "./providers.ts";
import type { ProgramRun } from "./run-settings.ts";
import type { ComponentState, ProgramState } from "./state-file.ts";

/** What a pass did. */
export interface PassResult {
  kind: "update" | "refresh" | "destroy" | "import";
  dryRun: boolean;
  /** Steps in the order they finished (default providers included; the display hides them). */
  steps: StepRecord[];
  /** URNs in the order the program registered them (the display's order). */
  order: string[];
  /** Errors and warnings of the engine, then what the providers and the program logged. */
  diagnostics: Diagnostic[];
  logs: LogEntry[];
  /** The program's own output (the engine shows it under the stack). */
  programOutput: string;
  olds: ProgramState;
  news: ProgramState;
  /** The failure, when the pass failed. */
  error?: string;
  /** Provider RPCs in order, e.g. "Create(web, preview)". */
  calls: string[];
  ms: number;
}

/** A pass's run settings without what the pass makes itself. */
export type PassSettings = Omit<ProgramRun, "launcher" | "dryRun"> & {
  dryRun: boolean;
  launcher?: ProgramRun["launcher"];
  /** Extra environment for the program. */
  env?: Record<string, string>;
  /** Seconds the program gets to exit once a step failed, before it is interrupted. */
  exitGraceSeconds?: number;
};

// Runs the program once (preview or update) and, when it succeeded, deletes what it no longer declares.
export async function programPass(s: PassSettings): Promise<PassResult> {
  return withEngine(s, "update", async (pd, engine) => {
    const monitor = await startMonitor(pd);
    let program;
    try {
      program = runProgram({ project: s.project, stack: s.stack, monitorAddress: monitor.address, engineAddress: engine.address,
        dryRun: s.dryRun, parallel: s.parallel, configEnv: s.configEnv, ...(s.env ? { env: s.env } : {}) });
      const exit = await untilExit(program, pd, s.exitGraceSeconds ?? 20);
      const output = exit.stdout + exit.stderr;
      try {
        if (!pd.failed) checkExit(exit);
        await pd.finish();
      } catch (e) {
        throw Object.assign(e as Error, { programOutput: output });
      }
      return output;
    } finally {
      await monitor.stop();
    }
  });
}

// Reads every resource of the state with its provider (configured from state) and records drift.
export async function refreshPass(s: PassSettings): Promise<PassResult> {
  return withEngine(s, "refresh", async (pd) => {
    await pd.providers.loadAll();
    await Promise.all(pd.d.olds.resources.map((r) => refreshResource(pd.d, r)));
    pd.components.push(...s.olds.components);
    return "";
  });
}

// Deletes every resource in reverse dependency order, then drops the providers and the components.
export async function destroyPass(s: PassSettings): Promise<PassResult> {
  return withEngine(s, "destroy", async (pd) => {
    const d = pd.d;
    await deleteInDependencyOrder([...d.olds.resources].reverse(), async (r) => {
      await deleteResource(d, r, { replacing: false });
      d.drop(r.urn);
      d.record({ name: r.name, urn: r.urn, type: r.type, op: "delete", id: r.id });
    });
    for (const p of [...(d.olds.providers ?? [])].reverse()) d.record({ name: urnName(p.urn), urn: p.urn, type: urnType(p.urn), op: "delete", id: p.id });
    d.news.providers = [];
    for (const c of [...s.olds.components].reverse()) d.record({ name: c.name, urn: c.urn, type: c.type, op: "delete" });
    return "";
  });
}

// `pulumi import TYPE NAME ID`: the resource read by its id with the default provider, checked, and
// kept (protected) under the stack.
export async function importPass(s: PassSettings, type: string, name: string, id: string, version: string): Promise<PassResult> {
  return withEngine(s, "import", async (pd) => {
    const d = pd.d;
    const root = stackUrn(s.stack, s.project.name);
    const urn = makeUrn(s.stack, s.project.name, type, name);
    if (d.olds.resources.some((r) => r.urn === urn)) d.fail(`resource '${urn}' already exists`);
    const binding = await pd.providers.defaultProvider(type.split(":")[0]!, version);
    const read = await readForImport(d, urn, id, 0, binding.client);
    const check = await binding.client.check({ urn, olds: read.inputs, news: read.inputs, allowUnknowns: d.dryRun, randomSeed: d.seed(urn) });
    for (const f of check.failures) d.diag("warning", `${type} resource '${name}': property ${f.property} has a problem: ${f.reason}`, urn);
    d.put({ urn, name, type, ...read, provider: binding.ref, protect: true, retainOnDelete: false, ignoreChanges: [], parent: root });
    d.record({ name, urn, type, op: "import", imported: true, id: read.id, inputs: read.inputs, outputs: read.outputs });
    pd.components.push(...s.olds.components);
    if (!pd.components.some((c) => c.urn === root)) {
      pd.components.unshift({ urn: root, type: "pulumi:pulumi:Stack", name: `${s.project.name}-${s.stack}`, outputs: {} });
      d.record({ name: `${s.project.name}-${s.stack}`, urn: root, type: "pulumi:pulumi:Stack", op: "create" });
    }
    return "";
  });
}

// One pass with its own Engine service and providers; the result whatever happened.
async function withEngine(s: PassSettings, kind: PassResult["kind"], body: (pd: ProgramDeployment, engine: FakeEngine) => Promise<string>): Promise<PassResult> {
  const started = Date.now();
  const engine = await FakeEngine.start();
  const pd = new ProgramDeployment({ ...s, launcher: s.launcher ?? projectLauncher(s.project, engine) });
  let error: string | undefined;
  let programOutput = "";
  try {
    programOutput = await body(pd, engine);
  } catch (e) {
    error = (e as Error).message;
    if (!(e instanceof DeploymentError) && !pd.d.result.diagnostics.some((x) => x.message === error)) pd.d.diag("error", error);
    programOutput = (e as { programOutput?: string }).programOutput ?? "";
  } finally {
    await pd.d.close();
    await pd.providers.closeAll();
    await engine.stop();
  }
  const components = error && kind === "update" ? mergeComponents(s.olds.components, pd.components) : pd.components;
  return {
    kind, dryRun: s.dryRun, steps: pd.d.result.log, order: pd.registrationOrder, diagnostics: pd.d.result.diagnostics, logs: engine.logs, programOutput,
    olds: s.olds, news: { stack: pd.d.news, components: kind === "destroy" && !error ? [] : components, config: s.config },
    ...(error !== undefined ? { error } : {}), calls: pd.d.result.calls, ms: Date.now() - started,
  };
}

// Waits for the program; once a step failed it gets a grace period, then an interrupt.
async function untilExit(program: ReturnType<typeof runProgram>, pd: ProgramDeployment, graceSeconds: number): Promise<ProgramExit> {
  let failedAt: number | undefined;
  const timer = setInterval(() => {
    if (pd.failed && Date.now() - (failedAt ??= Date.now()) > graceSeconds * 1000) program.interrupt();
  }, 250);
  try {
    return await program.exited;
  } finally {
    clearInterval(timer);
  }
}

// The language host's reading of the program's exit.
function checkExit(exit: ProgramExit): void {
  if (exit.code === 0) return;
  if (exit.code === EXIT_ALREADY_REPORTED) throw new Error("the program failed (its error is above)");
  throw new Error(exit.code === null ? `Program exited unexpectedly: ${exit.signal}` : `Program exited with non-zero exit code: ${exit.code}`);
}

// After a failed update: the old components the program had not registered yet are still there.
function mergeComponents(olds: ComponentState[], news: ComponentState[]): ComponentState[] {
  return [...news, ...olds.filter((o) => !news.some((n) => n.urn === o.urn))];
}

/** The stack outputs of a state (the stack resource's outputs). */
export function stackOutputs(state: ProgramState): ValueMap {
  return state.components.find((c) => c.type === "pulumi:pulumi:Stack")?.outputs ?? {};
}
