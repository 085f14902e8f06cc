// jail(8)'s printing of configured jails: `jail -e SEP` (show_jails, one line per non-wildcard jail
// of the file, parameters joined by SEP) and the -J jid file (print_jail, `jid=N name=value ...`).
// Values are quoted like quoted_print(): "..." around blanks or a ', '...' around a ", backslashes
// doubled.

import { PF_CONV, PF_INTERNAL, type CfJail, type CfParam } from "./cfjail.ts";
import { writeFd, type JailOp, type JailRun } from "./run-context.ts";

/** quoted_print() of jail.c. */
export function jailQuoted(value: string): string {
  const qc = value === "" ? '"' : value.includes("'") ? '"' : value.includes('"') ? "'"
    : value.includes(" ") || value.includes("\t") ? '"' : "";
  let out = qc;
  for (const c of value) out += c === "\\" || (qc !== "" && c === qc) ? `\\${c}` : c;
  return out + qc;
}

function printParam(p: CfParam): string {
  if (p.val.length === 0) return p.name;
  return `${p.name}=${p.val.map((s) => jailQuoted(s.s)).join(",")}`;
}

function shown(j: CfJail): CfParam[] {
  return j.params.filter((p) => p.name !== "jid" && !(p.flags & PF_CONV && p.flags & PF_INTERNAL));
}

/** `jail -e SEP`: every jail of the configuration on its own line. */
export function showJails(run: JailRun, jails: CfJail[], separator: string): void {
  for (const j of jails) writeFd(run.fds.out, `${shown(j).map(printParam).join(separator)}\n`);
}

/** One line of a -J file for a jail just created. */
export function printJail(op: JailOp): string {
  return `jid=${op.jid}${shown(op.j).map((p) => ` ${printParam(p)}`).join("")}\n`;
}
