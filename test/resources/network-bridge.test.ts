import { describe, expect, it } from "vitest";
import { RefusedError, ValidationError } from "../../provider/src/core/errors.ts";
import { networkBridge } from "../../provider/src/resources/network-bridge/index.ts";
import { bridgeInputs, type BridgeInputs } from "../../provider/src/resources/network-bridge/schema.ts";
import type { Context } from "../../provider/src/resources/contract.ts";
import { planCreate, planDelete, planUpdate, read } from "./host-view.ts";
import { bridgeUrn, epairUrn, networkHost, shownAll } from "./network-plans.ts";

// freebsd:network:Bridge: Check rules, diff rules, and the command plans against the fixture host
// (lan0 holding em0 and the host end of the managed epair web, persisted as bridge0 renamed).

const ctx: Context = { urn: bridgeUrn, warn: () => undefined };
const inputs = (over: Partial<BridgeInputs> & { name: string }): BridgeInputs => bridgeInputs.parse(over);
const lan0 = () => inputs({ name: "lan0", members: ["em0"], addresses: ["10.77.0.1/24", "2001:db8:77::1/64"], description: "jail lan: web, db" });

describe("Check", () => {
  it("applies defaults", () => {
    expect(inputs({ name: "lan0" })).toEqual({ name: "lan0", members: [], addresses: [], up: true, persist: true });
  });
  it.each([
    [{ name: "averylongbridge0" }, "name", /has 16 characters; it can have at most 15 .*e\.g\. averylongbridge\b/],
    [{ name: "epair3" }, "name", /epair cloner/],
    [{ name: "lan0", members: ["lan0"] }, "members.0", /the bridge itself/],
    [{ name: "lan0", members: ["em0", "em0"] }, "members.1", /listed twice/],
    [{ name: "lan0", members: ["em0;reboot"] }, "members.0", /interface name/],
    [{ name: "lan0", addresses: ["10.0.0.1"] }, "addresses.0", /prefix length/],
    [{ name: "lan0", addresses: ["10.0.0.1/24", "10.0.0.1/16"] }, "addresses.1", /listed twice/],
    [{ name: "lan0", description: 'say "hi"' }, "description", /must not contain "\\"".*ifconfig_lan0_descr/],
    [{ name: "lan0", up: false, addresses: ["10.0.0.1/24"] }, "up", /brings the interface up/],
    [{ name: "lan0", mtu: 100 }, "mtu", /576/],
  ])("refuses %j at %s", (value, path, rule) => {
    const result = bridgeInputs.safeParse(value);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join(".") === path)!;
    expect(issue.message + JSON.stringify(issue)).toMatch(rule);
  });
  it("replaces only for a new name", () => {
    expect(networkBridge.rule!(["name"])).toBe("replace");
    expect(networkBridge.rule!(["members", "0"])).toBe("update");
    expect(networkBridge.deleteBeforeReplace).toBe(true);
    expect(networkBridge.derivedSecrets!(["addresses", 0])).toEqual([["rcConf"]]);
  });
});

describe("read", () => {
  it("reports the bridge as the kernel has it, Epairs' ends apart, rc.conf held against the inputs", () => {
    const found = read(networkBridge, networkHost(), "lan0", { inputs: lan0() })!;
    expect(found.inputs).toEqual({ ...lan0() });
    expect(found.state).toMatchObject({ epairMembers: ["weba"], ether: "58:9c:fc:10:ff:a1", mtu: 1500 });
    expect(found.state.rcConf).toEqual({
      cloned_interfaces: "bridge0", ifconfig_bridge0_name: "lan0", ifconfig_lan0: "addm em0 addm weba up",
      ifconfig_lan0_descr: "jail lan: web, db", ifconfig_lan0_ipv6: "inet6 2001:db8:77::1/64", ifconfig_lan0_aliases: "inet 10.77.0.1/24",
    });
  });
  it("keeps the user's spelling of addresses and order of members", () => {
    const known = inputs({ ...lan0(), addresses: ["2001:DB8:77:0::1/64", "10.77.0.1/24"] });
    expect(read(networkBridge, networkHost(), "lan0", { inputs: known })!.inputs.addresses).toEqual(["2001:DB8:77:0::1/64", "10.77.0.1/24"]);
  });
  it("shows a bridge destroyed by hand but still in rc.conf as down and empty, not gone", () => {
    const host = networkHost();
    host.interfaces!.delete("lan0");
    const found = read(networkBridge, host, "lan0", { inputs: lan0() })!;
    expect(found.inputs).toMatchObject({ members: [], addresses: [], up: false, persist: true });
  });
  it("reads persist false when rc.conf was edited by hand, and nothing for a name the host lacks", () => {
    const host = networkHost();
    host.netif!.delete("ifconfig_lan0_descr");
    expect(read(networkBridge, host, "lan0", { inputs: lan0() })!.inputs.persist).toBe(false);
    expect(read(networkBridge, networkHost(), "lan9", {})).toBeUndefined();
  });
});

