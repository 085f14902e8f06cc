import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "freebsd-sim";
import { sysrcMemberEdit, withMemberWord, withoutMemberWord } from "../../provider/src/freebsd/netif-conf.ts";
import { quoteCommand } from "../../provider/src/host/quote.ts";

// The word-by-word edit of a bridge's ifconfig_IF line, run by the simulated host's dash and sysrc:
// the line it leaves is the one withMemberWord / withoutMemberWord compute, and N edits at once all land.

let sim: SimHost;
beforeAll(async () => {
  sim = await startSimHost();
});
afterAll(async () => sim?.stop());

async function lineAfter(before: string | undefined, op: "add" | "remove", member: string): Promise<string | undefined> {
  const set = before === undefined ? "sysrc -x ifconfig_mb0 2>/dev/null; true" : `sysrc ifconfig_mb0=${quoteCommand({ argv: [before] })} >/dev/null`;
  expect((await sim.exec(set)).code).toBe(0);
  const r = await sim.exec(quoteCommand(sysrcMemberEdit("ifconfig_mb0", op, member)));
  expect(r, r.stderr).toMatchObject({ code: 0 });
  const got = await sim.exec("sysrc -n ifconfig_mb0");
  return got.code === 0 ? got.stdout.replace(/\n$/, "") : undefined;
}

describe("sysrcMemberEdit", () => {
  it.each([
    [undefined, "add", "weba"],
    ["up", "add", "weba"],
    ["addm em0 up", "add", "weba"],
    ["addm em0 addm dba mtu 9000 up", "add", "weba"],
    ["addm em0 addm weba up", "add", "weba"],
    ["addm em0 addm weba up", "remove", "weba"],
    ["addm weba", "remove", "weba"],
    ["addm em0 addm weba addm dba mtu 9000 up", "remove", "weba"],
    ["addm em0 up", "remove", "weba"],
    [undefined, "remove", "weba"],
    ["addm  em0\taddm dba   up", "add", "weba"],
  ] as const)("%j %s %s: as the plans compute it", async (before, op, member) => {
    const want = op === "add" ? withMemberWord(before, member) : withoutMemberWord(before, member);
    const unchanged = op === "add" ? before?.split(/\s+/).includes(member) : !before?.split(/\s+/).includes(member);
    expect(await lineAfter(before, op, member)).toBe(unchanged ? before : want);
  });

  it("lets 20 writers of one line land at once, each its own word", async () => {
    await sim.exec("sysrc ifconfig_mb1='addm em0 up' >/dev/null");
    const members = Array.from({ length: 20 }, (_, i) => `m${i}a`);
    const results = await Promise.all(members.map((m) => sim.exec(quoteCommand(sysrcMemberEdit("ifconfig_mb1", "add", m)))));
    expect(results.map((r) => r.code)).toEqual(members.map(() => 0));
    const line = (await sim.exec("sysrc -n ifconfig_mb1")).stdout.trim().split(" ");
    expect(line.slice(0, 2)).toEqual(["addm", "em0"]);
    expect(line.at(-1)).toBe("up");
    expect(line.filter((w, i) => line[i - 1] === "addm").sort()).toEqual(["em0", ...members].sort());
  });

  it("refuses a variable that is no interface line, and a member that is not one word", () => {
    expect(() => sysrcMemberEdit("jail_list", "add", "x")).toThrow(/ifconfig_IF/);
    expect(() => sysrcMemberEdit("ifconfig_lan0", "add", "a b")).toThrow(/one word/);
  });
});
