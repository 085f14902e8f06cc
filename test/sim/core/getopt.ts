// The one option parser of every simulated tool. POSIX getopt(3) as FreeBSD's libc implements it
// (lib/libc/stdlib/getopt.c): options stop at the first operand or `--`, clustered flags (`-rHp`),
// option arguments attached (`-d1`) or separate (`-d 1`). zfs sets opterr=0 and reports '?' and ':'
// itself; tools that leave opterr on get libc's own message from getoptMessage. getopt_long(3)
// (lib/libc/stdlib/getopt_long.c, which permutes operands and options) is getoptLong.

export interface Opt {
  /** The option letter, '?' for an unknown option, ':' for a missing argument. */
  opt: string;
  /** The offending letter for '?' and ':' (optopt). */
  optopt?: string;
  arg?: string;
}

export interface GetoptResult {
  opts: Opt[];
  rest: string[];
}

/** Parses argv (without the command name) against an optstring such as ":d:o:rHp". */
export function getopt(argv: string[], optstring: string): GetoptResult {
  const colonMode = optstring.startsWith(":");
  const spec = colonMode ? optstring.slice(1) : optstring;
  const opts: Opt[] = [];
  let i = 0;
  while (i < argv.length) {
    const word = argv[i]!;
    if (word === "--") {
      i++;
      break;
    }
    if (!word.startsWith("-") || word === "-") break;
    i++;
    for (let j = 1; j < word.length; j++) {
      const letter = word[j]!;
      const at = spec.indexOf(letter);
      if (letter === ":" || at < 0) {
        opts.push({ opt: "?", optopt: letter });
        continue;
      }
      if (spec[at + 1] !== ":") {
        opts.push({ opt: letter });
        continue;
      }
      if (j + 1 < word.length) {
        opts.push({ opt: letter, arg: word.slice(j + 1) });
      } else if (i < argv.length) {
        opts.push({ opt: letter, arg: argv[i]! });
        i++;
      } else {
        opts.push({ opt: colonMode ? ":" : "?", optopt: letter });
      }
      break;
    }
  }
  return { opts, rest: argv.slice(i) };
}

/** What libc's getopt prints with opterr set, for a '?' or ':' result (getopt.c: "%s: illegal option -- %c"). */
export function getoptMessage(prog: string, o: Opt): string {
  return o.opt === ":"
    ? `${prog}: option requires an argument -- ${o.optopt}\n`
    : `${prog}: illegal option -- ${o.optopt}\n`;
}

/** Long options: name -> [the short letter it sets ("" for none), whether it takes an argument]. */
export type LongOptions = Record<string, [string, boolean]>;

export interface GetoptLongResult {
  /** The last value of each option letter ("" for flags). */
  opts: Map<string, string>;
  operands: string[];
}

/** getopt_long with argument permutation, as BSD libc has it: operands and options may be interleaved. */
export function getoptLong(prog: string, argv: string[], shortopts: string, longopts: LongOptions): GetoptLongResult | string {
  const opts = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const def = longopts[name];
      if (!def) return `${prog}: unrecognized option \`${arg}'\n`;
      const value = def[1] ? inline ?? argv[++i] : "";
      if (value === undefined) return `${prog}: option requires an argument -- ${name}\n`;
      if (def[0]) opts.set(def[0], value);
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      operands.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j]!;
      const at = shortopts.indexOf(c);
      if (at < 0 || c === ":") return `${prog}: unknown option -- ${c}\n`;
      if (shortopts[at + 1] === ":") {
        const value = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
        if (value === undefined) return `${prog}: option requires an argument -- ${c}\n`;
        opts.set(c, value);
        break;
      }
      opts.set(c, "");
    }
  }
  return { opts, operands };
}
