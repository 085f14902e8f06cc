// One step of a jail's start or stop (usr.sbin/jail/command.c run_command): the kernel operation,
// interface moves and address aliases, mounts (mounts.ts), and exec.* commands, which run on the host
// or (exec.start, command, exec.stop) inside the jail. Returns -1 when the step failed, after reporting it.

import { existsSync, openSync, closeSync, readFileSync } from "node:fs";
import { hostPath } from "../core/paths.ts";
import { boolParam, intParam, PF_REV, stringParam, type CfParam } from "./cfjail.ts";
import { findProgram, runProgram, startProgram, signalNumber, type JailView } from "./exec.ts";
import { jailById } from "./model.ts";
import { moveInterfaceIntoJail } from "./net-hooks.ts";
import { hostFile, jailNote, jailWarn, markFailed, type JailOp, type JailRun } from "./run-context.ts";
import { withModel } from "./store.ts";
import { createJail, removeJail } from "./create.ts";
import { checkPath, runMountStep } from "./mounts.ts";

const IFCONFIG = "/sbin/ifconfig";
/** login.conf's default path, which setusercontext(LOGIN_SETPATH) installs under exec.clean. */
const LOGIN_PATH = "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin:/root/bin";
const SHELL_META = /[!"$&'()*;<>?[\\\]`{|}~]/;

/** The view of a running jail the nested sandbox needs. */
export function jailView(run: JailRun, jid: number): JailView | undefined {
  return withModel(run.paths, false, (_d, kernel) => {
    const jail = jailById(kernel, jid);
    if (!jail) return undefined;
    const root = String(jail.params["path"]);
    const mounts = kernel.mounts.filter((m) => root === "/" || m.path === root || m.path.startsWith(`${root}/`));
    return { jid, root, hostname: String(jail.params["host.hostname"]), mounts };
  });
}

function runExternal(run: JailRun, op: JailOp, argv: string[], opts: { injail?: boolean; bg?: boolean } = {}): number {
  const j = op.j;
  const comline = argv.join(" ");
  const clean = boolParam(j.intparams.get("exec.clean"));
  const injail = opts.injail === true;
  const user = stringParam(j.intparams.get(injail ? "exec.jail_user" : "exec.system_user"));
  if (run.verbose > 0) {
    jailNote(run, j, `run command${injail ? " in jail" : ""}${user ? ` as ${user}` : ""}: ${comline}\n`);
  }
  let view: JailView | undefined;
  if (injail) {
    view = jailView(run, op.jid);
    if (!view) {
      jailWarn(run, j, "jail_attach: Invalid argument");
      return fail(run, op, comline);
    }
  }
  let env: Record<string, string> = { ...run.env };
  let cwd = injail ? "/" : run.cwd;
  if (clean) {
    const home = homeOf(run, view);
    if (home === undefined) {
      jailWarn(run, j, "unknown uid 0");
      return fail(run, op, comline);
    }
    env = { PATH: LOGIN_PATH, USER: "root", HOME: home.dir, SHELL: home.shell };
    if (run.env["TERM"]) env["TERM"] = run.env["TERM"];
    cwd = home.dir;
  } else {
    // Why: the environment of exec.* commands names the jail (freebsd-cli.md 1.3; not under exec.clean).
    env["JID"] = String(op.jid);
    env["JNAME"] = String(j.name ?? stringParam(j.intparams.get("name")) ?? op.jid);
    env["JPATH"] = stringParam(j.intparams.get("path")) ?? "";
  }
  let out = run.fds.out;
  let err = run.fds.err;
  let consfd: number | undefined;
  const conslog = injail ? stringParam(j.intparams.get("exec.consolelog")) : undefined;
  if (conslog !== undefined) {
    if (!checkPath(run, op, "exec.consolelog", conslog, true)) return fail(run, op, comline, true);
    consfd = openSync(hostFile(run, conslog), "a", 0o666);
    out = err = consfd;
  }
  try {
    if (!findProgram(argv[0]!, env["PATH"] ?? "", view)) {
      jailWarn(run, j, `exec ${argv[0]}: No such file or directory`);
      return fail(run, op, comline);
    }
    const spec = { argv, jail: view, env, cwd, stdio: [run.fds.in, out, err] as [number, number, number], timeout: intParam(j.intparams.get("exec.timeout")) ?? 0 };
    if (opts.bg) {
      startProgram(spec).unref();
      return 0;
    }
    const res = runProgram(spec);
    if (res.timedOut) {
      jailWarn(run, j, `${comline}: timed out`);
      markFailed(run, op);
      return -1;
    }
    if (res.signal) {
      jailWarn(run, j, `${comline}: exited on signal ${signalNumber(res.signal)}`);
      markFailed(run, op);
      return -1;
    }
    return res.status === 0 ? 0 : fail(run, op, comline);
  } finally {
    if (consfd !== undefined) closeSync(consfd);
  }
}

function fail(run: JailRun, op: JailOp, comline: string, quiet = false): number {
  if (!quiet) jailWarn(run, op.j, `${comline}: failed`);
  markFailed(run, op);
  return -1;
}

function homeOf(run: JailRun, view: JailView | undefined): { dir: string; shell: string } | undefined {
  const file = view ? hostPath(run.paths, `${view.root === "/" ? "" : view.root}/etc/passwd`) : hostPath(run.paths, "/etc/passwd");
  if (!existsSync(file)) return undefined;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const f = line.split(":");
    if (f[2] === "0") return { dir: f[5] || "/", shell: f[6] || "/bin/sh" };
  }
  return undefined;
}

