import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  checkInterfaceAddress, checkInterfaceName, checkMac, clonerUnit, derivedEpairMac, lengthRule, normalMac, parseInterfaceAddress,
} from "../../provider/src/freebsd/interface-names.ts";
import {
  bootNames, clonedWords, freeUnit, isNetifVar, memberWords, namesAfterBoot, persistedBridge, persistedEpair, renderSettings,
  strandedVars, withMemberWord, withoutMemberWord,
} from "../../provider/src/freebsd/netif-conf.ts";
import { parseSysrcAll, sysrcApplyChecked, sysrcShowAll } from "../../provider/src/freebsd/sysrc.ts";
import { parseVnetIfconfig, vnetIfconfigAll } from "../../provider/src/freebsd/vnet-interfaces.ts";

// rc.conf's network variables as rc.d/netif reads them, names and addresses as FreeBSD takes them,
// the checked sysrc write, and the listing of VNET jails' interfaces.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/net/${name}`, import.meta.url), "utf8").replace(/^(#.*\n)+/, "");

describe("sysrc -a -e", () => {
  const vars = parseSysrcAll(fixture("sysrc-a-e.txt"));

  it("reads every variable, a value spanning lines included", () => {
    expect(sysrcShowAll().argv).toEqual(["sysrc", "-a", "-e"]);
    expect(vars.get("ifconfig_lan0")).toBe("addm em0 addm weba up");
    expect(vars.get("motd")).toBe("first line\nsecond line");
    expect(vars.get("sshd_enable")).toBe("YES");
    expect([...vars.keys()].filter(isNetifVar)).toHaveLength(14);
  });

  it("finds what cloned_interfaces makes at boot, by the names after ifnet_rename", () => {
    expect(clonedWords(vars)).toEqual(["bridge0", "epair3"]);
    expect(namesAfterBoot(vars, "epair3")).toEqual(["weba", "webb"]);
    expect(persistedBridge(vars, "lan0")).toBe("bridge0");
    expect(persistedBridge(vars, "bridge0")).toBeUndefined();
    expect(persistedEpair(vars, "weba")).toBe("epair3");
    expect([...bootNames(vars)]).toEqual([["lan0", "bridge0"], ["weba", "epair3"], ["webb", "epair3"]]);
  });

  it("picks a free unit: not a word, no name variable left behind, not a name another interface takes", () => {
    expect(freeUnit(vars, "bridge")).toBe(1);
    expect(freeUnit(vars, "epair")).toBe(0);
    const taken = new Map([["cloned_interfaces", "bridge0:sticky bridge2"], ["ifconfig_bridge2_name", "bridge1"], ["ifconfig_bridge3_name", "x"]]);
    expect(freeUnit(taken, "bridge")).toBe(4);
  });

  it.each([
    ["junk\n", /unexpected sysrc line/],
    ['a="open\n', /unexpected sysrc value of a/],
  ])("refuses %j", (text, error) => {
    expect(() => parseSysrcAll(text)).toThrow(error);
  });
});

describe("a bridge's member words", () => {
  it("adds after the last addm, removes a pair, and keeps the rest", () => {
    expect(memberWords("addm em0 addm weba mtu 9000 up")).toEqual(["em0", "weba"]);
    expect(withMemberWord("addm em0 mtu 9000 up", "dba")).toBe("addm em0 addm dba mtu 9000 up");
    expect(withMemberWord("up", "dba")).toBe("addm dba up");
    expect(withMemberWord(undefined, "dba")).toBe("addm dba");
    expect(withMemberWord("addm dba up", "dba")).toBe("addm dba up");
    expect(withoutMemberWord("addm em0 addm dba up", "dba")).toBe("addm em0 up");
    expect(withoutMemberWord("addm dba", "dba")).toBeUndefined();
  });
});

