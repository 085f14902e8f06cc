import type { Command } from "../core/command.ts";
import { quoteArg } from "./quote.ts";

// Secret values on their way to a host: kept out of the command line (which is logged, and which the
// host's sshd and process list see) by sending them on standard input, and redacted from every text
// derived from a command (debug log lines, error messages, a tool's stderr echoing a value).

const mask = "[secret]";

/** A function that replaces every secret in a text, as written raw, JSON-escaped or shell-quoted. */
export function redactor(secrets: readonly string[] | undefined): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets ?? []) {
    if (secret === "") continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(secret.replaceAll("'", `'\\''`));
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => ordered.reduce((out, form) => out.split(form).join(mask), text);
}

/**
 * The command with every argument that holds a secret moved to standard input: `sh -c` reads shell
 * assignments of those arguments (each quoted by quoteArg) from stdin, then execs the command with them.
 * A command that already uses stdin for its data (a file's content) is left as it is.
 */
export function secretsOnStdin(cmd: Command, secrets: readonly string[]): Command {
  const holds = (arg: string) => secrets.some((secret) => secret !== "" && arg.includes(secret));
  if (cmd.stdin !== undefined || !cmd.argv.some(holds)) return cmd;
  const assignments: string[] = [];
  const words = cmd.argv.map((arg, i) => {
    if (!holds(arg)) return quoteArg(arg);
    assignments.push(`a${i}=${quoteArg(arg)}`);
    return `"$a${i}"`;
  });
  return { ...cmd, argv: ["/bin/sh", "-c", `eval "$(cat)" && exec ${words.join(" ")}`, "sh"], stdin: `${assignments.join("\n")}\n` };
}
