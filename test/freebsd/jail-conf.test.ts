import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJailConf, quoteConfString, renderJailConf, type ConfParam } from "../../provider/src/freebsd/jail-conf.ts";
import { tokenizeJailConf } from "../../provider/src/freebsd/jail-conf-lexer.ts";
import { readJailParams } from "../../provider/src/freebsd/jail-conf-values.ts";
import type { JailValue } from "../../provider/src/freebsd/jail-params.ts";

// The fixture follows jail.conf(5) and usr.sbin/jail/jaillex.l / jailparse.y (FreeBSD 14); its header says so.
const fixture = readFileSync(new URL("../fixtures/jail/jail.conf", import.meta.url), "utf8");

/** The single value of a one-jail file's one statement. */
const valueOf = (text: string) => parseJailConf(`j { x = ${text}; }`).jails[0]!.params[0]!.values;
const plain = (text: string) => ({ text, variables: [] });

describe("parseJailConf on an administrator's /etc/jail.conf", () => {
  const conf = parseJailConf(fixture);

  it("reads global statements, the variable definition and valueless booleans", () => {
    expect(conf.globals.map((p) => [p.name, p.variable, p.operator, p.line])).toEqual([
      ["basedir", true, "=", 6], ["exec.start", false, "=", 7], ["exec.stop", false, "=", 8],
      ["exec.clean", false, undefined, 9], ["mount.devfs", false, undefined, 10], ["path", false, "=", 11],
      ["host.hostname", false, "=", 12],
    ]);
    expect(conf.globals[3]!.boolean).toEqual({ name: "exec.clean", value: true });
    expect(conf.globals[1]!.boolean).toBeUndefined();
  });

  it("reports variables where they are used, unexpanded", () => {
    expect(conf.globals[5]!.values).toEqual([{ text: "/", variables: [{ name: "basedir", offset: 0 }, { name: "name", offset: 1 }] }]);
    expect(conf.globals[6]!.values).toEqual([{ text: ".example.org", variables: [{ name: "name", offset: 0 }] }]);
  });

  it("reads every block in order, wildcard ones marked", () => {
    expect(conf.jails.map((j) => [j.name, j.wildcard, j.line])).toEqual([
      ["www", false, 15], ["db", false, 24], ["*", true, 33], ["web.*", true, 36],
    ]);
  });

  it("reads lists, += and the no form", () => {
    const www = conf.jails[0]!.params;
    expect(www.map((p) => [p.name, p.operator, p.values.map((v) => v.text), p.boolean])).toEqual([
      ["ip4.addr", "=", ["10.1.1.1", "em0|10.1.1.2/24"], undefined],
      ["ip4.addr", "+=", ["10.1.1.3"], undefined],
      ["allow.nomount", undefined, [], { name: "allow.mount", value: false }],
      ["persist", undefined, [], { name: "persist", value: true }],
    ]);
    expect(readJailParams(www)).toEqual([["ip4.addr", ["10.1.1.1", "em0|10.1.1.2/24", "10.1.1.3"]], ["allow.mount", false], ["persist", true]]);
  });

  it("keeps $ literal in single quotes, joins backslash-newline, reads the `name value` form", () => {
    const db = new Map(conf.jails[1]!.params.map((p) => [p.name, p]));
    expect(db.get("host.hostname")!.values).toEqual([plain("db.$not_a_variable")]);
    expect(db.get("exec.start")!.values).toEqual([{ text: "/usr/local/bin/start-db --name=", variables: [{ name: "name", offset: 31 }] }]);
    expect(db.get("securelevel")).toMatchObject({ operator: "=", values: [plain("3")], line: 27 });
    expect(db.get("exec.prestart")!.values).toEqual([plain("echo line oneline two")]);
    expect(() => readJailParams(conf.jails[1]!.params)).toThrow(/exec\.start: uses \$name; variables are not expanded/);
  });

  it("reports .include lines without following them", () => {
    expect(conf.includes).toEqual([
      { path: "/etc/jail.conf.d/*.conf", line: 38, block: undefined },
      { path: "jail.local.conf", line: 39, block: undefined },
    ]);
  });

  it("gives each block a span that removes exactly its lines", () => {
    const lines = fixture.split("\n");
    const without = (from: number, to: number) => [...lines.slice(0, from - 1), ...lines.slice(to)].join("\n");
    const cut = (i: number) => fixture.slice(0, conf.jails[i]!.start) + fixture.slice(conf.jails[i]!.end);
    expect(cut(0)).toBe(without(15, 20));
    expect(cut(1)).toBe(without(24, 31)); // the `# end of db` comment after `}` goes with it
    expect(cut(2)).toBe(without(33, 35));
    expect(cut(3)).toBe(without(36, 36));
    expect(parseJailConf(cut(1)).jails.map((j) => j.name)).toEqual(["www", "*", "web.*"]);
  });

  it("finds the comment lines right above a block", () => {
    const www = conf.jails[0]!;
    expect(fixture.slice(www.commentStart, www.start)).toBe("// The web server.\n");
    expect(conf.jails[1]!.commentStart).toBe(conf.jails[1]!.start);
  });

  it("does not take a quoted line that begins with # for a comment", () => {
    const text = "x = 'a\n# inside the string';\nwww { persist; }\n";
    const [www] = parseJailConf(text).jails;
    expect(www!.commentStart).toBe(www!.start);
  });

  it("spans only the block's own text when it shares a line", () => {
    const text = "a { persist; } b { persist; }\n";
    const [a, b] = parseJailConf(text).jails;
    expect(text.slice(a!.start, a!.end)).toBe("a { persist; }");
    expect(text.slice(b!.start, b!.end)).toBe("b { persist; }");
  });
});

