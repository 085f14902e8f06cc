import { isDeepStrictEqual } from "node:util";
import { providerConfigSchema, type ProviderConfig } from "../core/config.ts";
import { RefusedError, TimeoutError, ValidationError } from "../core/errors.ts";
import { redactor } from "../host/secrets.ts";
import { HostSession, type RunOptions } from "../host/session.ts";
import { Host } from "../inventory/host.ts";
import type { ResourceDefinition } from "../resources/contract.ts";
import { functionFor } from "../functions/index.ts";
import { resourceFor } from "../resources/index.ts";
import { checkInputs, type CheckFailure, type CheckResult } from "./check.ts";
import { checkConfig, configForDiff, resolveConfig } from "./config.ts";
import { applyIgnoreChanges, diffInputs, type DiffResult } from "./diff.ts";
import {
  createObject, deleteObject, previewCreate, previewUpdate, readObject, runnerOf, secretInputsOf, updateObject, type Operation,
  type Outcome,
} from "./lifecycle.ts";
import type { EngineLog } from "./log.ts";
import { applySecrets, containsUnknown, revealSecrets, secretTexts } from "./values.ts";
import { Kind } from "./diff.ts";

type Bag = Record<string, unknown>;

/** Diff, as the server decodes it. */
export interface DiffRequest {
  token: string;
  urn?: string;
  id?: string;
  olds: Bag;
  oldInputs: Bag | undefined;
  news: Bag;
  ignoreChanges: string[];
}

/** Create, as the server decodes it (timeout in seconds, 0: the default). */
export interface CreateRequest {
  token: string;
  urn: string;
  inputs: Bag;
  preview: boolean;
  timeout: number;
}

/** Read (refresh, import: no inputs). */
export interface ReadRequest {
  token: string;
  urn: string;
  id: string;
  state: Bag;
  inputs: Bag | undefined;
  timeout: number;
}

/** Update. */
export interface UpdateRequest {
  token: string;
  urn: string;
  id: string;
  olds: Bag;
  oldInputs: Bag | undefined;
  news: Bag;
  preview: boolean;
  timeout: number;
}

/** Delete. */
export interface DeleteRequest {
  token: string;
  urn: string;
  id: string;
  olds: Bag;
  oldInputs: Bag | undefined;
  timeout: number;
}

/** What each kind of operation gets when the engine passes no timeout (seconds; customTimeouts override). */
const defaultTimeouts = { read: 300, create: 1800, update: 1800, delete: 1800 } as const;
type OperationKind = keyof typeof defaultTimeouts;

/**
 * Seconds a read the engine gives no timeout may take: a Diff's reads of its hosts (a replica compares
 * both at every preview and up) and a function's (Invoke, while the program runs). customTimeouts do
 * not reach them: without a bound of their own, one hung host would hold a preview, or the program,
 * for a read's default five minutes.
 */
export const untimedReadSeconds = 60;

/** A timeout of such a read says which bound ended it. */
function namingBound(what: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof TimeoutError) err.message += ` (${what} for at most ${untimedReadSeconds} s: the engine gives it no timeout of its own)`;
    throw err;
  };
}

/** Why Configure could not produce a usable config. */
export class ConfigureError extends Error {
  readonly missing: string[];
  constructor(message: string, missing: string[] = []) {
    super(message);
    this.name = "ConfigureError";
    this.missing = missing;
  }
}

/** The provider's operations on decoded values; the gRPC server only translates messages. */
export class Provider {
  private config: ProviderConfig | undefined;
  /** The connection to the configured host; a Configure with any other setting gets a new one. */
  private host: Host | undefined;
  /** Connections to other hosts that resources name by their settings (a replica's source), by those settings. */
  private readonly remotes = new Map<string, Host>();
  /** Why an update found at Diff cannot be carried out, by URN: its preview fails with it. */
  private readonly refusals = new Map<string, string>();
  private abort = new AbortController();
  readonly log: EngineLog;
  private readonly env: NodeJS.ProcessEnv;

  constructor(log: EngineLog, env: NodeJS.ProcessEnv = process.env) {
    this.log = log;
    this.env = env;
  }

