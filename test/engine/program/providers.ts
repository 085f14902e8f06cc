// The provider resources of one program run (pkg/resource/deploy/providers/registry.go and
// default_providers.go): a plugin process per provider resource, default providers made on first use
// per package and version from stack config, explicit ones from the program's registrations, and the
// providers of the old state started and configured from it when resources they manage are refreshed,
// deleted or destroyed.
import type { ProviderClient } from "../client.ts";
import { findProvider, type Deployment, type ProviderBinding } from "../deployment.ts";
import { startProvider } from "../harness.ts";
import type { FakeEngine } from "../fake-engine.ts";
import { configureFromState, registerProvider } from "../provider-registry.ts";
import type { ProviderState, StepRecord } from "../stack-types.ts";
import { defaultProviderName, makeUrn, urnName, urnType } from "../urn.ts";
import { unwrapSecrets, type ValueMap } from "../value-model.ts";
import { packageConfig, type StackConfig } from "./config.ts";
import { findPlugin, type Project } from "./project.ts";

/** Starts a plugin for a package (the runner's default: the project's plugin, with the run's fake engine). */
export type PluginLauncher = (pkg: string, env: Record<string, string>) => Promise<ProviderClient>;

// The launcher the engine uses: the plugin Pulumi.yaml or PATH names, started in the program's
// directory and pointed at the run's Engine service.
export function projectLauncher(project: Project, engine: FakeEngine): PluginLauncher {
  return (pkg, env) => startProvider({ bin: findPlugin(project, pkg), cwd: project.dir, env, engine });
}

/** The provider resources of a run. */
export class ProviderTable {
  private readonly clients: ProviderClient[] = [];
  private readonly defaults = new Map<string, Promise<ProviderBinding>>();
  private readonly explicit = new Map<string, ProviderBinding>();
  private readonly adopted = new Set<string>();

  private readonly d: Deployment;
  private readonly project: Project;
  private readonly config: StackConfig;
  private readonly launcher: PluginLauncher;

  constructor(d: Deployment, project: Project, config: StackConfig, launcher: PluginLauncher) {
    this.d = d;
    this.project = project;
    this.config = config;
    this.launcher = launcher;
  }

  // Starts and greets a plugin as the engine does right after launching it.
  async launch(pkg: string): Promise<ProviderClient> {
    const client = await this.launcher(pkg, this.pluginEnv(pkg));
    this.clients.push(client);
    await client.handshake();
    await client.getPluginInfo();
    return client;
  }

  // The default provider of a package at the SDK's version, registered on first use.
  defaultProvider(pkg: string, version: string): Promise<ProviderBinding> {
    const key = `${pkg}@${version}`;
    let binding = this.defaults.get(key);
    if (binding === undefined) {
      binding = this.registerDefault(pkg, version);
      this.defaults.set(key, binding);
    }
    return binding;
  }

  // An explicit provider resource of the program: CheckConfig, DiffConfig, Configure in its own plugin.
  async registerExplicit(urn: string, inputs: ValueMap, version: string): Promise<ProviderState> {
    const pkg = urnType(urn).slice("pulumi:providers:".length);
    const client = await this.launch(pkg);
    const news = { ...inputs, ...(version ? { version } : {}) };
    const reg = await registerProvider(this.d, client, urn, news, findProvider(this.d.olds, urn, true));
    this.adopt(reg.state, reg.binding, reg.op);
    this.explicit.set(urn, reg.binding);
    return reg.state;
  }

  // The binding for a provider reference sent by the program (by URN while its id is unknown).
  explicitProvider(ref: string): ProviderBinding {
    const binding = this.explicit.get(ref.slice(0, ref.lastIndexOf("::")));
    if (binding === undefined) throw new Error(`failed to resolve provider reference: "${ref}"`);
    return binding;
  }

  // Starts every provider of the old state and configures it from its state (refresh).
  async loadAll(): Promise<void> {
    await Promise.all((this.d.olds.providers ?? []).map(async (p) => this.d.bind(await configureFromState(this.d, await this.launch(pkgOf(p)), p))));
  }

  // A plugin for an old provider that this run did not register, configured from its state.
  async loadOld(state: ProviderState): Promise<ProviderClient> {
    const client = await this.launch(pkgOf(state));
    await client.configure({ urn: state.urn, id: state.id, inputs: state.inputs });
    return client;
  }

  // The URNs of the provider resources registered in this run.
  registered(): ReadonlySet<string> {
    return this.adopted;
  }

  // Stops every plugin this run started (Cancel first, as the engine does on shutdown).
  async closeAll(): Promise<void> {
    await Promise.all(this.clients.map(async (c) => {
      await c.cancel().catch(() => undefined);
      await c.kill();
    }));
  }

  private async registerDefault(pkg: string, version: string): Promise<ProviderBinding> {
    const urn = makeUrn(this.d.identity.stack, this.d.identity.project, `pulumi:providers:${pkg}`, defaultProviderName(version || undefined));
    const client = await this.launch(pkg);
    const news = { ...packageConfig(this.config, pkg), ...(version ? { version } : {}) };
    const reg = await registerProvider(this.d, client, urn, news, findProvider(this.d.olds, urn, true));
    this.adopt(reg.state, reg.binding, reg.op);
    return reg.binding;
  }

  // Puts a registered provider in the new state, binds it and reports its step.
  private adopt(state: ProviderState, binding: ProviderBinding, op: StepRecord["op"]): void {
    const list = (this.d.news.providers ??= []);
    const i = list.findIndex((p) => p.urn === state.urn);
    if (i === -1) list.push(state);
    else list[i] = state;
    this.d.bind(binding);
    this.adopted.add(state.urn);
    this.d.record({ name: urnName(state.urn), urn: state.urn, type: urnType(state.urn), op, id: state.id, inputs: state.inputs, outputs: state.outputs });
  }

  // PULUMI_PROJECT and PULUMI_CONFIG (the package's config, plain strings), as the engine sets them for a plugin.
  private pluginEnv(pkg: string): Record<string, string> {
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(packageConfig(this.config, pkg))) {
      const plain = unwrapSecrets(v);
      if (typeof plain === "string") config[k] = plain;
    }
    return { PULUMI_PROJECT: this.project.name, PULUMI_CONFIG: JSON.stringify(config) };
  }
}

function pkgOf(p: ProviderState): string {
  return urnType(p.urn).slice("pulumi:providers:".length);
}
