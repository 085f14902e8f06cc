import { PartialFailureError, RefusedError } from "../../core/errors.ts";
import type { Context, ExecutedResource, Found, Props, Runner } from "../contract.ts";
import { want } from "../../inventory/section.ts";
import { pools } from "../../sections/zfs.ts";
import { planRollback, rollbackReads, rollbackTargetExists } from "./plan.ts";
import { rollbackInputs, rollbackOutputs, targetOf, type RollbackInputs, type RollbackOutputs } from "./schema.ts";

// freebsd:zfs:Rollback: rolls a dataset back to one of its snapshots when created and whenever its
// triggers change, stopping and starting a jail on it when asked. It is an action: its state is what
// the last rollback did; deleting it does nothing to the data. Never runs in a preview, where it reads
// the host to name (or refuse) what it would destroy.

/** Whether an update rolls back again: the triggers changed. */
function rerun(olds: Props, news: RollbackInputs): boolean {
  return JSON.stringify(olds["triggers"] ?? null) !== JSON.stringify(news.triggers ?? null);
}

/** Rolls back; a jail stopped for it is started again even when the rollback fails. */
async function rollBack(inputs: RollbackInputs, runner: Runner, ctx: Context, id: string): Promise<Found<RollbackOutputs, RollbackInputs>> {
  const plan = planRollback(inputs, await runner.read(rollbackReads(inputs)));
  for (const note of plan.notes) ctx.warn(note);
  if (plan.stop) await runner.exec(plan.stop);
  const failure = await runner.exec(plan.rollback).then(() => undefined, (err: unknown) => err as Error);
  const startFailure = plan.start && (await runner.exec(plan.start).then(() => undefined, (err: unknown) => err as Error));
  if (failure) {
    if (startFailure) failure.message += `; and jail ${inputs.restartJail} did not start again: ${startFailure.message}`;
    throw failure;
  }
  const state: RollbackOutputs = {
    ...inputs,
    snapshotGuid: plan.target.guid,
    destroyedSnapshots: plan.later.map((s) => s.name),
    rolledBackAt: new Date().toISOString(),
  };
  // The rollback is done: a jail that did not start again is reported with it recorded, not rolled back twice.
  if (startFailure) throw new PartialFailureError(id, state, inputs, startFailure);
  return { id, inputs, state };
}

/** The inputs part of a recorded state. */
function inputsOf(bag: Props): RollbackInputs {
  const keys = Object.keys(rollbackInputs.shape);
  return rollbackInputs.parse(Object.fromEntries(Object.entries(bag).filter(([k]) => keys.includes(k))));
}

export const zfsRollback: ExecutedResource<RollbackInputs, RollbackOutputs> = {
  kind: "executed",
  token: "freebsd:zfs:Rollback",
  description:
    "Rolls a ZFS dataset back to one of its snapshots (`zfs rollback`) when created and whenever `triggers` change. Later " +
    "snapshots are destroyed only with `destroyLaterSnapshots: true` (`zfs rollback -r`), and the preview names each; clones " +
    "of them are never destroyed (`-R` is never used). `restartJail` stops a jail on the dataset first and starts it after. " +
    "Never runs in a preview; deleting the resource does nothing to the data.",
  inputs: rollbackInputs,
  outputs: rollbackOutputs,
  rule: (path) => (path[0] === "dataset" || path[0] === "snapshot" ? "replace" : "update"),
  idOf: (inputs) => targetOf(inputs),
  reads: () => [want(pools)],
  read(_view, ref) {
    if (!ref.state || typeof ref.state["snapshotGuid"] !== "string") {
      throw new RefusedError(
        `freebsd:zfs:Rollback ${ref.id} cannot be imported: a rollback is an action, not an object on the host; declare it in the program`,
      );
    }
    return { id: ref.id, state: ref.state as RollbackOutputs, inputs: inputsOf(ref.inputs ?? ref.state) };
  },
  async preview(news, current, read) {
    if (current && !rerun(current.inputs, news)) return [];
    const view = await read(rollbackReads(news));
    if (!rollbackTargetExists(news, view)) {
      return [`rolls ${news.dataset} back to ${targetOf(news)} when it runs (the host has no such snapshot yet, so what it destroys is decided then)`];
    }
    return planRollback(news, view).notes;
  },
  create: (inputs, runner, ctx) => rollBack(inputs, runner, ctx, targetOf(inputs)),
  async update(current, news, runner, ctx) {
    if (!rerun(current.inputs, news)) return { id: current.id, inputs: news, state: { ...current.state, ...news } };
    return rollBack(news, runner, ctx, current.id);
  },
  // The data stays as the last rollback left it.
  delete: async () => undefined,
};
