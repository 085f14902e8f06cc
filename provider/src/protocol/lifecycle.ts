import type { Command } from "../core/command.ts";
import type { ProviderConfig } from "../core/config.ts";
import { ConflictError, NothingCreatedError, PartialFailureError, RefusedError, UnknownStateError } from "../core/errors.ts";
import type { RunOptions } from "../host/session.ts";
import type { Host, WriteOutcome } from "../inventory/host.ts";
import type { SectionRequest } from "../inventory/section.ts";
import { ReadMore, type HostView } from "../inventory/view.ts";
import type {
  Claim, Context, ExecutedResource, Existing, Found, PlannedResource, Props, Ref, ResourceDefinition, Runner,
} from "../resources/contract.ts";
import { applySecrets, Unknown, type Path } from "./values.ts";

// The one generic algorithm every planned resource runs: read what it names, find its object, plan,
// write and read back in one batch. The existence checks are made here, once: a create refuses a
// stranger's object and adopts its own, an update of a vanished object is refused, a delete of one
// is a success. A write that finds a file changed underneath it is planned again from the read-back.

type Planned = PlannedResource<Props, Props, unknown>;

/** One operation on one host: the host, how commands run, and what the resource is told. */
export interface Operation {
  host: Host;
  opts: RunOptions;
  ctx: Context;
  /** Another host, by its connection settings (a replica's source); connections are kept by the provider. */
  remote?: (config: ProviderConfig) => Host;
}

/** A result to hand back to the engine: id, outputs and inputs, secrets re-applied. */
export interface Outcome {
  id: string;
  properties: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

/**
 * How many times in a row a plan is made again after its write found the file changed underneath
 * it, and the next plan came out the same (nobody else's write got in). Writes released together
 * reach the host in one script, so of N writers of one file only the first succeeds each round: a
 * round whose new plan differs (another writer got in) is progress and does not count, up to
 * `conflictRounds` in all.
 */
const conflictAttempts = 6;
const conflictRounds = 256;

/** The retry budget of one write against files that others change at the same time. */
class ConflictBudget {
  private last = "";
  private stalled = 0;
  private rounds = 0;

  /** Whether to plan again after a conflict of the write of `commands`. */
  again(commands: readonly Command[]): boolean {
    const plan = JSON.stringify(commands);
    this.stalled = plan === this.last ? this.stalled + 1 : 1;
    this.last = plan;
    return ++this.rounds < conflictRounds && this.stalled < conflictAttempts;
  }
}

/** How many extra reads a find may ask for (a dataset renamed out of band: its GUID, then its record). */
const readRounds = 3;

/** How long a read-back may take past the operation's deadline, so a timed-out write is still recorded. */
const readBackGraceMs = 60_000;

/** A short random wait before planning again, growing with the attempt, so concurrent writers interleave. */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * Math.min(attempt, conflictAttempts)));
}

/** Output paths that must be secret because the input at that path was (same path, and the resource's own mapping). */
function secretOutputs(def: ResourceDefinition, inputSecrets: readonly Path[]): Path[] {
  return inputSecrets.flatMap((p) => [p, ...(def.derivedSecrets?.(p) ?? [])]);
}

/** The secret input paths of a request plus those the resource always keeps secret. */
export function secretInputsOf(def: ResourceDefinition, secrets: readonly Path[]): Path[] {
  return [...secrets, ...(def.secretInputs ?? []).map((p) => [...p])];
}

/** Builds an outcome from what was read, keeping secret every path that was secret. */
export function outcomeOf(def: ResourceDefinition, found: Found<Props, Props>, secrets: readonly Path[]): Outcome {
  const all = secretInputsOf(def, secrets);
  return {
    id: found.id,
    properties: applySecrets(found.state, secretOutputs(def, all)),
    inputs: applySecrets(found.inputs, all),
  };
}

/** An executed resource's partial failure, its object's state and inputs given their secrets. */
function partialWithSecrets(def: ResourceDefinition, err: unknown, secrets: readonly Path[]): unknown {
  if (!(err instanceof PartialFailureError)) return err;
  const out = outcomeOf(def, { id: err.id, state: err.state, inputs: err.inputs }, secrets);
  return new PartialFailureError(out.id, out.properties, out.inputs, err.cause as Error);
}