describe("jail.conf tokens, as jaillex.l cuts them", () => {
  it.each<[string, ReturnType<typeof valueOf>]>([
    [`a"b"'c'`, [plain("abc")]],
    [`a+b`, [plain("a+b")]],
    [`/usr/local`, [plain("/usr/local")]],
    [`"a$"`, [plain("a$")]],
    [`"\\$x"`, [plain("$x")]],
    [`'$x'`, [plain("$x")]],
    [`'\\101\\x42\\n\\t\\\\\\''`, [plain("AB\n\t\\'")]],
    [`'\\303\\251'`, [plain("é")]],
    [`'\\q'`, [plain("q")]],
    [`'a\\0b''c'`, [plain("ac")]],
    [`"multi\nline"`, [plain("multi\nline")]],
    [`'one\\\ntwo'`, [plain("onetwo")]],
    [`$x`, [{ text: "", variables: [{ name: "x", offset: 0 }] }]],
    [`\${host.hostname}`, [{ text: "", variables: [{ name: "host.hostname", offset: 0 }] }]],
    [`"[$a.b]"`, [{ text: "[.b]", variables: [{ name: "a", offset: 1 }] }]],
    [`"$a$b c"`, [{ text: " c", variables: [{ name: "a", offset: 0 }, { name: "b", offset: 0 }] }]],
    [`"\${a\\"b}"`, [{ text: "", variables: [{ name: 'a"b', offset: 0 }] }]],
    [`a, 'b' , "c"`, [plain("a"), plain("b"), plain("c")]],
    [`a#comment\n`, [plain("a")]],
  ])("reads %s", (source, values) => {
    expect(valueOf(source)).toEqual(values);
  });

  it("marks pieces glued without space", () => {
    expect(tokenizeJailConf(`a'b' c`).map((t) => (t.kind === "punct" ? t.value : t.joined))).toEqual([false, true, false]);
  });

  it.each([
    ["x = 'abc;\n", /line 1: unterminated string/],
    ['x = 1;\ny = "abc;\n', /line 2: unterminated string/],
    ["x = 1;\n\n/* open", /line 3: unterminated comment/],
    ['x = "${a";', /unterminated variable/],
    ["x = ${a\nb};", /unterminated variable/],
    ["x = é;", /unexpected character "é"/],
    ["x = a\fb;", /unexpected character/],
    ["x = a b;", /expected ';'/],
    ["x = a", /unexpected end of file/],
    ["x = ;", /expected a value/],
    ["}", /unexpected '}'/],
    ["= x;", /unexpected '='/],
    ["foo.* { persist; }", /unexpected text after "foo\."/],
    ['"a$x" = 1;', /unexpected text after "a"/],
    ["j { persist; ", /unexpected end of file/],
    [".include \"$dir/x.conf\";", /variables not permitted in '\.include'/],
    ["x = '\\377';", /not valid UTF-8/],
  ])("refuses %j", (source, rule) => {
    expect(() => parseJailConf(source)).toThrow(rule);
  });

  it("reads a boolean written with a value, and its no form", () => {
    const params = parseJailConf("j { persist = 'FALSE'; allow.nomount = 1; exec.noclean; noexec.clean; x.noodle; }").jails[0]!.params;
    // The `no` belongs to the last component (config.c bool_param): `noexec.clean` is just an unknown name.
    expect(params.map((p: ConfParam) => p.boolean)).toEqual([
      { name: "persist", value: false }, { name: "allow.mount", value: false },
      { name: "exec.clean", value: false }, { name: "noexec.clean", value: true }, { name: "x.odle", value: false },
    ]);
  });

  it("reads a jailsys shortcut and merges = and +=", () => {
    const params = parseJailConf("j { vnet; ip4 = 2; host.hostname = a; host.hostname += b; exec.start = a; exec.start += b, c; }").jails[0]!.params;
    expect(readJailParams(params)).toEqual([["vnet", "new"], ["ip4", "inherit"], ["host.hostname", "b"], ["exec.start", ["a", "b", "c"]]]);
  });
});

