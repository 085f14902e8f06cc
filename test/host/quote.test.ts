import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { quoteArg, quoteArgv } from "../../provider/src/host/quote.ts";

// Quoting is proven by a real POSIX shell (dash, FreeBSD's sh is POSIX): every hostile argument
// must arrive as exactly one argv element, byte for byte.
const hostile = ["plain", "with space", "it's", "$(touch /tmp/pwned)", "`id`", "a;b", "a\nb", "'\"'", "\\", "*", "-n", "", "${HOME}", "a'b'c"];

describe("quoteArgv", () => {
  it("delivers every hostile argument intact through dash", () => {
    const line = quoteArgv(["printf", "%s\\0", ...hostile]);
    const out = execFileSync("/usr/bin/dash", ["-c", line]).toString("utf8");
    expect(out.split("\0").slice(0, -1)).toEqual(hostile);
  });
  it("quotes every word, even safe ones", () => {
    expect(quoteArg("zfs")).toBe("'zfs'");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
  });
  it("refuses NUL bytes and empty commands", () => {
    expect(() => quoteArg("a\0b")).toThrow(/NUL/);
    expect(() => quoteArgv([])).toThrow(/empty/);
  });
});