describe("planCreate", () => {
  it("writes the marker, makes and configures the bridge, then rc.conf with a free unit", () => {
    const host = networkHost({ markers: new Map([["weba", epairUrn]]) });
    const plan = planCreate(networkBridge, inputs({ name: "lan1", members: ["webb"], addresses: ["10.5.0.1/24"], description: "second" }), host, ctx);
    expect(shownAll(plan)).toEqual([
      ["(locked)", "write-file", "/var/db/pulumi-freebsd/interfaces/lan1", "absent", `${bridgeUrn}\n`],
      ["create-bridge", "lan1"],
      ["ifconfig", "lan1", "addm", "webb"],
      ["ifconfig", "lan1", "description", "second"],
      ["ifconfig", "lan1", "inet", "10.5.0.1/24", "alias"],
      ["ifconfig", "lan1", "up"],
      ["(locked)", "sysrc-checked", "ifconfig_bridge1_name", "-", "=lan1", "ifconfig_lan1", "-", "=addm webb up",
        "ifconfig_lan1_descr", "-", "=second", "ifconfig_lan1_aliases", "-", "=inet 10.5.0.1/24"],
      ["(locked)", "sysrc", "cloned_interfaces+=bridge1"],
    ]);
  });
  it("takes again the unit a write cut short left its rename variable for, instead of a free one", () => {
    const host = networkHost({ markers: new Map([["weba", epairUrn], ["lan1", bridgeUrn]]) });
    host.netif!.set("ifconfig_bridge4_name", "lan1");
    const plan = shownAll(planCreate(networkBridge, inputs({ name: "lan1" }), host, ctx));
    expect(plan.at(-2)).toEqual(["(locked)", "sysrc-checked", "ifconfig_lan1", "-", "=up"]);
    expect(plan.at(-1)).toEqual(["(locked)", "sysrc", "cloned_interfaces+=bridge4"]);
  });
  it("uses a name of the kernel's form as it is", () => {
    const plan = shownAll(planCreate(networkBridge, inputs({ name: "bridge7", persist: true }), networkHost(), ctx));
    expect(plan[1]).toEqual(["ifconfig", "bridge7", "create"]);
    expect(plan.at(-1)).toEqual(["(locked)", "sysrc", "cloned_interfaces+=bridge7"]);
    expect(plan.at(-2)).toEqual(["(locked)", "sysrc-checked", "ifconfig_bridge7", "-", "=up"]);
  });
  it("refuses a name the host has, and members it cannot take", () => {
    expect(() => planCreate(networkBridge, inputs({ name: "weba" }), networkHost(), ctx)).toThrow(/already has an interface weba \(an epair end\) \(created by urn:.*Epair::web\)/);
    expect(() => planCreate(networkBridge, inputs({ name: "webb" }), networkHost({ markers: new Map() }), ctx)).toThrow(/not created by this resource.*pulumi import freebsd:network:Bridge <resource-name> webb/);
    expect(() => planCreate(networkBridge, inputs({ name: "lan1", members: ["em1"] }), networkHost(), ctx)).toThrow(ValidationError);
    expect(() => planCreate(networkBridge, inputs({ name: "lan1", members: ["lo0"] }), networkHost(), ctx)).toThrow(/if_bridge takes Ethernet/);
    expect(() => planCreate(networkBridge, inputs({ name: "lan1", members: ["em0"] }), networkHost(), ctx)).toThrow(/em0 is already a member of bridge lan0/);
  });
  it("adopts its own bridge after a create whose answer was lost", () => {
    expect(planCreate(networkBridge, lan0(), networkHost(), ctx)).toEqual([]);
  });
});

