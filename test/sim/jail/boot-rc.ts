// What rc(8) does for jails at boot: late in the boot (after the file systems and the network),
// /etc/rc runs `/etc/rc.d/jail faststart`, which starts the jails of jail_list (or every jail of
// jail.conf) when jail_enable is YES and stays silent otherwise. It runs in the host's sandbox like
// any command, so exec.* commands run for real; its output goes to STATE/log/console.log.

import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { hostPath, statePaths } from "../core/paths.ts";
import { sandboxArgv } from "../host/sandbox.ts";

/** True when some rc.conf file mentions jail_enable (otherwise the default NO holds and rc.d/jail does nothing). */
function mayBeEnabled(root: (p: string) => string): boolean {
  const files = ["/etc/rc.conf", "/etc/rc.conf.local", "/etc/rc.conf.d/jail"];
  const dir = root("/etc/rc.conf.d/jail");
  if (existsSync(dir) && statSync(dir).isDirectory()) files.push(...readdirSync(dir).map((f) => `/etc/rc.conf.d/jail/${f}`));
  return files.some((f) => {
    try {
      return readFileSync(root(f), "utf8").includes("jail_enable");
    } catch {
      return false;
    }
  });
}

/** Runs rc.d/jail's boot-time start on a freshly booted host. */
export function runJailRc(stateDir: string): void {
  const paths = statePaths(stateDir);
  const root = (p: string): string => hostPath(paths, p);
  if (!existsSync(root("/etc/rc.d/jail")) || !mayBeEnabled(root)) return;
  const res = spawnSync("bwrap", sandboxArgv("/etc/rc.d/jail faststart", { stateDir }), {
    encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 << 20,
  });
  mkdirSync(paths.log, { recursive: true });
  appendFileSync(join(paths.log, "console.log"), `${res.stdout ?? ""}${res.stderr ?? ""}`);
}