/** Outputs a preview of a create can promise: inputs echoed, everything computed unknown. */
export function previewCreate(def: ResourceDefinition, inputs: Record<string, unknown>): Record<string, unknown> {
  const shape = (def.outputs as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) out[key] = key in inputs ? inputs[key] : Unknown;
  return out;
}

/** Outputs a preview of an update can promise: old state, new inputs, computed values unknown unless stable. */
export function previewUpdate(def: ResourceDefinition, olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown> {
  const stable = new Set([...(def.stableOutputs ?? []), ...(def.stableIn?.(olds, news) ?? [])]);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(olds)) out[key] = stable.has(key) ? value : Unknown;
  return { ...out, ...news };
}

/** The commands a create runs against this view: its own earlier object is brought to the inputs, a stranger's refused. */
export function planCreateOn(def: Planned, view: HostView, inputs: Props, ctx: Context): { commands: Command[]; adopted?: Found<Props, Props> } {
  const claim = def.claim(view, inputs, ctx);
  if (claim.kind === "other") throw new RefusedError(claim.why);
  if (claim.kind === "absent") return { commands: def.planCreate(inputs, view, ctx) };
  const adopted = def.describe(claim.record, view, { id: def.idOf(inputs), inputs }, ctx);
  return { commands: def.planUpdate(claim.record, adopted, inputs, view, ctx), adopted };
}

/** The commands an update runs against this view; an object that is gone is refused. */
export function planUpdateOn(def: Planned, view: HostView, current: Existing<Props, Props>, news: Props, ctx: Context): Command[] {
  const record = def.find(view, { id: current.id, state: current.state, inputs: current.inputs }, ctx);
  if (record === undefined) throw new RefusedError(`${def.token} ${current.id} no longer exists on ${view.host}; run pulumi refresh`);
  return def.planUpdate(record, current, news, view, ctx);
}

/** The commands a delete runs against this view; none for an object already gone. */
export function planDeleteOn(def: Planned, view: HostView, current: Existing<Props, Props>, ctx: Context): Command[] {
  const record = def.find(view, { id: current.id, state: current.state, inputs: current.inputs }, ctx);
  return record === undefined ? [] : def.planDelete(record, current, view, ctx);
}

/** The object as this view shows it, or undefined when it is gone. */
export function readOn(def: Planned, view: HostView, ref: Ref, ctx: Context): Found<Props, Props> | undefined {
  const record = def.find(view, ref, ctx);
  return record === undefined ? undefined : def.describe(record, view, ref, ctx);
}

/** Finds the object, reading more of the host when the resource asks for it. */
async function locate(def: Planned, op: Operation, ref: Ref, view: HostView): Promise<{ view: HostView; record: unknown }> {
  for (let round = 0; ; round++) {
    try {
      return { view, record: def.find(view, ref, op.ctx) };
    } catch (err) {
      if (!(err instanceof ReadMore) || round >= readRounds) throw err;
      view = view.with(await op.host.read(err.requests, op.opts));
    }
  }
}

/** Reads the sections again after a write whose outcome is unknown (the batch was lost). */
async function readAfterLoss(op: Operation, requests: readonly SectionRequest[], lost: Error): Promise<HostView> {
  const deadline = Math.max(op.opts.deadline ?? 0, Date.now() + readBackGraceMs);
  try {
    return await op.host.read(requests, { ...op.opts, deadline });
  } catch (err) {
    throw new UnknownStateError(lost, err as Error);
  }
}

/** Writes and reads back in one batch; a lost batch is read again on its own. */
async function writeAndRead(op: Operation, commands: readonly Command[], readBack: readonly SectionRequest[]): Promise<WriteOutcome> {
  try {
    return await op.host.write(commands, readBack, op.opts);
  } catch (err) {
    return { results: [], failure: err as Error, view: await readAfterLoss(op, readBack, err as Error) };
  }
}

