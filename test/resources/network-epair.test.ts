import { describe, expect, it } from "vitest";
import { parseIfconfig } from "../../provider/src/freebsd/ifconfig-output.ts";
import { derivedEpairMac } from "../../provider/src/freebsd/interface-names.ts";
import type { Context } from "../../provider/src/resources/contract.ts";
import { networkEpair } from "../../provider/src/resources/network-epair/index.ts";
import { epairInputs, type EpairInputs } from "../../provider/src/resources/network-epair/schema.ts";
import { hostView, planCreate, planDelete, planUpdate, read } from "./host-view.ts";
import { planCreateOn } from "../../provider/src/protocol/lifecycle.ts";
import { epairUrn, networkHost, shownAll } from "./network-plans.ts";

// freebsd:network:Epair: Check rules, and the command plans against the fixture host (the epair web,
// unit 3 renamed to weba/webb, its host end in bridge lan0, MACs given explicitly).

const ctx: Context = { urn: epairUrn, warn: () => undefined };
const inputs = (over: Partial<EpairInputs> & { name: string }): EpairInputs => epairInputs.parse(over);
const web = () => inputs({
  name: "web", bridge: "lan0", hostAddresses: ["10.79.0.1/24"], description: "web uplink", hostEther: "02:5c:e8:1f:07:0a", jailEther: "02:5c:e8:1f:07:0b",
});
/** The fixture host with the jail end inside VNET jail nj1 (running, and looked into). */
const inJail = () => {
  const host = networkHost();
  const webb = host.interfaces!.get("webb")!;
  host.interfaces!.delete("webb");
  host.vnets = [{ jid: 3, name: "nj1", interfaces: new Map([["webb", webb]]) }];
  return host;
};

describe("Check", () => {
  it("applies defaults", () => {
    expect(inputs({ name: "web" })).toEqual({ name: "web", hostAddresses: [], up: true, persist: true });
  });
  it.each([
    [{ name: "averylongepair1" }, "name", /has 15 characters; it can have at most 14 .*e\.g\. averylongepair: its ends averylongepair1a and averylongepair1b must fit in 15 characters/],
    [{ name: "bridge0" }, "name", /bridge cloner/],
    [{ name: "web", bridge: "webb" }, "bridge", /names the epair itself/],
    [{ name: "web", bridge: "lan 0" }, "bridge", /bridge's interface name/],
    [{ name: "web", hostEther: "03:00:00:00:00:01" }, "hostEther", /unicast/],
    [{ name: "web", hostEther: "02:00:00:00:00:01", jailEther: "02:00:00:00:00:01" }, "jailEther", /must differ/],
    [{ name: "web", hostAddresses: ["fe80::1/64"] }, "hostAddresses.0", /link-local/],
    [{ name: "web", description: "it's" }, "description", /must not contain "'".*ifconfig_weba_descr/],
  ])("refuses %j at %s", (value, path, rule) => {
    const result = epairInputs.safeParse(value);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join(".") === path)!;
    expect(issue.message).toMatch(rule);
  });
  it("replaces only for a new name, creating the new one first", () => {
    expect(networkEpair.rule!(["name"])).toBe("replace");
    expect(networkEpair.rule!(["bridge"])).toBe("update");
    expect(networkEpair.deleteBeforeReplace).toBeUndefined();
  });
  it("keeps secret the outputs that repeat a secret input", () => {
    expect(networkEpair.derivedSecrets!(["description"])).toEqual([["rcConf"]]);
    expect(networkEpair.derivedSecrets!(["jailEther"])).toEqual([["rcConf"], ["jailEtherAddress"]]);
  });
});

describe("read", () => {
  it("reports both ends, the bridge the host end is in, and where the jail end is", () => {
    const found = read(networkEpair, networkHost(), "web", { inputs: web() })!;
    expect(found.inputs).toEqual({ ...web(), up: true, persist: true });
    expect(found.state).toMatchObject({
      hostInterface: "weba", jailInterface: "webb", jailInterfaceLocation: "host",
      hostEtherAddress: "02:5c:e8:1f:07:0a", jailEtherAddress: "02:5c:e8:1f:07:0b",
    });
    expect(found.state.rcConf).toMatchObject({ cloned_interfaces: "epair3", ifconfig_epair3a_name: "weba", create_args_epair3: "ether 02:5c:e8:1f:07:0a" });
  });
  it("takes a jail end inside a VNET jail as expected, naming the jail", () => {
    const found = read(networkEpair, inJail(), "web", { inputs: web() })!;
    expect(found.inputs).toEqual({ ...web(), up: true, persist: true });
    expect(found.state).toMatchObject({ jailInterfaceLocation: "jail", jailInterfaceJail: "nj1", jailEtherAddress: "02:5c:e8:1f:07:0b" });
  });
  it("reads MACs as inputs only when they are not the derived ones, on import", () => {
    const host = networkHost({ markers: new Map(), netif: new Map() });
    host.interfaces = parseIfconfig(
      `weba: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\tether ${derivedEpairMac("web", "a")}\n\tgroups: epair\n` +
      "webb: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\tether 02:00:00:00:99:0b\n\tgroups: epair\n",
    );
    expect(read(networkEpair, host, "web", {})!.inputs).toEqual({ name: "web", hostAddresses: [], up: true, jailEther: "02:00:00:00:99:0b", persist: false });
  });
  it("shows an epair destroyed by hand but still in rc.conf as down, its jail end absent", () => {
    const host = networkHost();
    host.interfaces!.delete("weba");
    host.interfaces!.delete("webb");
    host.interfaces!.get("lan0")!.members = ["em0"];
    const found = read(networkEpair, host, "web", { inputs: web() })!;
    expect(found.inputs).toMatchObject({ up: false, hostAddresses: [], persist: true });
    expect(found.inputs.bridge).toBeUndefined();
    expect(found.state.jailInterfaceLocation).toBe("absent");
  });
});

