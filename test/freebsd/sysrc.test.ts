import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  parseSysrcAll, parseSysrcAssignments, parseSysrcValue, splitSysrcList, sysrcAppend, sysrcDelete, sysrcGet, sysrcRemove, sysrcSet, sysrcShow,
} from "../../provider/src/freebsd/sysrc.ts";

// Fixtures follow usr.sbin/sysrc/sysrc (freebsd-cli.md section 4); their headers say so.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/jail/${name}`, import.meta.url), "utf8").replace(/^(#.*\n)+/, "");

describe("sysrc builders", () => {
  it.each([
    [sysrcSet("jail_enable", "YES"), ["sysrc", "jail_enable=YES"]],
    [sysrcSet("jail_list", ""), ["sysrc", "jail_list="]],
    [sysrcSet("jail_flags", "-v -p1 a=b"), ["sysrc", "jail_flags=-v -p1 a=b"]],
    [sysrcAppend("jail_list", "www"), ["sysrc", "jail_list+=www"]],
    [sysrcRemove("jail_list", "db-1"), ["sysrc", "jail_list-=db-1"]],
    [sysrcDelete("jail_www_conf"), ["sysrc", "-x", "jail_www_conf"]],
    [sysrcGet("jail_list"), ["sysrc", "-n", "jail_list"]],
    [sysrcShow(["jail_enable", "jail_list"]), ["sysrc", "-e", "jail_enable", "jail_list"]],
  ])("builds %j", (cmd, argv) => {
    expect(cmd.argv).toEqual(argv);
  });

  it.each([
    [() => sysrcSet("jail-list", "x"), /name: must be a shell variable name/],
    [() => sysrcSet("1x", "x"), /shell variable name/],
    [() => sysrcSet("x", 'a" ; reboot ; "'), /must not contain "\\""/],
    [() => sysrcSet("x", "$(reboot)"), /must not contain "\$"/],
    [() => sysrcSet("x", "`reboot`"), /must not contain "`"/],
    [() => sysrcSet("x", "a\\"), /must not contain "\\\\"/],
    [() => sysrcSet("x", "it's"), /must not contain "'"/],
    [() => sysrcSet("x", "a\nb=c"), /must not contain "\\n"/],
    [() => sysrcAppend("jail_list", ",www"), /list separator/],
    [() => sysrcAppend("jail_list", "www db"), /one word/],
    [() => sysrcRemove("jail_list", ""), /begin with a letter or digit/],
    [() => sysrcShow([]), /at least one/],
  ])("refuses %#", (build, rule) => {
    expect(build).toThrow(rule);
  });
});

describe("sysrc output", () => {
  it("reads `-n` output", () => {
    expect(parseSysrcValue("www db\n")).toBe("www db");
    expect(parseSysrcValue("\n")).toBe("");
    expect(() => parseSysrcValue("no newline")).toThrow(/unexpected sysrc output/);
  });

  it("reads `-e` lines", () => {
    expect([...parseSysrcAssignments(fixture("sysrc-e.txt"))]).toEqual([
      ["jail_enable", "YES"], ["jail_list", "www db tools"], ["jail_parallel_start", "NO"],
    ]);
  });

  it("reads `-a` lines, an empty value included", () => {
    const values = parseSysrcAssignments(fixture("sysrc-a.txt"));
    expect(values.get("jail_list")).toBe("www db");
    expect(values.get("hostname")).toBe("host1.example.org");
    expect(values.get("zpool_reguid")).toBe("");
    expect(values.size).toBe(8);
  });

  it("refuses the unknown-variable message sysrc prints on stdout, and other lines", () => {
    expect(() => parseSysrcAssignments("sysrc: unknown variable 'jail_lsit'\n")).toThrow(/unexpected sysrc line/);
    expect(() => parseSysrcAssignments("not an assignment\n")).toThrow(/unexpected sysrc line/);
  });

  it("splits list variables into words", () => {
    expect(splitSysrcList(" www  db\ttools ")).toEqual(["www", "db", "tools"]);
    expect(splitSysrcList("")).toEqual([]);
  });
});

describe("sysrc output holding Unicode line separators", () => {
  // U+2028 and U+2029 end no line for sh or sysrc, but `.` in a JavaScript regular expression does not
  // match them: a description holding one made its line a continuation of the one before (injection fuzzing).
  it("keeps a value with U+2028/U+2029 on its own variable", () => {
    const text = 'ifconfig_fz0a="up"\nifconfig_fz0a_descr="a\u2028b\u2029c"\nifconfig_fz0b="ether 02:00:00:00:00:0b up"\n';
    expect([...parseSysrcAll(text)]).toEqual([
      ["ifconfig_fz0a", "up"], ["ifconfig_fz0a_descr", "a\u2028b\u2029c"], ["ifconfig_fz0b", "ether 02:00:00:00:00:0b up"],
    ]);
    expect([...parseSysrcAssignments('ifconfig_fz0a_descr="x\u2028"\nifconfig_fz0a: up\n')]).toEqual([["ifconfig_fz0a_descr", "x\u2028"], ["ifconfig_fz0a", "up"]]);
  });
});
