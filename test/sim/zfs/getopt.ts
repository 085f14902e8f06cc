// POSIX getopt(3) as FreeBSD's libc implements it: options stop at the first operand or `--`,
// clustered flags (`-rHp`), option arguments attached (`-d1`) or separate (`-d 1`). zfs sets
// opterr=0, so getopt prints nothing itself; callers report '?' and ':' the way zfs does.

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
