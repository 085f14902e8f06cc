// The state a `zfs receive -s` leaves when its stream is cut: on the file system it was creating
// (which is then "inconsistent", a full stream's newfs case) or, for a stream into an existing file
// system, on what stands for its hidden `%recv` child (the file system itself is untouched). Either
// way the file system shows the receive_resume_token; any other receive into it fails with EBUSY
// until `zfs receive -A` aborts it, and a `zfs send -t TOKEN` stream continues it.

import { join } from "node:path";
import { rmSync } from "node:fs";
import type { DatasetRecord } from "../core/types.ts";
import type { StatePaths } from "../core/paths.ts";
import { mustDs, touch, type ZfsCtx } from "./context.ts";
import { removeDataset } from "./dependents.ts";
import { encodeToken } from "./resume-token.ts";
import type { StageOps, StageProgress } from "./recv-stage.ts";
import type { BeginInfo } from "./stream.ts";

/** A partial receive, kept on the file system's record (DS_FIELD_RESUME_* and the received data). */
export interface PartialReceive extends StageProgress {
  /** True when the receive created the file system (it is inconsistent itself); false for `%recv`. */
  newfs: boolean;
  /** The BEGN record of the stream first received (names, guids, features, properties). */
  begin: BeginInfo;
  /** The staging directory's name under the stash. */
  stage: string;
  ops: StageOps;
}

/** The staging directory of a receive, by name. */
export function stageDir(paths: StatePaths, name: string): string {
  return join(paths.stash, name);
}

/** The receive_resume_token of a file system with a partial receive, else undefined. */
export function resumeTokenOf(rec: DatasetRecord): string | undefined {
  const p = rec.recv;
  if (!p) return undefined;
  const f = p.begin.features;
  return encodeToken({
    fromguid: p.begin.fromguid, object: p.object, offset: p.offset, bytes: p.bytes, toguid: p.begin.toguid, toname: p.begin.toname,
    ...(f.compressok ? { compressok: true } : {}), ...(f.rawok ? { rawok: true } : {}),
  });
}

/** Whether the file system is itself inconsistent (being created by a receive). */
export function isInconsistent(rec: DatasetRecord): boolean {
  return rec.recv?.newfs === true;
}

/** Drops a partial receive: its stage and, for a file system it was creating, the file system. */
export function abortPartial(ctx: ZfsCtx, fs: string): void {
  const rec = mustDs(ctx, fs);
  const p = rec.recv;
  if (!p) return;
  rmSync(stageDir(ctx.paths, p.stage), { recursive: true, force: true });
  if (p.newfs) removeDataset(ctx, fs);
  else {
    delete rec.recv;
    touch(ctx);
  }
}
