import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  checkRctlAction, checkRctlAmount, checkRctlSubject, humanRctlAmount, parseRctlRule, rctlAmountValue, rctlRuleKey, rctlRuleText,
} from "../../provider/src/freebsd/rctl.ts";
import { parseRctlState, parseRuleLine, rctlStateScript } from "../../provider/src/freebsd/rctl-output.ts";
import { confEntriesFor, parseRctlConf, withConfRule, withConfRuleReplaced, withoutConfRule } from "../../provider/src/freebsd/rctl-conf.ts";

// Fixtures follow rctl(8) and kern_rctl.c of FreeBSD 14.3 and rc.d/rctl's reading of rctl.conf; their headers say so.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/rctl/${name}`, import.meta.url), "utf8");
const body = (name: string) => fixture(name).replace(/^(#.*\n)+/, "");

describe("rctl state", () => {
  it("reads racct, every rule and each subject's usage; a failed subject has none", () => {
    const st = parseRctlState("TOKEN", body("state-enabled.txt"));
    expect(st.racct).toBe("enabled");
    expect(st.rules.map(rctlRuleText)).toEqual([
      "loginclass:daemon:nthr:sigterm=200", "user:root:openfiles:log=1000", "jail:db:readbps:throttle=10485760",
      "jail:web:pcpu:deny=50", "jail:web:vmemoryuse:deny=1073741824/process", "jail:web:maxproc:deny=100",
      "jail:web:memoryuse:deny=536870912",
    ]);
    expect(st.rules[4]).toMatchObject({ resource: "vmemoryuse", per: "process", amount: "1073741824" });
    expect(st.usage.get("jail:web")?.get("memoryuse")).toBe(53866496n);
    expect([...st.usage.get("jail:web")!.keys()]).toHaveLength(25);
    expect(st.usage.has("process:99999")).toBe(false);
  });

  it("reads racct off and stops there", () => {
    expect(parseRctlState("TOKEN", body("state-disabled.txt"))).toEqual({ racct: "disabled", rules: [], usage: new Map() });
  });

  it("throws on output of another shape", () => {
    expect(() => parseRctlState("TOKEN", "rctl: something\n")).toThrow(/racct line/);
    expect(() => parseRctlState("TOKEN", "@@TOKEN racct 1\n@@TOKEN rules\njail:web:memoryuse:deny=512m\n")).toThrow(/unexpected rule/);
    expect(() => parseRuleLine("jail:web:bogus:deny=1")).toThrow(/unexpected rule/);
  });

  it("passes the subjects as arguments, never as script text", () => {
    const cmd = rctlStateScript("TOKEN", ["jail:web", "user:x'y"]);
    expect(cmd.argv.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(cmd.argv.slice(3)).toEqual(["sh", "jail:web", "user:x'y"]);
    expect(cmd.argv[2]).not.toContain("jail:web");
  });
});

describe("rules and amounts", () => {
  it("expands amounts as expand_number(3) does and spells them back exactly", () => {
    expect(rctlAmountValue("512m")).toBe(536870912n);
    expect(rctlAmountValue("1G")).toBe(1073741824n);
    expect(rctlAmountValue("0x10k")).toBe(16384n);
    expect(rctlAmountValue("12Q")).toBeUndefined();
    expect(rctlAmountValue("9223372036855", "cputime")).toBeUndefined();
    expect(humanRctlAmount("memoryuse", 536870912n)).toBe("512M");
    expect(humanRctlAmount("memoryuse", 1000n)).toBe("1000");
    expect(humanRctlAmount("maxproc", 1024n)).toBe("1024");
  });

  it("keys a rule without its amount, per only where it differs", () => {
    const r = parseRctlRule("jail:web:vmemoryuse:deny=1g/process")!;
    expect(rctlRuleKey(r)).toBe("jail:web:vmemoryuse:deny/process");
    expect(rctlRuleKey(parseRctlRule("jail:web:maxproc:deny=10/jail")!)).toBe("jail:web:maxproc:deny");
    expect(parseRctlRule("jail:web:maxproc:deny")).toMatchObject({ resource: "maxproc", action: "deny" });
    expect(parseRctlRule("j:web:maxproc:deny=1")).toBeUndefined();
  });

  it("checks subjects, actions per resource and amounts per unit", () => {
    expect(checkRctlSubject("jail:web")).toBeUndefined();
    expect(checkRctlSubject("user:www")).toBeUndefined();
    expect(checkRctlSubject("process:123")).toBeUndefined();
    expect(checkRctlSubject("jail:a.b")).toMatch(/must not contain '\.'/);
    expect(checkRctlSubject("jail:")).toMatch(/needs the jail's name/);
    expect(checkRctlSubject("process:x")).toMatch(/positive number/);
    expect(checkRctlAction("memoryuse", "deny")).toBeUndefined();
    expect(checkRctlAction("pcpu", "deny")).toBeUndefined();
    expect(checkRctlAction("wallclock", "deny")).toMatch(/cannot be denied/);
    expect(checkRctlAction("readbps", "throttle")).toBeUndefined();
    expect(checkRctlAction("pcpu", "throttle")).toMatch(/throttle applies only/);
    expect(checkRctlAction("nshm", "deny", "process")).toMatch(/per process/);
    expect(checkRctlAmount("memoryuse", "512m")).toBeUndefined();
    expect(checkRctlAmount("pcpu", "50")).toBeUndefined();
    expect(checkRctlAmount("pcpu", "50k")).toMatch(/percent of one CPU/);
    expect(checkRctlAmount("readiops", "1m")).toMatch(/operations per second/);
  });
});

describe("rctl.conf", () => {
  const text = fixture("rctl.conf");
  const entries = parseRctlConf(text);

  it("reads the first word of each line as rc.d/rctl does, with the marker above", () => {
    expect(entries.map((e) => e.text)).toEqual([
      "jail:www:memoryuse:deny=512m", "jail:db:maxproc:deny=100", "jail:web:memoryuse:deny=1g", "user:root:openfiles:log=1000",
    ]);
    expect(entries[2]!.urn).toBe("urn:pulumi:prod::site::freebsd:rctl:Limit::mem");
    expect(entries[0]!.urn).toBeUndefined();
    expect(confEntriesFor(entries, "jail:web:memoryuse:deny")).toEqual([entries[2]]);
  });

  it("edits only the resource's lines, the rest byte for byte", () => {
    const mem = entries[2]!;
    expect(withConfRuleReplaced(text, mem, "jail:web:memoryuse:deny=2g")).toBe(text.replace("deny=1g", "deny=2g"));
    expect(withoutConfRule(text, mem)).toBe(text.replace('# pulumi:urn "urn:pulumi:prod::site::freebsd:rctl:Limit::mem"\njail:web:memoryuse:deny=1g\n', ""));
    expect(withConfRule("a:b", "jail:x:nthr:deny=1", "U")).toBe('a:b\n# pulumi:urn "U"\njail:x:nthr:deny=1\n');
    expect(withConfRule('# pulumi:urn "U"\n', "jail:x:nthr:deny=1", "U")).toBe('# pulumi:urn "U"\njail:x:nthr:deny=1\n');
  });
});