/** Splits an exec.* string like run_command: through /bin/sh -c when it has shell syntax. */
export function commandArgv(text: string): { argv: string[]; bg: boolean } {
  const meta = SHELL_META.exec(text);
  if (meta && !(meta[0] === "&" && meta.index === text.length - 1)) return { argv: ["/bin/sh", "-c", text], bg: false };
  const bg = meta !== null;
  const body = bg ? text.slice(0, -1) : text;
  return { argv: body.split(/[ \t\f\v\r\n]+/).filter(Boolean), bg };
}

function ifaddrArgv(op: JailOp, family: "inet" | "inet6", value: string, down: boolean): string[] {
  let val = value;
  let extra: string[] = [];
  const sp = val.indexOf(" ");
  if (sp >= 0 && val.length - sp > 1) {
    extra = val.slice(sp + 1).split(" ").filter(Boolean);
    val = val.slice(0, sp);
  }
  const bar = val.indexOf("|");
  const iface = bar >= 0 ? val.slice(0, bar) : stringParam(op.j.intparams.get("interface")) ?? "";
  const addr = bar >= 0 ? val.slice(bar + 1) : val;
  const argv = [IFCONFIG, iface, family];
  const slash = addr.indexOf("/");
  if (family === "inet") {
    if (slash < 0) argv.push(addr, "netmask", "255.255.255.255");
    else if (addr.slice(slash + 1).includes(".")) argv.push(addr.slice(0, slash), "netmask", addr.slice(slash + 1));
    else argv.push(addr);
  } else if (slash < 0) argv.push(addr, "prefixlen", "128");
  else argv.push(addr);
  if (!down) argv.push(...extra);
  argv.push(down ? "-alias" : "alias");
  return argv;
}

function runIfconfig(run: JailRun, op: JailOp, argv: string[], hook: () => string | undefined): number {
  if (existsSync(hostPath(run.paths, IFCONFIG))) return runExternal(run, op, argv);
  // Why: until the simulator has ifconfig(8) the model hook stands in for it (see net-hooks.ts).
  const e = hook();
  if (e === undefined) return 0;
  jailWarn(run, op.j, `${argv.join(" ")}: failed`);
  markFailed(run, op);
  return -1;
}

/** Runs one step; `value` is the parameter string for list parameters. */
export function runStep(run: JailRun, op: JailOp, param: string, value: string, p: CfParam | undefined): number {
  const down = op.stopping || op.failed;
  const j = op.j;
  switch (param) {
    case "stop.timeout":
      return 0;
    case "@op":
      return down ? removeJail(run, op) : createJail(run, op);
    case "@ip4":
    case "@ip6":
      return runIfconfig(run, op, ifaddrArgv(op, param === "@ip4" ? "inet" : "inet6", value, down), () => undefined);
    case "vnet.interface": {
      const key = stringParam(j.intparams.get("jid")) ?? stringParam(j.intparams.get("name")) ?? String(op.jid);
      return runIfconfig(run, op, [IFCONFIG, value, down ? "-vnet" : "vnet", key], () =>
        withModel(run.paths, true, (_d, kernel) => {
          const jail = jailById(kernel, op.jid);
          return jail ? moveInterfaceIntoJail(kernel, value, jail) : `jail "${key}" not found`;
        }));
    }
    case "mount":
    case "@fstab":
    case "mount.devfs":
    case "mount.fdescfs":
    case "mount.procfs":
      return runMountStep(run, op, param, value, p, down);
    case "command":
      if (j.name === null) return runExternal(run, op, (p?.val ?? []).map((s) => s.s), { injail: true });
      break;
    default:
      break;
  }
  const { argv, bg } = commandArgv(value);
  if (argv.length === 0) return 0;
  const injail = param === "exec.start" || param === "command" || param === "exec.stop";
  return runExternal(run, op, argv, { injail, bg });
}

/** Whether a parameter's strings run last-to-first in this direction (PF_REV when stopping). */
export function reversed(op: JailOp, p: CfParam): boolean {
  const createFailed = op.failed && !op.stopping;
  return createFailed || (op.stopping && (p.flags & PF_REV) !== 0);
}
