// The simulator's own jail.conf(5) reader (jail/conf-*.ts), without a host: tokens, statements,
// includes, wildcard merging and variable substitution as usr.sbin/jail/{jaillex.l,jailparse.y,config.c}.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseJailConf } from "./jail/conf-parser.ts";
import { resolveJails } from "./jail/conf-resolve.ts";

const root = mkdtempSync(join(tmpdir(), "jail-conf-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const fs = (p: string): string => join(root, p);

function write(path: string, text: string): void {
  mkdirSync(dirname(fs(path)), { recursive: true });
  writeFileSync(fs(path), text);
}

function load(text: string): { jails: Record<string, [string, string[]][]>; warnings: string[]; errors: string[] } {
  write("/etc/jail.conf", text);
  const parsed = parseJailConf("/etc/jail.conf", fs);
  const warnings: string[] = [];
  const jails: Record<string, [string, string[]][]> = {};
  for (const j of resolveJails(parsed.jails, (w) => warnings.push(w))) {
    jails[j.name ?? ""] = j.params.map((p) => [p.name, p.val.map((s) => s.s)]);
  }
  return { jails, warnings, errors: parsed.errors };
}

describe("jail.conf syntax", () => {
  it("reads blocks, global statements, comments, quoting and escapes", () => {
    const r = load([
      "# shell comment",
      "exec.clean; // C++ comment",
      "/* C comment",
      "   over lines */",
      "www {",
      "  ip4.addr = 10.1.1.1, \"em0|10.1.1.2/24\";",
      "  ip4.addr += 10.1.1.3;",
      "  securelevel 3;",
      "  host.hostname = 'single $not_var';",
      "  exec.start = \"a\\tb\\x41\\101 \\",
      "c\";",
      "  allow.nomount;",
      "  ;",
      "}",
      "",
    ].join("\n"));
    expect(r.errors).toEqual([]);
    expect(r.jails["www"]).toEqual([
      ["name", ["www"]], ["exec.clean", []], ["ip4.addr", ["10.1.1.1", "em0|10.1.1.2/24", "10.1.1.3"]],
      ["securelevel", ["3"]], ["host.hostname", ["single $not_var"]], ["exec.start", ["a\tbAA c"]], ["allow.nomount", []],
    ]);
  });

  it("applies wildcards before a block as defaults and after it as overrides, and merges no-names", () => {
    const r = load('persist;\nallow.mount;\nmount.devfs;\na { nopersist; allow.nomount; }\n"*" { mount.nodevfs; }\nb { }\n');
    expect(r.jails["a"]).toEqual([["name", ["a"]], ["nopersist", []], ["allow.nomount", []], ["mount.nodevfs", []]]);
    expect(r.jails["b"]).toEqual([["name", ["b"]], ["persist", []], ["allow.mount", []], ["mount.nodevfs", []]]);
  });

  it("substitutes variables and parameters per jail, arrays only on their own", () => {
    const r = load([
      '$base = "/jails";',
      'path = "$base/${name}";',
      'host.hostname = "$name.example.org";',
      "$addrs = 10.0.0.1, 10.0.0.2;",
      "x { ip4.addr = $addrs; exec.start = \"echo ${host.hostname}\"; }",
      "y { exec.start = \"echo $addrs\"; }",
      "7 { persist; }",
      "",
    ].join("\n"));
    expect(r.jails["x"]).toEqual([["name", ["x"]], ["path", ["/jails/x"]], ["host.hostname", ["x.example.org"]],
      ["ip4.addr", ["10.0.0.1", "10.0.0.2"]], ["exec.start", ["echo x.example.org"]]]);
    // Why: a numeric block name sets jid, not name, so $name is undefined there (config.c load_config).
    expect(r.jails["7"]![0]).toEqual(["jid", ["7"]]);
    expect(r.warnings).toEqual(["y: exec.start: array cannot be substituted inline", '7: path: variable "name" not found',
      '7: host.hostname: variable "name" not found']);
  });

  it("reports undefined variables, loops and redefinitions per jail", () => {
    const r = load('a { path = "$nope"; }\nb { $v = "$w"; $w = "$v"; path = $v; }\nc { name = other; }\nd { $path = x; }\n');
    expect(r.warnings).toEqual([
      'a: path: variable "nope" not found',
      "b: v: variable loop",
      'c: cannot redefine parameter "name".',
      'd: variable "$path" cannot have the same name as a parameter.',
    ]);
  });

  it("reports syntax errors with the file, line and token", () => {
    expect(load("a {\n  persist\n}\n").errors).toEqual(["/etc/jail.conf line 3: }: syntax error"]);
    expect(load("a { persist; \n").errors).toEqual(["/etc/jail.conf: unexpected EOF"]);
    expect(load('a { path = "/x;\n}\n').errors).toEqual(["/etc/jail.conf line 1: unterminated string"]);
    expect(load("a { /* x }\n").errors).toEqual(["/etc/jail.conf line 1: unterminated comment"]);
    expect(load("web.* { persist; }\n").errors).toEqual(["/etc/jail.conf line 1: *: syntax error"]);
  });
});

describe(".include", () => {
  it("reads globs in order, relative to the including file, and requires plain names to exist", () => {
    write("/etc/jail.conf.d/b.conf", "b { persist; }\n");
    write("/etc/jail.conf.d/a.conf", "a { persist; }\n");
    write("/etc/local.conf", "l { persist; }\n");
    const r = load('.include "/etc/jail.conf.d/*.conf";\n.include "local.conf";\n.include "/nowhere/*.conf";\n');
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.jails)).toEqual(["a", "b", "l"]);
    expect(load('.include "/etc/missing.conf";\n').errors).toEqual(["/etc/missing.conf: No such file or directory"]);
    expect(load('$d = x;\n.include "$d.conf";\n').errors).toEqual(["/etc/jail.conf: variables not permitted in '.include' filename"]);
  });
});
