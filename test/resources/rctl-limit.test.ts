import { describe, expect, it } from "vitest";
import { parseRuleLine, type RctlState } from "../../provider/src/freebsd/rctl-output.ts";
import { viewOf } from "../../provider/src/inventory/view.ts";
import { planCreateOn, planDeleteOn, planUpdateOn, readOn } from "../../provider/src/protocol/lifecycle.ts";
import type { Context } from "../../provider/src/resources/contract.ts";
import { rctlLimit } from "../../provider/src/resources/rctl-limit/index.ts";
import { rctlConf, rctlRules } from "../../provider/src/sections/rctl.ts";

// freebsd:rctl:Limit's plans as pure tables: the commands against a host given as data.

const urn = "urn:pulumi:test::proj::freebsd:rctl:Limit::mem";
const ctx: Context = { urn, warn: () => undefined };
const marked = (rule: string) => `# pulumi:urn "${urn}"\n${rule}\n`;

function host(rules: string[], conf?: string, racct: RctlState["racct"] = "enabled") {
  const state: RctlState = { racct, rules: rules.map(parseRuleLine), usage: new Map([["jail:web", new Map([["memoryuse", 1000n]])]]) };
  return viewOf("h", [[rctlRules, state], [rctlConf, conf]]);
}
const argv = (cmds: { argv: readonly string[]; stdin?: string }[]) =>
  cmds.map((c) => (c.argv[0] === "lockf" ? `write ${c.argv.at(-1)}` : c.argv.join(" ")));
const inputs = (over: Record<string, unknown> = {}) =>
  rctlLimit.inputs.parse({ subject: "jail:web", resource: "memoryuse", action: "deny", amount: "512m", ...over });

describe("create", () => {
  it("adds the rule to the kernel, then to rctl.conf under the marker (a new file must not exist yet)", () => {
    const { commands } = planCreateOn(rctlLimit, host([]), inputs(), ctx);
    expect(argv(commands)).toEqual(["rctl -a jail:web:memoryuse:deny=512m", "write /etc/rctl.conf"]);
    expect(commands[1]!.argv).toContain("absent");
    expect(commands[1]!.stdin).toBe(marked("jail:web:memoryuse:deny=512m"));
  });

  it("appends to an existing rctl.conf, checked against the text read", () => {
    const { commands } = planCreateOn(rctlLimit, host([], "# mine\n"), inputs(), ctx);
    expect(commands[1]!.stdin).toBe("# mine\n" + "# mine\n" + marked("jail:web:memoryuse:deny=512m"));
  });

  it("only the kernel with persist off", () => {
    expect(argv(planCreateOn(rctlLimit, host([]), inputs({ persist: false }), ctx).commands)).toEqual(["rctl -a jail:web:memoryuse:deny=512m"]);
  });

  it("refuses with FreeBSD's reason and the remedy while racct is off, planning nothing", () => {
    expect(() => planCreateOn(rctlLimit, host([], undefined, "disabled"), inputs(), ctx))
      .toThrow(/RACCT\/RCTL present, but disabled.*kern\.racct\.enable=1 to \/boot\/loader\.conf and reboot/);
  });

  it("adopts its own rule (a create cut short) and refuses a stranger's", () => {
    expect(planCreateOn(rctlLimit, host(["jail:web:memoryuse:deny=536870912"], marked("jail:web:memoryuse:deny=512m")), inputs(), ctx).commands).toEqual([]);
    expect(argv(planCreateOn(rctlLimit, host(["jail:web:memoryuse:deny=536870912"]), inputs(), ctx).commands)).toEqual(["write /etc/rctl.conf"]);
    expect(() => planCreateOn(rctlLimit, host(["jail:web:memoryuse:deny=1073741824"]), inputs(), ctx)).toThrow(/already enforces jail:web:memoryuse:deny=1073741824/);
    expect(() => planCreateOn(rctlLimit, host([], "jail:web:memoryuse:deny=1g\n"), inputs(), ctx)).toThrow(/already has the rule .*import/);
  });
});

