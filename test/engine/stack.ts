// A small model of the engine's deployments over one provider, so lifecycle tests read like Pulumi use:
//
//   const stack = new Stack(() => startProvider(), { config: { host: "127.0.0.1", privateKey: secret(key) } });
//   const r = await stack.up({ web: { type: "freebsd:zfs:Dataset", inputs: { name: "tank/web" } } });
//   expect(r.steps.web.op).toBe("create");
//   expect((await stack.up(sameProgram)).steps.web.op).toBe("same");
//   await stack.destroy();
//
// Each operation (and the preview pass before up, refresh, import and destroy) runs in a fresh
// plugin process when the stack is given a launcher, as `pulumi` does; given one client, the stack
// reuses it and configures it again for every operation.
import type { ProviderClient } from "./client.ts";
import { deleteInDependencyOrder, deleteLeftovers, deleteResource } from "./delete-step.ts";
import { Deployment } from "./deployment.ts";
import type { LogEntry, LogSeverity } from "./fake-engine.ts";
import { readForImport } from "./import-step.ts";
import { loadProviderFromState, registerDefaultProvider } from "./provider-registry.ts";
import { refreshResource } from "./refresh-step.ts";
import { registerResource } from "./resource-steps.ts";
import {
  DeploymentError, type ConfigValue, type OperationResult, type Program, type ProviderState, type ResourceState, type StackState,
} from "./stack-types.ts";
import { makeUrn } from "./urn.ts";
import { isSecret, isUnknown, unwrapSecrets } from "./value-model.ts";

export { DeploymentError } from "./stack-types.ts";
export type {
  ConfigValue, Diagnostic, DiffSummary, OperationResult, Program, ProviderState, ResourceOptions, ResourceSpec, ResourceState,
  StackState, StepOp, StepRecord,
} from "./stack-types.ts";

/** A provider to run deployments against: one client, or a launcher called once per deployment. */
export type ProviderSource = ProviderClient | ((env: Record<string, string>) => Promise<ProviderClient>);

/** Stack settings. */
export interface StackOptions {
  /** Stack config of the provider package, keys without the "freebsd:" namespace, values strings. */
  config?: Record<string, ConfigValue>;
  project?: string;
  stack?: string;
  pkg?: string;
  /** The SDK package version the engine adds as `version`; default the plugin's own version. */
  version?: string;
  /** Seeds for Check; default fresh random bytes per resource and deployment, as the engine does. */
  randomSeed?: (urn: string) => Uint8Array;
  /**
   * Run steps at once as the engine does (its `--parallel` is unbounded by default): a resource waits
   * only for its `dependsOn`, and deletes wait only for what depends on them. Without it, resources are
   * registered one after the other in program order, as if each depended on the one before.
   */
  parallel?: boolean;
}

/** Options of up, refresh, import and destroy. */
export interface RunOptions {
  /** Skip the preview pass the CLI runs first. */
  skipPreview?: boolean;
}

/** A stack: config, state, and the operations of the CLI. */
export class Stack {
  config: Record<string, ConfigValue>;
  /** Every client the stack started (the last one is the most recent deployment's). */
  readonly providers: ProviderClient[] = [];
  private current: StackState = { provider: undefined, resources: [] };
  private readonly source: ProviderSource;
  private readonly opts: StackOptions;
  private pluginVersion: string | undefined;
  private handshaken = false;

  constructor(provider: ProviderSource, opts: StackOptions = {}) {
    this.source = provider;
    this.opts = opts;
    this.config = { ...opts.config };
  }

  /** The state after the last operation (replaced, never mutated, by later operations). */
  get state(): Readonly<StackState> {
    return this.current;
  }

  // Everything the providers of this stack logged through Engine.Log, across deployments.
  logs(min: LogSeverity = "debug"): LogEntry[] {
    return this.providers.flatMap((p) => p.engine?.entries(min) ?? []);
  }

  // The state of one resource by name.
  resource(name: string): ResourceState | undefined {
    return this.current.resources.find((r) => r.name === name);
  }

  // The URN a resource of this stack gets.
  urn(type: string, name: string): string {
    return makeUrn(this.opts.stack ?? "test", this.opts.project ?? "proj", type, name);
  }

  // `pulumi preview`: Check, Diff and preview Create/Update; nothing changes.
  async preview(program: Program): Promise<OperationResult> {
    return this.deploy(true, (d) => this.runProgram(d, program));
  }

