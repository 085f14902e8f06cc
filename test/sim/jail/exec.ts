// Running a program on the host or inside a jail. Inside a jail the program runs in a nested
// bubblewrap sandbox (the host sandbox keeps CAP_SYS_ADMIN, so bwrap can run inside it): the jail's
// path is `/`, its host.hostname the UTS name. Like the host sandbox it gets Debian's /usr/bin and
// libraries and the simulator's libexec, but only onto directories the jail root has (a jail without
// a userland runs nothing, as on FreeBSD), basic /dev devices, /proc only with procfs, nullfs mounts as
// binds. The jail's jid is bound at libexec/jail-id (see core/caller.ts).

import { spawn, spawnSync, type ChildProcess, type StdioOptions } from "node:child_process";
import { existsSync, lstatSync, readlinkSync, statSync } from "node:fs";
import { posix } from "node:path";
import { SANDBOX_LIB, SANDBOX_LIBEXEC, SANDBOX_NODE, SANDBOX_STATE } from "../core/paths.ts";
import type { KernelMount } from "../core/types.ts";
import { JAIL_ID_FILE } from "../core/caller.ts";
import { TOOLS } from "../tools/table.ts";

/** What a nested sandbox needs to know about a jail. */
export interface JailView {
  jid: number;
  /** The jail's path as the host sees it. */
  root: string;
  hostname: string;
  /** Kernel mounts below the jail's root (devfs, procfs, nullfs...). */
  mounts: KernelMount[];
}

