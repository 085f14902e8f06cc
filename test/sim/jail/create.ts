// The kernel half of jail(8) (usr.sbin/jail/jail.c): create_jail() with its path checks and the
// temporary `persist` that keeps a jail alive while its commands run, jail_remove, clear_persist(),
// update_jail() for -m, rdtun_params() refusing create-only changes, and running_jid().

import { existsSync, statSync } from "node:fs";
import { boolParam, stringParam } from "./cfjail.ts";
import { jailRemove, jailSet, type SetItem } from "./kernel-set.ts";
import { findJail, jailById } from "./model.ts";
import { onVnetJailCreated } from "./net-hooks.ts";
import { exportValue, SYS_NEW } from "./values.ts";
import { addNo, lookupParam, type ParamDef } from "./params.ts";
import { hostFile, jailNote, jailWarn, markFailed, type JailOp, type JailRun } from "./run-context.ts";
import { withModel } from "./store.ts";
import { jailQuoted } from "./show.ts";
import { callerJid } from "../core/caller.ts";

const def = (name: string): ParamDef => lookupParam(name)!.def;

function noteSet(run: JailRun, op: JailOp, what: string, items: SetItem[], errmsg?: string): void {
  if (run.verbose <= 0) return;
  const shown = items.map(({ def: d, value }) => {
    if (d.kind === "bool") return value ? d.name : addNo(d.name);
    return `${d.name}=${jailQuoted(exportValue(d, value))}`;
  });
  jailNote(run, op.j, `jail_set(${what})${shown.map((s) => ` ${s}`).join("")}${errmsg ? `: ${errmsg}` : ""}\n`);
}

/** create_jail() and the `created` note: returns -1 on failure. */
export function createJail(run: JailRun, op: JailOp): number {
  const j = op.j;
  const path = stringParam(j.intparams.get("path"));
  if (path !== undefined) {
    if (j.name !== null && !path.startsWith("/")) return fail(run, op, `path ${path}: not an absolute pathname`);
    const real = hostFile(run, path);
    if (!existsSync(real)) return fail(run, op, `path ${path}: No such file or directory`);
    if (!statSync(real).isDirectory()) return fail(run, op, `path ${path}: Not a directory`);
  }
  // Why: jail(8) sets persist itself while exec.start/command/exec.poststart run, and clears it after.
  const dopersist = !boolParam(j.intparams.get("persist")) && ["exec.start", "command", "exec.poststart"]
    .some((k) => j.intparams.has(k));
  const items = dopersist ? [{ def: def("persist"), value: 1 }, ...op.items.filter((i) => i.def.name !== "persist")]
    : op.items;
  const res = withModel(run.paths, true, (disk, kernel) => {
    const r = jailSet(run.paths, disk, kernel, items, "create", run.now());
    if (r.jid !== undefined) {
      const jail = jailById(kernel, r.jid);
      if (jail && jail.params["vnet"] === SYS_NEW) onVnetJailCreated(kernel, jail);
    }
    return r;
  });
  noteSet(run, op, "JAIL_CREATE", items, res.errmsg ? res.errmsg : undefined);
  if (res.errmsg !== undefined) return fail(run, op, res.errmsg);
  op.jid = res.jid!;
  op.persistTemp = dopersist;
  if (run.iflag) jailNote(run, { ...j, name: null }, `${op.jid}\n`);
  if (run.verbose >= 0 && (j.name !== null || run.verbose > 0)) jailNote(run, j, "created\n");
  return 0;
}

/** The remove step: jail_remove and the `removed` note. */
export function removeJail(run: JailRun, op: JailOp): number {
  withModel(run.paths, true, (_disk, kernel) => jailRemove(run.paths, kernel, op.jid));
  const note = run.verbose > 0 || (run.verbose === 0 && (op.stopping ? run.noteRemove : op.j.name !== null));
  if (note) jailNote(run, op.j, "removed\n");
  op.jid = -1;
  if (!op.stopping) op.persistTemp = false;
  return 0;
}

/** clear_persist(): drops the temporary persist; a jail without processes goes with it. */
export function clearPersist(run: JailRun, op: JailOp): void {
  if (!op.persistTemp) return;
  op.persistTemp = false;
  const res = withModel(run.paths, true, (disk, kernel) => {
    const jail = jailById(kernel, op.jid);
    if (!jail) return { errmsg: "No such file or directory" };
    const items: SetItem[] = [{ def: def("jid"), value: op.jid }, { def: def("persist"), value: 0 }];
    return jailSet(run.paths, disk, kernel, items, "update", run.now());
  });
  if (run.verbose > 0) {
    jailNote(run, op.j, `jail_set(JAIL_UPDATE) jid=${op.jid} nopersist${res.errmsg ? `: ${res.errmsg}` : ""}\n`);
  }
}

/** running_jid(): the jid of the jail if it runs (by its jid parameter, else its name), else -1. */
export function runningJid(run: JailRun, op: JailOp): number {
  // Why: from inside a jail only its children are visible, and simulated jails have none.
  if (callerJid()) return -1;
  const jidText = stringParam(op.j.intparams.get("jid"));
  const name = stringParam(op.j.intparams.get("name"));
  if (jidText !== undefined) {
    const n = Number.parseInt(jidText, 10);
    if (!n || !/^\d+$/.test(jidText)) return -1;
    return withModel(run.paths, false, (_d, k) => jailById(k, n)?.jid ?? -1);
  }
  if (name === undefined) return -1;
  return withModel(run.paths, false, (_d, k) => findJail(k, name).jail?.jid ?? -1);
}

/** rdtun_params(): 1 when a create-only parameter would change (-1 and a warning with dofail). */
export function rdtunParams(run: JailRun, op: JailOp, dofail: boolean): number {
  const rdtun = op.items.filter((i) => i.def.access === "rdtun" && i.def.name !== "jid");
  if (rdtun.length === 0) return 0;
  const current = withModel(run.paths, false, (_d, k) => jailById(k, op.jid)?.params);
  if (!current) return 0;
  for (const { def, value } of rdtun) {
    const now = current[def.name];
    if (now !== undefined && exportValue(def, now) === exportValue(def, value)) continue;
    if (!dofail) return 1;
    jailWarn(run, op.j, `${def.name} cannot be changed after creation`);
    markFailed(run, op);
    return -1;
  }
  return 0;
}

/** update_jail(): sets the changeable parameters of a running jail; -1 on failure. */
export function updateJail(run: JailRun, op: JailOp): number {
  const items = op.items.filter((i) => i.def.access !== "rdtun");
  if (items.length === 0) return 0;
  const jidItem: SetItem = { def: def("jid"), value: op.jid };
  const res = withModel(run.paths, true, (disk, kernel) =>
    jailSet(run.paths, disk, kernel, [jidItem, ...items], "update", run.now()));
  noteSet(run, op, "JAIL_UPDATE", [jidItem, ...items], res.errmsg);
  if (res.errmsg !== undefined) return fail(run, op, res.errmsg);
  return 0;
}

function fail(run: JailRun, op: JailOp, message: string): number {
  jailWarn(run, op.j, message);
  markFailed(run, op);
  return -1;
}
