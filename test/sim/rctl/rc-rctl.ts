// Boot-time racct/rctl: the kernel's reading of the kern.racct.enable tunable, then rc.d/rctl's
// start (libexec/rc/rc.d/rctl): with rctl_enable (default "YES" in /etc/defaults/rc.conf) and the
// rctl_rules file (default /etc/rctl.conf) present, the first word of each line that is neither
// blank nor a comment goes through `xargs rctl -a`. What rctl prints lands on the console, kept in
// STATE/log/console.log.

import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
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

/** rc.conf(5) value of a variable: defaults, then /etc/rc.conf, rc.conf.local, rc.conf.d/<name> (last wins). */
function rcVar(root: string, name: string, dflt: string, service: string): string {
  let value = dflt;
  for (const file of ["etc/rc.conf", "etc/rc.conf.local", `etc/rc.conf.d/${service}`]) {
    const path = join(root, file);
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    for (const line of readFileSync(path, "utf8").split("\n")) {
      const m = new RegExp(`^\\s*${name}=(?:"([^"]*)"|'([^']*)'|([^\\s#;]*))`).exec(line);
      if (m) value = m[1] ?? m[2] ?? m[3] ?? "";
    }
  }
  return value;
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

/** Applies the racct tunable and runs rc.d/rctl start against a freshly booted kernel. */
export function rctlBoot(paths: StatePaths, kernel: KernelState): void {
  const enable = racctTunable(kernel.sysctls?.["kern.racct.enable"]);
  kernel.sysctls = { ...(kernel.sysctls ?? {}), "kern.racct.enable": enable };
  if (!/^(yes|true|on|1)$/i.test(rcVar(paths.root, "rctl_enable", "YES", "rctl"))) return;
  const rulesFile = join(paths.root, rcVar(paths.root, "rctl_rules", "/etc/rctl.conf", "rctl"));
  if (!existsSync(rulesFile) || !statSync(rulesFile).isFile()) return;
  const rules = firstWords(readFileSync(rulesFile, "utf8"));
  // FreeBSD's xargs does not run the utility at all on empty input.
  if (rules.length === 0) return;
  const io = { out: [] as string[], err: [] as string[] };
  rctlMain(io, ["-a", ...rules], { kernel, accounts: readAccounts(paths.root), procs: NO_PROCS });
  const text = io.out.join("") + io.err.join("");
  if (text) {
    mkdirSync(paths.log, { recursive: true });
    appendFileSync(consoleLog(paths), text);
  }
}
