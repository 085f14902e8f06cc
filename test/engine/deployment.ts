// One engine operation (a preview or an update pass): the working state, the report, the providers.
import { randomBytes } from "node:crypto";
import type { ProviderClient } from "./client.ts";
import type { CheckFailure } from "./rpc-types.ts";
import {
  DeploymentError, type Diagnostic, type OperationResult, type ProviderState, type ResourceState, type StackState, type StepRecord,
} from "./stack-types.ts";
import { urnName, urnType } from "./urn.ts";
import { isSecret, unwrapSecrets, type Value } from "./value-model.ts";

/** Identity of the stack: what URNs are made of. */
export interface StackIdentity {
  project: string;
  stack: string;
  /** The provider package, e.g. "freebsd". */
  pkg: string;
}

/** Settings of one deployment. */
export interface DeploymentOptions extends StackIdentity {
  dryRun: boolean;
  olds: StackState;
  /** The client for the default provider of this deployment (a program run binds its providers instead). */
  provider?: ProviderClient;
  /** Starts and configures a provider for the old provider state (deletes after a provider replacement). */
  loadOldProvider: (state: ProviderState) => Promise<ProviderClient>;
  randomSeed?: (urn: string) => Uint8Array;
  /**
   * Fail a delete-before-replace whose old resource has dependents in the state, instead of going on
   * as if it had none: the engine then also replaces or deletes those dependents first, which the
   * harness does not model (the program runner sets it).
   */
  refuseDependentReplacements?: boolean;
}

/** The provider a step runs with: its reference ("<urn>::<id>", as resources record it) and its client. */
export interface ProviderBinding {
  ref: string;
  client: ProviderClient;
}

// The provider state of a stack with the given reference or, with `byUrn`, the given URN.
export function findProvider(state: StackState, ref: string, byUrn = false): ProviderState | undefined {
  const urn = byUrn ? ref : ref.slice(0, ref.lastIndexOf("::"));
  return [state.provider, ...(state.providers ?? [])].find((p) => p !== undefined && p.urn === urn && (byUrn || ref === `${p.urn}::${p.id}`));
}

/** A deployment in progress. Its `news` become the stack state after a successful update pass. */
export class Deployment {
  readonly dryRun: boolean;
  readonly identity: StackIdentity;
  readonly olds: StackState;
  readonly news: StackState;
  readonly result: OperationResult = { steps: {}, log: [], diagnostics: [], calls: [] };
  /** "<urn>::<id>" of the default provider in this deployment. */
  providerRef = "";
  /** Old resources replaced create-before-delete, deleted at the end of the update. */
  readonly pendingDeletes: ResourceState[] = [];
  /** Clients of the providers registered in this deployment besides the default one, by reference. */
  private readonly bound = new Map<string, ProviderClient>();
  private readonly oldProviders = new Map<string, Promise<ProviderClient>>();
  private readonly opts: DeploymentOptions;
  private readonly defaultClient: ProviderClient | undefined;

  constructor(opts: DeploymentOptions) {
    this.opts = opts;
    this.dryRun = opts.dryRun;
    this.identity = { project: opts.project, stack: opts.stack, pkg: opts.pkg };
    this.olds = opts.olds;
    this.news = {
      provider: opts.olds.provider,
      ...(opts.olds.providers ? { providers: opts.olds.providers.map((p) => ({ ...p })) } : {}),
      resources: opts.olds.resources.map((r) => ({ ...r })),
    };
    this.defaultClient = opts.provider;
    if (opts.provider) this.trace(opts.provider);
  }

  /** The client for the default provider; a deployment made without one has none to fall back on. */
  get provider(): ProviderClient {
    if (this.defaultClient === undefined) throw new Error("harness: no provider is bound for this resource (the deployment has no default provider)");
    return this.defaultClient;
  }

