// What rc(8) does for jails at boot: late in the boot (after the file systems and the network),
// /etc/rc runs `/etc/rc.d/jail faststart`, which starts the jails of jail_list (or every jail of
// jail.conf) when jail_enable is YES and stays silent otherwise. It runs in the host's sandbox like
// any command, so exec.* commands run for real; its output goes to STATE/log/console.log.

import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { hostPath, statePaths } from "../core/paths.ts";
import { readRcVars } from "../core/rc-conf.ts";
import { sandboxArgv } from "../host/sandbox.ts";

/** False when jail_enable is plainly off, so rc.d/jail would do nothing and print nothing (a bad value warns). */
function mayBeEnabled(rootDir: string): boolean {
  const value = readRcVars(["jail_enable"], { root: rootDir, service: "jail" }).get("jail_enable");
  return !/^(no|false|off|0)$/i.test(value ?? "NO");
}

/** Runs rc.d/jail's boot-time start on a freshly booted host. */
export function runJailRc(stateDir: string): void {
  const paths = statePaths(stateDir);
  const root = (p: string): string => hostPath(paths, p);
  if (!existsSync(root("/etc/rc.d/jail")) || !mayBeEnabled(paths.root)) return;
  const res = spawnSync("bwrap", sandboxArgv("/etc/rc.d/jail faststart", { stateDir }), {
    encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 << 20,
  });
  mkdirSync(paths.log, { recursive: true });
  appendFileSync(join(paths.log, "console.log"), `${res.stdout ?? ""}${res.stderr ?? ""}`);
}
