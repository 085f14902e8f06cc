import { command, type Command } from "../core/command.ts";
import { parseRctlRule, type RctlRule } from "./rctl.ts";

// rctl(8) command lines and output (usr.bin/rctl/rctl.c, sys/kern/kern_rctl.c, FreeBSD 14.3). The
// rule list is one rule per line as rctl_rule_to_sbuf prints it: `subject:id:resource:action=amount`,
// the amount a plain integer (bytes; seconds and percent after the kernel divides its millionths),
// `/per` only where it differs from the subject; users by name unless -n. `rctl -u SUBJECT` prints
// `resource=value`, one line per resource in the kernel's order. Every rctl call fails while the
// kern.racct.enable tunable is 0 (ENOSYS: "RACCT/RCTL present, but disabled; ...").

/** What the kernel says when racct is off, as rctl(8) prints it (rctl.c enosys()). */
export const racctDisabledMessage = "RACCT/RCTL present, but disabled; enable using kern.racct.enable=1 tunable";

/** Whether the kernel accounts resources: on, off (the GENERIC default), or built without RACCT. */
export type RacctState = "enabled" | "disabled" | "absent";

/** The host's rctl rules, and the usage of the subjects a read named. */
export interface RctlState {
  racct: RacctState;
  /** Every rule, amounts as the kernel prints them. */
  rules: RctlRule[];
  /** `rctl -u` by subject (`jail:www`): resource -> value; a subject rctl could not report is absent. */
  usage: Map<string, Map<string, bigint>>;
}

/**
 * One script reads it all: the tunable (`sysctl -n kern.racct.enable`, unknown on a kernel without
 * RACCT), then, when on, every rule (`rctl`) and `rctl -u` of each subject, between markers of the
 * batch token. With racct off nothing else runs: every rctl call would fail.
 */
export function rctlStateScript(token: string, subjects: readonly string[]): Command {
  const script = [
    // A kernel without RACCT has no such OID ("unknown oid"): racct is absent. Any other failure of
    // sysctl is a failed read, never "absent" (which would make every rule look gone).
    `e=$(sysctl -n kern.racct.enable 2>&1) || case $e in *"unknown oid"*) e=absent ;; *) printf '%s\n' "$e" >&2; exit 1 ;; esac`,
    `printf '@@%s racct %s\\n' ${token} "$e"`,
    `[ "$e" = 1 ] || exit 0`,
    `printf '@@%s rules\\n' ${token}`,
    `rctl || exit`,
    `for s in "$@"; do printf '@@%s usage %s\\n' ${token} "$s"; rctl -u "$s" 2>/dev/null || printf '@@%s failed\\n' ${token}; done`,
  ].join("\n");
  return { argv: ["/bin/sh", "-c", script, "sh", ...subjects] };
}

/** Parses what rctlStateScript printed; throws on lines of another shape. */
export function parseRctlState(token: string, text: string): RctlState {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const head = /^@@(\S+) racct (.*)$/.exec(lines[0] ?? "");
  if (!head || head[1] !== token) throw new Error("rctl state: the racct line is missing");
  const value = head[2]!;
  const racct: RacctState = value === "1" ? "enabled" : value === "0" ? "disabled" : value === "absent" ? "absent" : unexpected(value);
  const state: RctlState = { racct, rules: [], usage: new Map() };
  let section: "none" | "rules" | "usage" = "none";
  let subject = "";
  let current: Map<string, bigint> | undefined;
  for (const line of lines.slice(1)) {
    if (line === `@@${token} rules`) section = "rules";
    else if (line.startsWith(`@@${token} usage `)) {
      section = "usage";
      current = new Map();
      subject = line.slice(`@@${token} usage `.length);
      state.usage.set(subject, current);
    } else if (line === `@@${token} failed`) {
      state.usage.delete(subject);
      current = undefined;
    } else if (section === "rules") state.rules.push(parseRuleLine(line));
    else if (section === "usage" && current) {
      const m = /^([a-z]+)=(-?[0-9]+)$/.exec(line);
      if (!m) throw new Error(`rctl -u: unexpected line ${JSON.stringify(line)}`);
      current.set(m[1]!, BigInt(m[2]!));
    } else throw new Error(`rctl state: unexpected line ${JSON.stringify(line)}`);
  }
  return state;
}

/** One line of the rule list, as rctl_rule_to_sbuf prints it. */
export function parseRuleLine(line: string): RctlRule {
  const rule = parseRctlRule(line);
  if (!rule || rule.amount === undefined || !/^-?[0-9]+$/.test(rule.amount)) throw new Error(`rctl: unexpected rule ${JSON.stringify(line)}`);
  return { ...rule, amount: rule.amount };
}

function unexpected(value: string): never {
  throw new Error(`sysctl kern.racct.enable: unexpected value ${JSON.stringify(value)}`);
}

/** `rctl -a RULE`: adds a rule (a deny rule replaces one that differs only in amount: kern_rctl.c rctl_rule_add). */
export function rctlAdd(rule: string): Command {
  return command("rctl", "-a", rule);
}

/** `rctl -r FILTER`: removes every rule the filter matches (exit 1, ESRCH, when none did). */
export function rctlRemove(filter: string): Command {
  return command("rctl", "-r", filter);
}
