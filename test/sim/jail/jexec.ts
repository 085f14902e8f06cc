// jexec(8) (usr.sbin/jexec/jexec.c): attach to a jail by jid or name and run a command there with
// the jail's root as `/` and its hostname, in `/`; with no command, the user's shell from the jail's
// passwd. -l runs with a clean login environment in the home directory.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { hostPath } from "../core/paths.ts";
import { getopt } from "../core/getopt.ts";
import { callerJid } from "../core/caller.ts";
import { findProgram, jailSandboxArgv, signalNumber, type JailView } from "./exec.ts";
import { findJail, jailById } from "./model.ts";
import { pathsOf, withModel } from "./store.ts";
import { writeFd } from "./run-context.ts";

const USAGE = "usage: jexec [-l] [-u username | -U username] jail [command ...]\n";

function rootEntry(stateDir: string, root: string): { home: string; shell: string } {
  const file = hostPath(pathsOf(stateDir), `${root === "/" ? "" : root}/etc/passwd`);
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const f = line.split(":");
      if (f[2] === "0") return { home: f[5] || "/", shell: f[6] || "/bin/sh" };
    }
  }
  return { home: "/", shell: "/bin/sh" };
}

/** Runs `jexec argv...` with the caller's stdio; resolves to the exit status. */
export function jexecMain(stateDir: string, argv: string[], env: Record<string, string>): Promise<number> {
  const fail = (msg: string): Promise<number> => {
    writeFd(2, msg);
    return Promise.resolve(1);
  };
  const { opts, rest } = getopt(argv, ":lnu:U:");
  let login = false;
  for (const o of opts) {
    if (o.opt === "?") return fail(`jexec: illegal option -- ${o.optopt}\n${USAGE}`);
    if (o.opt === ":") return fail(`jexec: option requires an argument -- ${o.optopt}\n${USAGE}`);
    if (o.opt === "l") login = true;
  }
  if (rest.length < 1) return fail(USAGE);
  const paths = pathsOf(stateDir);
  const found = withModel(paths, false, (_d, kernel) => {
    // Why: from inside a jail only its children are visible (none in the simulator).
    const r = callerJid() ? { jail: undefined, errmsg: findJail(kernel, rest[0]!).errmsg } : findJail(kernel, rest[0]!);
    if (!r.jail) return { errmsg: r.errmsg };
    const jail = jailById(kernel, r.jail.jid)!;
    const root = String(jail.params["path"]);
    const mounts = kernel.mounts.filter((m) => root === "/" || m.path === root || m.path.startsWith(`${root}/`));
    const view: JailView = { jid: jail.jid, root, hostname: String(jail.params["host.hostname"]), mounts };
    return { view };
  });
  if (!found.view) return fail(`jexec: ${found.errmsg}\n`);
  const view = found.view;
  const user = rootEntry(stateDir, view.root);
  let childEnv = { ...env };
  let cwd = "/";
  if (login) {
    childEnv = { HOME: user.home, SHELL: user.shell, USER: "root", PATH: "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin:/root/bin" };
    if (env["TERM"]) childEnv["TERM"] = env["TERM"];
    cwd = user.home;
  }
  const command = rest.length > 1 ? rest.slice(1) : [user.shell, "-i"];
  if (!findProgram(command[0]!, childEnv["PATH"] ?? "/bin:/usr/bin", view)) {
    return fail(rest.length > 1 ? `jexec: execvp: ${command[0]}: No such file or directory\n`
      : `jexec: execlp: ${command[0]}: No such file or directory\n`);
  }
  return new Promise((resolve) => {
    const child = spawn("bwrap", jailSandboxArgv(view, command, childEnv, cwd), { stdio: "inherit" });
    child.on("error", () => resolve(1));
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
}
