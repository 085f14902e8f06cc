import type { Command } from "../core/command.ts";
import { ConflictError, NothingCreatedError, PartialFailureError, UnknownStateError } from "../core/errors.ts";
import type { Context, Existing, Found, Known, Props, ResourceDefinition, Runner } from "../core/resource.ts";
import type { Inventory } from "../host/inventory.ts";
import type { HostSession, RunOptions } from "../host/session.ts";
import { applySecrets, revealSecrets, Unknown, type Path } from "./values.ts";

// The one generic algorithm every resource runs: plan against the inventory, run the plan,
// read back. A failure after the first write is resolved by reading the host again.

type Def = ResourceDefinition<Props, Props>;

/** One operation on one host: the session, how commands run, and what the resource is told. */
export interface Operation {
  host: HostSession;
  opts: RunOptions;
  ctx: Context;
}

/** How many times a plan is made again after a write found its file changed underneath it. */
const conflictAttempts = 6;

/** A short random wait before planning again, growing with the attempt, so concurrent writers interleave. */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80 * attempt));
}

/** A result to hand back to the engine: id, outputs and inputs, secrets re-applied. */
export interface Outcome {
  id: string;
  properties: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

/** Output paths that must be secret because the input at that path was (same path, and the resource's own mapping). */
function secretOutputs(def: Def, inputSecrets: readonly Path[]): Path[] {
  return inputSecrets.flatMap((p) => [p, ...(def.derivedSecrets?.(p) ?? [])]);
}

/** Builds an outcome from what was read, keeping secret every path that was secret. */
function outcomeOf(def: Def, found: Found<Props, Props>, secrets: readonly Path[]): Outcome {
  return {
    id: found.id,
    properties: applySecrets(found.state, secretOutputs(def, secrets)),
    inputs: applySecrets(found.inputs, secrets),
  };
}

/** Outputs a preview of a create can promise: inputs echoed, everything computed unknown. */
export function previewCreate(def: Def, inputs: Record<string, unknown>): Record<string, unknown> {
  const shape = (def.outputs as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) out[key] = key in inputs ? inputs[key] : Unknown;
  return out;
}

/** Outputs a preview of an update can promise: old state, new inputs, computed values unknown unless stable. */
export function previewUpdate(def: Def, olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(olds)) out[key] = def.stableOutputs.includes(key) ? value : Unknown;
  return { ...out, ...news };
}

/** Reads an object; undefined when it is gone. Transport failures throw. */
export async function readObject(
  def: Def, op: Operation, id: string, state: Record<string, unknown>, inputs: Record<string, unknown> | undefined,
): Promise<Outcome | undefined> {
  const plainState = revealSecrets(state);
  const plainInputs = inputs ? revealSecrets(inputs) : undefined;
  const inv = await op.host.inventory(op.opts);
  const found = def.read(inv, id, { state: plainState.plain as Props, inputs: plainInputs?.plain as Props | undefined }, op.ctx);
  if (!found) return undefined;
  const secrets = [...(plainInputs?.secrets ?? []), ...plainState.secrets];
  return outcomeOf(def, found, secrets);
}

/**
 * Plans against the host and runs the plan; a write that finds its file changed underneath it
 * (ConflictError: nothing written) is planned again from a fresh read. On any other failure the
 * host is read again and what the failure left behind is reported.
 */
async function runAndReadBack(
  def: Def, op: Operation, plan: (inv: Inventory) => readonly Command[], id: string, known: Known, secrets: readonly Path[],
): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    const commands = plan(await op.host.inventory(op.opts));
    try {
      await op.host.run(commands, op.opts);
      break;
    } catch (err) {
      if (err instanceof ConflictError && attempt < conflictAttempts) {
        await backoff(attempt);
        continue;
      }
      const found = await readBack(def, op, id, known, err as Error);
      if (found) {
        const outcome = outcomeOf(def, found, secrets);
        throw new PartialFailureError(outcome.id, outcome.properties, outcome.inputs, err as Error);
      }
      throw known.state ? err : new NothingCreatedError(err as Error);
    }
  }
  const found = await readBack(def, op, id, known);
  if (!found) throw new Error(`${op.host.label}: ${def.token} ${id} was not found on the host after it was written`);
  return outcomeOf(def, found, secrets);
}

/** How long a read-back may take past the operation's deadline, so a timed-out write is still recorded. */
const readBackGraceMs = 60_000;

/** Reads the object after a write; when even that fails, the original error is what matters. */
async function readBack(
  def: Def, op: Operation, id: string, known: Known, original?: Error,
): Promise<Found<Props, Props> | undefined> {
  const deadline = Math.max(op.opts.deadline ?? 0, Date.now() + readBackGraceMs);
  try {
    return def.read(await op.host.inventory({ ...op.opts, deadline, freshAfter: Date.now() }), id, known, op.ctx);
  } catch (err) {
    if (original) throw new UnknownStateError(original, err as Error);
    throw err;
  }
}

/** A Runner over a host session, for resources that execute things themselves: what they run may change the host. */
function runnerOf(op: Operation): Runner {
  return {
    exec: async (cmd) => {
      op.host.invalidate();
      try {
        return await op.host.exec(cmd, op.opts);
      } finally {
        op.host.invalidate();
      }
    },
    inventory: () => op.host.inventory(op.opts),
  };
}

/** Creates an object from checked inputs. */
export async function createObject(def: Def, op: Operation, inputs: Record<string, unknown>): Promise<Outcome> {
  const { plain, secrets } = revealSecrets(inputs);
  const checked = plain as Props;
  if (def.execute) return outcomeOf(def, await def.execute.create(checked, runnerOf(op), op.ctx), secrets);
  const id = def.idOf(checked);
  return runAndReadBack(def, op, (inv) => def.planCreate(checked, inv, op.ctx), id, { inputs: checked, creating: true }, secrets);
}

/** Updates an object in place. */
export async function updateObject(
  def: Def, op: Operation, id: string, olds: Record<string, unknown>, oldInputs: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<Outcome> {
  const { plain, secrets } = revealSecrets(news);
  const current: Existing<Props, Props> = {
    id,
    state: revealSecrets(olds).plain as Props,
    inputs: revealSecrets(oldInputs).plain as Props,
  };
  if (def.execute) return outcomeOf(def, await def.execute.update(current, plain as Props, runnerOf(op), op.ctx), secrets);
  const plan = (inv: Inventory) => def.planUpdate(current, plain as Props, inv, op.ctx);
  return runAndReadBack(def, op, plan, id, { state: current.state, inputs: plain as Props }, secrets);
}

/** Deletes an object; an object already gone is a success. */
export async function deleteObject(
  def: Def, op: Operation, id: string, olds: Record<string, unknown>, oldInputs: Record<string, unknown>,
): Promise<void> {
  const current: Existing<Props, Props> = {
    id,
    state: revealSecrets(olds).plain as Props,
    inputs: revealSecrets(oldInputs).plain as Props,
  };
  if (def.execute) return def.execute.delete(current, runnerOf(op), op.ctx);
  for (let attempt = 1; ; attempt++) {
    const commands = def.planDelete(current, await op.host.inventory(op.opts), op.ctx);
    if (commands.length === 0) return;
    try {
      return await op.host.run(commands, op.opts);
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= conflictAttempts) throw err;
      await backoff(attempt);
    }
  }
}
