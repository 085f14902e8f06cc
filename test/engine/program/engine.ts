// One run of a program against the engine model (pkg/resource/deploy/source_eval.go and the step
// generator): each registration the program sends becomes a step run with the harness's deployment
// logic, concurrently as they arrive and bounded by `parallel`; components and the stack are recorded;
// after the program exits, what it no longer declares is deleted in dependency order. The first failed
// step shuts the monitor down, as the engine cancels the deployment.
import { status } from "@grpc/grpc-js";
import { deleteLeftovers } from "../delete-step.ts";
import { Deployment, type ProviderBinding } from "../deployment.ts";
import { registerResource } from "../resource-steps.ts";
import { DeploymentError, type ResourceState } from "../stack-types.ts";
import { makeUrn, urnName, urnType } from "../urn.ts";
import { isSecret, secret, type ValueMap } from "../value-model.ts";
import { MonitorError, type InvokeRequest, type MonitorBackend, type ReadRequest, type RegisterRequest } from "./monitor.ts";
import type { ProgramRun } from "./run-settings.ts";
import { ProviderTable } from "./providers.ts";
import type { ComponentState } from "./state-file.ts";

const STACK_TYPE = "pulumi:pulumi:Stack";
const PROVIDER_PREFIX = "pulumi:providers:";

/** The engine side of one run of a program: the monitor's backend. */
export class ProgramDeployment implements MonitorBackend {
  readonly d: Deployment;
  readonly providers: ProviderTable;
  /** Components of the new state (the stack first). */
  readonly components: ComponentState[] = [];
  private readonly registered = new Set<string>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private failure: Error | undefined;
  private readonly run: ProgramRun;

  constructor(run: ProgramRun) {
    this.run = run;
    this.d = new Deployment({
      dryRun: run.dryRun, olds: run.olds.stack, project: run.project.name, stack: run.stack, pkg: "freebsd",
      loadOldProvider: (s) => this.providers.loadOld(s), refuseDependentReplacements: true,
      ...(run.randomSeed ? { randomSeed: run.randomSeed } : {}),
    });
    this.providers = new ProviderTable(this.d, run.project, run.config, run.launcher);
  }

  /** The URNs the program registered, in the order it registered them. */
  get registrationOrder(): string[] {
    return [...this.registered];
  }

  /** The first failure of the run, if any. */
  get failed(): Error | undefined {
    return this.failure;
  }

  info(): ReturnType<MonitorBackend["info"]> {
    const env = JSON.parse(this.run.configEnv["PULUMI_CONFIG"] ?? "{}") as Record<string, string>;
    const config = Object.fromEntries(Object.entries(env).map(([k, v]) => [k.replace(":config:", ":"), v]));
    return { project: this.run.project.name, stack: this.run.stack, dryRun: this.run.dryRun, parallel: this.run.parallel, config,
      secretKeys: JSON.parse(this.run.configEnv["PULUMI_CONFIG_SECRET_KEYS"] ?? "[]") };
  }

