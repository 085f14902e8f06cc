// jail.conf(5) grammar (usr.sbin/jail/jailparse.y): a file is a series of `name { params }` blocks and
// `param;` statements (outside a block they belong to a `*` pseudo-jail that applies to every jail).
// A param is `name`, `name = v, ...`, `name += v, ...` or `name v, ...`; `.include "glob";` (14.x)
// reads other files, relative to the including one, a glob matching nothing being fine.

import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { lexJailConf, type Token } from "./conf-lexer.ts";
import { newCfJail, PF_APPEND, PF_NAMEVAL, PF_VAR, type CfJail, type CfParam, type CfString } from "./cfjail.ts";

/** Reads files of the host: maps a path inside the host to a real path. */
export type HostFs = (path: string) => string;

export interface ParseResult {
  jails: CfJail[];
  /** Fatal messages (without the `jail: ` prefix): syntax errors, missing files. */
  errors: string[];
}

class SyntaxError_ extends Error {}

/** Parses a configuration file and what it includes, in order. */
export function parseJailConf(file: string, fs: HostFs, stdinText?: string): ParseResult {
  const out: ParseResult = { jails: [], errors: [] };
  try {
    parseFile(file, fs, out, 0, stdinText);
  } catch (e) {
    if (!(e instanceof SyntaxError_)) throw e;
  }
  return out;
}

function parseFile(file: string, fs: HostFs, out: ParseResult, depth: number, text?: string): void {
  if (depth > 32000) {
    out.errors.push(`${file}: include loop detected`);
    throw new SyntaxError_();
  }
  const shown = text !== undefined ? "STDIN" : file;
  let src = text;
  if (src === undefined) {
    const real = fs(file);
    if (!existsSync(real)) {
      out.errors.push(`${file}: No such file or directory`);
      throw new SyntaxError_();
    }
    if (statSync(real).isDirectory()) {
      out.errors.push(`${file}: Is a directory`);
      throw new SyntaxError_();
    }
    src = readFileSync(real, "utf8");
  }
  const lexed = lexJailConf(src, shown);
  if (lexed.errors.length) {
    out.errors.push(...lexed.errors);
    throw new SyntaxError_();
  }
  new Parser(lexed.tokens, shown, file, fs, out, depth).parseConf();
}

class Parser {
  private pos = 0;
  private readonly toks: Token[];
  private readonly shown: string;
  private readonly file: string;
  private readonly fs: HostFs;
  private readonly out: ParseResult;
  private readonly depth: number;