describe("renderJailConf", () => {
  it("writes one block, the name bare and every value single-quoted", () => {
    const text = renderJailConf({
      name: "www",
      comment: "Managed by pulumi-freebsd.\nDo not edit.",
      params: [
        ["path", "/jails/www"], ["host.hostname", "www.example.org"], ["persist", true], ["allow.mount", false],
        ["vnet", "new"], ["securelevel", 2], ["exec.start", ["/bin/sh /etc/rc"]], ["vnet.interface", ["epair0b", "epair1b"]],
      ],
    });
    expect(text).toBe([
      "# Managed by pulumi-freebsd.",
      "# Do not edit.",
      "www {",
      "\tpath = '/jails/www';",
      "\thost.hostname = 'www.example.org';",
      "\tpersist;",
      "\tallow.nomount;",
      "\tvnet = 'new';",
      "\tsecurelevel = '2';",
      "\texec.start = '/bin/sh /etc/rc';",
      "\tvnet.interface = 'epair0b', 'epair1b';",
      "}",
      "",
    ].join("\n"));
  });

  it("writes a single exec command as a one-value list, which reads back as a list", () => {
    const text = renderJailConf({ name: "www", params: [["exec.start", "/bin/sh /etc/rc"]] });
    expect(text).toContain("\texec.start = '/bin/sh /etc/rc';\n");
    expect(readJailParams(parseJailConf(text).jails[0]!.params)).toEqual([["exec.start", ["/bin/sh /etc/rc"]]]);
  });

  it("escapes only what single quotes need, and control characters", () => {
    expect(quoteConfString(`it's a \\ $x "y"\n\t\r\u0001\u007f é`)).toBe(`'it\\'s a \\\\ $x "y"\\n\\t\\r\\001\\177 é'`);
    expect(() => quoteConfString("a\0b")).toThrow(/NUL/);
  });

  it.each([
    [{ name: "a.b", params: [] }, /^name: must not contain '\.'/],
    [{ name: "www", params: [["path", "relative"]] }, /^params: path: must be an absolute path/],
    [{ name: "www", params: [["exec.start;", ["x"]]] }, /lowercase words/],
    [{ name: "www", params: [], comment: "a\0b" }, /^comment: must not contain a NUL/],
  ] as const)("refuses %j", (jail, rule) => {
    expect(() => renderJailConf(jail as Parameters<typeof renderJailConf>[0])).toThrow(rule);
  });
});

