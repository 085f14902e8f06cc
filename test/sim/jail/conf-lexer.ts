// jail.conf(5) tokens as usr.sbin/jail/jaillex.l cuts them: punctuation (`{ } ; , =` and `+=`),
// strings (bare words, single- and double-quoted text with C escapes) and variables (`$name`,
// `${name}`, also inside double quotes). A token glued to the previous one without blanks (the
// lexer's `instr`) continues the same string. Comments: `#`, `//` and `/* */`.

export type TokKind = "word" | "var" | "pleq" | "{" | "}" | ";" | "," | "=" | "char" | "eof";

export interface Token {
  kind: TokKind;
  /** Word text with escapes done, variable name, or the character. */
  value: string;
  /** Glued to the previous string or variable (jaillex.l STR1/VAR1). */
  cont: boolean;
  /** Source text as yyerror() shows it. */
  text: string;
  line: number;
}

export interface LexResult {
  tokens: Token[];
  /** "FILE line N: unterminated string" and the like (warnx lines, yynerrs). */
  errors: string[];
}

const ATOM = /[A-Za-z0-9_!%&()\-.:<>?@[\]^`|~]/;

/** text2lval's backslash handling for one escape starting after the backslash; returns [text, length]. */
function escapeAt(src: string, i: number): [string, number] {
  const c = src[i];
  if (c === undefined) return ["", 0];
  const oct = /^[0-7]{1,3}/.exec(src.slice(i, i + 3));
  if (oct) return [String.fromCharCode(Number.parseInt(oct[0], 8) & 255), oct[0].length];
  if (c === "x") {
    const hex = /^[0-9A-Fa-f]{1,2}/.exec(src.slice(i + 1, i + 3));
    return [String.fromCharCode(hex ? Number.parseInt(hex[0], 16) : 0), 1 + (hex ? hex[0].length : 0)];
  }
  const simple: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\n": "" };
  return [simple[c] ?? c, 1];
}

/** Cuts a configuration file into tokens. */
export function lexJailConf(src: string, file: string): LexResult {
  const tokens: Token[] = [];
  const errors: string[] = [];
  let line = 1;
  let instr = false;
  let i = 0;
  const push = (kind: TokKind, value: string, text: string, glue: boolean): void => {
    tokens.push({ kind, value, cont: glue && instr, text, line });
    instr = kind === "word" || kind === "var";
  };
  const countLines = (s: string): void => {
    for (const ch of s) if (ch === "\n") line++;
  };
  while (i < src.length) {
    const c = src[i]!;
    const rest = src.slice(i);
    if (c === " " || c === "\t") { instr = false; i++; continue; }
    if (c === "\n") { line++; instr = false; i++; continue; }
    if (c === "#" || rest.startsWith("//")) {
      const end = src.indexOf("\n", i);
      i = end < 0 ? src.length : end;
      instr = false;
      continue;
    }
    if (rest.startsWith("/*")) {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) {
        errors.push(`${file} line ${line}: unterminated comment`);
        countLines(rest);
        i = src.length;
        continue;
      }
      countLines(src.slice(i, end + 2));
      i = end + 2;
      instr = false;
      continue;
    }
    if (rest.startsWith("+=")) { push("pleq", "+=", "+=", false); i += 2; continue; }
    if ("{};,=".includes(c)) { push(c as TokKind, c, c, false); i++; continue; }
    if (c === "'") {
      let j = i + 1;
      let value = "";
      while (j < src.length && src[j] !== "'") {
        if (src[j] === "\\" && j + 1 < src.length) {
          const [t, n] = escapeAt(src, j + 1);
          if (src[j + 1] === "\n") line++;
          value += t;
          j += 1 + n;
        } else {
          if (src[j] === "\n") line++;
          value += src[j];
          j++;
        }
      }
      if (j >= src.length) {
        errors.push(`${file} line ${line}: unterminated string`);
        i = src.length;
        continue;
      }
      push("word", value, src.slice(i, j + 1), true);
      i = j + 1;
      continue;
    }
    if (c === '"') {
      i = lexDoubleQuoted(src, i, file, line, push, errors, (n) => { line += n; });
      continue;
    }
    if (c === "$" && /[A-Za-z_]/.test(src[i + 1] ?? "")) {
      const m = /^\$([A-Za-z_][A-Za-z_0-9]*)/.exec(rest)!;
      push("var", m[1]!, m[0], true);
      i += m[0].length;
      continue;
    }
    if (c === "$" && src[i + 1] === "{") {
      const end = src.indexOf("}", i);
      const nl = src.indexOf("\n", i);
      if (end < 0 || (nl >= 0 && nl < end)) {
        errors.push(`${file} line ${line}: unterminated variable`);
        i = nl < 0 ? src.length : nl;
        continue;
      }
      push("var", unescape(src.slice(i + 2, end)), src.slice(i, end + 1), true);
      i = end + 1;
      continue;
    }
    if (c === "\\") {
      const [t, n] = escapeAt(src, i + 1);
      if (src[i + 1] === "\n") line++;
      push("word", t, src.slice(i, i + 1 + n), true);
      i += 1 + n;
      continue;
    }
    if ("$*+/".includes(c)) { push("word", c, c, true); i++; continue; }
    if (ATOM.test(c)) {
      let j = i;
      while (j < src.length && ATOM.test(src[j]!)) j++;
      push("word", src.slice(i, j), src.slice(i, j), true);
      i = j;
      continue;
    }
    push("char", c, c, false);
    i++;
  }
  tokens.push({ kind: "eof", value: "", cont: false, text: "", line });
  return { tokens, errors };
}

function unescape(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "\\") {
      out += text[i];
      continue;
    }
    const [t, n] = escapeAt(text, i + 1);
    out += t;
    i += n;
  }
  return out;
}

/** A "..." string: literal pieces and `$var`/`${var}` pieces, glued together; returns the next index. */
function lexDoubleQuoted(src: string, start: number, file: string, line0: number,
  push: (kind: TokKind, value: string, text: string, glue: boolean) => void, errors: string[],
  addLines: (n: number) => void): number {
  let j = start + 1;
  let piece = "";
  let first = true;
  let lines = 0;
  const flush = (): void => {
    push("word", piece, piece, true);
    first = false;
    piece = "";
  };
  while (j < src.length && src[j] !== '"') {
    const ch = src[j]!;
    if (ch === "\\" && j + 1 < src.length) {
      const [t, n] = escapeAt(src, j + 1);
      if (src[j + 1] === "\n") lines++;
      piece += t;
      j += 1 + n;
      continue;
    }
    if (ch === "$" && /[A-Za-z_{]/.test(src[j + 1] ?? "")) {
      let name: string;
      let len: number;
      if (src[j + 1] === "{") {
        const end = src.indexOf("}", j);
        const bad = end < 0 || /["\n{]/.test(src.slice(j + 2, end));
        if (bad) {
          errors.push(`${file} line ${line0 + lines}: unterminated variable`);
          addLines(lines);
          return end < 0 ? src.length : end + 1;
        }
        name = unescape(src.slice(j + 2, end));
        len = end + 1 - j;
      } else {
        const m = /^\$([A-Za-z_][A-Za-z_0-9]*)/.exec(src.slice(j))!;
        name = m[1]!;
        len = m[0].length;
      }
      flush();
      push("var", name, `$${name}`, true);
      j += len;
      continue;
    }
    if (ch === "\n") lines++;
    piece += ch;
    j++;
  }
  if (j >= src.length) {
    errors.push(`${file} line ${line0}: unterminated string`);
    addLines(lines);
    return src.length;
  }
  if (piece !== "" || first) flush();
  addLines(lines);
  return j + 1;
}
