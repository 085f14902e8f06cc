// Boot-time racct/rctl: the kernel's reading of the kern.racct.enable tunable, then rc.d/rctl's
// start (libexec/rc/rc.d/rctl): with rctl_enable (default "YES" in /etc/defaults/rc.conf) and the
// rctl_rules file (default /etc/rctl.conf) present, the first word of each line that is neither
// blank nor a comment goes through `xargs rctl -a`. What rctl prints lands on the console, kept in
// STATE/log/console.log.

import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { checkyesno, readRcVars } from "../core/rc-conf.ts";
import type { KernelState } from "../core/types.ts";
import type { StatePaths } from "../core/paths.ts";
import { strtoul } from "./numbers.ts";
import { rctlMain } from "./main.ts";
import { NO_PROCS } from "./usage.ts";
import { readAccounts } from "./userland.ts";

/** Where the simulated console output of boot goes. */
export function consoleLog(paths: StatePaths): string {
  return join(paths.log, "console.log");
}

/** The kernel's value of kern.racct.enable: a bool oid fetched with getenv_uint, so "1" but not "YES". */
export function racctTunable(raw: string | undefined): string {
  if (raw === undefined) return "0";
  const { value, used } = strtoul(raw, 0);
  const unit = raw.slice(used).toLowerCase();
  if (used === 0 || !["", "k", "m", "g", "t"].includes(unit)) return "0";
  return value === 0n ? "0" : "1";
}

/** sh's `read var comments` over a file: first field of each logical line, backslashes processed. */
function firstWords(text: string): string[] {
  const words: string[] = [];
  for (const line of text.replace(/\\\n/g, "").split("\n")) {
    const word = line.trim().split(/[ \t]+/)[0]!.replace(/\\(.)/g, "$1");
    if (word !== "" && !word.startsWith("#")) words.push(word);
  }
  return words;
}

/** The kernel's reading of the kern.racct.enable tunable at boot, long before rc runs. */
export function applyRacctTunable(kernel: KernelState): void {
  const enable = racctTunable(kernel.sysctls?.["kern.racct.enable"]);
  kernel.sysctls = { ...(kernel.sysctls ?? {}), "kern.racct.enable": enable };
}

/** rc.d/rctl start against a freshly booted kernel. */
export function rctlStart(paths: StatePaths, kernel: KernelState): void {
  const vars = readRcVars(["rctl_enable", "rctl_rules"], { root: paths.root, service: "rctl" });
  // run_rc_command's checkyesno of rcvar, whose warning rc.subr's warn() prints as `$0: WARNING: ...`.
  if (!checkyesno("rctl_enable", vars.get("rctl_enable"), (m) => appendConsole(paths, `/etc/rc.d/rctl: WARNING: ${m}\n`))) return;
  const rulesFile = join(paths.root, vars.get("rctl_rules") ?? "");
  if (!existsSync(rulesFile) || !statSync(rulesFile).isFile()) return;
  const rules = firstWords(readFileSync(rulesFile, "utf8"));
  // FreeBSD's xargs does not run the utility at all on empty input.
  if (rules.length === 0) return;
  const io = { out: [] as string[], err: [] as string[] };
  rctlMain(io, ["-a", ...rules], { kernel, accounts: readAccounts(paths.root), procs: NO_PROCS });
  appendConsole(paths, io.out.join("") + io.err.join(""));
}

function appendConsole(paths: StatePaths, text: string): void {
  if (!text) return;
  mkdirSync(paths.log, { recursive: true });
  appendFileSync(consoleLog(paths), text);
}
