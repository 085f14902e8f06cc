// The tokens of jail.conf(5), cut exactly as usr.sbin/jail/jaillex.l (FreeBSD 14, the reentrant lexer
// that came with `.include`) cuts them: bare words, 'single' and "double" quoted strings with C escapes,
// $name and ${name} variables (bare and in double quotes only), `+=` and `,;={}`, comments (#, //, /* */).
// A string is bytes, as in the C lexer; the parser joins a string's pieces before decoding UTF-8.

export type Punct = "=" | "+=" | "," | ";" | "{" | "}";

/**
 * One token. `joined` marks a piece glued to the one before it with no space (jaillex.l's STR1/VAR1,
 * from its `instr` flag), which the grammar joins into one string.
 */
export type ConfToken =
  | { kind: "str"; bytes: number[]; joined: boolean; start: number; end: number }
  | { kind: "var"; name: string; joined: boolean; start: number; end: number }
  | { kind: "punct"; value: Punct; start: number; end: number };

/** jaillex.l's bare-word characters: `[A-Za-z0-9_!%&()\-.:<>?@\[\]^`|~]`. */
const bareChar = /[A-Za-z0-9_!%&()\-.:<>?@[\]^`|~]/;
const utf8 = new TextEncoder();
/** text2lval's named escapes. */
const named: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** The 1-based line of an offset, for error messages. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** A syntax error, worded like jail(8)'s own (`jail.conf line N: ...`). */
export function confError(text: string, offset: number, message: string): Error {
  return new Error(`jail.conf line ${lineAt(text, offset)}: ${message}`);
}

/** Cuts jail.conf text into tokens; throws on what jail(8) would reject while reading. */
export function tokenizeJailConf(text: string): ConfToken[] {
  const tokens: ConfToken[] = [];
  let instr = false;
  const str = (bytes: number[], start: number, end: number) => {
    tokens.push({ kind: "str", bytes: truncateAtNul(bytes), joined: instr, start, end });
    instr = true;
  };
  const variable = (name: string, start: number, end: number) => {
    tokens.push({ kind: "var", name, joined: instr, start, end });
    instr = true;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      i++;
      instr = false;
    } else if (c === "#" || text.startsWith("//", i)) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl;
      instr = false;
    } else if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) throw confError(text, i, "unterminated comment");
      i = close + 2;
      instr = false;
    } else if (text.startsWith("+=", i) || ",;={}".includes(c)) {
      const value = (text.startsWith("+=", i) ? "+=" : c) as Punct;
      tokens.push({ kind: "punct", value, start: i, end: i + value.length });
      i += value.length;
      instr = false;
    } else if (bareChar.test(c)) {
      let j = i + 1;
      while (j < text.length && bareChar.test(text[j]!)) j++;
      str([...utf8.encode(text.slice(i, j))], i, j);
      i = j;
    } else if (c === "\\") {
      const end = escapeEnd(text, i);
      str(decode(text, i, end, false).bytes, i, end);
      i = end;
    } else if (c === "$") {
      i = lexDollar(text, i, text.length, false, str, variable);
    } else if (c === "*" || c === "+" || c === "/") {
      str([c.charCodeAt(0)], i, i + 1);
      i++;
    } else if (c === "'") {
      const close = closingQuote(text, i);
      str(decode(text, i + 1, close, false).bytes, i, close + 1);
      i = close + 1;
    } else if (c === '"') {
      i = lexDoubleQuoted(text, i, str, variable);
    } else {
      // jaillex.l's `<_>.` rule hands any other character to the grammar, which rejects it.
      throw confError(text, i, `unexpected character ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

/** Decodes a joined string's bytes as UTF-8; jail.conf files are read as UTF-8 text here. */
export function decodeBytes(bytes: readonly number[], text: string, at: number): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(bytes));
  } catch {
    throw confError(text, at, "a string is not valid UTF-8");
  }
}

type StrSink = (bytes: number[], start: number, end: number) => void;
type VarSink = (name: string, start: number, end: number) => void;

/** The index of the quote closing the string opened at `open` (a backslash escapes any character). */
function closingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  throw confError(text, open, "unterminated string");
}

/**
 * A double-quoted string: its text up to the first unescaped `$` is one piece; then, as jaillex.l's DQ
 * state does, each variable, lone `$`, escape, or run up to the next `$` becomes a piece of its own.
 */
