// The order of a jail's start and stop (usr.sbin/jail/jail.c startcommands/stopcommands and
// command.c next_command): each step's strings run in order; when a start fails, the steps already
// done are walked back in reverse (mounts unmounted, the jail removed, exec.prestart/start/command/
// poststart skipped); a failing stop step before the jail is removed aborts the stop.

import { boolParam, type CfParam } from "./cfjail.ts";
import { reversed, runStep } from "./commands.ts";
import { clearPersist, rdtunParams, runningJid, updateJail } from "./create.ts";
import { checkIntparams, importParams } from "./prepare.ts";
import { hostFile, jailNote, jailWarn, markFailed, quotedWarn, type JailOp, type JailRun } from "./run-context.ts";

const NULL = "@null";
export const START_COMMANDS = [NULL, "exec.prepare", "@ip4", "@ip6", "mount", "@fstab", "mount.devfs", "mount.fdescfs",
  "mount.procfs", "exec.prestart", "@op", "exec.created", "vnet.interface", "exec.start", "command", "exec.poststart", NULL];
export const STOP_COMMANDS = [NULL, "exec.prestop", "exec.stop", "stop.timeout", "@op", "exec.poststop", "mount.procfs",
  "mount.fdescfs", "mount.devfs", "@fstab", "mount", "@ip6", "@ip4", "exec.release", NULL];

const SKIPPED_WHEN_FAILED = new Set(["exec.prestart", "exec.start", "command", "exec.poststart"]);
const DUMMY = -2;

/** next_command(): runs the steps of one list, from its start, until done (or a stop aborts). */
function runCommands(run: JailRun, op: JailOp, list: string[]): void {
  let idx = 0;
  let val: number | null = null;
  let p: CfParam | undefined;
  for (;;) {
    if (op.stopping && op.failed && op.jid > 0) return;
    const createFailed = op.failed && !op.stopping;
    if (val === null) {
      idx += createFailed ? -1 : 1;
      const next = list[idx]!;
      if (next === NULL) return;
      p = op.j.intparams.get(next);
      if (next === "mount.devfs" || next === "mount.fdescfs" || next === "mount.procfs") {
        if (!boolParam(p)) continue;
        val = DUMMY;
      } else if (next === "@op" || next === "stop.timeout") {
        val = DUMMY;
      } else {
        if (!p || p.val.length === 0) continue;
        val = reversed(op, p) ? p.val.length - 1 : 0;
      }
    } else if (val === DUMMY) {
      val = null;
      continue;
    } else {
      val += p && reversed(op, p) ? -1 : 1;
      if (!p || val < 0 || val >= p.val.length) {
        val = null;
        continue;
      }
    }
    const current = list[idx]!;
    const text = val === DUMMY ? "" : p!.val[val]!.s;
    if ((val !== DUMMY && text === "") || (op.failed && !op.stopping && SKIPPED_WHEN_FAILED.has(current))) continue;
    runStep(run, op, current, text, p);
    // Why: a command-line `command=` runs once with all its words as the argument vector.
    if (current === "command" && op.j.name === null) val = DUMMY;
  }
}

/** check_intparams and import_params, once per jail. */
function prepare(run: JailRun, op: JailOp): boolean {
  if (op.prepared) return !op.failed;
  op.prepared = true;
  for (const e of checkIntparams(op.j, (path) => hostFile(run, path))) jailWarn(run, op.j, e);
  if (op.failed || op.j.failed) {
    markFailed(run, op);
    return false;
  }
  if (op.start || op.set) {
    const { items, errors } = importParams(op.j);
    for (const e of errors) jailWarn(run, op.j, e);
    if (errors.length) {
      markFailed(run, op);
      return false;
    }
    op.items = items;
  }
  return true;
}

function start(run: JailRun, op: JailOp): void {
  if (op.jid > 0) {
    if (!op.depend && !op.wild) {
      quotedWarn(run, op.j, "already exists", "");
      markFailed(run, op);
    }
    return;
  }
  op.stopping = false;
  runCommands(run, op, START_COMMANDS);
  if (op.jid > 0) clearPersist(run, op);
}

function stop(run: JailRun, op: JailOp): void {
  if (op.jid < 0) {
    if (!op.depend && !op.wild) {
      if (run.verbose >= 0) quotedWarn(run, op.j, "not found", "");
      markFailed(run, op);
    }
    return;
  }
  op.stopping = true;
  runCommands(run, op, STOP_COMMANDS);
  op.stopping = false;
}

function set(run: JailRun, op: JailOp): void {
  if (op.jid < 0) {
    if (!op.depend) {
      quotedWarn(run, op.j, "not found", "no jail specified");
      markFailed(run, op);
    }
    return;
  }
  if (op.depend) return;
  if (rdtunParams(run, op, true) < 0 || updateJail(run, op) < 0) return;
  if (run.verbose >= 0 && (op.j.name !== null || run.verbose > 0)) jailNote(run, op.j, "updated\n");
}

/** Carries out one jail's operation (-c, -m, -r and their combinations). */
export function runOp(run: JailRun, op: JailOp): void {
  if (op.failed || !prepare(run, op)) {
    run.error = 1;
    return;
  }
  if (op.jid === 0) op.jid = runningJid(run, op);
  // Why: -cm, -mr and -cmr become -c, -m or -rc depending on whether the jail runs (jail.c main loop).
  if (op.start && op.set && !op.stop) {
    Object.assign(op, op.jid < 0 ? { set: false } : { start: false });
  } else if (op.set && op.stop) {
    if (op.jid < 0 && !op.start) {
      quotedWarn(run, op.j, "not found", "no jail specified");
      markFailed(run, op);
      return;
    }
    if (op.jid < 0) Object.assign(op, { set: false, stop: false });
    else if (rdtunParams(run, op, false)) Object.assign(op, { start: true, set: false });
    else Object.assign(op, { start: false, stop: false });
  }
  if (op.set) return set(run, op);
  if (op.stop) {
    stop(run, op);
    if (!op.start || op.failed) return;
  }
  if (op.start) start(run, op);
}