/** The host read again after a write whose read-back could not be used, and what `see` makes of it; or why it cannot be seen. */
async function readAfterWrite<T>(
  op: Operation, requests: readonly SectionRequest[], see: (view: HostView) => T,
): Promise<{ seen: T } | { unseen: Error }> {
  const deadline = Math.max(op.opts.deadline ?? 0, Date.now() + readBackGraceMs);
  try {
    return { seen: see(await op.host.read(requests, { ...op.opts, signal: undefined, deadline })) };
  } catch (err) {
    return { unseen: err as Error };
  }
}

/** Reads an object (refresh, import); undefined when it is gone. Transport failures throw. */
export async function readObject(def: ResourceDefinition, op: Operation, ref: Ref, secrets: readonly Path[]): Promise<Outcome | undefined> {
  if (def.kind === "executed") {
    const found = def.read(await op.host.read(def.reads(ref), op.opts), ref, op.ctx);
    return found && outcomeOf(def, found, secrets);
  }
  const { view, record } = await locate(def, op, ref, await op.host.read(def.reads(ref, "read"), op.opts));
  if (record === undefined) return undefined;
  return outcomeOf(def, def.describe(record, view, ref, op.ctx), secrets);
}

/** The host behind each runner (a pipe needs both sessions). */
const hosts = new WeakMap<Runner, Host>();

/** A Runner over a host, for resources that execute things themselves. */
export function runnerOf(op: Operation, host: Host = op.host): Runner {
  const runner: Runner = {
    label: host.label,
    read: (requests) => host.read(requests, op.opts),
    // Past a cancel, and with the read-back grace past the deadline: what was done must reach the state.
    readBack: (requests) => host.read(requests, {
      ...op.opts, signal: undefined, deadline: Math.max(op.opts.deadline ?? 0, Date.now() + readBackGraceMs),
    }),
    exec: (cmd) => host.exec(cmd, op.opts),
    remote: (config) => {
      if (!op.remote) throw new Error("this operation reaches no other host");
      return runnerOf(op, op.remote(config));
    },
    pipe: (from, send, receive, onProgress) => {
      const source = hosts.get(from);
      if (!source) throw new Error("pipe: the sending runner is not one of this operation's");
      return source.session.pipeTo(host.session, send, receive, { ...op.opts, ...(onProgress ? { onProgress } : {}) });
    },
  };
  hosts.set(runner, host);
  return runner;
}

/** Creates an object from checked inputs; its own earlier object (its marker) is adopted, a stranger's refused. */
export async function createObject(def: ResourceDefinition, op: Operation, inputs: Props, secrets: readonly Path[]): Promise<Outcome> {
  if (def.kind === "executed") {
    try {
      return outcomeOf(def, await def.create(inputs, runnerOf(op), op.ctx), secrets);
    } catch (err) {
      throw partialWithSecrets(def, err, secrets);
    }
  }
  const ref: Ref = { id: def.idOf(inputs), inputs };
  const requests = def.reads(ref, "create", inputs);
  let view = await op.host.read(requests, op.opts);
  const budget = new ConflictBudget();
  for (let attempt = 1; ; attempt++) {
    const { commands, adopted } = planCreateOn(def, view, inputs, op.ctx);
    if (adopted && commands.length === 0) return outcomeOf(def, adopted, secrets);
    const outcome = await writeAndRead(op, commands, requests);
    view = outcome.view;
    if (outcome.failure instanceof ConflictError && budget.again(commands)) {
      await backoff(attempt);
      continue;
    }
    // Whose the object is now, and (when it is ours) what it is; both read the read-back's sections.
    const see = (v: HostView): { after: Claim<unknown>; found?: Outcome } => {
      const after = def.claim(v, inputs, op.ctx);
      return after.kind === "own" ? { after, found: outcomeOf(def, def.describe(after.record, v, ref, op.ctx), secrets) } : { after };
    };
    let seen: { after: Claim<unknown>; found?: Outcome };
    try {
      seen = see(view);
    } catch {
      // The read-back could not be used (a section of it failed): read the host once more on its own.
      const again = await readAfterWrite(op, requests, see);
      if ("unseen" in again) {
        // What the create did cannot be seen: it is recorded as made, partially, so a refresh or the next
        // up finds out what is there; an object made here is never left out of the state.
        const cause = new UnknownStateError(outcome.failure ?? new Error(`${op.host.label}: ${def.token} ${ref.id} was written`), again.unseen);
        const echoed = Object.fromEntries(Object.entries(previewCreate(def, inputs)).filter(([, v]) => v !== Unknown));
        const recorded = outcomeOf(def, { id: ref.id, state: echoed, inputs }, secrets);
        throw new PartialFailureError(recorded.id, recorded.properties, recorded.inputs, cause);
      }
      seen = again.seen;
    }
    const { after, found } = seen;
    if (found) {
      if (outcome.failure) throw new PartialFailureError(found.id, found.properties, found.inputs, outcome.failure);
      return found;
    }
    if (outcome.failure) throw new NothingCreatedError(outcome.failure);
    throw new Error(`${op.host.label}: ${def.token} ${ref.id} was not found on the host after it was written` +
      (after.kind === "other" ? `: ${after.why}` : ""));
  }
}