function lexDoubleQuoted(text: string, open: number, str: StrSink, variable: VarSink): number {
  const close = closingQuote(text, open);
  let { bytes, stop } = decode(text, open + 1, close, true);
  str(bytes, open, stop);
  while (stop < close) {
    const start = stop;
    if (text[start] === "$") {
      stop = lexDollar(text, start, close, true, str, variable);
    } else if (text[start] === "\\") {
      stop = escapeEnd(text, start);
      str(decode(text, start, stop, false).bytes, start, stop);
    } else {
      ({ bytes, stop } = decode(text, start, close, true));
      str(bytes, start, stop);
    }
  }
  return close + 1;
}

/**
 * At a `$`: `$name`, `${name}` (no newline or braces inside, nor `"` within double quotes, unless
 * escaped), an unterminated `${` (an error), or a literal `$`. Returns the index after it.
 */
function lexDollar(text: string, at: number, limit: number, inQuotes: boolean, str: StrSink, variable: VarSink): number {
  const simple = /^[A-Za-z_][A-Za-z_0-9]*/.exec(text.slice(at + 1, limit));
  if (simple) {
    variable(simple[0], at, at + 1 + simple[0].length);
    return at + 1 + simple[0].length;
  }
  if (text[at + 1] === "{" && at + 1 < limit) {
    for (let i = at + 2; i < limit; i++) {
      const c = text[i];
      if (c === "\\" && i + 1 < limit) i++;
      else if (c === "}") {
        variable(decodeBytes(decode(text, at + 2, i, false).bytes, text, at), at, i + 1);
        return i + 1;
      } else if (c === "\n" || c === "{" || (inQuotes && c === '"')) break;
    }
    throw confError(text, at, "unterminated variable");
  }
  str([0x24], at, at + 1);
  return at + 1;
}

/** The end of the escape token at `at`: `\` and up to 3 octal digits, `x` and up to 2 hex digits, or one character. */
function escapeEnd(text: string, at: number): number {
  const rest = text.slice(at + 1, at + 4);
  const octal = /^[0-7]{1,3}/.exec(rest);
  if (octal) return at + 1 + octal[0].length;
  const hex = /^x[0-9A-Fa-f]{1,2}/.exec(rest);
  if (hex) return at + 1 + hex[0].length;
  if (at + 1 >= text.length) return at + 1;
  return at + 1 + (text.codePointAt(at + 1)! > 0xffff ? 2 : 1);
}

/**
 * jaillex.l's text2lval: copies text[from, to) as bytes, turning C escapes into their bytes (octal and
 * hex byte values, \a \b \f \n \r \t \v, backslash-newline into nothing, any other escaped character
 * into itself); with `stopAtVar` it stops before the first unescaped `$`.
 */
function decode(text: string, from: number, to: number, stopAtVar: boolean): { bytes: number[]; stop: number } {
  const bytes: number[] = [];
  let s = from;
  while (s < to) {
    const ch = text[s]!;
    if (ch !== "\\") {
      if (stopAtVar && ch === "$") break;
      const cp = text.codePointAt(s)!;
      const width = cp > 0xffff ? 2 : 1;
      bytes.push(...utf8.encode(text.slice(s, s + width)));
      s += width;
      continue;
    }
    s++;
    // A lone backslash at the end: the C code copies the string's terminating NUL.
    if (s >= to) {
      bytes.push(0);
      break;
    }
    const e = text[s]!;
    if (e >= "0" && e <= "7") {
      let value = 0;
      for (let n = 0; n < 3 && s < to && text[s]! >= "0" && text[s]! <= "7"; n++, s++) value = value * 8 + Number(text[s]);
      bytes.push(value & 0xff);
      continue;
    }
    if (e === "x") {
      s++;
      let value = 0;
      for (let n = 0; n < 2 && s < to && /[0-9A-Fa-f]/.test(text[s]!); n++, s++) value = value * 16 + Number.parseInt(text[s]!, 16);
      bytes.push(value);
      continue;
    }
    if (e === "\n") {
      s++;
    } else if (Object.hasOwn(named, e)) {
      bytes.push(named[e]!);
      s++;
    } else {
      const width = text.codePointAt(s)! > 0xffff ? 2 : 1;
      bytes.push(...utf8.encode(text.slice(s, s + width)));
      s += width;
    }
  }
  return { bytes, stop: s };
}

/** The grammar takes each piece with strlen(): a NUL ends it. */
function truncateAtNul(bytes: number[]): number[] {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.slice(0, nul);
}