describe("planUpdate", () => {
  const host = networkHost();
  const current = read(networkBridge, host, "lan0", { inputs: lan0() })!;
  it("plans nothing when the host is as declared", () => {
    expect(planUpdate(networkBridge, current, lan0(), host, ctx)).toEqual([]);
  });
  it("restores a member and an address removed by hand, leaving the Epair's member alone", () => {
    const drifted = networkHost();
    const lan = drifted.interfaces!.get("lan0")!;
    lan.members = ["weba"];
    lan.addresses = lan.addresses.filter((a) => a.family === "inet6");
    expect(shownAll(planUpdate(networkBridge, current, lan0(), drifted, ctx))).toEqual([
      ["ifconfig", "lan0", "addm", "em0"],
      ["ifconfig", "lan0", "inet", "10.77.0.1/24", "alias"],
    ]);
  });
  it("takes out a member no longer declared and rewrites rc.conf, keeping the Epair's addm", () => {
    const news = inputs({ ...lan0(), members: [], mtu: 9000 });
    expect(shownAll(planUpdate(networkBridge, current, news, host, ctx))).toEqual([
      ["ifconfig", "lan0", "deletem", "em0"],
      ["ifconfig", "lan0", "mtu", "9000"],
      ["(locked)", "sysrc-checked", "ifconfig_lan0", "=addm em0 addm weba up", "=addm weba mtu 9000 up"],
    ]);
  });
  it("makes the bridge again when it was destroyed by hand", () => {
    const gone = networkHost();
    gone.interfaces!.delete("lan0");
    const record = read(networkBridge, gone, "lan0", { inputs: lan0() })!;
    // The Epair's end its rc.conf line holds joins again with it.
    expect(shownAll(planUpdate(networkBridge, record, lan0(), gone, ctx)).slice(0, 4)).toEqual([
      ["create-bridge", "lan0"], ["ifconfig", "lan0", "addm", "weba"], ["ifconfig", "lan0", "addm", "em0"],
      ["ifconfig", "lan0", "description", "jail lan: web, db"],
    ]);
  });
  it("takes the bridge out of rc.conf for persist false: the word first, the rename variable last", () => {
    expect(shownAll(planUpdate(networkBridge, current, inputs({ ...lan0(), persist: false }), host, ctx))).toEqual([
      ["(locked)", "sysrc", "cloned_interfaces-=bridge0"],
      ["(locked)", "sysrc-checked", "ifconfig_lan0", "=addm em0 addm weba up", "-",
        "ifconfig_lan0_descr", "=jail lan: web, db", "-", "ifconfig_lan0_ipv6", "=inet6 2001:db8:77::1/64", "-",
        "ifconfig_lan0_aliases", "=inet 10.77.0.1/24", "-", "ifconfig_bridge0_name", "=lan0", "-"],
    ]);
  });
  it("refuses to make a bridge under the name of another kind of interface", () => {
    const record = read(networkBridge, networkHost(), "lan0", { inputs: lan0() })!;
    const taken = networkHost();
    taken.interfaces!.set("lan0", { ...taken.interfaces!.get("webb")!, name: "lan0" });
    expect(() => planUpdate(networkBridge, record, lan0(), taken, ctx)).toThrow(RefusedError);
  });
});

describe("planDelete", () => {
  it("destroys the bridge, takes it out of rc.conf and removes its marker last", () => {
    const host = networkHost();
    const current = read(networkBridge, host, "lan0", { inputs: lan0() })!;
    const plan = shownAll(planDelete(networkBridge, current, host, ctx));
    expect(plan[0]).toEqual(["ifconfig", "lan0", "destroy"]);
    expect(plan[1]).toEqual(["(locked)", "sysrc", "cloned_interfaces-=bridge0"]);
    expect(plan[2]![1]).toBe("sysrc-checked");
    expect(plan[3]).toEqual(["rm", "-f", "/var/db/pulumi-freebsd/interfaces/lan0"]);
  });
  it("plans nothing for a bridge already gone", () => {
    const gone = { id: "lan9", state: {}, inputs: inputs({ name: "lan9" }) };
    expect(planDelete(networkBridge, gone as never, networkHost(), ctx)).toEqual([]);
  });
});
