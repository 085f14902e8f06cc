import { PartialFailureError, RefusedError } from "../../core/errors.ts";
import { zfsDestroy, zfsInherit, zfsSet } from "../../freebsd/zfs-commands.ts";
import { zfsReceiveAbort } from "../../freebsd/zfs-send.ts";
import type { Context, ExecutedResource, Existing, Found, LiveChange, Props, Ref, Runner } from "../contract.ts";
import { markerProperty } from "../zfs-dataset/owner.ts";
import { describeDivergence, describeStep, planStep } from "./plan.ts";
import { newest, sideOf, sideReads, type Side } from "./read.ts";
import { replicaInputs, replicaOutputs, replicaSecretInputs, type ReplicaInputs, type ReplicaOutputs } from "./schema.ts";
import { replicate, type Pair } from "./transfer.ts";

// freebsd:zfs:Replica: a dataset on this provider's host kept as a replica of a dataset on another
// host, the ZFS stream piped through the provider between the two SSH connections (the hosts need no
// trust between them). It is *executed* for the transfer (create and update run `zfs send | zfs
// receive`, resumable, with progress in the engine's log) and *read* like a planned resource: a
// refresh or an import reads the replica from this host's batched inventory (newest snapshot and
// guid, `written`, `receive_resume_token`). Following the source's newest snapshot is a change the
// inputs do not show, so Diff reads both hosts (`changes`): a newer source snapshot, an interrupted
// transfer or a diverged replica make an update, and a diverged one without `force` fails the preview.

export { replicaInputs, replicaOutputs } from "./schema.ts";

/** The state recorded for the resource; none on import (the engine sends an empty one). */
function recorded(ref: Ref): Props | undefined {
  return ref.state && Object.keys(ref.state).length > 0 ? ref.state : undefined;
}

/** The inputs a read can vouch for: the recorded ones, else (import) what the replica's name says. */
function inputsOf(ref: Ref): Props {
  const keys = Object.keys(replicaInputs.shape);
  const from = ref.inputs ?? recorded(ref);
  if (from) return Object.fromEntries(Object.entries(from).filter(([k]) => keys.includes(k)));
  return { dataset: ref.id, force: false, raw: false, forceDestroy: false };
}

/** The replica's outputs from its side as read; `receivedGuid` carries on from the state. */
export function describeReplica(replica: Side, ref: Ref, receivedGuid?: string): Found<ReplicaOutputs, ReplicaInputs> {
  const inputs = inputsOf(ref) as ReplicaInputs;
  // On import nothing says what was received last: the newest snapshot is taken for it.
  const state = recorded(ref);
  const received = receivedGuid ?? (state?.["receivedGuid"] as string | undefined) ?? (state ? undefined : newest(replica)?.guid);
  const at = replica.snaps.findIndex((s) => s.guid === received);
  const why = describeDivergence(replica, { extra: at < 0 ? [] : replica.snaps.slice(at + 1), written: replica.written }, replica.snaps[at]);
  const latest = newest(replica);
  const outputs: ReplicaOutputs = {
    ...inputs,
    snapshots: replica.snaps.length,
    state: replica.token ? "interrupted" : why ? "diverged" : "ok",
    written: replica.written,
    ...(replica.guid ? { guid: replica.guid } : {}),
    ...(latest ? { snapshot: latest.name, snapshotGuid: latest.guid } : {}),
    ...(received ? { receivedGuid: received } : {}),
    ...(replica.token ? { resumeToken: replica.token } : {}),
    ...(why ? { divergence: why } : {}),
  };
  return { id: replica.dataset, state: outputs, inputs };
}

/** Both hosts of a replication. */
function pairOf(runner: Runner, inputs: ReplicaInputs): Pair {
  return { replica: runner, source: runner.remote(inputs.source) };
}

/** Refuses a replica dataset that another resource marked as its own. */
function checkOwner(replica: Side, ctx: Context, creating: boolean, host: string): void {
  if (!replica.exists || replica.owner === ctx.urn) return;
  if (replica.owner !== undefined) throw new RefusedError(`${replica.dataset} on ${host} belongs to ${replica.owner}; it is left alone`);
  if (creating) {
    throw new RefusedError(`${replica.dataset} already exists on ${host}; to keep it as a replica, import it: ` +
      `pulumi import freebsd:zfs:Replica <resource-name> ${replica.dataset}`);
  }
}

/** Replicates, then reads the replica; a failure after data moved reports the replica as it is (a partial failure). */
async function bringUp(inputs: ReplicaInputs, runner: Runner, ctx: Context, creating: boolean): Promise<Found<ReplicaOutputs, ReplicaInputs>> {
  const pair = pairOf(runner, inputs);
  const ref = { id: inputs.dataset, inputs };
  const before = sideOf(await runner.read(sideReads(inputs.dataset)), inputs.dataset);
  checkOwner(before, ctx, creating, runner.label);
  let replica: Side;
  try {
    replica = await replicate(pair, inputs, ctx);
  } catch (err) {
    if (err instanceof RefusedError) throw err;
    const after = await runner.readBack(sideReads(inputs.dataset)).then((v) => sideOf(v, inputs.dataset), () => undefined);
    if (!after?.exists) throw err;
    const found = describeReplica(after, ref);
    throw new PartialFailureError(found.id, found.state, found.inputs, err as Error);
  }
  if (replica.owner !== ctx.urn) await runner.exec(zfsSet(inputs.dataset, { [markerProperty]: ctx.urn }));
  return describeReplica(replica, ref, newest(replica)?.guid);
}