  /** CheckConfig: decode string-typed stack config and validate it. */
  checkConfig(news: Bag): CheckResult {
    return checkConfig(news);
  }

  /**
   * DiffConfig: a changed connection setting is an update, never a replacement of every resource (a new
   * `host` included: the resources then read and write the new host). An agent socket left to the
   * environment is no change (configForDiff).
   */
  diffConfig(oldInputs: Bag, news: Bag): DiffResult {
    const compared = configForDiff(oldInputs, news);
    return diffInputs(compared.olds, compared.news, () => "update", false);
  }

  /** Configure: keep the config; no connection is made until a resource needs the host. */
  configure(args: Bag): void {
    if (containsUnknown(args)) return; // the engine does not send unknown config; be safe anyway
    const resolved = resolveConfig(args, this.env);
    if ("missing" in resolved) {
      throw new ConfigureError(`missing required configuration: ${resolved.missing.join(", ")}`, resolved.missing);
    }
    if ("failures" in resolved) throw new ConfigureError(resolved.failures.join("; "));
    // Every setting counts: a new key, host-key pin, known_hosts file, maxSessions or timeout must never
    // be served by a connection made with the old ones.
    if (this.config && !isDeepStrictEqual(this.config, resolved.config)) this.close();
    this.config = resolved.config;
  }

  /** Closes the host connection and those to other hosts (on shutdown, or when the config changes). */
  close(): void {
    this.host?.close();
    this.host = undefined;
    for (const remote of this.remotes.values()) remote.close();
    this.remotes.clear();
  }

  /** Check: validate inputs before anything touches a host; with old inputs, refuse changes that would lose data. */
  check(token: string, olds: Bag | undefined, news: Bag): CheckResult {
    const def = this.definition(token);
    const redact = redactor(secretTexts(news, olds));
    const shown = (result: CheckResult): CheckResult =>
      ({ inputs: result.inputs, failures: result.failures.map((f) => ({ property: f.property, reason: redact(f.reason) })) });
    const checked = checkInputs(def.inputs, news);
    // Inputs the resource always keeps secret (a source host's key) are secret in the state whatever the program said.
    const result = checked.failures.length > 0 || !def.secretInputs ? checked
      : { ...checked, inputs: applySecrets(checked.inputs, secretInputsOf(def, [])) };
    if (result.failures.length > 0 || !def.checkChange || !olds || Object.keys(olds).length === 0) return shown(result);
    if (containsUnknown(result.inputs)) return result;
    const plain = (b: Bag) => revealSecrets(b).plain as Bag;
    return shown({ inputs: result.inputs, failures: def.checkChange(plain(olds), plain(result.inputs)) });
  }

  /**
   * Diff: old inputs against new inputs, each change classified by the resource's rules; for a resource
   * that reads its hosts at Diff (a replica), the changes they show although the inputs are the same.
   */
  async diff(req: DiffRequest): Promise<DiffResult> {
    const def = this.definition(req.token);
    const before = req.oldInputs ?? pick(req.olds, Object.keys(req.news));
    const after = req.ignoreChanges.length > 0 ? applyIgnoreChanges(before, req.news, req.ignoreChanges) : req.news;
    const result = diffInputs(before, after, (p) => def.rule?.(p) ?? "update", def.deleteBeforeReplace ?? false);
    if (def.kind !== "executed" || !def.changes || !req.urn || !req.id || result.replaces.length > 0 || containsUnknown(after)) return result;
    const op = this.operation("read", untimedReadSeconds, req.urn, [req.olds, before, after]);
    const current = { id: req.id, state: revealSecrets(req.olds).plain as Bag, inputs: revealSecrets(before).plain as Bag };
    const changes = await this.shielded(op, () =>
      def.changes!(current, revealSecrets(after).plain as Bag, runnerOf(op), op.ctx).catch(namingBound("Diff reads the hosts")));
    this.refusals.delete(req.urn);
    const redact = redactor(op.opts.secrets);
    for (const change of changes) {
      result.detailed[change.property] ??= { kind: Kind.UPDATE, inputDiff: false };
      if (!result.diffs.includes(change.property)) result.diffs.push(change.property);
      result.changed = true;
      this.log.log("info", redact(change.reason), req.urn);
      if (change.refusal) this.refusals.set(req.urn, redact(change.refusal));
    }
    return result;
  }