describe("renderSettings", () => {
  it("puts the first IPv6 address in _ipv6 (ipv6if needs it) and every other in _aliases", () => {
    const a = (t: string) => parseInterfaceAddress(t)!;
    expect(Object.fromEntries(renderSettings("lan0", {
      line: ["addm", "em0", "up"], description: "jail lan", addresses: [a("2001:db8::1/64"), a("10.0.0.1/24"), a("2001:db8:1::1/64"), a("10.0.1.1/24")],
    }))).toEqual({
      ifconfig_lan0: "addm em0 up",
      ifconfig_lan0_descr: "jail lan",
      ifconfig_lan0_ipv6: "inet6 2001:db8::1/64",
      ifconfig_lan0_aliases: "inet 10.0.0.1/24 inet 10.0.1.1/24 inet6 2001:db8:1::1/64",
    });
    expect([...renderSettings("x", { line: [], addresses: [] }).values()]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe("variables a cloned_interfaces word left behind (issue 13: a delete cut short)", () => {
  const vars = new Map([
    ["cloned_interfaces", "bridge1 epair2"],
    // Left by a bridge and an epair whose words went first.
    ["ifconfig_bridge0_name", "lan0"],
    ["ifconfig_epair0a_name", "web0a"], ["ifconfig_epair0b_name", "web0b"], ["create_args_epair0", "ether 02:00:00:00:00:0a"],
    // Made by the words still there: not stranded, whatever they are renamed to.
    ["ifconfig_bridge1_name", "lan0"], ["ifconfig_epair2a_name", "db0a"], ["ifconfig_epair2b_name", "db0b"],
    ["create_args_epair2", "ether 02:00:00:00:00:2a"],
  ]);
  it("are the renames to the names asked for of interfaces no word makes, with an epair unit's create_args", () => {
    expect(strandedVars(vars, ["lan0"])).toEqual(["ifconfig_bridge0_name"]);
    expect(strandedVars(vars, ["web0a", "web0b"])).toEqual(["ifconfig_epair0a_name", "create_args_epair0", "ifconfig_epair0b_name"]);
    expect(strandedVars(vars, ["db0a", "db0b"])).toEqual([]);
    expect(strandedVars(vars, ["other0"])).toEqual([]);
  });
});

describe("names", () => {
  it.each([
    ["lan0", "bridge", undefined],
    ["bridge3", "bridge", undefined],
    ["epair3", "epair", undefined],
    ["br_lan", "bridge", undefined],
    ["Lan0", "bridge", /lower-case/],
    ["lan-0", "bridge", /lower-case/],
    ["epair3", "bridge", /name space of the epair cloner/],
    ["bridge03", "bridge", /no leading zero/],
    ["lo1", "epair", /lo cloner/],
    ["lan0_descr", "bridge", /must not end in _descr/],
    ["lan0_alias2", "bridge", /must not end in _alias2/],
    ["averylongbridge0", "bridge", /has 16 characters; it can have at most 15 .* e\.g\. averylongbridge$/],
  ] as const)("%s as a %s: %s", (name, own, rule) => {
    const problem = checkInterfaceName(name, own);
    if (rule === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(rule);
  });

  it("knows the kernel's own names", () => {
    expect(clonerUnit("bridge12")).toEqual({ cloner: "bridge", unit: 12 });
    expect(clonerUnit("epair0")).toEqual({ cloner: "epair", unit: 0 });
    expect(clonerUnit("epair0a")).toBeUndefined();
    expect(lengthRule("abcdefghijklmno", 14)).toMatch(/has 15 characters; it can have at most 14 .* e\.g\. abcdefghijklmn$/);
  });
});

describe("MAC addresses", () => {
  it("derives stable, locally administered unicast addresses from the name, 0a and 0b like epair(4)", () => {
    const a = derivedEpairMac("web", "a");
    expect(a).toMatch(/^02:([0-9a-f]{2}:){4}0a$/);
    expect(derivedEpairMac("web", "a")).toBe(a);
    expect(derivedEpairMac("web", "b")).toBe(a.replace(/0a$/, "0b"));
    expect(derivedEpairMac("db", "a")).not.toBe(a);
  });

  it("checks and normalizes given addresses", () => {
    expect(checkMac("02:AA:bb:0:1:2")).toBeUndefined();
    expect(normalMac("02:AA:bb:0:1:2")).toBe("02:aa:bb:00:01:02");
    expect(checkMac("01:00:5e:00:00:01")).toMatch(/unicast/);
    expect(checkMac("00:00:00:00:00:00")).toMatch(/zeros/);
    expect(checkMac("02:00:00:00:00")).toMatch(/six hex octets/);
  });
});

describe("interface addresses", () => {
  it("read with their prefix, IPv6 in the kernel's spelling", () => {
    expect(parseInterfaceAddress("192.0.2.1/24")).toEqual({ family: "inet", addr: "192.0.2.1", plen: 24 });
    expect(parseInterfaceAddress("2001:DB8:0::1/64")).toEqual({ family: "inet6", addr: "2001:db8::1", plen: 64 });
    expect(parseInterfaceAddress("192.0.2.1")).toBeUndefined();
    expect(parseInterfaceAddress("192.0.2.1/33")).toBeUndefined();
    expect(checkInterfaceAddress("fe80::1/64")).toMatch(/link-local/);
    expect(checkInterfaceAddress("web")).toMatch(/prefix length/);
  });
});

describe("sysrcApplyChecked", () => {
  it("checks every variable before writing any, under the host lock, values as arguments", () => {
    const c = sysrcApplyChecked([
      { name: "ifconfig_lan0", expect: "addm em0 up", value: "addm em0 addm weba up" },
      { name: "ifconfig_weba_descr", expect: undefined, value: "web uplink" },
      { name: "ifconfig_old", expect: "x", value: undefined },
    ]);
    expect(c.argv.slice(0, 5)).toEqual(["lockf", "-k", "-t", "120", "/var/run/pulumi-freebsd.lock"]);
    expect(c.argv[7]).toContain("got=$(sysrc -e $names 2>/dev/null)");
    expect(c.argv.slice(8)).toEqual([
      "sh", "ifconfig_lan0", "=addm em0 up", "=addm em0 addm weba up", "ifconfig_weba_descr", "-", "=web uplink", "ifconfig_old", "=x", "-",
    ]);
  });

  it("refuses values sysrc would write unescaped", () => {
    expect(() => sysrcApplyChecked([{ name: "ifconfig_x_descr", expect: undefined, value: 'a"b' }])).toThrow(/must not contain/);
    expect(() => sysrcApplyChecked([])).toThrow(/at least one/);
  });
});

describe("interfaces inside VNET jails", () => {
  const token = "0123456789abcdef0123";
  it("lists each running VNET jail's interfaces through its own ifconfig, and says which could not be looked into", () => {
    expect(vnetIfconfigAll(token).argv[2]).toContain('jexec "$jid" /sbin/ifconfig -f inet:cidr,inet6:cidr -a 2>/dev/null');
    const text = `@@${token} jail 3 nj1\n` +
      "lo0: flags=8008<LOOPBACK,MULTICAST> metric 0 mtu 16384\n\tgroups: lo\n" +
      "webb: flags=8842<BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\tether 02:00:00:00:00:0b\n\tgroups: epair\n" +
      `\n@@${token} status 0\n@@${token} jail 4 bare\n\n@@${token} status 1\n`;
    const jails = parseVnetIfconfig(token, text);
    expect(jails.map((j) => [j.jid, j.name, [...(j.interfaces?.keys() ?? [])]])).toEqual([[3, "nj1", ["lo0", "webb"]], [4, "bare", []]]);
    expect(jails[1]!.error).toMatch(/jexec 4 \/sbin\/ifconfig exited 1/);
    expect(parseVnetIfconfig(token, "")).toEqual([]);
    expect(() => parseVnetIfconfig(token, `@@${token} jail 3 nj1\nlo0: flags=0 metric 0 mtu 1\n`)).toThrow(/cut short/);
  });
});
