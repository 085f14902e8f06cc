import { newest, type Side, type Snap } from "./read.ts";
import type { ReplicaInputs } from "./schema.ts";

// What to do next to bring a replica to its source: pure, from the two sides as read. Snapshots are
// matched by GUID, never by name (a receive keeps the sender's GUID): the base of an incremental send
// is the newest replica snapshot whose GUID the source has. Incremental sends use `-I`, so every
// snapshot between the base and the target arrives too: the replica keeps the source's history, and
// the next base survives the source pruning old snapshots.

/** The next step of a replication. */
export type Step =
  | { kind: "none" }
  /** Nothing can be sent; `missing`: the pinned `sourceSnapshot`, which the source does not have (yet). */
  | { kind: "refuse"; why: string; missing?: string }
  /** Continue the interrupted transfer the replica's resume token describes. */
  | { kind: "resume"; token: string }
  /** Send the target whole (`zfs send SNAP | zfs receive -s -u`); `force` overwrites an empty existing dataset. */
  | { kind: "full"; to: Snap; force: boolean }
  /** Send from the shared base through the target (`-I`); `force` (-F) rolls a diverged replica back to the base. */
  | { kind: "incremental"; base: Snap; to: Snap; force: boolean }
  /** Nothing new to send, but a diverged replica to bring back to the base (force). */
  | { kind: "rollback"; base: Snap };

/** How a replica differs from what it received. */
export interface Divergence {
  /** Replica snapshots after the base, which the source lacks. */
  extra: Snap[];
  /** Bytes written since the replica's newest snapshot. */
  written: number;
}

/** The newest replica snapshot the source also has (by GUID). */
export function sharedBase(replica: Side, source: Side): Snap | undefined {
  const guids = new Set(source.snaps.map((s) => s.guid));
  return [...replica.snaps].reverse().find((s) => guids.has(s.guid));
}

/** Why a replica diverged, in words; undefined when it did not. */
export function describeDivergence(replica: Side, d: Divergence, base: Snap | undefined): string | undefined {
  const parts: string[] = [];
  const latest = newest(replica);
  if (d.written > 0) parts.push(`it was written to since ${replica.dataset}@${latest?.name ?? "?"} (${d.written} bytes written)`);
  if (d.extra.length > 0) {
    const names = d.extra.map((s) => `${replica.dataset}@${s.name}`).join(", ");
    parts.push(`it has snapshots its source lacks: ${names}${base ? ` (made after @${base.name}, the newest both share)` : ""}`);
  }
  return parts.length === 0 ? undefined : parts.join("; ");
}

/** The snapshot to replicate up to: the named one, or the source's newest. */
export function targetOf(source: Side, inputs: Pick<ReplicaInputs, "sourceSnapshot">): Snap | undefined {
  if (inputs.sourceSnapshot === undefined) return newest(source);
  const short = inputs.sourceSnapshot.includes("@") ? inputs.sourceSnapshot.slice(inputs.sourceSnapshot.indexOf("@") + 1) : inputs.sourceSnapshot;
  return source.snaps.find((s) => s.name === short);
}

/** The next step for a replica (`urn`: the resource's, which a replica it made carries as its marker). */
export function planStep(replica: Side, source: Side, inputs: ReplicaInputs, where: { source: string; replica: string }): Step {
  if (replica.token) return { kind: "resume", token: replica.token };
  const src = `${inputs.sourceDataset} on ${where.source}`;
  if (!source.exists) return { kind: "refuse", why: `the source dataset ${src} does not exist` };
  if (source.snaps.length === 0) {
    return { kind: "refuse", why: `${src} has no snapshots: a replica receives snapshots, so take one first (e.g. a freebsd:zfs:Snapshot)` };
  }
  if (inputs.sourceSnapshot !== undefined && inputs.sourceDataset !== "" && inputs.sourceSnapshot.includes("@")
    && inputs.sourceSnapshot.slice(0, inputs.sourceSnapshot.indexOf("@")) !== inputs.sourceDataset) {
    return { kind: "refuse", why: `sourceSnapshot ${inputs.sourceSnapshot} is not a snapshot of ${inputs.sourceDataset}` };
  }
  const target = targetOf(source, inputs);
  if (!target) return { kind: "refuse", why: `${src} has no snapshot ${inputs.sourceSnapshot}`, missing: inputs.sourceSnapshot };
  if (!replica.exists) return { kind: "full", to: target, force: false };
  if (replica.snaps.length === 0) {
    if (inputs.force) return { kind: "full", to: target, force: true };
    return {
      kind: "refuse",
      why: `${replica.dataset} on ${where.replica} exists and has no snapshots, so it holds nothing received from ${src}; ` +
        `set force: true to overwrite it with a full stream (zfs receive -F), or remove it`,
    };
  }
  const base = sharedBase(replica, source);
  if (!base) {
    return {
      kind: "refuse",
      why: `${replica.dataset} on ${where.replica} shares no snapshot with ${src} (compared by guid), so nothing can be sent ` +
        `incrementally and a full stream cannot overwrite a dataset that has snapshots; destroy it (zfs destroy -r) to replicate from scratch`,
    };
  }
  const divergence: Divergence = { extra: replica.snaps.filter((s) => s.createtxg > base.createtxg), written: replica.written };
  const why = describeDivergence(replica, divergence, base);
  const sourceBase = source.snaps.find((s) => s.guid === base.guid)!;
  const ahead = target.createtxg > sourceBase.createtxg;
  if (why && !inputs.force) {
    return {
      kind: "refuse",
      why: `the replica ${replica.dataset} on ${where.replica} diverged from ${src}: ${why}. Set force: true to overwrite it: ` +
        `zfs receive -F rolls it back to @${base.name}, destroying those changes and snapshots`,
    };
  }
  if (ahead) return { kind: "incremental", base: sourceBase, to: target, force: why !== undefined };
  if (why) return { kind: "rollback", base };
  return { kind: "none" };
}

/** A line saying what a step will do, for the log and a preview. */
export function describeStep(step: Step, inputs: ReplicaInputs): string {
  const src = inputs.sourceDataset;
  switch (step.kind) {
    case "none": return `${inputs.dataset} is up to date with ${src}`;
    case "refuse": return step.why;
    case "resume": return `an interrupted transfer into ${inputs.dataset} will be resumed from its receive_resume_token`;
    case "full": return `${src}@${step.to.name} will be sent whole to ${inputs.dataset}${step.force ? " (zfs receive -F)" : ""}`;
    case "incremental":
      return `${src}@${step.to.name} is newer than ${inputs.dataset}@${step.base.name}: the snapshots after it will be sent (zfs send -I)` +
        (step.force ? ", rolling the diverged replica back first (zfs receive -F)" : "");
    case "rollback": return `the diverged ${inputs.dataset} will be rolled back to @${step.base.name} (force)`;
  }
}
