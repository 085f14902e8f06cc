// A command to run on a host: an argv list, never shell text. Quoting happens once, in host/quote.ts.
export interface Command {
  readonly argv: readonly string[];
  /** Exit codes other than 0 that still count as success (e.g. a probe that exits 1 for "absent"). */
  readonly okCodes?: readonly number[];
  /** Bytes fed to the command's standard input (file contents; never part of the command line). */
  readonly stdin?: string;
}

/** Builds a command from its argv. */
export function command(...argv: string[]): Command {
  return { argv };
}

/** Renders a command for messages and logs; never used to build shell text. */
export function describeCommand(cmd: Command): string {
  return cmd.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}
