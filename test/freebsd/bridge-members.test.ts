import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "freebsd-sim";
import { sysrcMemberEdit, withMemberWord, withoutMemberWord } from "../../provider/src/freebsd/netif-conf.ts";
import { sysrcApplyChecked } from "../../provider/src/freebsd/sysrc.ts";
import { quoteCommand } from "../../provider/src/host/quote.ts";

// The word-by-word edit of a bridge's ifconfig_IF line, run by the simulated host's dash and sysrc:
// the line it leaves is the one withMemberWord / withoutMemberWord compute, and N edits at once all
// land; and the checked write of several variables (one sysrc -e, one sysrc -x, one sysrc).

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

describe("sysrcApplyChecked", () => {
  const values = async (names: string[]) => (await sim.exec(`for v in ${names.join(" ")}; do sysrc -e $v 2>/dev/null || echo "$v unset"; done`)).stdout;
  it("sets and deletes every variable when each still holds what the plan read, in three runs of sysrc", async () => {
    await sim.exec("sysrc ifconfig_ck0='up' ifconfig_ck0_descr='old one' >/dev/null; sysrc -x ifconfig_ck0_aliases 2>/dev/null; true");
    const toolsBefore = (await sim.toolLog()).length;
    const r = await sim.exec(quoteCommand(sysrcApplyChecked([
      { name: "ifconfig_ck0", expect: "up", value: "addm em0 mtu 9000 up" },
      { name: "ifconfig_ck0_descr", expect: "old one", value: undefined },
      { name: "ifconfig_ck0_aliases", expect: undefined, value: "inet 10.0.0.1/24 inet 10.0.0.2/24" },
    ])));
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: "" });
    expect((await sim.toolLog()).slice(toolsBefore).filter((a) => a[0] === "sysrc").map((a) => a.slice(0, 2).join(" "))).toEqual([
      "sysrc -e", "sysrc -x", "sysrc ifconfig_ck0=addm em0 mtu 9000 up",
    ]);
    expect(await values(["ifconfig_ck0", "ifconfig_ck0_descr", "ifconfig_ck0_aliases"])).toBe(
      'ifconfig_ck0="addm em0 mtu 9000 up"\nifconfig_ck0_descr unset\nifconfig_ck0_aliases="inet 10.0.0.1/24 inet 10.0.0.2/24"\n',
    );
  });
  it.each([
    ["a value changed since the read", "up", "ifconfig_ck1"],
    ["a variable set since the read", undefined, "ifconfig_ck1"],
  ])("writes nothing and exits 75 when %s", async (_what, expect1, _name) => {
    await sim.exec("sysrc ifconfig_ck1='changed by hand' ifconfig_ck1_descr=keep >/dev/null");
    const r = await sim.exec(quoteCommand(sysrcApplyChecked([
      { name: "ifconfig_ck1_descr", expect: "keep", value: "new" },
      { name: "ifconfig_ck1", expect: expect1, value: "up" },
    ])));
    expect(r.code).toBe(75);
    expect(r.stderr).toMatch(/pulumi-freebsd: conflict: rc\.conf variables ifconfig_ck1_descr ifconfig_ck1 changed since they were read/);
    expect(await values(["ifconfig_ck1", "ifconfig_ck1_descr"])).toBe('ifconfig_ck1="changed by hand"\nifconfig_ck1_descr="keep"\n');
  });
});