describe("update", () => {
  const current = { id: "jail:web:memoryuse:deny", state: {}, inputs: inputs() };
  it("replaces a deny rule with rctl -a alone (the kernel swaps it), then rewrites the line", () => {
    const view = host(["jail:web:memoryuse:deny=536870912"], "x:y\n" + marked("jail:web:memoryuse:deny=512m"));
    const cmds = planUpdateOn(rctlLimit, view, current, inputs({ amount: "1g" }), ctx);
    expect(argv(cmds)).toEqual(["rctl -a jail:web:memoryuse:deny=1g", "write /etc/rctl.conf"]);
    expect(cmds[1]!.stdin).toMatch(/jail:web:memoryuse:deny=1g\n$/);
  });

  it("adds a throttle rule of the new amount before it removes the old one", () => {
    const io = inputs({ resource: "readbps", action: "throttle", amount: "10m", persist: false });
    const cmds = planUpdateOn(rctlLimit, host(["jail:web:readbps:throttle=10485760"]), { id: "jail:web:readbps:throttle", state: {}, inputs: io }, { ...io, amount: "20m" }, ctx);
    expect(argv(cmds)).toEqual(["rctl -a jail:web:readbps:throttle=20m", "rctl -r jail:web:readbps:throttle=10485760"]);
  });

  it("plans nothing when the kernel and the file hold the amount in another spelling", () => {
    const view = host(["jail:web:memoryuse:deny=536870912"], marked("jail:web:memoryuse:deny=536870912"));
    expect(planUpdateOn(rctlLimit, view, current, inputs({ amount: "512M" }), ctx)).toEqual([]);
  });

  it("adds the rule again when the kernel lost it, and takes the line out with persist off", () => {
    const view = host([], marked("jail:web:memoryuse:deny=512m"));
    expect(argv(planUpdateOn(rctlLimit, view, current, inputs({ persist: false }), ctx))).toEqual(["rctl -a jail:web:memoryuse:deny=512m", "write /etc/rctl.conf"]);
  });
});

describe("read and delete", () => {
  it("keeps the user's spelling while it means what the kernel holds, and reports usage", () => {
    const found = readOn(rctlLimit, host(["jail:web:memoryuse:deny=536870912"], marked("jail:web:memoryuse:deny=512m")), { id: "jail:web:memoryuse:deny", inputs: inputs() }, ctx)!;
    expect(found.inputs).toEqual(inputs());
    expect(found.state).toMatchObject({ rule: "jail:web:memoryuse:deny=536870912", usage: "1000", configFile: "/etc/rctl.conf" });
    const drift = readOn(rctlLimit, host(["jail:web:memoryuse:deny=268435456"], marked("jail:web:memoryuse:deny=512m")), { id: "jail:web:memoryuse:deny", inputs: inputs() }, ctx)!;
    expect(drift.inputs).toMatchObject({ amount: "256M", persist: false });
  });

  it("is gone when neither the kernel nor rctl.conf holds it; an import by text keeps its spelling", () => {
    expect(readOn(rctlLimit, host([]), { id: "jail:web:memoryuse:deny" }, ctx)).toBeUndefined();
    const imported = readOn(rctlLimit, host(["jail:web:memoryuse:deny=536870912"]), { id: "jail:web:memoryuse:deny=512M" }, ctx)!;
    expect(imported).toMatchObject({ id: "jail:web:memoryuse:deny", inputs: { amount: "512M", persist: false } });
  });

  it("removes the kernel rule and the marked line, leaving the rest", () => {
    const view = host(["jail:web:memoryuse:deny=536870912"], "a:b:c:d=1\n" + marked("jail:web:memoryuse:deny=512m"));
    const cmds = planDeleteOn(rctlLimit, view, { id: "jail:web:memoryuse:deny", state: {}, inputs: inputs() }, ctx);
    expect(argv(cmds)).toEqual(["rctl -r jail:web:memoryuse:deny=536870912", "write /etc/rctl.conf"]);
    expect(cmds[1]!.stdin).toBe("a:b:c:d=1\n" + marked("jail:web:memoryuse:deny=512m") + "a:b:c:d=1\n");
  });
});
