import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readAllRcVars } from "./rc-conf.ts";

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** The variables of an rc.conf with the given text, read as rc reads it (a root with no defaults file). */
function readRcConfText(text: string): Record<string, string> {
  const root = mkdtempSync(join(tmpdir(), "rc-conf-"));
  roots.push(root);
  mkdirSync(join(root, "etc"));
  writeFileSync(join(root, "etc/rc.conf"), text);
  return Object.fromEntries(readAllRcVars({ root }));
}

// rc.conf is a shell file: the reader keeps assignments at a command position and skips commands,
// including lists joined with && and || (a reader that did not step over them looped forever).
// The reader is sh itself now, so `b=2 || c=3` is what sh makes of it: b=2 succeeds and c=3 never
// runs (the JavaScript parser this test was written for also assigned c).
describe("readAllRcVars", () => {
  it("reads assignments around && and || lists and pipes", () => {
    expect(readRcConfText('a="1"\n[ -r /x ] && . /x\nb=2 || c=3\necho x | cat\nd="four words"\n'))
      .toEqual({ a: "1", b: "2", d: "four words" });
  });
});