// Values chosen to end a quoted value, inject a statement or a block, expand a variable, or start a comment.
const hostile = [
  "", "plain", "it's", `say "hi"`, "$name", "${name}", "${host.hostname}", "$", "a$", "${", "$(id)`id`",
  "\\", "\\\\", "ends with a backslash\\", "\\n is not a newline", "\\101", "\\x41", "\\'", "'\\''",
  "semi;colon", "}", "{", "a}\nevil {\n\tpersist;\n", "'; exec.start = 'rm -rf /'; x = '", `"; exec.start = "rm -rf /"; x = "`,
  "line\nbreak", "cr\rlf\r\n", "tab\there", "# not a comment", "/* not a comment */", "// not a comment", "*/",
  "\u0001\u0002\u001b[0m\u007f", "héllo wörld ✓ 😀", "\u0085\u2028\u00ff", "comma, separated", "+= and =", ".include 'x';",
  " leading and trailing spaces ",
];

describe("hostile values survive a round trip", () => {
  it.each(hostile)("%j", (value) => {
    const params: Array<[string, JailValue]> = [
      ["path", `/jails/${value}`],
      ["host.hostname", value],
      ["host.domainname", `${value}${value}`],
      ["exec.start", [`run ${value}`, `${value}x`]],
      ["exec.jail_user", value.slice(0, 16)],
      ["persist", true],
    ];
    const conf = parseJailConf(renderJailConf({ name: "web", params, comment: value }));
    expect(conf.jails).toHaveLength(1);
    expect(conf.globals).toEqual([]);
    expect(conf.includes).toEqual([]);
    const [jail] = conf.jails;
    expect(jail!.name).toBe("web");
    expect(jail!.params).toHaveLength(params.length);
    expect(jail!.params.every((p) => p.values.every((v) => v.variables.length === 0))).toBe(true);
    expect(readJailParams(jail!.params)).toEqual(params);
  });

  it("every parameter type at once", () => {
    const params: Array<[string, JailValue]> = [
      ["path", "/usr/local/jails/all"], ["host.hostname", hostile.slice(0, 24).join("|")], ["persist", true], ["allow.mount", false],
      ["allow.mount.zfs", true], ["vnet", "inherit"], ["sysvshm", "disable"], ["securelevel", -1], ["host.hostid", 3141592653],
      ["ip4.addr", ["10.0.0.5", "em0|10.0.0.6/24", "lo1|127.0.1.1/32 vhid 1"]], ["ip6.addr", ["2001:db8::5", "em0|2001:db8::6/64"]],
      ["exec.start", hostile.filter((h) => h !== "")], ["exec.stop", ["/bin/sh /etc/rc.shutdown jail"]],
      ["mount", ["/data /jails/all/data nullfs rw,noatime 0 0"]], ["mount.devfs", true], ["depend", ["db", "cache-1"]],
      ["stop.timeout", 30], ["exec.jail_user", "value with 'quotes'"],
    ];
    const conf = parseJailConf(renderJailConf({ name: "all", params }));
    expect(conf.jails).toHaveLength(1);
    expect(readJailParams(conf.jails[0]!.params)).toEqual(params);
  });
});

describe("values starting with U+FEFF", () => {
  // TextDecoder drops a leading byte order mark unless told not to: an exec.start beginning with one
  // was written whole and read back without it (found by the injection fuzzing).
  it("are read back whole", () => {
    expect(valueOf('"\ufeffecho hi"').map((v) => v.text)).toEqual(["\ufeffecho hi"]);
  });
});
