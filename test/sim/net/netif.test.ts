// Interfaces are kernel state: a reboot drops them and rc.d/netif rebuilds the network from rc.conf
// (cloned_interfaces, ifconfig_IF, ifconfig_IF_name, _aliasN, _descr, _ipv6), configured by hand
// through SSH the way an admin would. Also the rc.conf reader and the address text forms.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SimHost } from "../host.ts";
import { useSimHost, type TestClient } from "../ssh-client.ts";
import { inetAton } from "./inet4.ts";
import { canonicalInet6, linkLocalFromMac } from "./inet6.ts";
import { readAllRcVars } from "../core/rc-conf.ts";
import type { NetState } from "./types.ts";

let host: SimHost;
let ssh: TestClient;
useSimHost((h, s) => {
  host = h;
  ssh = s;
});

function macOf(name: string): string {
  return host.withState((_d, kernel) => (kernel["net"] as NetState).ifaces.find((i) => i.name === name)!.mac!);
}

describe("reboot", () => {
  it("drops interfaces created at run time", async () => {
    await ssh.run("ifconfig epair create; ifconfig bridge create; ifconfig lo0 inet 127.0.0.2/32 alias");
    host.reboot();
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0\n");
    expect((await ssh.run("ifconfig lo0 inet")).stdout).not.toContain("127.0.0.2");
  });

  it("replays rc.d/netif: clones, renames, ifconfig_IF, aliases, descriptions, IPv6", async () => {
    const rcconf = [
      'cloned_interfaces="bridge0 epair0"',
      'ifconfig_vtnet0="inet 192.0.2.10/24"',
      'ifconfig_bridge0="addm epair0a up"',
      'ifconfig_bridge0_alias0="inet 10.10.0.1/24"',
      "ifconfig_bridge0_alias1='10.10.1.1/24'",
      'ifconfig_bridge0_descr="jail bridge"',
      'ifconfig_epair0a="up"',
      'ifconfig_epair0b_name="web0b"',
      'ifconfig_web0b="description \'for the web jail\'"',
      'ifconfig_bridge0_ipv6="inet6 2001:db8:10::1 prefixlen 64"',
    ].join("\n");
    const setup = await ssh.run(`sed -i.bak '/^ifconfig_vtnet0=/d' /etc/rc.conf && cat >> /etc/rc.conf <<'EOF'\n${rcconf}\nEOF`);
    expect(setup.code).toBe(0);
    host.reboot();
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 bridge0 epair0a web0b\n");
    const bridgeMac = macOf("bridge0");
    const ll = linkLocalFromMac(bridgeMac);
    expect((await ssh.run("ifconfig bridge0")).stdout).toBe(
      "bridge0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\tdescription: jail bridge\n"
      + "\toptions=0\n"
      + `\tether ${bridgeMac}\n`
      + "\tinet 10.10.0.1 netmask 0xffffff00 broadcast 10.10.0.255\n"
      + "\tinet 10.10.1.1 netmask 0xffffff00 broadcast 10.10.1.255\n"
      + "\tinet6 2001:db8:10::1 prefixlen 64\n"
      + "\tid 00:00:00:00:00:00 priority 32768 hellotime 2 fwddelay 15\n"
      + "\tmaxage 20 holdcnt 6 proto rstp maxaddr 2000 timeout 1200\n"
      + "\troot id 00:00:00:00:00:00 priority 32768 ifcost 0 port 0\n"
      + "\tmember: epair0a flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>\n"
      + "\t        ifmaxaddr 0 port 4 priority 128 path cost 2000\n"
      + "\tgroups: bridge\n"
      + "\tnd6 options=1<PERFORMNUD>\n");
    // A bridge has no AUTO_LINKLOCAL (nd6_ifattach), so enabling IPv6 adds no fe80:: address.
    expect(ll.startsWith("fe80::")).toBe(true);
    expect((await ssh.run("ifconfig epair0a")).stdout).toMatch(/^epair0a: flags=1008943<UP,BROADCAST,RUNNING,PROMISC,/);
    // Any ifconfig_IF arguments make ifconfig_up() finish with `ifconfig IF up`.
    expect((await ssh.run("ifconfig web0b")).stdout).toBe(
      "web0b: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\tdescription: for the web jail\n"
      + "\toptions=8<VLAN_MTU>\n"
      + `\tether ${macOf("web0b")}\n`
      + "\tgroups: epair\n"
      + "\tmedia: Ethernet 10Gbase-T (10Gbase-T <full-duplex>)\n"
      + "\tstatus: active\n"
      + "\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>\n");
    expect((await ssh.run("ifconfig vtnet0 inet")).stdout).toContain("\tinet 192.0.2.10 netmask 0xffffff00 broadcast 192.0.2.255\n");
    // The same names and the bridge's address come back on the next boot.
    host.reboot();
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 bridge0 epair0a web0b\n");
    expect(macOf("bridge0")).toBe(bridgeMac);
    await ssh.run("mv /etc/rc.conf.bak /etc/rc.conf");
    host.reboot();
  });

  it("creates with create_args, renames both epair ends, and applies ifconfig_IF_aliases and link aliases", async () => {
    // The layout the network resources write: the a end's MAC and MTU at creation (before the bridge
    // holds it), the ends renamed, the bridge's members by their new names, addresses in _aliases.
    const rcconf = [
      'cloned_interfaces="bridge2 epair4"',
      'ifconfig_bridge2_name="lan0"',
      'ifconfig_lan0="addm web0a mtu 9000 up"',
      'ifconfig_lan0_ipv6="inet6 2001:db8:20::1/64"',
      'ifconfig_lan0_aliases="inet 10.20.0.1/24 inet 10.20.1.1/24 inet6 2001:db8:21::1/64"',
      'create_args_epair4="ether 02:00:00:00:04:0a mtu 9000"',
      'ifconfig_epair4a_name="web0a"',
      'ifconfig_epair4b_name="web0b"',
      'ifconfig_web0a="up"',
      'ifconfig_web0b="ether 02:00:00:00:04:0b mtu 9000 up"',
      'ifconfig_web0b_alias0="link 02:00:00:00:04:bb"',
    ].join("\n");
    await ssh.run(`cp /etc/rc.conf /etc/rc.conf.orig && cat >> /etc/rc.conf <<'EOF'\n${rcconf}\nEOF`);
    host.reboot();
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 lan0 web0a web0b\n");
    const lan = (await ssh.run("ifconfig -f inet:cidr,inet6:cidr lan0")).stdout;
    expect(lan).toMatch(/^lan0: flags=1008843<UP,.*> metric 0 mtu 9000\n/);
    expect(lan).toContain("\tinet 10.20.0.1/24 broadcast 10.20.0.255\n\tinet 10.20.1.1/24 broadcast 10.20.1.255\n");
    expect(lan).toContain("\tinet6 2001:db8:20::1/64\n\tinet6 2001:db8:21::1/64\n");
    expect(lan).toContain("\tmember: web0a ");
    expect(macOf("web0a")).toBe("02:00:00:00:04:0a");
    // ifconfig_IF sets the b end's MAC, then its link alias sets it again (ifconfig_up order).
    expect(macOf("web0b")).toBe("02:00:00:00:04:bb");
    expect((await ssh.run("ifconfig web0a")).stdout).toMatch(/ mtu 9000\n/);
    await ssh.run("mv /etc/rc.conf.orig /etc/rc.conf");
    host.reboot();
  });

  it("ignores pseudo arguments and survives bad lines the way rc does", async () => {
    await ssh.run("cp /etc/rc.conf /etc/rc.conf.orig && cat >> /etc/rc.conf <<'EOF'\n"
      + 'cloned_interfaces="epair3 nosuch0"\nifconfig_epair3a="SYNCDHCP"\nifconfig_epair3b="NOAUTO inet 10.3.0.1/24"\n'
      + 'ifconfig_lo0_alias0="inet 127.0.0.53/32"\nEOF');
    host.reboot();
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 epair3a epair3b\n");
    // NOAUTO keeps rc away from epair3b; SYNCDHCP brings epair3a up and dhclient configures it.
    expect((await ssh.run("ifconfig epair3b inet")).stdout).toBe("");
    expect((await ssh.run("ifconfig epair3a inet")).stdout).toContain("\tinet 10.0.2.15 netmask 0xffffff00");
    expect((await ssh.run("ifconfig lo0 inet")).stdout).toContain("\tinet 127.0.0.53 netmask 0xffffffff\n");
    const console = readFileSync(join(host.stateDir, "log/netif.log"), "utf8").split("\n");
    expect(console).toContain("ifconfig: SIOCIFCREATE2 (nosuch0): Invalid argument");
    expect(console).toContain("Created clone interfaces: epair3a epair3b.");
    await ssh.run("mv /etc/rc.conf.orig /etc/rc.conf");
    host.reboot();
  });
});

