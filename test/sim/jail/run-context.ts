// The state one jail(8) invocation carries: where it writes, how chatty it is, and per jail the
// operation in progress (usr.sbin/jail/jailp.h struct cfjail flags JF_*).

import { writeFd } from "../core/fd.ts";
import type { StatePaths } from "../core/paths.ts";
import { hostPath } from "../core/paths.ts";
import { stringParam, type CfJail } from "./cfjail.ts";
import type { SetItem } from "./kernel-set.ts";

export interface Fds {
  in: number;
  out: number;
  err: number;
}

export interface JailRun {
  paths: StatePaths;
  fds: Fds;
  /** -1 with -q/-i, 1 with -v, else 0. */
  verbose: number;
  iflag: boolean;
  /** Print `NAME: removed` on -r (config file used, several jails, or a wildcard). */
  noteRemove: boolean;
  /** jail(8)'s own environment and working directory, inherited by the commands it runs. */
  env: Record<string, string>;
  cwd: string;
  now: () => number;
  /** The exit status so far (1 once anything failed). */
  error: number;
}

/** One jail and what is being done to it. */
export interface JailOp {
  j: CfJail;
  /** -1 when not running. */
  jid: number;
  start: boolean;
  stop: boolean;
  set: boolean;
  /** Started or stopped because another jail depends on it (JF_DEPEND). */
  depend: boolean;
  /** Selected by a wildcard (JF_WILD): "already exists"/"not found" are not errors. */
  wild: boolean;
  /** Currently running the stop half (JF_STOP). */
  stopping: boolean;
  failed: boolean;
  /** persist was added for the commands and must be cleared after (JF_PERSIST). */
  persistTemp: boolean;
  items: SetItem[];
  prepared: boolean;
}

/** A new operation record. */
export function newOp(j: CfJail, flags: Partial<JailOp> = {}): JailOp {
  return {
    j, jid: 0, start: false, stop: false, set: false, depend: false, wild: false, stopping: false,
    failed: j.failed, persistTemp: false, items: [], prepared: false, ...flags,
  };
}


/** jail_note(): `NAME: text` (or just text) on stdout. */
export function jailNote(run: JailRun, j: CfJail, text: string): void {
  writeFd(run.fds.out, j.name ? `${j.name}: ${text}` : text);
}

/** jail_warnx(): `jail: NAME: message` (or `jail: message`) on stderr. */
export function jailWarn(run: JailRun, j: CfJail, message: string): void {
  writeFd(run.fds.err, j.name ? `jail: ${j.name}: ${message}\n` : `jail: ${message}\n`);
}

/** warnx() without a jail. */
export function warnx(run: JailRun, message: string): void {
  writeFd(run.fds.err, `jail: ${message}\n`);
}

/** jail_quoted_warnx(): `jail: "NAME" message`, or the no-name message. */
export function quotedWarn(run: JailRun, j: CfJail, message: string, noname: string): void {
  const pval = j.name ?? stringParam(j.intparams.get("jid")) ?? stringParam(j.intparams.get("name"));
  warnx(run, pval !== undefined ? `"${pval}" ${message}` : noname);
}

/** Marks a jail failed (failed()); the invocation will exit 1. */
export function markFailed(run: JailRun, op: JailOp): void {
  op.failed = true;
  op.j.failed = true;
  run.error = 1;
}

/** Maps a path as jail(8) sees it (absolute, or relative to its cwd) to the real file. */
export function hostFile(run: JailRun, path: string): string {
  return hostPath(run.paths, path.startsWith("/") ? path : `${run.cwd}/${path}`);
}

export { writeFd };