  async register(req: RegisterRequest): Promise<{ urn: string; id: string; outputs: ValueMap }> {
    this.checkRunning();
    const urn = this.urnOf(req.type, req.name, req.parent);
    if (this.registered.has(urn)) return this.abort(new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`), urn);
    this.registered.add(urn);
    if (req.remote) return this.abort(new Error(`${urn}: remote components (Construct) are not modelled by the program runner`), urn);
    if (req.unmodelled.length > 0) {
      return this.abort(new Error(`${urn}: the program runner does not model the option${req.unmodelled.length > 1 ? "s" : ""} ${req.unmodelled.join(", ")}`), urn);
    }
    if (!req.custom) return this.registerComponent(req, urn);
    if (req.type.startsWith(PROVIDER_PREFIX)) {
      return this.track(urn, async () => {
        const state = await this.providers.registerExplicit(urn, req.inputs, req.version);
        return { urn, id: state.id, outputs: state.outputs };
      });
    }
    return this.track(urn, () => this.registerCustom(req, urn));
  }

  async registerOutputs(urn: string, outputs: ValueMap): Promise<void> {
    const c = this.components.find((x) => x.urn === urn);
    if (c === undefined) throw new MonitorError(status.INVALID_ARGUMENT, `RegisterResourceOutputs: '${urn}' is not a component of this run`);
    c.outputs = outputs;
  }

  async read(req: ReadRequest): Promise<{ urn: string; properties: ValueMap }> {
    this.checkRunning();
    const urn = this.urnOf(req.type, req.name, req.parent);
    return this.track(urn, async () => {
      const old = this.d.olds.resources.find((r) => r.urn === urn);
      if (old !== undefined && !old.external) this.d.fail(`${urn}: reading a resource the stack manages (a read-replacement) is not modelled`);
      const binding = await this.bindingFor(req.provider, {}, req.type, req.version);
      const res = await binding.client.read({ urn, id: req.id, properties: req.properties });
      if (res.properties === undefined) this.d.fail(`resource '${req.id}' does not exist`);
      const state: ResourceState = {
        urn, name: req.name, type: req.type, id: res.id || req.id, inputs: res.inputs ?? {}, outputs: res.properties, initErrors: [],
        provider: binding.ref, protect: false, retainOnDelete: false, ignoreChanges: [], external: true, parent: req.parent,
      };
      secureOutputs(state, req.additionalSecretOutputs);
      this.d.put(state);
      this.d.record({ name: req.name, urn, type: req.type, op: "import", id: state.id, inputs: state.inputs, outputs: state.outputs });
      return { urn, properties: state.outputs };
    });
  }

  async invoke(req: InvokeRequest): Promise<{ ret: ValueMap; failures: { property: string; reason: string }[] }> {
    this.checkRunning();
    if (req.tok.startsWith("pulumi:")) throw new MonitorError(status.UNIMPLEMENTED, `the built-in function ${req.tok} is not modelled by the program runner`);
    const binding = await this.bindingFor(req.provider, {}, req.tok, req.version);
    const res = await binding.client.invoke({ tok: req.tok, args: req.args, preview: this.run.dryRun });
    return { ret: res.return ?? {}, failures: res.failures };
  }

  async shutdown(): Promise<void> {
    await this.settle();
  }

  // After the program exited: waits for its steps, then deletes what it no longer declares.
  async finish(): Promise<void> {
    await this.settle();
    if (this.failure) throw this.failure;
    await deleteLeftovers(this.d, this.registered, true);
    const keep = this.providers.registered();
    for (const p of this.d.olds.providers ?? []) {
      if (keep.has(p.urn)) continue;
      this.d.news.providers = (this.d.news.providers ?? []).filter((x) => x.urn !== p.urn);
      this.d.record({ name: urnName(p.urn), urn: p.urn, type: urnType(p.urn), op: "delete", id: p.id });
    }
    for (const c of [...this.run.olds.components].reverse()) {
      if (!this.registered.has(c.urn)) this.d.record({ name: c.name, urn: c.urn, type: c.type, op: "delete" });
    }
  }

  private registerComponent(req: RegisterRequest, urn: string): { urn: string; id: string; outputs: ValueMap } {
    const old = this.run.olds.components.find((c) => c.urn === urn);
    this.components.push({
      urn, type: req.type, name: req.name, ...(req.parent ? { parent: req.parent } : {}), outputs: old?.outputs ?? {},
      ...(Object.keys(req.providers).length ? { providers: req.providers } : {}),
    });
    this.d.record({ name: req.name, urn, type: req.type, op: old ? "same" : "create" });
    return { urn, id: "", outputs: {} };
  }

  private async registerCustom(req: RegisterRequest, urn: string): Promise<{ urn: string; id: string; outputs: ValueMap }> {
    const binding = await this.bindingFor(req.provider, req.providers, req.type, req.version, req.parent);
    const parentIsCustom = this.d.news.resources.some((r) => r.urn === req.parent);
    const dependencies = [...new Set([...req.dependencies, ...(parentIsCustom ? [req.parent] : [])])];
    await this.limited(() => registerResource(this.d, req.name, { type: req.type, inputs: req.inputs, options: req.options }, dependencies, { urn, provider: binding }));
    const state = this.d.news.resources.find((r) => r.urn === urn);
    if (state === undefined) throw new Error(`harness: ${urn} has no state after its step`);
    state.parent = req.parent;
    secureOutputs(state, req.additionalSecretOutputs);
    const step = this.d.result.log.findLast((s) => s.urn === urn);
    if (step) step.outputs = state.outputs;
    return { urn, id: state.id, outputs: state.outputs };
  }

  // The provider of a resource or function: explicit, inherited from a parent component, or the default.
  private async bindingFor(ref: string, providers: Record<string, string>, token: string, version: string, parent = ""): Promise<ProviderBinding> {
    const pkg = token.split(":")[0]!;
    if (pkg === "pulumi") throw new Error(`${token}: the engine's built-in provider (StackReference, getResource, getStackOutputs) is not modelled by the program runner`);
    const explicit = ref || providers[pkg] || this.components.find((c) => c.urn === parent && c.providers?.[pkg])?.providers?.[pkg] || "";
    if (explicit) return this.providers.explicitProvider(explicit);
    return this.providers.defaultProvider(pkg, version);
  }

  // The URN the engine gives a registration: the parent's type is part of it, except the stack's.
  private urnOf(type: string, name: string, parent: string): string {
    const parentType = parent === "" ? "" : parent.split("::")[2] ?? "";
    const qualified = parentType === "" || parentType === STACK_TYPE ? type : `${parentType}$${type}`;
    return makeUrn(this.run.stack, this.run.project.name, qualified, name);
  }

  // Runs a step, tracking it; its failure shuts the monitor down for the rest of the program.
  private async track<T>(urn: string, step: () => Promise<T>): Promise<T> {
    const p = step();
    this.inflight.add(p);
    try {
      return await p;
    } catch (e) {
      return this.abort(e as Error, urn);
    } finally {
      this.inflight.delete(p);
    }
  }

  // Records the first failure and answers as the engine's cancelled monitor does.
  private abort(e: Error, urn: string): never {
    if (!(e instanceof DeploymentError)) this.d.diag("error", e.message, urn);
    this.failure ??= e;
    throw new MonitorError(status.UNAVAILABLE, "resource monitor shut down while waiting on step's done channel");
  }

  private checkRunning(): void {
    if (this.failure) throw new MonitorError(status.UNAVAILABLE, "resource monitor shut down while sending resource registration");
  }

  // Waits until no step is in flight.
  private async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  // Runs a provider step under the `parallel` bound, as the step executor's workers do.
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.run.parallel) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes to the next step waiting
      else this.running--;
    }
  }
}

// What the step executor does to every new state: outputs named in additionalSecretOutputs become
// secret, and so does any output whose input of the same name is secret.
export function secureOutputs(state: ResourceState, additionalSecretOutputs: readonly string[]): void {
  const outputs = { ...state.outputs };
  for (const k of additionalSecretOutputs) {
    const v = outputs[k];
    if (k !== "id" && v !== undefined && !isSecret(v)) outputs[k] = secret(v);
  }
  for (const [k, v] of Object.entries(outputs)) {
    if (!isSecret(v) && isSecret(state.inputs[k])) outputs[k] = secret(v);
  }
  state.outputs = outputs;
}

// A top-level registration's stack URN: the stack resource is named "<project>-<stack>".
export function stackUrn(stack: string, project: string): string {
  return makeUrn(stack, project, STACK_TYPE, `${project}-${stack}`);
}

