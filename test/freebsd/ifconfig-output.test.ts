import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ifconfigAll, isBridge, isEpair, isUp, parseIfconfig } from "../../provider/src/freebsd/ifconfig-output.ts";
import {
  addAddress, addMember, createBridge, createEpair, destroyInterface, removeAddress, removeMember, setDescription, setEther, setMtu, setUp,
} from "../../provider/src/freebsd/ifconfig-commands.ts";

// ifconfig's listing against a fixture of the 14.x netlink format, and the command lines the
// network resources run.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/net/${name}`, import.meta.url), "utf8").replace(/^(#.*\n)+/, "");

describe("parseIfconfig", () => {
  const all = parseIfconfig(fixture("ifconfig-a.txt"));

  it("reads every interface in the kernel's order", () => {
    expect([...all.keys()]).toEqual(["em0", "lo0", "lan0", "weba", "webb"]);
    expect(ifconfigAll().argv).toEqual(["ifconfig", "-f", "inet:cidr,inet6:cidr", "-a"]);
  });

  it("reads a bridge: members in list order, addresses, description with colons, MAC, groups", () => {
    expect(all.get("lan0")).toEqual({
      name: "lan0",
      flags: ["UP", "BROADCAST", "RUNNING", "SIMPLEX", "MULTICAST", "LOWER_UP"],
      mtu: 1500,
      description: "jail lan: web, db",
      ether: "58:9c:fc:10:ff:a1",
      addresses: [{ family: "inet", addr: "10.77.0.1", plen: 24 }, { family: "inet6", addr: "2001:db8:77::1", plen: 64 }],
      groups: ["bridge"],
      members: ["weba", "em0"],
    });
    expect(isBridge(all.get("lan0")!)).toBe(true);
    expect(isEpair(all.get("lan0")!)).toBe(false);
  });

  it("leaves link-local addresses out (the kernel assigns them) and keeps global IPv6", () => {
    expect(all.get("em0")!.addresses).toEqual([
      { family: "inet", addr: "192.0.2.10", plen: 24 },
      { family: "inet6", addr: "2001:db8::10", plen: 64 },
    ]);
    expect(all.get("lo0")!.addresses).toEqual([{ family: "inet", addr: "127.0.0.1", plen: 8 }, { family: "inet6", addr: "::1", plen: 128 }]);
  });

  it("tells up from down and epair ends from the rest", () => {
    expect(isUp(all.get("weba")!)).toBe(true);
    expect(isUp(all.get("webb")!)).toBe(false);
    expect(isEpair(all.get("webb")!)).toBe(true);
    expect(all.get("webb")!.description).toBeUndefined();
    expect(all.get("lo0")!.flags).toContain("LOOPBACK");
  });

  it("reads a description that holds a newline over its lines", () => {
    const text = "a0: flags=8802<BROADCAST,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\tdescription: one\ntwo\n\tgroups: epair\n";
    expect(parseIfconfig(text).get("a0")!.description).toBe("one\ntwo");
  });

  it.each([
    ["garbage before any interface\n", /before any interface/],
    ["a0: flags=8802<BROADCAST> metric 0 mtu 1500\nstray\n", /unexpected ifconfig line/],
    ["a0: flags=8802<BROADCAST> metric 0 mtu 1500\n\tinet 10.0.0.1 netmask 0xffffff00\n", /inet line/],
    ["a0: flags=8802<BROADCAST> metric 0 mtu 1500\n\tether 02:00\n", /ether line/],
    ["a0: flags=8802<BROADCAST> metric 0 mtu 1500\na0: flags=8802<BROADCAST> metric 0 mtu 1500\n", /twice/],
  ])("refuses what it does not understand: %j", (text, error) => {
    expect(() => parseIfconfig(text)).toThrow(error);
  });
});

describe("ifconfig commands", () => {
  it("create a bridge: the kernel's form as it is, another name renamed at once, destroyed if the rename fails", () => {
    expect(createBridge("bridge3").argv).toEqual(["ifconfig", "bridge3", "create"]);
    const renamed = createBridge("lan0");
    expect(renamed.argv.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(renamed.argv[2]).toContain('ifconfig "$n" name "$1" >/dev/null || { ifconfig "$n" destroy; exit 1; }');
    expect(renamed.argv.slice(3)).toEqual(["sh", "lan0"]);
  });

  it("create an epair: both ends renamed from the printed a end", () => {
    expect(createEpair("epair7", "epair7a", "epair7b").argv).toEqual(["ifconfig", "epair7", "create"]);
    const c = createEpair("web", "weba", "webb");
    expect(c.argv[2]).toContain('b="${a%a}b"');
    expect(c.argv.slice(3)).toEqual(["sh", "weba", "webb"]);
  });

  it("configure one setting per command, every value one argv word", () => {
    expect([
      setEther("weba", "02:00:00:00:00:0a"), setMtu("weba", 9000), setDescription("weba", "web; $(x)"), setDescription("weba", undefined),
      setUp("weba", false), addAddress("weba", { family: "inet6", addr: "2001:db8::1", plen: 64 }),
      removeAddress("weba", { family: "inet", addr: "10.0.0.1", plen: 24 }), addMember("lan0", "weba"), removeMember("lan0", "weba"),
      destroyInterface("weba"),
    ].map((c) => c.argv)).toEqual([
      ["ifconfig", "weba", "ether", "02:00:00:00:00:0a"], ["ifconfig", "weba", "mtu", "9000"],
      ["ifconfig", "weba", "description", "web; $(x)"], ["ifconfig", "weba", "-description"], ["ifconfig", "weba", "down"],
      ["ifconfig", "weba", "inet6", "2001:db8::1/64", "alias"], ["ifconfig", "weba", "inet", "10.0.0.1", "-alias"],
      ["ifconfig", "lan0", "addm", "weba"], ["ifconfig", "lan0", "deletem", "weba"], ["ifconfig", "weba", "destroy"],
    ]);
  });
});
