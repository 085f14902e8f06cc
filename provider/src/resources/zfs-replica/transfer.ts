import { CommandFailedError, RefusedError } from "../../core/errors.ts";
import type { Command } from "../../core/command.ts";
import { isStaleResume, parseSendEstimate, zfsReceive, zfsReceiveAbort, zfsRollbackTo, zfsSend, zfsSendResume } from "../../freebsd/zfs-send.ts";
import type { Context, Runner } from "../contract.ts";
import { markerProperty } from "../zfs-dataset/owner.ts";
import { describeStep, planStep, type Step } from "./plan.ts";
import { progressReporter } from "./progress.ts";
import { sideOf, sideReads, type Side } from "./read.ts";
import type { ReplicaInputs } from "./schema.ts";

// Carrying a replication out: read both sides, plan the next step, run it, and again until nothing
// is left (a `-I` stream cut in the middle leaves its earlier snapshots received and the current
// one resumable; the next round resumes it, the one after sends the rest). Every transfer is
// estimated first with `zfs send -nvP` (which also proves a resume token still usable: a stale one
// is aborted with `zfs receive -A` and the transfer planned again from what both sides share).

/** The two hosts of a replication. */
export interface Pair {
  replica: Runner;
  source: Runner;
}

/** How many steps one operation may take (resume, the rest, a rollback...) before it gives up. */
const maxRounds = 12;

/** Reads both sides (one batched read on each host). */
export async function readSides(p: Pair, inputs: ReplicaInputs): Promise<{ replica: Side; source: Side }> {
  const [replicaView, sourceView] = await Promise.all([p.replica.read(sideReads(inputs.dataset)), p.source.read(sideReads(inputs.sourceDataset))]);
  return { replica: sideOf(replicaView, inputs.dataset), source: sideOf(sourceView, inputs.sourceDataset) };
}

/** The next step from both sides as they are now. */
export function nextStep(p: Pair, sides: { replica: Side; source: Side }, inputs: ReplicaInputs): Step {
  return planStep(sides.replica, sides.source, inputs, { source: p.source.label, replica: p.replica.label });
}

/** Runs steps until the replica is up to date; returns the replica as last read. */
export async function replicate(p: Pair, inputs: ReplicaInputs, ctx: Context): Promise<Side> {
  for (let round = 0; round < maxRounds; round++) {
    const sides = await readSides(p, inputs);
    const step = nextStep(p, sides, inputs);
    if (step.kind === "none") return sides.replica;
    if (step.kind === "refuse") throw new RefusedError(step.why);
    ctx.info?.(describeStep(step, inputs));
    await runStep(p, step, inputs, ctx);
  }
  throw new Error(`${inputs.dataset} on ${p.replica.label} was not brought up to date with ${inputs.sourceDataset} in ${maxRounds} transfers`);
}

/** The total of a `zfs send -nvP`, run on the source. */
async function estimate(p: Pair, cmd: Command): Promise<number> {
  return parseSendEstimate((await p.source.exec(cmd)).stdout).total;
}

/** Runs one step of a replication. */
export async function runStep(p: Pair, step: Step, inputs: ReplicaInputs, ctx: Context): Promise<void> {
  const src = inputs.sourceDataset;
  switch (step.kind) {
    case "resume": {
      let size: number;
      try {
        size = await estimate(p, zfsSendResume(step.token, { estimate: true }));
      } catch (err) {
        if (!(err instanceof CommandFailedError && isStaleResume(err.stderr))) throw err;
        ctx.warn(`the interrupted transfer into ${inputs.dataset} cannot be resumed (${err.stderr.trim()}): ` +
          `it is aborted (zfs receive -A) and the replication planned again from what both sides share`);
        await p.replica.exec(zfsReceiveAbort(inputs.dataset));
        return;
      }
      return transfer(p, zfsSendResume(step.token), zfsReceive(inputs.dataset, { force: inputs.force }), size,
        `resuming ${src} -> ${inputs.dataset}`, ctx);
    }
    case "full": {
      const snap = `${src}@${step.to.name}`;
      const size = await estimate(p, zfsSend(snap, { raw: inputs.raw, estimate: true }));
      // The marker is set by the receive itself, so even a cut first transfer is recognisably this resource's.
      return transfer(p, zfsSend(snap, { raw: inputs.raw }),
        zfsReceive(inputs.dataset, { force: step.force, properties: { [markerProperty]: ctx.urn } }), size, `${snap} -> ${inputs.dataset}`, ctx);
    }
    case "incremental": {
      const snap = `${src}@${step.to.name}`;
      const from = `@${step.base.name}`;
      const size = await estimate(p, zfsSend(snap, { from, intermediates: true, raw: inputs.raw, estimate: true }));
      return transfer(p, zfsSend(snap, { from, intermediates: true, raw: inputs.raw }), zfsReceive(inputs.dataset, { force: step.force }),
        size, `${src}${from}..@${step.to.name} -> ${inputs.dataset}`, ctx);
    }
    case "rollback":
      await p.replica.exec(zfsRollbackTo(`${inputs.dataset}@${step.base.name}`));
      return;
    case "none":
    case "refuse":
      return;
  }
}

/** Pipes `send` on the source into `receive` on the replica's host, reporting progress; a failing side throws with its stderr. */
async function transfer(p: Pair, send: Command, receive: Command, size: number, what: string, ctx: Context): Promise<void> {
  const reporter = progressReporter(what, size, (line) => ctx.info?.(line));
  const out = await p.replica.pipe(p.source, send, receive, reporter.onProgress);
  if (out.source.code !== 0) throw new CommandFailedError(p.source.label, send, out.source.code, out.source.stderr);
  if (out.sink.code !== 0) throw new CommandFailedError(p.replica.label, receive, out.sink.code, out.sink.stderr);
  reporter.done(out.bytes);
}
