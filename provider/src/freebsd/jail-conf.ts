import { ValidationError } from "../core/errors.ts";
import { checkJailName, checkJailParameters, checkText, isList } from "./jail-checks.ts";
import { confError, decodeBytes, lineAt, tokenizeJailConf, type ConfToken } from "./jail-conf-lexer.ts";
import { jailParamSpec, noName, stripNo, type JailValue } from "./jail-params.ts";

// jail.conf(5) files: writing one jail block with every value quoted so that nothing in it can end the
// value, and reading any file (FreeBSD 14 grammar, usr.sbin/jail/jailparse.y) into its statements and
// blocks with their exact spans, so one block can be cut out and the rest kept byte for byte.
// Variables are reported where they are used, never expanded: their values depend on the wildcard and
// global statements merged per jail (config.c load_config) and on `.include`d files not read here.

/** A string as written: its literal text and the variables jail(8) would insert into it. */
export interface ConfString {
  text: string;
  /** `offset` is where in `text` the variable's value goes (jailparse.y's cfvar.pos). */
  variables: Array<{ name: string; offset: number }>;
}

/** One statement: `name;`, `name = v, ...;`, `name += v;`, `name v;`, or `$var = v;`. */
export interface ConfParam {
  name: string;
  /** A `$name = ...` variable definition rather than a parameter. */
  variable: boolean;
  /** undefined for a valueless statement (`persist;`, `allow.nomount;`). */
  operator: "=" | "+=" | undefined;
  values: ConfString[];
  /** For a boolean (valueless, or a catalogue boolean): the name without `no`, and its truth. */
  boolean: { name: string; value: boolean } | undefined;
  line: number;
}

/** A `.include "file";` line, reported and never followed. */
export interface ConfInclude {
  path: string;
  line: number;
  /** The block it sits in, when it is inside one. */
  block: string | undefined;
}

/** A `name { ... }` block. */
export interface ConfBlock {
  name: string;
  /** A `*` component makes it a wildcard block (config.c wild_jail_name), applied to matching jails. */
  wildcard: boolean;
  params: ConfParam[];
  line: number;
  /**
   * [start, end) covers the block; when it has its lines to itself it covers them whole, indentation
   * and newline included (a `#` or `//` comment after the `}` counts as part of its last line).
   */
  start: number;
  end: number;
  /** Where the comment lines right above it (no blank line between) begin; `start` when there are none. */
  commentStart: number;
}

/** Everything in one file, in file order. */
export interface JailConf {
  /** Statements outside any block: they apply to every jail, like a `*` block at that place. */
  globals: ConfParam[];
  jails: ConfBlock[];
  includes: ConfInclude[];
}

/** A jail to write: its name, its parameters in order, and an optional comment above the block. */
export interface JailConfInput {
  name: string;
  params: ReadonlyArray<readonly [string, JailValue]>;
  comment?: string;
}

/**
 * Writes one jail.conf block. Every value is single-quoted: jaillex.l expands `$` only in bare words
 * and double quotes, and in single quotes only `\` and `'` are special (both escaped here); control
 * characters become C escapes, which text2lval turns back into the same bytes. Booleans are written
 * `name;` / `noname;`, the valueless form jail.conf(5) documents and `jls -s` prints; lists are one
 * comma-separated statement.
 */
export function renderJailConf(jail: JailConfInput): string {
  const nameRule = checkJailName(jail.name);
  if (nameRule) throw new ValidationError("name", nameRule);
  const paramsRule = checkJailParameters(jail.params);
  if (paramsRule) throw new ValidationError("params", paramsRule);
  const lines: string[] = [];
  if (jail.comment !== undefined) {
    const rule = checkText(jail.comment, 65535);
    if (rule) throw new ValidationError("comment", rule);
    // Each line gets its own `#`: jaillex.l's comment runs to the end of the line and no further.
    for (const line of jail.comment.split("\n")) lines.push(line === "" ? "#" : `# ${line}`);
  }
  // checkJailName allows only letters, digits, `_` and `-`, all bare-word characters of jaillex.l, so the
  // block is written the way an administrator writes it: `web {`.
  lines.push(`${jail.name} {`);
  for (const [name, value] of jail.params) lines.push(`\t${renderStatement(name, value)}`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** Writes one value as a single-quoted jail.conf string. */
export function quoteConfString(value: string): string {
  if (value.includes("\0")) throw new ValidationError("value", "must not contain a NUL character");
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\" || ch === "'") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    // Three octal digits always: text2lval reads up to three, so a following digit stays a digit.
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, "0")}`;
    else out += ch;
  }
  return `${out}'`;
}

function renderStatement(name: string, value: JailValue): string {
  if (typeof value === "boolean") return `${value ? name : noName(name)};`;
  if (isList(value)) return `${name} = ${value.map(quoteConfString).join(", ")};`;
  return `${name} = ${quoteConfString(String(value))};`;
}