interface Bind {
  inside: string;
  outside: string;
  ro: boolean;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function below(root: string, path: string): string {
  return root === "/" ? path : `${root}${path}`;
}

/** Binds giving the jail the simulated userland, for the directories its root has. */
function userlandBinds(view: JailView): Bind[] {
  const binds: Bind[] = [];
  for (const dir of ["/usr/bin", "/usr/lib", "/usr/lib64"]) {
    if (existsSync(dir) && isDir(below(view.root, dir))) binds.push({ inside: dir, outside: dir, ro: true });
  }
  if (binds.some((b) => b.inside === "/usr/bin")) {
    // The simulated tools that replace files of /usr/bin (uname, tar), as in the host sandbox.
    for (const [tool, where] of Object.entries(TOOLS)) {
      const overlay = `${SANDBOX_STATE}/overlay/${tool}`;
      if (where.startsWith("/usr/bin/") && existsSync(overlay)) binds.push({ inside: where, outside: overlay, ro: true });
    }
  }
  if (isDir(below(view.root, "/usr/libexec"))) {
    binds.push({ inside: `${SANDBOX_LIBEXEC}/lib`, outside: SANDBOX_LIB, ro: true },
      { inside: `${SANDBOX_LIBEXEC}/node`, outside: SANDBOX_NODE, ro: true },
      { inside: `${SANDBOX_LIBEXEC}/state`, outside: SANDBOX_STATE, ro: false });
    if (view.jid > 0) binds.push({ inside: JAIL_ID_FILE, outside: `${SANDBOX_STATE}/jails/${view.jid}`, ro: true });
  }
  for (const m of view.mounts) {
    if (m.fstype !== "nullfs") continue;
    const inside = m.path.slice(view.root === "/" ? 0 : view.root.length) || "/";
    binds.push({ inside, outside: m.special, ro: false });
  }
  return binds;
}

/** The host path a path inside the jail refers to (the longest bind prefix wins). */
function outsidePath(view: JailView, binds: Bind[], inside: string): string {
  let best: Bind | undefined;
  for (const b of binds) {
    if ((inside === b.inside || inside.startsWith(`${b.inside}/`)) && (!best || b.inside.length > best.inside.length)) best = b;
  }
  return best ? best.outside + inside.slice(best.inside.length) : below(view.root, inside);
}

/** Resolves a program like execvp: the executable file it names, or undefined when there is none. */
export function findProgram(name: string, pathVar: string, view?: JailView): string | undefined {
  const binds = view ? userlandBinds(view) : [];
  const map = (p: string): string => (view ? outsidePath(view, binds, p) : p);
  const candidates = name.includes("/") ? [name] : pathVar.split(":").map((d) => posix.join(d || ".", name));
  for (const cand of candidates) {
    let p = posix.resolve("/", cand);
    for (let hops = 0; hops < 32; hops++) {
      let st;
      try {
        st = lstatSync(map(p));
      } catch {
        break;
      }
      if (st.isSymbolicLink()) {
        const target = readlinkSync(map(p));
        p = posix.resolve(posix.dirname(p), target);
        continue;
      }
      if (st.isFile() && (st.mode & 0o111) !== 0) return cand;
      break;
    }
  }
  return undefined;
}

/** The bwrap argv that runs argv inside a jail. */
export function jailSandboxArgv(view: JailView, argv: string[], env: Record<string, string>, cwd: string): string[] {
  const args = ["--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
    "--hostname", view.hostname || "localhost", "--bind", view.root, "/"];
  const binds = userlandBinds(view);
  const hasLibexec = binds.some((b) => b.inside.startsWith(SANDBOX_LIBEXEC));
  if (hasLibexec) args.push("--tmpfs", SANDBOX_LIBEXEC);
  for (const b of binds) args.push(b.ro ? "--ro-bind" : "--bind", b.outside, b.inside);
  const rel = (p: string): string => p.slice(view.root === "/" ? 0 : view.root.length) || "/";
  // Why: Linux programs (node's spawn, flock) need /dev/null, so a jail root with a /dev directory always
  // gets the basic devices; mount.devfs itself is kept in the mount table (busy datasets, jail -r).
  if (isDir(below(view.root, "/dev"))) args.push("--dev", "/dev");
  for (const m of view.mounts) {
    if (m.fstype === "procfs" && rel(m.path) === "/proc") args.push("--proc", "/proc");
  }
  args.push("--chdir", cwd, "--clearenv");
  for (const [k, v] of Object.entries(env)) args.push("--setenv", k, v);
  args.push("--", ...argv);
  return args;
}

export interface RunResult {
  status: number;
  signal?: string;
  timedOut?: boolean;
}

export interface RunSpec {
  argv: string[];
  jail?: JailView;
  env: Record<string, string>;
  cwd: string;
  stdio: StdioOptions;
  /** Seconds before the program is killed (exec.timeout); 0 for none. */
  timeout?: number;
}

/** Runs a program to completion with the given stdio. */
export function runProgram(spec: RunSpec): RunResult {
  const [cmd, args] = spec.jail
    ? ["bwrap", jailSandboxArgv(spec.jail, spec.argv, spec.env, spec.cwd)]
    : [spec.argv[0]!, spec.argv.slice(1)];
  const res = spawnSync(cmd, args, {
    stdio: spec.stdio, env: spec.env, cwd: spec.jail ? "/" : spec.cwd,
    timeout: spec.timeout ? spec.timeout * 1000 : undefined, killSignal: "SIGKILL",
  });
  if (res.error && (res.error as NodeJS.ErrnoException).code === "ETIMEDOUT") return { status: 1, timedOut: true };
  if (res.signal) return { status: 1, signal: res.signal };
  return { status: res.status ?? 1 };
}

/** Starts a program and leaves it running (a backgrounded `cmd &`). */
export function startProgram(spec: RunSpec): ChildProcess {
  const [cmd, args] = spec.jail
    ? ["bwrap", jailSandboxArgv(spec.jail, spec.argv, spec.env, spec.cwd)]
    : [spec.argv[0]!, spec.argv.slice(1)];
  return spawn(cmd, args, { stdio: spec.stdio, env: spec.env, cwd: spec.jail ? "/" : spec.cwd, detached: true });
}

/** Signal numbers for messages like `exited on signal 9`. */
export function signalNumber(signal: string): number {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return table[signal] ?? 0;
}
