import type { Command } from "../core/command.ts";
import { quoteArg, quoteArgv } from "./quote.ts";

// Many commands in one exec: a POSIX sh script, sent on the exec's standard input (so no argument,
// file content or secret is ever in the exec request), that runs items one after the other. An item
// is a list of commands run in order in a subshell of its own, stopping at the first that fails; each
// command's output and exit status are printed between markers of a token that is new for every
// batch. One failing item never stops the others.

/** One command of a batch, with the seconds it may take on the host (timeout(1) stops it then). */
export interface BatchCommand {
  cmd: Command;
  /** Seconds from the start of the batch on the host; undefined: no limit. */
  budget?: number;
}

/** What one command of a batch did. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** timeout(1)'s status when it stopped a command; also what the batch reports for one started too late. */
export const timedOutStatus = 124;

// t0 is the host's clock at the start; a command whose budget is spent before it starts is not run.
const prelude = [
  'd=$(mktemp -d "${TMPDIR:-/tmp}/pulumi-freebsd.XXXXXX") || exit 125',
  "trap 'rm -rf \"$d\"' EXIT",
  "t0=$(date +%s)",
  // left BUDGET: the seconds that remain of a budget, at least 1 while any remains.
  'left() { l=$(( $1 - ($(date +%s) - t0) )); [ "$l" -gt 0 ] && echo "$l"; }',
  // ok STATUS CODE...: whether the status is one of the codes that count as success.
  'ok() { s=$1; shift; for c in "$@"; do [ "$s" = "$c" ] && return 0; done; return 1; }',
].join("\n");

/** The shell line of one command: its budget, its standard input (or none), its stderr to a file. */
function commandLine(token: string, id: string, c: BatchCommand): string {
  const argv = quoteArgv(c.cmd.argv);
  const run = c.budget === undefined
    ? argv
    : `{ b=$(left ${Math.max(1, Math.ceil(c.budget))}) || exit ${timedOutStatus}; timeout -k 5 "$b" ${argv}; }`;
  const input = c.cmd.stdin === undefined ? `${run} </dev/null` : `printf '%s' ${quoteArg(c.cmd.stdin)} | ${run}`;
  const ok = [0, ...(c.cmd.okCodes ?? [])].join(" ");
  return [
    `printf '@@%s begin %s\\n' ${token} ${id}`,
    `( ${input} ) 2>"$d/e"; s=$?`,
    `printf '\\n@@%s end %s %s\\n' ${token} ${id} "$s"; cat "$d/e"; printf '\\n@@%s stop %s\\n' ${token} ${id}`,
    `ok "$s" ${ok} || exit 0`,
  ].join("\n");
}

/** The script of a batch: every item in its own subshell, in order. */
export function batchScript(token: string, items: readonly (readonly BatchCommand[])[]): string {
  if (!/^[0-9a-f]{16,}$/.test(token)) throw new Error("a batch token must be hex");
  const body = items.map((commands, i) => `(\n${commands.map((c, j) => commandLine(token, `${i}.${j}`, c)).join("\n")}\n)`);
  return `${prelude}\n${body.join("\n")}\n`;
}

/** Splits a batch's output into the results of each item's commands (those that ran, in order). */
export function parseBatch(token: string, items: readonly (readonly BatchCommand[])[], stdout: string): CommandResult[][] {
  const results: CommandResult[][] = items.map(() => []);
  let at = 0;
  for (;;) {
    const begin = stdout.indexOf(`@@${token} begin `, at);
    if (begin < 0) break;
    const idEnd = stdout.indexOf("\n", begin);
    const id = stdout.slice(begin + `@@${token} begin `.length, idEnd);
    const endMark = `\n@@${token} end ${id} `;
    const end = stdout.indexOf(endMark, idEnd);
    const statusEnd = stdout.indexOf("\n", end + endMark.length);
    const stopMark = `\n@@${token} stop ${id}\n`;
    const stop = stdout.indexOf(stopMark, statusEnd);
    if (end < 0 || statusEnd < 0 || stop < 0) throw new Error(`the batch's output is cut short in command ${id}`);
    const [item, index] = id.split(".").map(Number) as [number, number];
    const code = Number(stdout.slice(end + endMark.length, statusEnd));
    if (!results[item] || index !== results[item].length || !Number.isInteger(code)) throw new Error(`unexpected batch output for command ${id}`);
    results[item].push({ code, stdout: stdout.slice(idEnd + 1, end), stderr: stdout.slice(statusEnd + 1, stop) });
    at = stop + stopMark.length;
  }
  return results;
}