describe("planCreate", () => {
  it("writes the marker, makes the pair, the jail end's MAC and up first, the host end's before it joins the bridge, then rc.conf", () => {
    const plan = planCreate(networkEpair, inputs({ name: "db", bridge: "lan0", hostAddresses: ["10.78.0.1/30"] }), networkHost(), ctx);
    const [a, b] = [derivedEpairMac("db", "a"), derivedEpairMac("db", "b")];
    expect(shownAll(plan)).toEqual([
      ["(locked)", "write-file", "/var/db/pulumi-freebsd/interfaces/dba", "absent", `${epairUrn}\n`],
      ["create-epair", "dba", "dbb"],
      ["ifconfig", "dbb", "ether", b],
      ["ifconfig", "dbb", "up"],
      ["ifconfig", "dba", "ether", a],
      ["ifconfig", "dba", "inet", "10.78.0.1/30", "alias"],
      ["ifconfig", "dba", "up"],
      ["ifconfig", "lan0", "addm", "dba"],
      ["(locked)", "sysrc-checked",
        "ifconfig_epair0a_name", "-", "=dba", "ifconfig_epair0b_name", "-", "=dbb", "create_args_epair0", "-", `=ether ${a}`,
        "ifconfig_dba", "-", "=up", "ifconfig_dba_aliases", "-", "=inet 10.78.0.1/30", "ifconfig_dbb", "-", `=ether ${b} up`],
      ["(locked)", "member-edit", "ifconfig_lan0", "add", "dba"],
      ["(locked)", "sysrc", "cloned_interfaces+=epair0"],
    ]);
  });
  it("gives epairs planned from one read (one batch) different units, and the same one to the same epair", () => {
    const view = hostView(networkHost());
    const wordOf = (name: string, urn = `urn:pulumi:test::proj::freebsd:network:Epair::${name}`) =>
      shownAll(planCreateOn(networkEpair, view, inputs({ name }), { urn, warn: () => undefined }).commands).at(-1);
    expect([wordOf("da"), wordOf("dc"), wordOf("dd"), wordOf("da")]).toEqual([
      ["(locked)", "sysrc", "cloned_interfaces+=epair0"], ["(locked)", "sysrc", "cloned_interfaces+=epair1"],
      ["(locked)", "sysrc", "cloned_interfaces+=epair2"], ["(locked)", "sysrc", "cloned_interfaces+=epair0"],
    ]);
  });
  it("sets the MTU of both ends before the host end joins, and keeps it in create_args", () => {
    const plan = shownAll(planCreate(networkEpair, inputs({ name: "db", bridge: "lan0", mtu: 9000 }), networkHost(), ctx));
    expect(plan.findIndex((c) => c.join(" ") === "ifconfig dba mtu 9000")).toBeLessThan(plan.findIndex((c) => c.join(" ") === "ifconfig lan0 addm dba"));
    expect(plan.find((c) => c[1] === "sysrc-checked")).toContain(`=ether ${derivedEpairMac("db", "a")} mtu 9000`);
  });
  it("refuses a bridge the host lacks, and names its ends hold", () => {
    expect(() => planCreate(networkEpair, inputs({ name: "db", bridge: "lan9" }), networkHost(), ctx)).toThrow(/bridge: h has no interface lan9/);
    expect(() => planCreate(networkEpair, inputs({ name: "db", bridge: "em0" }), networkHost(), ctx)).toThrow(/em0 on h is not a bridge/);
    const other = { ...ctx, urn: "urn:pulumi:other::proj::freebsd:network:Epair::web" };
    expect(() => planCreate(networkEpair, inputs({ name: "web" }), networkHost(), other)).toThrow(/already has an interface weba \(an epair end\) and an interface webb \(an epair end\) \(created by urn:pulumi:test::proj::freebsd:network:Epair::web\)/);
    expect(() => planCreate(networkEpair, inputs({ name: "web" }), inJail(), other)).toThrow(/an interface webb in the vnet of jail nj1/);
  });
});

