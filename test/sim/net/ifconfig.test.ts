// ifconfig(8) through SSH on the simulated host: the boot-time interfaces, cloning epairs, bridges and
// loopbacks, renames, descriptions, addresses, bridge membership, listings, and the exact errors.

import { beforeEach, describe, expect, it } from "vitest";
import type { SimHost } from "../host.ts";
import { useSimHost, type TestClient } from "../ssh-client.ts";
import type { NetState } from "./types.ts";

let host: SimHost;
let ssh: TestClient;
useSimHost((h, s) => {
  host = h;
  ssh = s;
});

/** Destroys every cloned interface but lo0, so each test starts from the booted host. */
async function reset(): Promise<void> {
  const names = (await ssh.run("ifconfig -l")).stdout.trim().split(" ");
  for (const n of names) if (n !== "lo0" && n !== "vtnet0") await ssh.run(`ifconfig ${n} destroy`);
}

function macOf(name: string): string {
  return host.withState((_d, kernel) => (kernel["net"] as NetState).ifaces.find((i) => i.name === name)!.mac!);
}

const EPAIR_TAIL = "\tgroups: epair\n\tmedia: Ethernet 10Gbase-T (10Gbase-T <full-duplex>)\n\tstatus: active\n"
  + "\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>\n";

describe("the booted host", () => {
  it("has vtnet0 then lo0, lo0 with 127.0.0.1, ::1 and fe80::1 as rc.d/netif leaves them", async () => {
    expect(await ssh.run("ifconfig -l")).toEqual({ stdout: "vtnet0 lo0\n", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig lo0")).stdout).toBe(
      "lo0: flags=1008049<UP,LOOPBACK,RUNNING,MULTICAST,LOWER_UP> metric 0 mtu 16384\n"
      + "\toptions=680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>\n"
      + "\tinet 127.0.0.1 netmask 0xff000000\n"
      + "\tinet6 ::1 prefixlen 128\n"
      + "\tinet6 fe80::1%lo0 prefixlen 64 scopeid 0x2\n"
      + "\tgroups: lo\n"
      + "\tnd6 options=21<PERFORMNUD,AUTO_LINKLOCAL>\n");
  });

  it("configures vtnet0 from ifconfig_vtnet0=\"DHCP\" with the lease dhclient gets", async () => {
    expect((await ssh.run("ifconfig vtnet0")).stdout).toBe(
      "vtnet0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\toptions=4c07bb<RXCSUM,TXCSUM,VLAN_MTU,VLAN_HWTAGGING,JUMBO_MTU,VLAN_HWCSUM,TSO4,TSO6,LRO,VLAN_HWTSO,"
      + "LINKSTATE,TXCSUM_IPV6>\n"
      + `\tether ${macOf("vtnet0")}\n`
      + "\tinet 10.0.2.15 netmask 0xffffff00 broadcast 10.0.2.255\n"
      + "\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)\n"
      + "\tstatus: active\n"
      + "\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>\n");
    expect(macOf("vtnet0")).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
  });
});

describe("epair", () => {
  beforeEach(reset);

  it("prints the a side's name on create; both ends exist, down, with paired addresses", async () => {
    expect(await ssh.run("ifconfig epair create")).toEqual({ stdout: "epair0a\n", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 epair0a epair0b\n");
    const a = macOf("epair0a");
    expect(a).toMatch(/^02(:[0-9a-f]{2}){4}:0a$/);
    expect(macOf("epair0b")).toBe(a.replace(/0a$/, "0b"));
    expect((await ssh.run("ifconfig epair0b")).stdout).toBe(
      "epair0b: flags=1008842<BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\toptions=8<VLAN_MTU>\n"
      + `\tether ${macOf("epair0b")}\n` + EPAIR_TAIL);
  });

  it("allocates the lowest free unit, honours a requested one and refuses a taken one", async () => {
    expect((await ssh.run("ifconfig epair create; ifconfig epair create")).stdout).toBe("epair0a\nepair1a\n");
    expect(await ssh.run("ifconfig epair7 create")).toEqual({ stdout: "epair7a\n", stderr: "", code: 0 });
    expect(await ssh.run("ifconfig epair0a destroy")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig epair create")).stdout).toBe("epair0a\n");
    expect(await ssh.run("ifconfig epair1 create")).toEqual({
      stdout: "", stderr: "ifconfig: interface epair1 already exists\n", code: 1 });
  });

  it("destroys both ends when either end is destroyed", async () => {
    await ssh.run("ifconfig epair create");
    expect(await ssh.run("ifconfig epair0b destroy")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0\n");
    expect(await ssh.run("ifconfig epair0a")).toEqual({
      stdout: "", stderr: "ifconfig: interface epair0a does not exist\n", code: 1 });
  });

  it("chains commands after create and prints the final name", async () => {
    expect(await ssh.run("ifconfig epair create name j1a up")).toEqual({ stdout: "j1a\n", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 j1a epair0b\n");
    expect((await ssh.run("ifconfig j1a")).stdout).toMatch(/^j1a: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,/);
  });
});

describe("bridge", () => {
  beforeEach(reset);

  it("prints bridge0 on create, nothing for a named unit, and lists members newest first", async () => {
    expect(await ssh.run("ifconfig bridge create")).toEqual({ stdout: "bridge0\n", stderr: "", code: 0 });
    expect(await ssh.run("ifconfig bridge5 create")).toEqual({ stdout: "", stderr: "", code: 0 });
    await ssh.run("ifconfig epair create; ifconfig epair create");
    expect(await ssh.run("ifconfig bridge0 addm epair0a addm epair1a up")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig bridge0")).stdout).toBe(
      "bridge0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\toptions=0\n"
      + `\tether ${macOf("bridge0")}\n`
      + "\tid 00:00:00:00:00:00 priority 32768 hellotime 2 fwddelay 15\n"
      + "\tmaxage 20 holdcnt 6 proto rstp maxaddr 2000 timeout 1200\n"
      + "\troot id 00:00:00:00:00:00 priority 32768 ifcost 0 port 0\n"
      + "\tmember: epair1a flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>\n"
      + "\t        ifmaxaddr 0 port 7 priority 128 path cost 2000\n"
      + "\tmember: epair0a flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>\n"
      + "\t        ifmaxaddr 0 port 5 priority 128 path cost 2000\n"
      + "\tgroups: bridge\n"
      + "\tnd6 options=9<PERFORMNUD,IFDISABLED>\n");
    expect(macOf("bridge0")).toMatch(/^58:9c:fc:10(:[0-9a-f]{2}){2}$/);
    // Members are put in promiscuous mode; a fresh bridge is down and not running.
    expect((await ssh.run("ifconfig epair0a")).stdout).toMatch(/^epair0a: flags=1008942<BROADCAST,RUNNING,PROMISC,/);
    expect((await ssh.run("ifconfig bridge5")).stdout).toMatch(/^bridge5: flags=8802<BROADCAST,SIMPLEX,MULTICAST> /);
  });

  it("removes members with deletem and when the member or the bridge goes away", async () => {
    await ssh.run("ifconfig bridge create; ifconfig epair create; ifconfig epair create");
    await ssh.run("ifconfig bridge0 addm epair0a addm epair1a");
    expect(await ssh.run("ifconfig bridge0 deletem epair1a")).toEqual({ stdout: "", stderr: "", code: 0 });
    await ssh.run("ifconfig epair0b destroy");
    expect((await ssh.run("ifconfig bridge0 | grep member")).stdout).toBe("");
    await ssh.run("ifconfig bridge0 addm epair1a; ifconfig bridge0 destroy");
    expect((await ssh.run("ifconfig epair1a")).stdout).toMatch(/^epair1a: flags=1008842<BROADCAST,RUNNING,SIMPLEX,/);
  });

  it.each([
    ["ifconfig bridge0 addm epair0a", "ifconfig: BRDGADD epair0a: File exists\n"],
    ["ifconfig bridge0 deletem epair0b", "ifconfig: BRDGDEL epair0b: No such file or directory\n"],
    ["ifconfig bridge0 addm nosuch0", "ifconfig: BRDGADD nosuch0: No such file or directory\n"],
    ["ifconfig bridge1 addm epair0a", "ifconfig: BRDGADD epair0a: Device busy\n"],
    ["ifconfig bridge0 addm lo0", "ifconfig: BRDGADD lo0: Invalid argument\n"],
    ["ifconfig epair0b addm epair0a", "ifconfig: BRDGADD epair0a: Invalid argument\n"],
    ["ifconfig bridge0 addm", "ifconfig: 'addm' requires argument\n"],
  ])("%s", async (command, stderr) => {
    await ssh.run("ifconfig bridge create; ifconfig bridge create; ifconfig epair create; ifconfig bridge0 addm epair0a");
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code: 1 });
  });
});

describe("names and descriptions", () => {
  beforeEach(reset);

  it("renames, printing the new name, and keeps bridge membership and the cloner group", async () => {
    await ssh.run("ifconfig bridge create; ifconfig epair create; ifconfig bridge0 addm epair0a");
    expect(await ssh.run("ifconfig epair0a name web0a")).toEqual({ stdout: "web0a\n", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig bridge0 | grep member:")).stdout).toBe(
      "\tmember: web0a flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>\n");
    expect((await ssh.run("ifconfig -g epair")).stdout).toBe("web0a\nepair0b\n");
    // The unit stays taken by the renamed interface.
    expect((await ssh.run("ifconfig epair create")).stdout).toBe("epair1a\n");
  });

  it("allows 15-character names and refuses 16 (IFNAMSIZ)", async () => {
    await ssh.run("ifconfig epair create");
    expect(await ssh.run("ifconfig epair0a name abcdefghijklmno")).toEqual({
      stdout: "abcdefghijklmno\n", stderr: "", code: 0 });
    expect(await ssh.run("ifconfig abcdefghijklmno name abcdefghijklmnop")).toEqual({
      stdout: "", stderr: "ifconfig: ioctl SIOCSIFNAME (set name): File name too long\n", code: 1 });
    expect(await ssh.run("ifconfig abcdefghijklmnop create")).toEqual({
      stdout: "", stderr: "ifconfig: abcdefghijklmnop: cloning name too long\n", code: 1 });
  });

  it("refuses a name in use but still prints a name a create in the same command gave", async () => {
    await ssh.run("ifconfig epair create");
    expect(await ssh.run("ifconfig epair0a name epair0b")).toEqual({
      stdout: "", stderr: "ifconfig: ioctl SIOCSIFNAME (set name): File exists\n", code: 1 });
    expect(await ssh.run("ifconfig epair create name lo0")).toEqual({
      stdout: "epair1a\n", stderr: "ifconfig: ioctl SIOCSIFNAME (set name): File exists\n", code: 1 });
  });

  it("sets and clears a description, shown right after the flags line", async () => {
    await ssh.run("ifconfig epair create");
    expect(await ssh.run("ifconfig epair0a description 'jail web, uplink'")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig epair0a | head -2")).stdout).toBe(
      "epair0a: flags=1008842<BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\tdescription: jail web, uplink\n");
    await ssh.run("ifconfig epair0a -description");
    expect((await ssh.run("ifconfig epair0a")).stdout).not.toContain("description");
  });
});

describe("flags and addresses", () => {
  beforeEach(reset);

  it("brings interfaces up and down", async () => {
    await ssh.run("ifconfig epair create");
    await ssh.run("ifconfig epair0a up");
    expect((await ssh.run("ifconfig -u -l")).stdout).toBe("vtnet0 lo0 epair0a\n");
    expect((await ssh.run("ifconfig -d -l")).stdout).toBe("epair0b\n");
    await ssh.run("ifconfig epair0a down");
    expect((await ssh.run("ifconfig epair0a")).stdout).toMatch(/^epair0a: flags=1008842</);
  });

  it("adds, replaces, aliases and removes IPv4 addresses; an address brings the interface up", async () => {
    await ssh.run("ifconfig epair create");
    await ssh.run("ifconfig epair0a inet 10.0.0.1/24");
    await ssh.run("ifconfig epair0a inet 10.0.0.5/24");
    await ssh.run("ifconfig epair0a inet 10.0.1.1/32 alias; ifconfig epair0a inet 10.0.2.0/31 alias");
    await ssh.run("ifconfig epair0a inet 10.0.2.0 -alias");
    expect((await ssh.run("ifconfig epair0a inet")).stdout).toBe(
      "epair0a: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\toptions=8<VLAN_MTU>\n"
      + "\tinet 10.0.0.5 netmask 0xffffff00 broadcast 10.0.0.255\n"
      + "\tinet 10.0.1.1 netmask 0xffffffff broadcast 10.0.1.1\n");
    expect((await ssh.run("ifconfig -l inet")).stdout).toBe("vtnet0 lo0 epair0a\n");
  });

  it("adds IPv6 addresses, enabling IPv6 and a link-local address on the interface", async () => {
    await ssh.run("ifconfig epair create");
    await ssh.run("ifconfig epair0a inet6 2001:db8:0:0::1 prefixlen 64");
    const ll = macOf("epair0a").split(":").map((h) => parseInt(h, 16));
    const id = [((ll[0]! ^ 2) << 8) | ll[1]!, (ll[2]! << 8) | 0xff, 0xfe00 | ll[3]!, (ll[4]! << 8) | ll[5]!]
      .map((g) => g.toString(16)).join(":");
    expect((await ssh.run("ifconfig epair0a inet6")).stdout).toBe(
      "epair0a: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\toptions=8<VLAN_MTU>\n"
      + "\tinet6 2001:db8::1 prefixlen 64\n"
      + `\tinet6 fe80::${id}%epair0a prefixlen 64 scopeid 0x3\n`
      + "\tnd6 options=21<PERFORMNUD,AUTO_LINKLOCAL>\n");
    expect(await ssh.run("ifconfig epair0a inet6 2001:db8::1 prefixlen 48 alias")).toEqual({
      stdout: "", stderr: "ifconfig: ioctl (SIOCAIFADDR): Invalid argument\n", code: 1 });
    await ssh.run("ifconfig epair0a inet6 2001:db8::1 -alias");
    expect((await ssh.run("ifconfig epair0a inet6 | grep -c 2001:")).stdout).toBe("0\n");
  });

  it("warns about a missing mask and uses the classful one", async () => {
    await ssh.run("ifconfig epair create");
    expect(await ssh.run("ifconfig epair0a 10.1.2.3")).toEqual({ stdout: "", code: 0, stderr:
      "ifconfig: WARNING: setting interface address without mask is deprecated,\ndefault mask may not be correct.\n" });
    expect((await ssh.run("ifconfig epair0a | grep 'inet '")).stdout).toBe(
      "\tinet 10.1.2.3 netmask 0xff000000 broadcast 10.255.255.255\n");
  });

  it.each([
    ["ifconfig epair0a inet 10.0.0.300/24", "ifconfig: 10.0.0.300: bad value\n"],
    ["ifconfig epair0a inet 10.0.0.1/33", "ifconfig: 10.0.0.1/33: bad value (width too large)\n"],
    ["ifconfig epair0a inet 10.0.0.1/x", "ifconfig: 10.0.0.1/x: bad value (width invalid)\n"],
    ["ifconfig epair0a inet6 2001:db8::g prefixlen 64", "ifconfig: 2001:db8::g: bad value\n"],
    ["ifconfig epair0a inet6 2001:db8::1 prefixlen 129", "ifconfig: 129: bad value\n"],
    ["ifconfig epair0a inet 10.9.9.9 -alias", "ifconfig: ioctl (SIOCDIFADDR): Can't assign requested address\n"],
    ["ifconfig epair0a up inet 10.0.0.1/24", "ifconfig: inet: bad value\n"],
    ["ifconfig epair0a mtu 20", "ifconfig: ioctl SIOCSIFMTU (set mtu): Invalid argument\n"],
    ["ifconfig epair0a group web1", "ifconfig: setifgroup: group names may not end in a digit\n"],
    ["ifconfig epair0a name", "ifconfig: 'name' requires argument\n"],
  ])("%s", async (command, stderr) => {
    await ssh.run("ifconfig epair create");
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code: 1 });
  });
});

describe("listings and usage", () => {
  beforeEach(reset);

  it("lists names by address family and group members one per line", async () => {
    await ssh.run("ifconfig epair create; ifconfig bridge create; ifconfig epair0a group web");
    expect((await ssh.run("ifconfig -l ether")).stdout).toBe("vtnet0 epair0a epair0b bridge0\n");
    expect((await ssh.run("ifconfig -g epair")).stdout).toBe("epair0a\nepair0b\n");
    expect((await ssh.run("ifconfig -g bridge")).stdout).toBe("bridge0\n");
    expect((await ssh.run("ifconfig -g lo")).stdout).toBe("lo0\n");
    expect(await ssh.run("ifconfig -g nosuchgroup")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig -a -g web -l 2>&1; ifconfig -a -g 'w*' | head -1")).stdout).toMatch(
      /^usage: ifconfig [^]*\nepair0a: flags=/);
    expect((await ssh.run("ifconfig epair0a | grep groups")).stdout).toBe("\tgroups: epair web\n");
    expect((await ssh.run("ifconfig -a -G epair -l 2>/dev/null; ifconfig -a -G 'e*' | grep -c flags=")).stdout)
      .toBe("3\n");
  });

  it("lists the cloners", async () => {
    expect((await ssh.run("ifconfig -C")).stdout).toBe("bridge epair lo\n");
  });

  it("creates and destroys further loopbacks but not lo0 or the NIC", async () => {
    expect((await ssh.run("ifconfig lo create")).stdout).toBe("lo1\n");
    expect((await ssh.run("ifconfig lo1")).stdout).toMatch(/^lo1: flags=8008<LOOPBACK,MULTICAST> metric 0 mtu 16384\n/);
    expect(await ssh.run("ifconfig lo0 destroy")).toEqual({ stdout: "", stderr: "ifconfig: SIOCIFDESTROY: Invalid argument\n", code: 1 });
    expect(await ssh.run("ifconfig vtnet0 destroy")).toEqual({ stdout: "", stderr: "ifconfig: SIOCIFDESTROY: Invalid argument\n", code: 1 });
    expect(await ssh.run("ifconfig foo0 create")).toEqual({ stdout: "", stderr: "ifconfig: SIOCIFCREATE2 (foo0): Invalid argument\n", code: 1 });
  });

  it("prints usage for bad options", async () => {
    const bad = await ssh.run("ifconfig -z");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("ifconfig: illegal option -- z\n"
      + "usage: ifconfig [-f type:format] [-L] [-C] [-g groupname] interface address_family\n"
      + "                [address [dest_address]] [parameters]\n"
      + "       ifconfig interface create\n"
      + "       ifconfig -a [-L] [-C] [-g groupname] [-d] [-m] [-u] [-v] [address_family]\n"
      + "       ifconfig -l [-d] [-u] [address_family]\n"
      + "       ifconfig [-L] [-C] [-g groupname] [-d] [-m] [-u] [-v]\n");
    expect((await ssh.run("ifconfig -a foo")).stderr).toMatch(/^ifconfig: Address family 'foo' unknown\.\nusage: /);
    expect((await ssh.run("ifconfig -l -a")).stderr).toMatch(/^usage: /);
  });

  it("prints addresses in CIDR form with -f inet:cidr", async () => {
    expect((await ssh.run("ifconfig -f inet:cidr,inet6:cidr lo0 | grep inet")).stdout).toBe(
      "\tinet 127.0.0.1/8\n\tinet6 ::1/128\n\tinet6 fe80::1%lo0/64 scopeid 0x2\n");
  });
});
