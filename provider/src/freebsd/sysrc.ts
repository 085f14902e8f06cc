import { command, type Command } from "../core/command.ts";
import { ValidationError } from "../core/errors.ts";
import { conflictMarker, locked } from "./files.ts";

// sysrc(8) command lines and output (usr.sbin/sysrc/sysrc and /usr/share/bsdconfig/sysrc.subr).
// sysrc writes a new value as `echo "$name=\"$value\"" >> /etc/rc.conf`, or splices it into the
// existing assignment with awk, without escaping anything; rc(8) later sources the file as root.
// So values are limited to text that cannot end the double quotes or expand inside them.

/** Shell variable names, as sysrc.subr's VALID_VARNAME_CHARS (a leading digit would be a positional parameter). */
const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks an rc.conf variable name. */
export function checkSysrcName(name: string): string | undefined {
  return namePattern.test(name) ? undefined : "must be a shell variable name (letters, digits and '_', not starting with a digit)";
}

/** Checks a value sysrc will write between double quotes in rc.conf. */
export function checkSysrcValue(value: string): string | undefined {
  // Inside "..." sh(1) still treats `"`, `\`, `$` and backquote; a single quote breaks sysrc's awk
  // rewrite of a value that was single-quoted; a newline ends the assignment line.
  const bad = /["\\$`'\x00-\x1f\x7f]/.exec(value);
  return bad ? `must not contain ${JSON.stringify(bad[0])}: sysrc writes values into rc.conf unescaped` : undefined;
}

/** Checks one word for `+=`/`-=`: sysrc splits the value into words, and a leading non-alphanumeric becomes the separator. */
export function checkSysrcWord(word: string): string | undefined {
  if (!/^[A-Za-z0-9]/.test(word)) return "must begin with a letter or digit (sysrc takes any other first character as the list separator)";
  if (/\s/.test(word)) return "must be one word (sysrc adds or removes each space-separated word)";
  return checkSysrcValue(word);
}

/** `sysrc NAME=VALUE`: sets the variable in the last rc.conf file defining it, else in /etc/rc.conf. */
export function sysrcSet(name: string, value: string): Command {
  assertValid("name", checkSysrcName(name));
  assertValid("value", checkSysrcValue(value));
  return command("sysrc", `${name}=${value}`);
}

/** `sysrc NAME+=WORD`: adds the word to a space-separated list unless it is already there. */
export function sysrcAppend(name: string, word: string): Command {
  assertValid("name", checkSysrcName(name));
  assertValid("value", checkSysrcWord(word));
  return command("sysrc", `${name}+=${word}`);
}

/** `sysrc NAME-=WORD`: removes the word from a space-separated list. */
export function sysrcRemove(name: string, word: string): Command {
  assertValid("name", checkSysrcName(name));
  assertValid("value", checkSysrcWord(word));
  return command("sysrc", `${name}-=${word}`);
}

/** `sysrc -x NAME`: deletes the variable's assignments (exit 0 even when only a default exists). */
export function sysrcDelete(name: string): Command {
  assertValid("name", checkSysrcName(name));
  return command("sysrc", "-x", name);
}

/** `sysrc -n NAME`: the value alone; exit 1 (and a message on stdout) for a variable set nowhere. */
export function sysrcGet(name: string): Command {
  assertValid("name", checkSysrcName(name));
  return command("sysrc", "-n", name);
}

/** `sysrc -e NAME...`: `NAME="value"` lines, one per variable, for reading several in one command. */
export function sysrcShow(names: readonly string[]): Command {
  if (names.length === 0) throw new ValidationError("names", "must name at least one variable");
  for (const name of names) assertValid("names", checkSysrcName(name));
  return command("sysrc", "-e", ...names);
}

/** `sysrc -a -e`: every variable the rc.conf files set (not the defaults), as `NAME="value"` lines. */
export function sysrcShowAll(): Command {
  return command("sysrc", "-a", "-e");
}

/** One variable a checked write sets (`value`) or deletes (undefined), expecting it to hold `expect` (undefined: unset). */
export interface CheckedChange {
  name: string;
  expect: string | undefined;
  value: string | undefined;
}

// $@: triples NAME EXPECT VALUE, each of EXPECT and VALUE `-` (unset) or `=TEXT`. One `sysrc -e` of
// every name checks them all (it prints `NAME="VALUE"` for each one set, in order, nothing for one set
// nowhere); any that changed since the plan read it stops the write with the conflict marker before
// anything is written. Then one `sysrc -x` deletes and one `sysrc` sets: three runs of sysrc however
// many variables (the triples are shifted off as the sets are appended to "$@").
const checkedScript = [
  'conflict() { echo "' + conflictMarker + ' rc.conf variables$1 changed since they were read" >&2; exit 75; }',
  'names= want= dels= n=$# nl="\n"',
  'while [ "$n" -gt 0 ]; do',
  '  names="$names $1"',
  '  case $2 in -) ;; *) want="$want${want:+$nl}$1=\\"${2#=}\\"" ;; esac',
  '  case $3 in -) dels="$dels $1" ;; *) set -- "$@" "$1=${3#=}" ;; esac',
  '  shift 3; n=$((n - 3))',
  'done',
  'got=$(sysrc -e $names 2>/dev/null)',
  '[ "$got" = "$want" ] || conflict "$names"',
  'if [ -n "$dels" ]; then sysrc -x $dels || exit; fi',
  'if [ $# -gt 0 ]; then sysrc "$@" >/dev/null || exit; fi',
].join("\n");

/**
 * Sets and deletes rc.conf variables under the host lock, each only while it still holds what the
 * plan read (ConflictError otherwise, and nothing is written), so two writers of one variable (a
 * bridge and the epairs joining it) never undo each other.
 */
export function sysrcApplyChecked(changes: readonly CheckedChange[]): Command {
  if (changes.length === 0) throw new ValidationError("changes", "must change at least one variable");
  const args: string[] = [];
  for (const c of changes) {
    assertValid(c.name, checkSysrcName(c.name));
    if (c.value !== undefined) assertValid(c.name, checkSysrcValue(c.value));
    args.push(c.name, c.expect === undefined ? "-" : `=${c.expect}`, c.value === undefined ? "-" : `=${c.value}`);
  }
  return locked({ argv: ["/bin/sh", "-c", checkedScript, "sh", ...args] });
}

/**
 * Parses `sysrc -a -e` into values by name. sysrc prints values unescaped, so a value holding a
 * newline goes on over the next lines: a line that does not begin `NAME="` continues the one before.
 */
export function parseSysrcAll(text: string): Map<string, string> {
  const raw: Array<[string, string]> = [];
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)="(.*)$/s.exec(line);
    if (m) raw.push([m[1]!, m[2]!]);
    else if (raw.length > 0) raw[raw.length - 1]![1] += `\n${line}`;
    else if (line !== "") throw new Error(`unexpected sysrc line: ${JSON.stringify(line)}`);
  }
  const values = new Map<string, string>();
  for (const [name, rest] of raw) {
    const value = rest.replace(/\n+$/, "");
    if (!value.endsWith('"')) throw new Error(`unexpected sysrc value of ${name}: ${JSON.stringify(value)}`);
    values.set(name, value.slice(0, -1));
  }
  return values;
}