describe("rc.conf as sh", () => {
  it("takes the last assignment, quotes, escapes, expansions and skips commands", () => {
    // Read by sh from a root holding this rc.conf and the (empty) file it sources, with no defaults file.
    const root = mkdtempSync(join(tmpdir(), "rc-conf-"));
    mkdirSync(join(root, "etc"));
    writeFileSync(join(root, "etc/other.conf"), "");
    writeFileSync(join(root, "etc/rc.conf"), [
      "# comment", 'a="one"', "a=two # trailing", "b='single $a'", 'c="double $a ${a}x"', "d=un\\ quoted",
      'e="multi', 'line"', ". /etc/other.conf; f=after", "echo g=notset", 'h="${missing:-dflt}"',
    ].join("\n"));
    const vars = readAllRcVars({ root });
    rmSync(root, { recursive: true, force: true });
    expect(Object.fromEntries(vars)).toEqual({
      a: "two", b: "single $a", c: "double two twox", d: "un quoted", e: "multi\nline", f: "after", h: "dflt",
    });
  });
});

describe("address text", () => {
  it("parses IPv4 like inet_aton", () => {
    expect(inetAton("10.1")).toBe(0x0a000001);
    expect(inetAton("0x7f.1")).toBe(0x7f000001);
    expect(inetAton("010.0.0.1")).toBe(0x08000001);
    expect(inetAton("1.2.3.256")).toBeUndefined();
    expect(inetAton("1.2.3.4.5")).toBeUndefined();
  });

  it("prints IPv6 like FreeBSD's inet_ntop", () => {
    expect(canonicalInet6("2001:0db8:0000:0000:0000:0000:0000:0001")).toBe("2001:db8::1");
    expect(canonicalInet6("2001:db8:0:1:0:0:0:1")).toBe("2001:db8:0:1::1");
    expect(canonicalInet6("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    expect(canonicalInet6("::ffff:192.0.2.1")).toBe("::ffff:192.0.2.1");
    expect(canonicalInet6("::1")).toBe("::1");
    expect(canonicalInet6("::")).toBe("::");
    // Of two equally long zero runs the first is compressed.
    expect(canonicalInet6("fe80:0:0:0:1:0:0:0")).toBe("fe80::1:0:0:0");
    expect(canonicalInet6("1::2::3")).toBeUndefined();
    expect(linkLocalFromMac("02:1d:6e:4f:a0:0a")).toBe("fe80::1d:6eff:fe4f:a00a");
  });
});