  /** Create: in preview only predicts outputs; otherwise plans, runs and reads back. */
  async create(req: CreateRequest): Promise<Outcome> {
    const def = this.definition(req.token);
    if (req.preview) {
      await this.previewFromHost(def, req.urn, req.timeout, req.inputs, undefined);
      return { id: "", properties: previewCreate(def, req.inputs), inputs: req.inputs };
    }
    const op = this.operation("create", req.timeout, req.urn, [req.inputs]);
    const { plain, secrets } = revealSecrets(req.inputs);
    return this.shielded(op, () => createObject(def, op, plain as Bag, secrets));
  }

  /** Read: refresh and import; undefined when the object is gone. */
  async read(req: ReadRequest): Promise<Outcome | undefined> {
    const op = this.operation("read", req.timeout, req.urn, [req.state, req.inputs]);
    const state = revealSecrets(req.state);
    const inputs = req.inputs ? revealSecrets(req.inputs) : undefined;
    const ref = { id: req.id, state: state.plain as Bag, ...(inputs ? { inputs: inputs.plain as Bag } : {}) };
    return this.shielded(op, () => readObject(this.definition(req.token), op, ref, [...(inputs?.secrets ?? []), ...state.secrets]));
  }

  /** Update in place. */
  async update(req: UpdateRequest): Promise<Outcome> {
    const def = this.definition(req.token);
    const before = req.oldInputs ?? pick(req.olds, Object.keys(req.news));
    this.announce(def, req.urn, req.id, req.olds, before, req.news);
    const refusal = this.refusals.get(req.urn);
    if (req.preview && refusal) throw new RefusedError(refusal);
    if (req.preview) {
      await this.previewFromHost(def, req.urn, req.timeout, req.news, { id: req.id, olds: req.olds, oldInputs: before });
      return { id: req.id, properties: previewUpdate(def, req.olds, req.news), inputs: req.news };
    }
    const op = this.operation("update", req.timeout, req.urn, [req.olds, before, req.news]);
    const { plain, secrets } = revealSecrets(req.news);
    const current = { id: req.id, state: revealSecrets(req.olds).plain as Bag, inputs: revealSecrets(before).plain as Bag };
    return this.shielded(op, () => updateObject(def, op, current, plain as Bag, secrets));
  }

  /** Delete; an object already gone is a success. */
  async delete(req: DeleteRequest): Promise<void> {
    const op = this.operation("delete", req.timeout, req.urn, [req.olds, req.oldInputs]);
    const current = { id: req.id, state: revealSecrets(req.olds).plain as Bag, inputs: revealSecrets(req.oldInputs ?? req.olds).plain as Bag };
    await this.shielded(op, () => deleteObject(this.definition(req.token), op, current));
  }

  /** Invoke: a function's result from a read of the host (batched with every other read); bad arguments come back as failures. */
  async invoke(token: string, args: Bag): Promise<{ outputs: Bag; failures: CheckFailure[] }> {
    const def = functionFor(token);
    if (!def) throw new ValidationError("tok", `unknown function ${token}`);
    const checked = checkInputs(def.inputs, args);
    if (checked.failures.length > 0) return { outputs: {}, failures: checked.failures };
    const op = this.operation("read", untimedReadSeconds, token, [args]);
    const { plain } = revealSecrets(checked.inputs);
    return this.shielded(op, async () => {
      const view = await op.host.read(def.reads(plain as Bag), op.opts).catch(namingBound(`${token} reads the host`));
      return { outputs: def.result(view, plain as Bag, op.ctx), failures: [] };
    });
  }

  /** Cancel: abort what is running; later calls get a fresh signal. */
  cancel(): void {
    this.abort.abort();
    this.abort = new AbortController();
  }