  // `pulumi up`: a preview pass, then the update pass that changes things and the state.
  async up(program: Program, opts: RunOptions = {}): Promise<OperationResult & { preview?: OperationResult }> {
    const preview = opts.skipPreview ? undefined : await this.preview(program);
    const result = await this.deploy(false, (d) => this.runProgram(d, program));
    return preview ? { ...result, preview } : result;
  }

  // `pulumi refresh`: Read every resource with its state, drop the vanished, report drift.
  async refresh(opts: RunOptions & { previewOnly?: boolean } = {}): Promise<OperationResult> {
    const body = async (d: Deployment): Promise<void> => {
      await loadProviderFromState(d);
      // The engine runs refresh steps in parallel (unbounded `--parallel` by default), so Reads overlap.
      await Promise.all(d.olds.resources.map((r) => refreshResource(d, r)));
    };
    if (!opts.skipPreview || opts.previewOnly) {
      const preview = await this.deploy(true, body);
      if (opts.previewOnly) return preview;
    }
    return this.deploy(false, body);
  }

  // `pulumi import <type> <name> <id>`: Read by id, Check the read inputs, store (protected by default).
  async import(name: string, type: string, id: string, opts: RunOptions & { protect?: boolean } = {}): Promise<OperationResult> {
    const body = async (d: Deployment): Promise<void> => {
      await registerDefaultProvider(d, this.checkedConfig(d.dryRun), this.opts.version ?? this.pluginVersion);
      const urn = this.urn(type, name);
      if (d.olds.resources.some((r) => r.urn === urn)) d.fail(`resource '${urn}' already exists`);
      const read = await readForImport(d, urn, id);
      const check = await d.provider.check({ urn, olds: read.inputs, news: read.inputs, allowUnknowns: d.dryRun, randomSeed: d.seed(urn) });
      if (check.failures.length > 0) {
        d.diag("warning", `One or more imported inputs failed to validate. This is almost certainly a bug in the \`${d.identity.pkg}\` provider. The import will still proceed, but you will need to edit the generated code after copying it into your program.`, urn);
        for (const f of check.failures) d.diag("warning", `${type} resource '${name}': property ${f.property} has a problem: ${f.reason}`, urn);
      }
      d.put({ urn, name, type, ...read, provider: d.providerRef, protect: opts.protect ?? true, retainOnDelete: false, ignoreChanges: [] });
      d.record({ name, urn, type, op: "import", imported: true, id: read.id, inputs: read.inputs, outputs: read.outputs });
    };
    if (!opts.skipPreview) await this.deploy(true, body);
    return this.deploy(false, body);
  }

  // `pulumi destroy`: Delete every resource in reverse creation order.
  async destroy(opts: RunOptions & { previewOnly?: boolean } = {}): Promise<OperationResult> {
    const body = async (d: Deployment): Promise<void> => {
      await loadProviderFromState(d);
      const remove = async (r: ResourceState): Promise<void> => {
        if (!r.pendingReplacement) await deleteResource(d, r, { replacing: false });
        d.drop(r.urn);
        d.record({ name: r.name, urn: r.urn, type: r.type, op: "delete", id: r.id });
      };
      if (this.opts.parallel) await deleteInDependencyOrder([...d.olds.resources].reverse(), remove);
      else for (const r of [...d.olds.resources].reverse()) await remove(r);
      d.news.provider = undefined;
    };
    if (!opts.skipPreview || opts.previewOnly) {
      const preview = await this.deploy(true, body);
      if (opts.previewOnly) return preview;
    }
    return this.deploy(false, body);
  }

  private async runProgram(d: Deployment, program: Program): Promise<void> {
    const names = Object.keys(program);
    if (names.length > 0) {
      await registerDefaultProvider(d, this.checkedConfig(d.dryRun), this.opts.version ?? this.pluginVersion);
    } else {
      await loadProviderFromState(d); // only to delete what the state still has
    }
    const registered = new Set(Object.entries(program).map(([name, spec]) => this.urn(spec.type, name)));
    if (this.opts.parallel) await this.registerAtOnce(d, program);
    else for (const [name, spec] of Object.entries(program)) await registerResource(d, name, spec);
    await deleteLeftovers(d, registered, this.opts.parallel ?? false);
    if (names.length === 0) d.news.provider = undefined;
  }

