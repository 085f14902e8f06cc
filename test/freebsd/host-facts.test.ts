import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cpusetJailsScript, cpusOf, cpusOfCreatedCommand, formatCpus, parseCpusetJails, sameCpus, checkCpuList } from "../../provider/src/freebsd/cpuset.ts";
import { parseHostFacts } from "../../provider/src/freebsd/host-facts.ts";

// Host facts (freebsd-version, sysctl, ifconfig -a of FreeBSD 14.3) and cpuset(1) lists and output.
const body = (name: string) => readFileSync(new URL(`../fixtures/host/${name}`, import.meta.url), "utf8").replace(/^(#.*\n)+/, "");

describe("parseHostFacts", () => {
  const facts = parseHostFacts("TOKEN", body("facts.txt"));

  it("reads versions and the machine", () => {
    expect(facts).toMatchObject({ kernelVersion: "14.3-RELEASE-p2", userlandVersion: "14.3-RELEASE-p3", architecture: "amd64", cpuCount: 8, memoryBytes: 34225520640 });
  });

  it("reads each interface's kind and addresses with their prefixes", () => {
    expect(facts.interfaces).toEqual([
      { name: "em0", kind: "ethernet", up: true, addresses: ["192.0.2.10/24", "fe80::5a9c:fcff:fe00:1122/64", "2001:db8::10/64"] },
      { name: "lo0", kind: "lo", up: true, addresses: ["127.0.0.1/8", "::1/128"] },
      { name: "bridge0", kind: "bridge", up: true, addresses: ["10.10.0.1/23"] },
      { name: "epair0a", kind: "epair", up: true, addresses: [] },
    ]);
  });

  it("throws on output of another shape", () => {
    expect(() => parseHostFacts("TOKEN", "@@TOKEN version\n14.3-RELEASE\n@@TOKEN sysctl\nhw.ncpu: 4\n")).toThrow(/printed 1 lines/);
    expect(() => parseHostFacts("TOKEN", "garbage\n")).toThrow(/unexpected line/);
  });
});

describe("cpuset lists", () => {
  it("reads lists as parselist does and writes the shortest form", () => {
    expect(cpusOf("0-3")).toEqual([0, 1, 2, 3]);
    expect(cpusOf("2,4,3")).toEqual([2, 3, 4]);
    expect(cpusOf("3-1")).toBeUndefined();
    expect(cpusOf("1-")).toBeUndefined();
    expect(cpusOf("all")).toBeUndefined();
    expect(formatCpus([0, 1, 2, 3, 6, 8, 9])).toBe("0-3,6,8,9");
    expect(sameCpus("0-2", "0,1,2")).toBe(true);
    expect(checkCpuList("0-1024")).toMatch(/CPUs 0 to 1023/);
    expect(cpusOfCreatedCommand("cpuset -l 0-3 -j web", "web")).toBe("0-3");
    expect(cpusOfCreatedCommand("cpuset -l 0-3 -j other", "web")).toBeUndefined();
  });

  it("reads cpuset -g of each running jail; a stopped jail prints nothing", () => {
    const text = "@@T jail web\njail 3 mask: 0, 1\njail 3 domain policy: first-touch mask: 0\n@@T jail off\n";
    expect(parseCpusetJails("T", text)).toEqual(new Map([["web", [0, 1]]]));
    expect(() => parseCpusetJails("T", "@@T jail web\ncpuset: oops\n")).toThrow(/unexpected line/);
    expect(cpusetJailsScript("T", ["web"]).argv.slice(3)).toEqual(["sh", "web"]);
  });
});