/** Updates an object in place. */
export async function updateObject(
  def: ResourceDefinition, op: Operation, current: Existing<Props, Props>, news: Props, secrets: readonly Path[],
): Promise<Outcome> {
  if (def.kind === "executed") {
    try {
      return outcomeOf(def, await def.update(current, news, runnerOf(op), op.ctx), secrets);
    } catch (err) {
      throw partialWithSecrets(def, err, secrets);
    }
  }
  const before: Ref = { id: current.id, state: current.state, inputs: current.inputs };
  const after: Ref = { id: def.idOf(news), state: current.state, inputs: news };
  const requests = def.reads(before, "update", news);
  let { view, record } = await locate(def, op, before, await op.host.read(requests, op.opts));
  const budget = new ConflictBudget();
  for (let attempt = 1; ; attempt++) {
    if (record === undefined) throw new RefusedError(`${def.token} ${current.id} no longer exists on ${op.host.label}; run pulumi refresh`);
    const commands = def.planUpdate(record, current, news, view, op.ctx);
    if (commands.length === 0) return outcomeOf(def, def.describe(record, view, after, op.ctx), secrets);
    const outcome = await writeAndRead(op, commands, requests);
    if (outcome.failure instanceof ConflictError && budget.again(commands)) {
      await backoff(attempt);
      ({ view, record } = await locate(def, op, before, outcome.view));
      continue;
    }
    const found = await locate(def, op, after, outcome.view).catch((err: unknown) => {
      throw outcome.failure ? new UnknownStateError(outcome.failure, err as Error) : err;
    });
    if (found.record === undefined) {
      if (outcome.failure) throw outcome.failure;
      throw new Error(`${op.host.label}: ${def.token} ${after.id} was not found on the host after it was written`);
    }
    const result = outcomeOf(def, def.describe(found.record, found.view, after, op.ctx), secrets);
    if (outcome.failure) throw new PartialFailureError(result.id, result.properties, result.inputs, outcome.failure);
    return result;
  }
}

/** Deletes an object; an object already gone is a success. */
export async function deleteObject(def: ResourceDefinition, op: Operation, current: Existing<Props, Props>): Promise<void> {
  if (def.kind === "executed") return (def as ExecutedResource).delete(current, runnerOf(op), op.ctx);
  const ref: Ref = { id: current.id, state: current.state, inputs: current.inputs };
  const requests = def.reads(ref, "delete");
  let { view, record } = await locate(def, op, ref, await op.host.read(requests, op.opts));
  const budget = new ConflictBudget();
  for (let attempt = 1; ; attempt++) {
    if (record === undefined) return;
    const commands = def.planDelete(record, current, view, op.ctx);
    if (commands.length === 0) return;
    const outcome = await op.host.write(commands, requests, op.opts);
    if (!outcome.failure) return;
    if (!(outcome.failure instanceof ConflictError) || !budget.again(commands)) throw outcome.failure;
    await backoff(attempt);
    ({ view, record } = await locate(def, op, ref, outcome.view));
  }
}