  constructor(toks: Token[], shown: string, file: string, fs: HostFs, out: ParseResult, depth: number) {
    this.toks = toks;
    this.shown = shown;
    this.file = file;
    this.fs = fs;
    this.out = out;
    this.depth = depth;
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)]!;
  }

  private error(tok: Token): never {
    // Why: jaillex.l yyerror() prints the offending token, or "unexpected EOF" at the end.
    this.out.errors.push(tok.kind === "eof" ? `${this.shown}: unexpected EOF`
      : `${this.shown} line ${tok.line}: ${tok.text}: syntax error`);
    throw new SyntaxError_();
  }

  private isStringStart(t: Token): boolean {
    return (t.kind === "word" || t.kind === "var") && !t.cont;
  }

  parseConf(): void {
    for (;;) {
      const t = this.peek();
      if (t.kind === "eof") return;
      if (t.kind === ";") { this.pos++; continue; }
      if (t.kind === "word" && !t.cont && this.peek(1).kind === "{") {
        this.pos += 2;
        const j = newCfJail(t.value);
        j.params = this.parseParamList();
        this.out.jails.push(j);
        continue;
      }
      const p = this.parseParam();
      this.expect(";");
      if (this.special(p)) continue;
      let j = this.out.jails.at(-1);
      if (!j || j.name !== "*") {
        j = newCfJail("*");
        this.out.jails.push(j);
      }
      j.params.push(p);
    }
  }

  private parseParamList(): CfParam[] {
    const params: CfParam[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "}") { this.pos++; return params; }
      if (t.kind === ";") { this.pos++; continue; }
      const p = this.parseParam();
      this.expect(";");
      if (!this.special(p)) params.push(p);
    }
  }

  private expect(kind: string): void {
    const t = this.peek();
    if (t.kind !== kind) this.error(t);
    this.pos++;
  }

  private parseParam(): CfParam {
    const t = this.peek();
    if (!this.isStringStart(t)) this.error(t);
    this.pos++;
    const p: CfParam = { name: t.value, val: [], flags: t.kind === "var" ? PF_VAR : 0 };
    const next = this.peek();
    if (next.kind === "=" || next.kind === "pleq") {
      this.pos++;
      if (next.kind === "pleq") p.flags |= PF_APPEND;
      p.val = this.parseValue();
    } else if (this.isStringStart(next)) {
      p.flags |= PF_NAMEVAL;
      p.val = this.parseValue();
    }
    return p;
  }

  private parseValue(): CfString[] {
    const vals: CfString[] = [this.parseString()];
    while (this.peek().kind === ",") {
      this.pos++;
      vals.push(this.parseString());
    }
    return vals;
  }

  private parseString(): CfString {
    const t = this.peek();
    if (!this.isStringStart(t)) this.error(t);
    const s: CfString = { s: "", vars: [] };
    do {
      const piece = this.toks[this.pos++]!;
      if (piece.kind === "word") s.s += piece.value;
      else s.vars.push({ name: piece.value, pos: s.s.length });
    } while ((this.peek().kind === "word" || this.peek().kind === "var") && this.peek().cont);
    return s;
  }

  /** `.include "file";`: handled in place, never stored as a parameter. */
  private special(p: CfParam): boolean {
    if ((p.flags & (PF_VAR | PF_APPEND | PF_NAMEVAL)) !== PF_NAMEVAL || p.name !== ".include") return false;
    for (const s of p.val) {
      if (s.vars.length) {
        this.out.errors.push(`${this.shown}: variables not permitted in '.include' filename`);
        throw new SyntaxError_();
      }
      this.include(s.s);
    }
    return true;
  }

  private include(name: string): void {
    // Why: relative include names are based on the including file's directory (14.x include_config).
    const path = name.startsWith("/") || this.shown === "STDIN" ? name : `${dirname(this.file)}/${name}`;
    if (!/[*?[]/.test(path)) {
      parseFile(path, this.fs, this.out, this.depth + 1);
      return;
    }
    for (const match of globHost(path, this.fs)) parseFile(match, this.fs, this.out, this.depth + 1);
  }
}

function globPart(part: string): RegExp {
  let re = "^";
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = part.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = part.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`${re}$`);
}

/** glob(3) over the host's files: sorted matches, leading dots matched only explicitly. */
export function globHost(pattern: string, fs: HostFs): string[] {
  const parts = pattern.split("/").filter((x, i) => x !== "" || i === 0);
  let current = [pattern.startsWith("/") ? "/" : "."];
  for (const part of parts.slice(pattern.startsWith("/") ? 1 : 0)) {
    const next: string[] = [];
    for (const dir of current) {
      const join = (n: string): string => (dir === "/" ? `/${n}` : dir === "." ? n : `${dir}/${n}`);
      if (!/[*?[]/.test(part)) {
        if (existsSync(fs(join(part)))) next.push(join(part));
        continue;
      }
      let entries: string[] = [];
      try {
        entries = readdirSync(fs(dir === "." ? "." : dir)).sort();
      } catch {
        continue;
      }
      const re = globPart(part);
      for (const e of entries) if (re.test(e) && (!e.startsWith(".") || part.startsWith("."))) next.push(join(e));
    }
    current = next;
  }
  return current;
}