  /** Tells the engine, against the resource, what an update will do beyond the diff (a restart, a move). */
  private announce(def: ResourceDefinition, urn: string, id: string, olds: Bag, oldInputs: Bag, news: Bag): void {
    if (!def.describeUpdate || containsUnknown(news)) return;
    const plain = (b: Bag) => revealSecrets(b).plain as Bag;
    const redact = redactor(secretTexts(olds, oldInputs, news));
    for (const note of def.describeUpdate({ id, state: plain(olds), inputs: plain(oldInputs) }, plain(news))) {
      this.log.log("warning", redact(note), urn);
    }
  }

  /**
   * In a preview, lets a resource read the host and say (or refuse) what its create or update will do
   * there: the rollback that destroys later snapshots, named. Nothing is written.
   */
  private async previewFromHost(
    def: ResourceDefinition, urn: string, timeout: number, news: Bag, old: { id: string; olds: Bag; oldInputs: Bag } | undefined,
  ): Promise<void> {
    // A preview with unknown provider config (an explicit provider fed by outputs) has no host to read.
    if (!def.preview || !this.config || containsUnknown(news) || (old && containsUnknown(old.olds))) return;
    const op = this.operation("read", timeout, urn, [news, old?.olds, old?.oldInputs]);
    const plain = (b: Bag) => revealSecrets(b).plain as Bag;
    const current = old && { id: old.id, state: plain(old.olds), inputs: plain(old.oldInputs) };
    const notes = await this.shielded(op, () => def.preview!(plain(news), current, (requests) => op.host.read(requests, op.opts), op.ctx));
    for (const note of notes) op.ctx.warn(note);
  }

  private definition(token: string): ResourceDefinition {
    const def = resourceFor(token);
    if (!def) throw new ValidationError("type", `unknown resource type ${token}`);
    return def;
  }

  /**
   * The connection to another host with these settings, opened once per plugin process. They are read
   * again through the config's schema: a state written before a setting existed gets its default.
   */
  private remoteHost(given: ProviderConfig): Host {
    const parsed = providerConfigSchema.safeParse(given);
    const config = parsed.success ? parsed.data : given;
    const key = JSON.stringify(config);
    let host = this.remotes.get(key);
    if (!host) {
      host = new Host(new HostSession(config, this.env));
      this.remotes.set(key, host);
    }
    return host;
  }

  private session(): Host {
    if (!this.config) throw new ConfigureError("the freebsd provider is not configured: set freebsd:host and credentials");
    this.host ??= new Host(new HostSession(this.config, this.env));
    return this.host;
  }

  /**
   * One operation against the configured host, on behalf of the resource `urn`: one deadline for all of
   * it, and the secret values of its request (`bags`) kept out of command lines, logs and errors.
   */
  private operation(kind: OperationKind, timeoutSec: number, urn: string, bags: readonly unknown[]): Operation {
    const started = Date.now();
    const secrets = secretTexts(...bags);
    const redact = redactor(secrets);
    const opts: RunOptions = {
      signal: this.abort.signal,
      deadline: started + (timeoutSec > 0 ? timeoutSec : defaultTimeouts[kind]) * 1000,
      secrets,
      onCommand: (line) => this.log.log("debug", `${this.config?.host ?? "host"}: ${line}`, urn),
    };
    const warn = (message: string) => this.log.log("warning", redact(message), urn);
    const info = (message: string) => this.log.log("info", redact(message), urn);
    return { host: this.session(), opts, ctx: { urn, warn, info }, remote: (config) => this.remoteHost(config) };
  }

  /** Runs an operation; whatever it throws leaves with the operation's secrets redacted from its message. */
  private async shielded<T>(op: Operation, run: () => Promise<T>): Promise<T> {
    const done = op.host.begin();
    try {
      return await run();
    } catch (err) {
      if (err instanceof Error) err.message = redactor(op.opts.secrets)(err.message);
      throw err;
    } finally {
      done();
    }
  }
}

/** The keys of a bag that also appear in another. */
function pick(bag: Bag, keys: string[]): Bag {
  return Object.fromEntries(keys.filter((k) => k in bag).map((k) => [k, bag[k]]));
}