  // Registers every resource as soon as what it depends on is done; a failure stops what depends on it,
  // the others finish, and the first failure is the deployment's (the engine's step executor does the same).
  private async registerAtOnce(d: Deployment, program: Program): Promise<void> {
    const done = new Map<string, Promise<void>>();
    const start = (name: string, trail: string[] = []): Promise<void> => {
      const spec = program[name];
      if (spec === undefined) return Promise.reject(new Error(`dependsOn names ${name}, which the program does not have`));
      if (trail.includes(name)) return Promise.reject(new Error(`dependsOn cycle: ${[...trail, name].join(" -> ")}`));
      let step = done.get(name);
      if (step === undefined) {
        const deps = spec.options?.dependsOn ?? [];
        step = Promise.all(deps.map((dep) => start(dep, [...trail, name])))
          .then(() => registerResource(d, name, spec, deps.map((dep) => this.urn(program[dep]!.type, dep))));
        done.set(name, step);
      }
      return step;
    };
    const outcomes = await Promise.allSettled(Object.keys(program).map((name) => start(name)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
  }

  // Runs one deployment; the update pass's state is kept even when it fails (the engine checkpoints).
  private async deploy(dryRun: boolean, body: (d: Deployment) => Promise<void>): Promise<OperationResult> {
    return this.withProvider(async (client) => {
      const d = new Deployment({
        dryRun, olds: this.current, provider: client, project: this.opts.project ?? "proj", stack: this.opts.stack ?? "test",
        pkg: this.opts.pkg ?? "freebsd", loadOldProvider: (s) => this.loadOldProvider(client, s),
        ...(this.opts.randomSeed ? { randomSeed: this.opts.randomSeed } : {}),
      });
      try {
        await body(d);
      } catch (e) {
        if (!dryRun) this.current = d.news;
        if (e instanceof DeploymentError) throw e;
        d.diag("error", (e as Error).message);
        throw new DeploymentError((e as Error).message, d.result, e);
      } finally {
        await d.close();
      }
      if (!dryRun) this.current = d.news;
      return d.result;
    });
  }

  private async withProvider<T>(fn: (client: ProviderClient) => Promise<T>): Promise<T> {
    if (typeof this.source !== "function") {
      if (this.providers.length === 0) this.providers.push(this.source);
      if (!this.handshaken) await this.greet(this.source);
      this.handshaken = true;
      return fn(this.source);
    }
    const client = await this.source(this.launchEnv());
    this.providers.push(client);
    try {
      await this.greet(client);
      return await fn(client);
    } finally {
      await client.cancel().catch(() => undefined);
      await client.kill();
    }
  }

  // What the engine does right after launching a plugin: Handshake, then GetPluginInfo.
  private async greet(client: ProviderClient): Promise<void> {
    await client.handshake();
    this.pluginVersion ??= (await client.getPluginInfo()).version || undefined;
  }

  // A second plugin for the old provider config (deletes after the provider was replaced).
  private async loadOldProvider(current: ProviderClient, state: ProviderState): Promise<ProviderClient> {
    if (typeof this.source !== "function") return current;
    const client = await this.source(this.launchEnv());
    this.providers.push(client);
    await this.greet(client);
    await client.configure({ urn: state.urn, id: state.id, inputs: state.inputs });
    return client;
  }

  // PULUMI_PROJECT and PULUMI_CONFIG (the package's config as JSON strings), as the engine sets them.
  private launchEnv(): Record<string, string> {
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.config)) {
      const plain = unwrapSecrets(v);
      if (typeof plain === "string") config[k] = plain;
    }
    return { PULUMI_PROJECT: this.opts.project ?? "proj", PULUMI_CONFIG: JSON.stringify(config) };
  }

  // Config as the default provider receives it: strings (secret ones wrapped); unknowns only in previews.
  private checkedConfig(dryRun: boolean): Record<string, ConfigValue> {
    for (const [k, v] of Object.entries(this.config)) {
      if (isUnknown(v) && !dryRun) throw new Error(`config ${k} is unknown: unknown provider config only occurs in previews`);
      const inner = isSecret(v) ? v.value : v;
      if (typeof inner !== "string" && !isUnknown(inner)) {
        throw new TypeError(`config ${k} must be a string, as \`pulumi config set\` stores it (JSON-encode structured values)`);
      }
    }
    return this.config;
  }
}