/** Reads a jail.conf file into its global statements, blocks and includes; throws with the line on a syntax error. */
export function parseJailConf(text: string): JailConf {
  const tokens = tokenizeJailConf(text);
  const conf: JailConf = { globals: [], jails: [], includes: [] };
  let k = 0;
  const at = (t: ConfToken | undefined) => (t ? t.start : text.length);
  const isPunct = (t: ConfToken | undefined, value: string) => t?.kind === "punct" && t.value === value;

  const readString = (): ConfString => {
    const first = tokens[k];
    if (!first || first.kind === "punct") throw confError(text, at(first), "expected a value");
    const bytes: number[] = [];
    const vars: Array<{ name: string; byte: number }> = [];
    do {
      const t = tokens[k++]!;
      if (t.kind === "str") for (const b of t.bytes) bytes.push(b);
      else if (t.kind === "var") vars.push({ name: t.name, byte: bytes.length });
    } while (tokens[k] && tokens[k]!.kind !== "punct" && (tokens[k] as { joined: boolean }).joined);
    const decoded = decodeBytes(bytes, text, first.start);
    const variables = vars.map((v) => ({ name: v.name, offset: decodeBytes(bytes.slice(0, v.byte), text, first.start).length }));
    return { text: decoded, variables };
  };

  const readStatement = (block: string | undefined): ConfParam | undefined => {
    const t = tokens[k];
    if (!t || t.kind === "punct") throw confError(text, at(t), t ? `unexpected '${t.value}'` : "unexpected end of file");
    const name = t.kind === "var" ? t.name : decodeBytes(t.bytes, text, t.start);
    const variable = t.kind === "var";
    const line = lineAt(text, t.start);
    const next = tokens[++k];
    if (next && next.kind !== "punct" && next.joined) throw confError(text, next.start, `unexpected text after ${JSON.stringify(name)}`);
    let operator: ConfParam["operator"];
    const values: ConfString[] = [];
    let bare = false;
    if (isPunct(next, "=") || isPunct(next, "+=")) {
      operator = (next as { value: "=" | "+=" }).value;
      k++;
    } else if (next && next.kind !== "punct") {
      operator = "=";
      bare = true;
    }
    if (operator) {
      values.push(readString());
      while (isPunct(tokens[k], ",")) {
        k++;
        values.push(readString());
      }
    }
    if (!isPunct(tokens[k], ";")) throw confError(text, at(tokens[k]), tokens[k] ? "expected ';'" : "unexpected end of file");
    k++;
    // jailparse.y special_param: `.include "file";` (no `=`, no `$`) names files to read, not a parameter.
    if (bare && !variable && name === ".include") {
      for (const value of values) {
        if (value.variables.length > 0) throw confError(text, t.start, "variables not permitted in '.include' filename");
        conf.includes.push({ path: value.text, line, block });
      }
      return undefined;
    }
    return { name, variable, operator, values, boolean: booleanOf(name, variable, operator, values), line };
  };

  while (k < tokens.length) {
    const t = tokens[k]!;
    if (isPunct(t, ";")) {
      k++;
    } else if (t.kind === "str" && isPunct(tokens[k + 1], "{")) {
      const blockIndex = k;
      const name = decodeBytes(t.bytes, text, t.start);
      const params: ConfParam[] = [];
      k += 2;
      while (!isPunct(tokens[k], "}")) {
        if (k >= tokens.length) throw confError(text, text.length, "unexpected end of file");
        if (isPunct(tokens[k], ";")) k++;
        else {
          const param = readStatement(name);
          if (param) params.push(param);
        }
      }
      const close = tokens[k++]!;
      const previousEnd = blockIndex > 0 ? tokens[blockIndex - 1]!.end : 0;
      conf.jails.push({ name, wildcard: isWildcard(name), params, line: lineAt(text, t.start), ...blockSpan(text, t.start, close.end, previousEnd) });
    } else {
      const param = readStatement(undefined);
      if (param) conf.globals.push(param);
    }
  }
  return conf;
}

/** config.c wild_jail_name: a `*` that is a whole dot-separated component. */
function isWildcard(name: string): boolean {
  return name.split(".").includes("*");
}

/**
 * The block's span: whole lines when it has them to itself, else just the block's own text. Comment
 * lines above it count only after the previous token (a quoted string may hold a line beginning `#`).
 */
function blockSpan(text: string, nameStart: number, closeEnd: number, previousEnd: number): { start: number; end: number; commentStart: number } {
  let start = nameStart;
  while (start > 0 && (text[start - 1] === " " || text[start - 1] === "\t")) start--;
  const ownsStart = start === 0 || text[start - 1] === "\n";
  if (!ownsStart) return { start: nameStart, end: closeEnd, commentStart: nameStart };
  let end = closeEnd;
  while (end < text.length && (text[end] === " " || text[end] === "\t")) end++;
  if (text[end] === "#" || text.startsWith("//", end)) {
    const nl = text.indexOf("\n", end);
    end = nl < 0 ? text.length : nl;
  }
  if (text.startsWith("\r\n", end)) end += 2;
  else if (text[end] === "\n") end += 1;
  else if (end < text.length) end = closeEnd;
  let commentStart = start;
  while (commentStart > 0) {
    const lineStart = text.lastIndexOf("\n", commentStart - 2) + 1;
    if (lineStart < previousEnd || !/^[ \t]*(#|\/\/)/.test(text.slice(lineStart, commentStart - 1))) break;
    commentStart = lineStart;
  }
  return { start, end, commentStart };
}

/** How jail(8) reads a statement as a boolean, when it is one (config.c bool_param, libjail jailparam_import). */
function booleanOf(name: string, variable: boolean, operator: ConfParam["operator"], values: ConfString[]): ConfParam["boolean"] {
  if (variable) return undefined;
  const spec = jailParamSpec(name);
  const base = spec ? undefined : stripNo(name);
  const baseSpec = base === undefined ? undefined : jailParamSpec(base);
  const type = spec?.type ?? baseSpec?.type;
  if (type !== undefined && type !== "boolean") return undefined;
  const negated = base !== undefined;
  if (operator === undefined) return { name: base ?? name, value: !negated };
  if (type !== "boolean") return undefined;
  const last = values[values.length - 1]!.text;
  const truth = parseBoolean(last);
  return truth === undefined ? undefined : { name: base ?? name, value: truth !== negated };
}

/** libjail's boolean import: "true"/"false" in any case, or an integer (non-zero is true). */
export function parseBoolean(text: string): boolean | undefined {
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  return /^[-+]?\d+$/.test(text) ? Number(text) !== 0 : undefined;
}