/** Parses `sysrc -n NAME` output: the value, without the newline echo adds. */
export function parseSysrcValue(text: string): string {
  if (!text.endsWith("\n")) throw new Error(`unexpected sysrc output: ${JSON.stringify(text)}`);
  return text.slice(0, -1);
}

/**
 * Parses `sysrc -e NAME...` (`NAME="value"`) or `sysrc NAME...` / `sysrc -a` (`NAME: value`) lines
 * into values by name. sysrc prints values unescaped, so a value holding a newline cannot be read
 * this way; an `unknown variable` line (stdout in the 6.3-era script, stderr since FreeBSD 12) is refused.
 */
export function parseSysrcAssignments(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:="(.*)"|: (.*))$/s.exec(line);
    if (!m || m[1] === "sysrc") throw new Error(`unexpected sysrc line: ${JSON.stringify(line)}`);
    values.set(m[1]!, m[2] ?? m[3]!);
  }
  return values;
}

/** Splits a list variable such as jail_list into its words, as sysrc's `+=`/`-=` and rc.d/jail do. */
export function splitSysrcList(value: string): string[] {
  return value.split(/[ \t\n]+/).filter((word) => word.length > 0);
}

function assertValid(property: string, rule: string | undefined): void {
  if (rule) throw new ValidationError(property, rule);
}