  // Records the RPCs a client actually sends into result.calls.
  trace(client: ProviderClient): void {
    client.onCall = (rpc, urn, preview) => {
      const label = urn === undefined || urnType(urn).startsWith("pulumi:providers:") ? rpc : `${rpc}(${urnName(urn)}${preview ? ", preview" : ""})`;
      this.result.calls.push(label);
    };
  }

  // The 32 random bytes the engine sends with Check (fresh per resource per deployment without update plans).
  seed(urn: string): Uint8Array {
    return this.opts.randomSeed?.(urn) ?? new Uint8Array(randomBytes(32));
  }

  // The default provider as a step binding.
  defaultBinding(): ProviderBinding {
    return { ref: this.providerRef, client: this.provider };
  }

  // Makes a provider registered in this deployment (an explicit one) known by its reference.
  bind(binding: ProviderBinding): void {
    this.bound.set(binding.ref, binding.client);
    if (binding.client !== this.defaultClient) this.trace(binding.client);
  }

  // The client that manages resources created under the given provider reference: one registered in
  // this deployment, or the old provider of that reference started and configured from its state.
  async providerFor(ref: string): Promise<ProviderClient> {
    const bound = this.bound.get(ref);
    if (bound !== undefined) return bound;
    const old = ref === this.providerRef ? undefined : findProvider(this.olds, ref);
    if (old === undefined) return this.provider;
    let client = this.oldProviders.get(ref);
    if (client === undefined) {
      client = this.opts.loadOldProvider(old).then((c) => {
        this.trace(c);
        return c;
      });
      this.oldProviders.set(ref, client);
    }
    return client;
  }

  // Stops tracing, and the extra providers started for old resources, if any.
  async close(): Promise<void> {
    if (this.defaultClient) this.defaultClient.onCall = undefined;
    for (const c of this.bound.values()) c.onCall = undefined;
    for (const pending of this.oldProviders.values()) {
      const old = await pending.catch(() => undefined);
      if (old !== undefined && old !== this.defaultClient) await old.kill();
    }
  }

  // Whether delete-before-replace of a resource with dependents must be refused (see the option).
  get refusesDependentReplacements(): boolean {
    return this.opts.refuseDependentReplacements ?? false;
  }

  // Adds a step to the report.
  record(step: StepRecord): void {
    this.result.steps[step.name] = step;
    this.result.log.push(step);
  }

  // Adds a diagnostic to the report.
  diag(severity: Diagnostic["severity"], message: string, urn?: string): void {
    this.result.diagnostics.push(urn === undefined ? { severity, message } : { severity, message, urn });
  }

  // Fails the operation with the report so far.
  fail(message: string, cause?: unknown): never {
    this.diag("error", message);
    throw new DeploymentError(message, this.result, cause);
  }

  // Replaces (or adds, at the end) a resource in the working state.
  put(state: ResourceState): void {
    const i = this.news.resources.findIndex((r) => r.urn === state.urn);
    if (i === -1) this.news.resources.push(state);
    else this.news.resources[i] = state;
  }

  // Removes a resource from the working state.
  drop(urn: string): void {
    this.news.resources = this.news.resources.filter((r) => r.urn !== urn);
  }

  // Reports Check failures as the engine prints them, then fails.
  failChecks(urn: string, failures: CheckFailure[], inputs: Record<string, Value>): never {
    for (const f of failures) this.diag("error", checkFailureMessage(urn, f, inputs), urn);
    this.fail(`resource ${urn} is invalid`);
  }
}

// The engine's message for a Check failure (diag codes 2002/2003).
export function checkFailureMessage(urn: string, f: CheckFailure, inputs: Record<string, Value>): string {
  const type = urnType(urn);
  const name = urnName(urn);
  if (f.property === "") return `${type} resource '${name}' has a problem: ${f.reason}`;
  const v = inputs[f.property];
  const shown = v === undefined ? "{}" : isSecret(v) ? "[secret]" : `{${JSON.stringify(unwrapSecrets(v))}}`;
  return `${type} resource '${name}': property ${f.property} value ${shown} has a problem: ${f.reason}`;
}
