import { describe, expect, it } from "vitest";
import { parseShellVars } from "./rc-conf.ts";

// rc.conf is a shell file: the reader keeps assignments at a command position and skips commands,
// including lists joined with && and || (a reader that did not step over them looped forever).
describe("parseShellVars", () => {
  it("reads assignments around && and || lists and pipes", () => {
    const vars = new Map<string, string>();
    parseShellVars('a="1"\n[ -r /x ] && . /x\nb=2 || c=3\necho x | cat\nd="four words"\n', vars);
    expect(Object.fromEntries(vars)).toEqual({ a: "1", b: "2", c: "3", d: "four words" });
  });
});
