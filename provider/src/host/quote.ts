import type { Command } from "../core/command.ts";

// The only place where argv becomes shell text: POSIX single quotes, with ' written as '\''.
// Every argument is quoted, so no value can end a word, start a command or expand.

/** Quotes one argument for a POSIX shell. */
export function quoteArg(arg: string): string {
  if (arg.includes("\0")) throw new Error("a command argument cannot contain a NUL byte");
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Quotes an argv list into one shell command line. */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("empty command");
  return argv.map(quoteArg).join(" ");
}

/** Quotes a command, prefixed by the privilege-escalation argv when one is configured. */
export function quoteCommand(cmd: Command, become: readonly string[] = []): string {
  return quoteArgv([...become, ...cmd.argv]);
}

/** Words sh(1) reads as themselves: no quoting needed (used for text people read, e.g. jail.conf commands). */
const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument only when sh(1) would otherwise split, expand or glob it. */
export function quoteArgIfNeeded(arg: string): string {
  return plainWord.test(arg) ? arg : quoteArg(arg);
}