describe("planUpdate", () => {
  const host = networkHost();
  const current = read(networkEpair, host, "web", { inputs: web() })!;
  it("plans nothing when the host is as declared", () => {
    expect(planUpdate(networkEpair, current, web(), host, ctx)).toEqual([]);
  });
  it("moves the host end to another bridge, live and in both bridges' lines", () => {
    const moved = networkHost();
    moved.interfaces!.set("lan1", { ...moved.interfaces!.get("lan0")!, name: "lan1", members: [] });
    const plan = shownAll(planUpdate(networkEpair, current, { ...web(), bridge: "lan1" }, moved, ctx));
    expect(plan.slice(0, 2)).toEqual([["ifconfig", "lan0", "deletem", "weba"], ["ifconfig", "lan1", "addm", "weba"]]);
    expect(plan.slice(2)).toEqual([
      ["(locked)", "member-edit", "ifconfig_lan0", "remove", "weba"], ["(locked)", "member-edit", "ifconfig_lan1", "add", "weba"],
    ]);
  });
  it("changes the MTU out of the bridge, then joins again", () => {
    expect(shownAll(planUpdate(networkEpair, current, { ...web(), mtu: 9000 }, host, ctx)).slice(0, 4)).toEqual([
      ["ifconfig", "lan0", "deletem", "weba"], ["ifconfig", "webb", "mtu", "9000"], ["ifconfig", "weba", "mtu", "9000"], ["ifconfig", "lan0", "addm", "weba"],
    ]);
  });
  it("refuses a change the jail end cannot take while it is in a jail, and applies the rest", () => {
    const host2 = inJail();
    const record = read(networkEpair, host2, "web", { inputs: web() })!;
    expect(() => planUpdate(networkEpair, record, { ...web(), jailEther: "02:00:00:00:00:0b" }, host2, ctx)).toThrow(/webb is in the vnet of jail nj1, where its jailEther cannot be changed from the host; stop the jail/);
    expect(shownAll(planUpdate(networkEpair, record, { ...web(), description: "new" }, host2, ctx))[0]).toEqual(["ifconfig", "weba", "description", "new"]);
  });
  it("makes the pair again when it was destroyed by hand", () => {
    const gone = networkHost();
    gone.interfaces!.delete("weba");
    gone.interfaces!.delete("webb");
    const record = read(networkEpair, gone, "web", { inputs: web() })!;
    expect(shownAll(planUpdate(networkEpair, record, web(), gone, ctx)).slice(0, 3)).toEqual([
      ["create-epair", "weba", "webb"], ["ifconfig", "webb", "ether", "02:5c:e8:1f:07:0b"], ["ifconfig", "webb", "up"],
    ]);
  });
  it("finishes a create cut short before the host end got its MAC: the jail end is brought up too", () => {
    // The pair made, then the create stopped: the host end has the kernel's MAC, the jail end is down.
    const cut = networkHost();
    cut.interfaces!.set("weba", { ...cut.interfaces!.get("weba")!, ether: "02:11:11:11:11:0a" });
    const record = read(networkEpair, cut, "web", { inputs: web() })!;
    expect(shownAll(planUpdate(networkEpair, record, web(), cut, ctx)).slice(0, 2)).toEqual([
      ["ifconfig", "webb", "up"], ["ifconfig", "weba", "ether", "02:5c:e8:1f:07:0a"],
    ]);
    // Otherwise a jail end on the host keeps its state: a VNET jail that stopped gave it back down.
    expect(shownAll(planUpdate(networkEpair, read(networkEpair, host, "web", { inputs: web() })!, { ...web(), description: "x" }, host, ctx))).not.toContainEqual(["ifconfig", "webb", "up"]);
  });
});

describe("planDelete", () => {
  it("destroys the pair, takes it out of rc.conf and the bridge's line, and removes its marker last", () => {
    const host = networkHost();
    const current = read(networkEpair, host, "web", { inputs: web() })!;
    const plan = shownAll(planDelete(networkEpair, current, host, ctx));
    expect(plan[0]).toEqual(["ifconfig", "weba", "destroy"]);
    expect(plan[1]).toEqual(["(locked)", "sysrc", "cloned_interfaces-=epair3"]);
    expect(plan[2]?.[1]).toBe("sysrc-checked");
    expect(plan[2]).not.toContain("ifconfig_lan0");
    // The bridge's line is edited word by word: other epairs may be editing it at the same time.
    expect(plan[3]).toEqual(["(locked)", "member-edit", "ifconfig_lan0", "remove", "weba"]);
    expect(plan[4]).toEqual(["rm", "-f", "/var/db/pulumi-freebsd/interfaces/weba"]);
  });
  it("refuses while the jail end is in a running jail, naming the jail", () => {
    const host = inJail();
    const current = read(networkEpair, host, "web", { inputs: web() })!;
    expect(() => planDelete(networkEpair, current, host, ctx)).toThrow(/refusing to delete epair web on h: its jail end webb is in the vnet of running jail nj1/);
  });
  it("refuses while the jail end may be in a jail that could not be looked into", () => {
    const host = inJail();
    host.vnets = [{ jid: 5, name: "bare", error: "no ifconfig" }];
    const current = read(networkEpair, host, "web", { inputs: web() })!;
    expect(current.state.jailInterfaceLocation).toBe("unknown");
    expect(() => planDelete(networkEpair, current, host, ctx)).toThrow(/bare could not be looked into/);
  });
});
