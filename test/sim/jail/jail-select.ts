// Which jails a jail(8) invocation acts on and in what order (usr.sbin/jail/state.c start_state,
// dep_setup): named jails from the file, running jails for -r/-R, wildcards, and jails started first
// because others depend on them (or stopped first because they depend on the one going).

import { writeFileSync } from "node:fs";
import { hostPath } from "../core/paths.ts";
import { isWildName, newCfJail, wildMatch, type CfJail } from "./cfjail.ts";
import { callerJid } from "../core/caller.ts";
import { findJail, jailsOf } from "./model.ts";
import { jailWarn, markFailed, newOp, warnx, type JailOp, type JailRun } from "./run-context.ts";
import { runOp } from "./sequence.ts";
import { printJail } from "./show.ts";
import { withModel } from "./store.ts";

/** start_state(): the jails an invocation acts on, or undefined after `"x" not found` for -c/-m. */
export function selectJails(run: JailRun, jails: CfJail[], args: string[], docf: boolean,
  flags: { start: boolean; set: boolean; stop: boolean }, running: boolean): JailOp[] | undefined {
  const ops: JailOp[] = [];
  const targets = flags.stop && !flags.start && !flags.set ? args : [args[0]];
  for (const target of targets) {
    if (target === undefined || (!docf && !(flags.stop && !flags.start && !flags.set)) || (!running && target === "*")) {
      for (const j of jails) ops.push(newOp(j, { ...flags, wild: docf }));
    } else if (isWildName(target)) {
      if (running) {
        const live = callerJid() ? [] : withModel(run.paths, false, (_d, k) => jailsOf(k));
        for (const jail of live) {
          const name = String(jail.params["name"]);
          if (wildMatch(name, target)) ops.push(newOp(newCfJail(name), { ...flags, wild: true, jid: jail.jid }));
        }
      } else {
        for (const j of jails) if (wildMatch(j.name ?? "", target)) ops.push(newOp(j, { ...flags, wild: true }));
      }
    } else {
      let j = jails.find((c) => c.name === target);
      let jid = 0;
      if (!j && flags.stop && !flags.start && !flags.set) {
        // Why: -r and -R also remove running jails the file does not define, by name or jid.
        const found = callerJid() ? undefined : withModel(run.paths, false, (_d, k) => findJail(k, target).jail);
        if (found) {
          j = newCfJail(String(found.params["name"]));
          jid = found.jid;
        }
      }
      if (!j) {
        warnx(run, `"${target}" not found`);
        if (!(flags.stop && !flags.start && !flags.set)) return undefined;
        run.error = 1;
        continue;
      }
      ops.push(newOp(j, { ...flags, jid }));
    }
  }
  return ops;
}

/** dep_setup(): `depend` must name configured (or, without a file, running) jails. */
export function checkDepends(run: JailRun, jails: CfJail[], ops: JailOp[], docf: boolean): void {
  for (const op of ops) {
    for (const dep of op.j.intparams.get("depend")?.val ?? []) {
      if (!docf) {
        const live = withModel(run.paths, false, (_d, k) => findJail(k, dep.s).jail);
        if (!live) {
          warnx(run, `depends on nonexistent jail "${dep.s}"`);
          markFailed(run, op);
        }
      } else if (!jails.some((j) => j.name === dep.s)) {
        jailWarn(run, op.j, `depends on undefined jail "${dep.s}"`);
        markFailed(run, op);
      }
    }
  }
}

/** Runs every selected jail, dependencies first; writes the -J file at the end. */
export function execute(run: JailRun, ops: JailOp[], jails: CfJail[], jidFile: string | undefined): void {
  const done = new Set<CfJail>();
  const lines: string[] = [];
  const byName = (name: string): JailOp | undefined => {
    const existing = ops.find((o) => o.j.name === name);
    if (existing) return existing;
    const j = jails.find((c) => c.name === name);
    return j ? newOp(j, { depend: true }) : undefined;
  };
  const process = (op: JailOp): void => {
    if (done.has(op.j)) return;
    done.add(op.j);
    if (op.start && !op.stop) {
      for (const dep of op.j.intparams.get("depend")?.val ?? []) {
        const d = byName(dep.s);
        if (!d) continue;
        if (d.depend) d.start = true;
        process(d);
        if (d.failed && !op.failed) {
          if (run.verbose >= 0) jailWarn(run, op.j, "skipped");
          markFailed(run, op);
        }
      }
    }
    if (op.stop && !op.start && op.j.name !== null) {
      for (const j of jails) {
        if (!(j.intparams.get("depend")?.val ?? []).some((s) => s.s === op.j.name)) continue;
        const d = byName(j.name!);
        if (!d) continue;
        if (d.depend) d.stop = true;
        process(d);
      }
    }
    if (op.failed) {
      run.error = 1;
      return;
    }
    runOp(run, op);
    if (jidFile !== undefined && op.start && op.jid > 0 && !op.failed) lines.push(printJail(op));
  };
  for (const op of ops) process(op);
  if (jidFile !== undefined) {
    writeHostFile(run, jidFile, lines.join(""));
  }
}

function writeHostFile(run: JailRun, path: string, text: string): void {
  writeFileSync(hostPath(run.paths, path.startsWith("/") ? path : `${run.cwd}/${path}`), text);
}
