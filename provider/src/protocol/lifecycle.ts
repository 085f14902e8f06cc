import { NothingCreatedError, PartialFailureError, UnknownStateError } from "../core/errors.ts";
import type { Existing, Found, Props, ResourceDefinition, Runner } from "../core/resource.ts";
import type { HostSession, RunOptions } from "../host/session.ts";
import { applySecrets, revealSecrets, Unknown, type Path } from "./values.ts";

// The one generic algorithm every resource runs: plan against the inventory, run the plan,
// read back. A failure after the first write is resolved by reading the host again.

type Def = ResourceDefinition<Props, Props>;

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
  def: Def, host: HostSession, id: string, state: Record<string, unknown>, inputs: Record<string, unknown> | undefined, opts: RunOptions,
): Promise<Outcome | undefined> {
  const plainState = revealSecrets(state);
  const plainInputs = inputs ? revealSecrets(inputs) : undefined;
  const inv = await host.inventory(opts);
  const found = def.read(inv, id, { state: plainState.plain as Props, inputs: plainInputs?.plain as Props | undefined });
  if (!found) return undefined;
  const secrets = [...(plainInputs?.secrets ?? []), ...plainState.secrets];
  return outcomeOf(def, found, secrets);
}

/** Runs a plan; on failure reads the host again and reports what the failure left behind. */
async function runAndReadBack(
  def: Def, host: HostSession, plan: () => Promise<readonly { argv: readonly string[] }[]>, id: string,
  known: { state?: Props; inputs?: Props }, secrets: readonly Path[], opts: RunOptions,
): Promise<Outcome> {
  const commands = await plan();
  try {
    await host.run(commands, opts);
  } catch (err) {
    const found = await readBack(def, host, id, known, opts, err as Error);
    if (found) {
      const outcome = outcomeOf(def, found, secrets);
      throw new PartialFailureError(outcome.id, outcome.properties, outcome.inputs, err as Error);
    }
    throw known.state ? err : new NothingCreatedError(err as Error);
  }
  const found = await readBack(def, host, id, known, opts);
  if (!found) throw new Error(`${host.label}: ${def.token} ${id} was not found on the host after it was written`);
  return outcomeOf(def, found, secrets);
}

/** Reads the object after a write; when even that fails, the original error is what matters. */
async function readBack(
  def: Def, host: HostSession, id: string, known: { state?: Props; inputs?: Props }, opts: RunOptions, original?: Error,
): Promise<Found<Props, Props> | undefined> {
  try {
    return def.read(await host.inventory(opts), id, known);
  } catch (err) {
    if (original) throw new UnknownStateError(original, err as Error);
    throw err;
  }
}

/** A Runner over a host session, for resources that execute things themselves. */
function runnerOf(host: HostSession, opts: RunOptions): Runner {
  return { exec: (cmd) => host.exec(cmd, opts), inventory: () => host.inventory(opts) };
}

/** Creates an object from checked inputs. */
export async function createObject(
  def: Def, host: HostSession, inputs: Record<string, unknown>, opts: RunOptions,
): Promise<Outcome> {
  const { plain, secrets } = revealSecrets(inputs);
  const checked = plain as Props;
  if (def.execute) return outcomeOf(def, await def.execute.create(checked, runnerOf(host, opts)), secrets);
  const id = def.idOf(checked);
  return runAndReadBack(def, host, async () => def.planCreate(checked, await host.inventory(opts)), id, { inputs: checked }, secrets, opts);
}

/** Updates an object in place. */
export async function updateObject(
  def: Def, host: HostSession, id: string, olds: Record<string, unknown>, oldInputs: Record<string, unknown>,
  news: Record<string, unknown>, opts: RunOptions,
): Promise<Outcome> {
  const { plain, secrets } = revealSecrets(news);
  const current: Existing<Props, Props> = {
    id,
    state: revealSecrets(olds).plain as Props,
    inputs: revealSecrets(oldInputs).plain as Props,
  };
  if (def.execute) return outcomeOf(def, await def.execute.update(current, plain as Props, runnerOf(host, opts)), secrets);
  const plan = async () => def.planUpdate(current, plain as Props, await host.inventory(opts));
  return runAndReadBack(def, host, plan, id, { state: current.state, inputs: plain as Props }, secrets, opts);
}

/** Deletes an object; an object already gone is a success. */
export async function deleteObject(
  def: Def, host: HostSession, id: string, olds: Record<string, unknown>, oldInputs: Record<string, unknown>, opts: RunOptions,
): Promise<void> {
  const current: Existing<Props, Props> = {
    id,
    state: revealSecrets(olds).plain as Props,
    inputs: revealSecrets(oldInputs).plain as Props,
  };
  if (def.execute) return def.execute.delete(current, runnerOf(host, opts));
  const commands = def.planDelete(current, await host.inventory(opts));
  if (commands.length > 0) await host.run(commands, opts);
}
