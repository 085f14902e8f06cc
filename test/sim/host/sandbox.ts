// Running a command "on the host": `/bin/sh -c COMMAND` (dash) inside bubblewrap with the host's
// root/ as `/`, Debian's /usr/bin and libraries read-only, fresh /proc and /dev, its own pid/ipc/uts
// namespaces, FreeBSD root's environment, and the simulator's code, node and state bound below
// /usr/libexec/freebsd-sim. Nothing else of the real machine is visible.

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SANDBOX_LIB, SANDBOX_NODE, SANDBOX_STATE, statePaths, type StatePaths } from "../core/paths.ts";
import type { KernelState } from "../core/types.ts";
import { TOOLS } from "../tools/table.ts";
import { configuredHostname, overlayDir } from "./rootfs.ts";

/** The directory holding the simulator's code (test/sim). */
export const SIM_CODE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/** FreeBSD root's login environment. */
export const HOST_ENV: Record<string, string> = {
  PATH: "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin",
  HOME: "/root",
  SHELL: "/bin/sh",
  USER: "root",
  LOGNAME: "root",
  MAIL: "/var/mail/root",
  BLOCKSIZE: "K",
  PWD: "/root",
};

export interface SandboxOptions {
  stateDir: string;
  /** Extra environment (e.g. variables an SSH client sent). */
  env?: Record<string, string>;
  nodeBinary?: string;
}

/** kern.hostname of the running host: set with sysctl, else read from rc.conf at boot. */
export function runningHostname(paths: StatePaths): string {
  try {
    const kernel = JSON.parse(readFileSync(paths.kernel, "utf8")) as KernelState;
    return kernel.sysctls?.["kern.hostname"] ?? kernel.hostname ?? configuredHostname(paths);
  } catch {
    return configuredHostname(paths);
  }
}

/** The bwrap argv that runs `/bin/sh -c command` on the host. */
export function sandboxArgv(command: string, o: SandboxOptions): string[] {
  const paths = statePaths(o.stateDir);
  const args = [
    "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
    "--hostname", runningHostname(paths) || "freebsd",
    "--bind", paths.root, "/",
    "--ro-bind", "/usr/bin", "/usr/bin",
    "--ro-bind", "/usr/lib", "/usr/lib",
  ];
  if (existsSync("/usr/lib64")) args.push("--ro-bind", "/usr/lib64", "/usr/lib64");
  for (const [tool, where] of Object.entries(TOOLS)) {
    if (where.startsWith("/usr/bin/")) args.push("--ro-bind", join(overlayDir(paths), tool), where);
  }
  args.push(
    "--ro-bind", paths.lib, SANDBOX_LIB,
    "--ro-bind", o.nodeBinary ?? process.execPath, SANDBOX_NODE,
    "--bind", paths.state, SANDBOX_STATE,
    "--tmpfs", `${SANDBOX_STATE}/ssh`,
    "--proc", "/proc",
    "--dev", "/dev",
    "--chdir", "/root",
    "--clearenv",
  );
  for (const [k, v] of Object.entries({ ...HOST_ENV, ...(o.env ?? {}) })) args.push("--setenv", k, v);
  args.push("/bin/sh", "-c", command);
  return args;
}

/** Spawns a command in the host's sandbox with piped stdio. */
export function spawnOnHost(command: string, o: SandboxOptions): ChildProcess {
  return spawn("bwrap", sandboxArgv(command, o), { stdio: ["pipe", "pipe", "pipe"] });
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a command in the host's sandbox to completion (stdin closed unless given). */
export function execOnHost(command: string, o: SandboxOptions, stdin?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawnOnHost(command, o);
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    child.stdout!.on("data", (d: Buffer) => out.push(d));
    child.stderr!.on("data", (d: Buffer) => errs.push(d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(errs).toString(),
        code: code ?? (signal ? 128 + signalNumber(signal) : 1),
      });
    });
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(stdin ?? "");
  });
}

/** Signal number for the conventional 128+N exit status. */
export function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGPIPE: 13 };
  return table[signal] ?? 1;
}