/** The resource. */
export const zfsReplica: ExecutedResource<ReplicaInputs, ReplicaOutputs> = {
  kind: "executed",
  token: "freebsd:zfs:Replica",
  description:
    "Keeps a dataset on this provider's host as a replica of a dataset on another host (`source`): a full send of the " +
    "source's newest snapshot (or `sourceSnapshot`), then incremental sends (`zfs send -I`) from the newest snapshot both " +
    "share, matched by guid. The stream is piped through the provider between the two SSH connections, never held in " +
    "memory, with progress in the engine's log. Receives are resumable: an interrupted transfer is resumed by the next up " +
    "(or aborted and started again when its token is stale). A replica written to or given snapshots since the last " +
    "receive is refused unless `force`. Delete leaves the replica's data unless `forceDestroy`. Import with " +
    "`pulumi import freebsd:zfs:Replica NAME pool/replica`.",
  inputs: replicaInputs,
  outputs: replicaOutputs,
  stableOutputs: ["guid"],
  secretInputs: replicaSecretInputs,
  rule: (path) => (path[0] === "dataset" ? "replace" : "update"),
  idOf: (inputs) => inputs.dataset,
  reads: (ref) => sideReads(ref.id),
  read(view, ref) {
    const replica = sideOf(view, ref.id);
    return replica.exists ? describeReplica(replica, ref) : undefined;
  },
  async changes(_current, news, runner, ctx): Promise<LiveChange[]> {
    const pair = pairOf(runner, news);
    // Both hosts at once, each read's failure its own (never one left rejected while the other is awaited).
    const [replicaRead, sourceRead] = await Promise.allSettled([
      runner.read(sideReads(news.dataset)), pair.source.read(sideReads(news.sourceDataset)),
    ]);
    let source: Side | undefined;
    try {
      if (sourceRead.status === "rejected") throw sourceRead.reason;
      source = sideOf(sourceRead.value, news.sourceDataset);
    } catch (err) {
      // A source that cannot be read (unreachable, its pool gone) does not fail a preview or a refresh:
      // the replica is not compared with it this time, and an up says why if it still cannot read it.
      ctx.warn(`${news.dataset} is not compared with its source: ${(err as Error).message}`);
    }
    if (replicaRead.status === "rejected") throw replicaRead.reason;
    const replica = sideOf(replicaRead.value, news.dataset);
    if (!source) return replica.token ? [{ property: "state", reason: describeStep({ kind: "resume", token: replica.token }, news) }] : [];
    const step = planStep(replica, source, news, { source: pair.source.label, replica: runner.label });
    if (step.kind === "none") return [];
    // A pinned snapshot the source lacks may be taken earlier in the same update (a freebsd:zfs:Snapshot
    // the program declares, whose name a preview already knows): a change, not a refusal; the up itself
    // refuses it if the source still lacks it then.
    if (step.kind === "refuse" && step.missing !== undefined) {
      return [{ property: "snapshot", reason: `${news.sourceDataset}@${step.missing.replace(/^.*@/, "")} will be sent to ${news.dataset} once it exists: ${step.why} yet` }];
    }
    const reason = describeStep(step, news);
    const property = step.kind === "resume" ? "state" : step.kind === "refuse" || step.kind === "rollback" ? "divergence" : "snapshot";
    return [{ property, reason, ...(step.kind === "refuse" ? { refusal: step.why } : {}) }];
  },
  create: (inputs, runner, ctx) => bringUp(inputs, runner, ctx, true),
  update: (_current, news, runner, ctx) => bringUp(news, runner, ctx, false),
  async delete(current: Existing<ReplicaOutputs, ReplicaInputs>, runner, ctx) {
    const dataset = current.id;
    const replica = sideOf(await runner.read(sideReads(dataset)), dataset);
    if (!replica.exists) return;
    // An unfinished transfer is not data anyone has: it goes either way (for a first one, with its dataset).
    if (replica.token) await runner.exec(zfsReceiveAbort(dataset));
    const after = replica.token ? sideOf(await runner.read(sideReads(dataset)), dataset) : replica;
    if (!after.exists) return;
    const forceDestroy = (current.inputs as Partial<ReplicaInputs>).forceDestroy ?? current.state.forceDestroy;
    if (forceDestroy) await runner.exec(zfsDestroy(dataset, { recursive: true }));
    else if (after.owner === ctx.urn) await runner.exec(zfsInherit(dataset, markerProperty));
  },
};
