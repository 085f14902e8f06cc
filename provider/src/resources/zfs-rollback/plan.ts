import type { Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import { startJailChecked, stopJailChecked } from "../../freebsd/jail-commands.ts";
import { zfsRollback } from "../../freebsd/zfs-commands.ts";
import type { SnapshotRecord } from "../../freebsd/zfs-output.ts";
import { want, type SectionRequest } from "../../inventory/section.ts";
import type { HostView } from "../../inventory/view.ts";
import { runningJails } from "../../sections/jails.ts";
import { datasetTree, pools, snapshots } from "../../sections/zfs.ts";
import { requirePool } from "../zfs-dataset/owner.ts";
import { targetOf, type RollbackInputs } from "./schema.ts";

// What a rollback reads and does: pure functions of the inputs and what the host has. It refuses what
// would lose more than the stack said (later snapshots without destroyLaterSnapshots), and what zfs
// would refuse or leave half done (clones of later snapshots, which need -R; held later snapshots).

/** A rollback planned against the host: the commands in order, and what it will destroy. */
export interface RollbackPlan {
  target: SnapshotRecord;
  /** The later snapshots `zfs rollback -r` destroys, oldest first. */
  later: SnapshotRecord[];
  /** Stops the jail first, when it runs. */
  stop?: Command;
  rollback: Command;
  /** Starts the jail again after, when it was stopped. */
  start?: Command;
  /** What the rollback will do, for the preview and the engine's log. */
  notes: string[];
}

/** Names a few items of a list for a message. */
function some(items: string[]): string {
  return items.length <= 8 ? items.join(", ") : `${items.slice(0, 8).join(", ")} and ${items.length - 8} more`;
}

/** The sections a rollback reads: pools, the dataset and its snapshots, and the running jails when it restarts one. */
export function rollbackReads(inputs: Pick<RollbackInputs, "dataset" | "restartJail">): SectionRequest[] {
  const reads = [want(pools), want(datasetTree, [inputs.dataset]), want(snapshots, [inputs.dataset])];
  return inputs.restartJail === undefined ? reads : [...reads, want(runningJails)];
}

/** Whether the host has the dataset and the snapshot yet (a preview of a stack that creates them has neither). */
export function rollbackTargetExists(inputs: RollbackInputs, view: HostView): boolean {
  return view.get(pools).some((p) => p.name === inputs.dataset.split("/")[0]) &&
    view.get(datasetTree).has(inputs.dataset) && view.get(snapshots).has(targetOf(inputs));
}

/** The rollback of the dataset to the snapshot, or the reason it is refused. */
export function planRollback(inputs: RollbackInputs, view: HostView): RollbackPlan {
  const full = targetOf(inputs);
  const ds = inputs.dataset;
  requirePool(view, ds, `cannot roll ${ds} back`);
  if (!view.get(datasetTree).has(ds)) throw new RefusedError(`cannot roll ${ds} back to ${full}: ${ds} does not exist on ${view.host}`);
  const own = [...view.get(snapshots).values()].filter((s) => s.dataset === ds).sort((a, b) => Number(a.createtxg) - Number(b.createtxg));
  const target = own.find((s) => s.name === full);
  if (!target) {
    const have = own.length > 0 ? `its snapshots: ${some(own.map((s) => s.name))}` : "it has no snapshots";
    throw new RefusedError(`cannot roll ${ds} back to ${full}: that snapshot does not exist on ${view.host} (${have})`);
  }
  const later = own.filter((s) => Number(s.createtxg) > Number(target.createtxg));
  const what = `rolling ${ds} back to ${full}`;
  const clones = later.flatMap((s) => s.clones.map((c) => `${c} (a clone of ${s.name})`));
  if (clones.length > 0) {
    throw new RefusedError(
      `refusing ${what}: datasets are cloned from the later snapshots, which the rollback would destroy: ${some(clones)}. ` +
        `zfs rollback -R would destroy those clones with them; this provider never does. Destroy or promote (zfs promote) ` +
        `the clones first; nothing was changed`,
    );
  }
  if (later.length > 0 && !inputs.destroyLaterSnapshots) {
    throw new RefusedError(
      `refusing ${what}: it destroys the later snapshots ${some(later.map((s) => s.name))} (zfs rollback -r). To allow it, ` +
        `set destroyLaterSnapshots: true; nothing was changed`,
    );
  }
  const held = later.filter((s) => s.userrefs > 0);
  if (held.length > 0) {
    throw new RefusedError(
      `refusing ${what}: the later snapshots ${some(held.map((s) => `${s.name} (${s.userrefs} hold(s))`))} are held, so zfs rollback -r ` +
        `cannot destroy them and would stop half way. Release the holds first (zfs holds SNAPSHOT; zfs release TAG SNAPSHOT); nothing was changed`,
    );
  }
  const jail = inputs.restartJail;
  const running = jail !== undefined && view.get(runningJails).some((j) => j.name === jail);
  const notes = [
    `rolls ${ds} back to ${full}, losing what was written since` +
      (later.length > 0 ? `, and destroys the later snapshots ${some(later.map((s) => s.name))} (zfs rollback -r)` : ""),
  ];
  if (jail !== undefined) {
    notes.push(running ? `stops jail ${jail} before the rollback and starts it again after` : `jail ${jail} is not running: it is left as it is`);
  }
  return {
    target,
    later,
    rollback: zfsRollback(full, { destroyLater: later.length > 0 }),
    notes,
    ...(running ? { stop: stopJailChecked(jail!), start: startJailChecked(jail!) } : {}),
  };
}
