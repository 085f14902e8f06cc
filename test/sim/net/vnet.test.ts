// VNET semantics (freebsd-cli.md §7.3): `ifconfig IF vnet J` moves an interface out of the host's
// list into the jail's, `-vnet` pulls it back, destroying either epair end destroys both wherever
// they are, and removing the jail returns loaned interfaces (keeping a name given inside) and
// destroys the ones created inside. Host commands go through SSH; the jail's view is what
// ifconfig prints for a caller whose jail-id is the jail's.

import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { statePaths } from "../core/paths.ts";
import type { SimHost } from "../host.ts";
import { useSimHost, type TestClient } from "../ssh-client.ts";
import { ifconfigTool } from "./host-net.ts";
import type { NetState } from "./types.ts";
import { createVnet, moveToVnet, reclaimFromVnet, returnFromVnet, startVnetNetwork } from "./vnet.ts";

let host: SimHost;
let ssh: TestClient;
useSimHost((h, s) => {
  host = h;
  ssh = s;
});

/** ifconfig as a process inside jail `jid` runs it (what `jexec J ifconfig ...` prints). */
function inJail(jid: number, command: string): { stdout: string; stderr: string; code: number } {
  return host.withState((disk, kernel) => {
    const ctx = { paths: statePaths(host.stateDir), disk, kernel, io: { out: [], err: [] }, dirtyKernel: false };
    const code = ifconfigTool(ctx, command.split(" ").filter(Boolean), jid);
    return { stdout: ctx.io.out.join(""), stderr: ctx.io.err.join(""), code };
  });
}

/** Puts jails in the jail model's table (kernel.jails), as jail(8) would have created them. */
function jails(list: { jid: number; name: string; vnet: boolean }[]): void {
  host.withState((_d, kernel) => {
    kernel["jails"] = { list: list.map((j) => ({ jid: j.jid, params: { name: j.name, vnet: j.vnet ? 1 : 2 },
      datasets: [], vnetInterfaces: [], created: 0 })), lastJid: Math.max(0, ...list.map((j) => j.jid)) };
    for (const j of list) if (j.vnet) createVnet(kernel, j.jid, j.name);
  });
}

function removeJail(jid: number): void {
  host.withState((_d, kernel) => {
    returnFromVnet(kernel, jid);
    const table = kernel["jails"] as { list: { jid: number }[] } | undefined;
    if (table) table.list = table.list.filter((j) => j.jid !== jid);
  });
}

beforeEach(async () => {
  for (const jid of [1, 2, 3]) removeJail(jid);
  jails([]);
  const names = (await ssh.run("ifconfig -l")).stdout.trim().split(" ");
  for (const n of names) if (n !== "lo0" && n !== "vtnet0") await ssh.run(`ifconfig ${n} destroy`);
});

describe("ifconfig IF vnet J", () => {
  it("moves the interface out of the host into the jail, which has its own down lo0", async () => {
    jails([{ jid: 1, name: "web", vnet: true }]);
    await ssh.run("ifconfig epair create; ifconfig bridge create; ifconfig bridge0 addm epair0a addm epair0b up");
    await ssh.run("ifconfig epair0b inet 10.0.0.9/24 description moved");
    expect(await ssh.run("ifconfig epair0b vnet web")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 epair0a bridge0\n");
    expect(await ssh.run("ifconfig epair0b")).toEqual({
      stdout: "", stderr: "ifconfig: interface epair0b does not exist\n", code: 1 });
    // The departure took it out of the bridge.
    expect((await ssh.run("ifconfig bridge0 | grep member:")).stdout).toBe(
      "\tmember: epair0a flags=143<LEARNING,DISCOVER,AUTOEDGE,AUTOPTP>\n");
    expect(inJail(1, "-l").stdout).toBe("lo0 epair0b\n");
    // if_vmove: down, addresses gone, description and MAC kept, the cloner group restored.
    const mac = host.withState((_d, k) => (k["net"] as NetState).ifaces.find((i) => i.name === "epair0b")!.mac);
    expect(inJail(1, "").stdout).toBe(
      "lo0: flags=8008<LOOPBACK,MULTICAST> metric 0 mtu 16384\n"
      + "\toptions=680003<RXCSUM,TXCSUM,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6>\n"
      + "\tgroups: lo\n"
      + "\tnd6 options=21<PERFORMNUD,AUTO_LINKLOCAL>\n"
      + "epair0b: flags=1008842<BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\tdescription: moved\n"
      + "\toptions=8<VLAN_MTU>\n"
      + `\tether ${mac}\n`
      + "\tgroups: epair\n"
      + "\tmedia: Ethernet 10Gbase-T (10Gbase-T <full-duplex>)\n"
      + "\tstatus: active\n"
      + "\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>\n");
    // The jail's lo0 took the lowest free if_index when the vnet was made (epair0b is 4).
    expect(inJail(1, "lo0 inet6").stdout).toBe("");
    expect(inJail(1, "lo0 up").code).toBe(0);
    expect(inJail(1, "lo0 inet6").stdout).toContain("\tinet6 fe80::1%lo0 prefixlen 64 scopeid 0x3\n");
  });

  it("accepts a jid, and the jail configures the interface as its own", async () => {
    jails([{ jid: 2, name: "db", vnet: true }]);
    await ssh.run("ifconfig epair create");
    expect(await ssh.run("ifconfig epair0b vnet 2")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(inJail(2, "epair0b inet 10.0.0.2/24 up")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(inJail(2, "epair0b").stdout).toContain("\tinet 10.0.0.2 netmask 0xffffff00 broadcast 10.0.0.255\n");
    // Inside the jail there is no host interface; creating is allowed in a vnet jail, with the jail's own
    // cloner units: its unit 0 is free, but epair_handle_unit() finds the loaned epair0b there.
    expect(inJail(2, "epair0a")).toEqual({ stdout: "", stderr: "ifconfig: interface epair0a does not exist\n", code: 1 });
    expect(inJail(2, "epair create")).toEqual({ stdout: "", stderr: "ifconfig: interface epair already exists\n", code: 1 });
    expect(inJail(2, "epair create").code).toBe(1);
    expect(inJail(2, "epair1 create").stdout).toBe("epair1a\n");
  });

  it.each([
    ["ifconfig epair0b vnet nosuch", "ifconfig: jail \"nosuch\" not found\n"],
    ["ifconfig epair0b vnet 42", "ifconfig: SIOCSIFVNET: Device not configured\n"],
    ["ifconfig epair0b vnet plain", "ifconfig: SIOCSIFVNET: File exists\n"],
    ["ifconfig lo0 vnet web", "ifconfig: SIOCSIFVNET: File exists\n"],
    ["ifconfig epair9b vnet web", "ifconfig: interface epair9b does not exist\n"],
    ["ifconfig epair0b vnet", "ifconfig: 'vnet' requires argument\n"],
    ["ifconfig epair0a -vnet web", "ifconfig: SIOCSIFRVNET(1, epair0a): Device not configured\n"],
    ["ifconfig epair0a -vnet plain", "ifconfig: SIOCSIFRVNET(3, epair0a): File exists\n"],
  ])("%s", async (command, stderr) => {
    jails([{ jid: 1, name: "web", vnet: true }, { jid: 3, name: "plain", vnet: false }]);
    await ssh.run("ifconfig epair create");
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code: 1 });
  });

  it("cannot move interfaces from inside a jail", async () => {
    jails([{ jid: 1, name: "web", vnet: true }, { jid: 2, name: "db", vnet: true }]);
    await ssh.run("ifconfig epair create; ifconfig epair0b vnet web");
    expect(inJail(1, "epair0b vnet db")).toEqual({ stdout: "", stderr: "ifconfig: jail \"db\" not found\n", code: 1 });
    expect(inJail(1, "epair0b vnet 2")).toEqual({
      stdout: "", stderr: "ifconfig: SIOCSIFVNET: Operation not permitted\n", code: 1 });
  });
});

describe("getting interfaces back", () => {
  it("pulls an interface back with -vnet, unconfigured, at the end of the host's list", async () => {
    jails([{ jid: 1, name: "web", vnet: true }]);
    await ssh.run("ifconfig epair create; ifconfig bridge create; ifconfig epair0b vnet web");
    inJail(1, "epair0b inet 10.0.0.2/24");
    expect(await ssh.run("ifconfig epair0b -vnet web")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 epair0a bridge0 epair0b\n");
    expect((await ssh.run("ifconfig epair0b")).stdout).not.toContain("inet");
    expect(inJail(1, "-l").stdout).toBe("lo0\n");
  });

  it("destroys both ends of an epair from the host while one end is in a jail", async () => {
    jails([{ jid: 1, name: "web", vnet: true }]);
    await ssh.run("ifconfig epair create; ifconfig epair0b vnet web");
    expect(await ssh.run("ifconfig epair0a destroy")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(inJail(1, "-l").stdout).toBe("lo0\n");
    expect((await ssh.run("ifconfig epair create")).stdout).toBe("epair0a\n");
  });

  it("returns loaned interfaces when the jail goes, keeping a name given inside, and destroys its own", async () => {
    jails([{ jid: 1, name: "web", vnet: true }]);
    await ssh.run("ifconfig epair create; ifconfig epair create; ifconfig epair0b vnet web; ifconfig epair1b vnet 1");
    expect(inJail(1, "epair0b name eth0").stdout).toBe("eth0\n");
    inJail(1, "eth0 inet 10.0.0.2/24 up");
    inJail(1, "epair create");
    expect(inJail(1, "-l").stdout).toBe("lo0 eth0 epair1b epair0a epair0b\n");
    removeJail(1);
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 epair0a epair1a eth0 epair1b\n");
    expect((await ssh.run("ifconfig eth0")).stdout).toMatch(
      /^eth0: flags=1008842<BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n\toptions=8<VLAN_MTU>\n\tether [0-9a-f:]+\n\tgroups: epair\n/);
    // The name now taken on the host is still epair0's; destroying either end takes both.
    expect(await ssh.run("ifconfig eth0 destroy; ifconfig -l")).toEqual({
      stdout: "vtnet0 lo0 epair1a epair1b\n", stderr: "", code: 0 });
  });
});

describe("through jail(8) and jexec", () => {
  it("moves vnet.interface into the jail, shows it to jexec, and returns it on jail -r", async () => {
    await ssh.run("mkdir -p /jails/vj && tar -xf /usr/freebsd-dist/base.txz -C /jails/vj");
    await ssh.run("ifconfig epair create");
    const create = await ssh.run("jail -c name=vj path=/jails/vj vnet persist mount.devfs vnet.interface=epair0b");
    expect(create.code).toBe(0);
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 epair0a\n");
    expect((await ssh.run("jexec vj ifconfig -l")).stdout).toBe("lo0 epair0b\n");
    expect(await ssh.run("jexec vj ifconfig epair0b name eth0 inet 10.0.0.2/24")).toEqual({
      stdout: "eth0\n", stderr: "ifconfig: inet: bad value\n", code: 1 });
    expect(await ssh.run("jexec vj ifconfig eth0 inet 10.0.0.2/24")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("jexec vj ifconfig eth0 inet")).stdout).toBe(
      "eth0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500\n"
      + "\toptions=8<VLAN_MTU>\n\tinet 10.0.0.2 netmask 0xffffff00 broadcast 10.0.0.255\n");
    expect((await ssh.run("jail -r vj")).code).toBe(0);
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 epair0a eth0\n");
  });
});

describe("hooks for the jail code", () => {
  it("startVnetNetwork runs rc.d/netif inside the jail from the jail's rc.conf", async () => {
    jails([{ jid: 1, name: "web", vnet: true }]);
    await ssh.run("mkdir -p /jails/web/etc && echo 'ifconfig_epair0b=\"inet 10.0.0.2/24\"' > /jails/web/etc/rc.conf");
    await ssh.run("ifconfig epair create; ifconfig epair0b vnet web");
    host.withState((_d, k) => startVnetNetwork(k, 1, join(host.stateDir, "root/jails/web")));
    expect(inJail(1, "-u -l").stdout).toBe("lo0 epair0b\n");
    expect(inJail(1, "lo0 inet").stdout).toContain("\tinet 127.0.0.1 netmask 0xff000000\n");
    expect(inJail(1, "epair0b inet").stdout).toContain("\tinet 10.0.0.2 netmask 0xffffff00 broadcast 10.0.0.255\n");
    expect((await ssh.run("ifconfig lo0 inet | grep -c 'inet '")).stdout).toBe("1\n");
  });

  it("moveToVnet and reclaimFromVnet run ifconfig's vnet and -vnet from the host", async () => {
    jails([{ jid: 1, name: "web", vnet: true }]);
    await ssh.run("ifconfig epair create");
    expect(host.withState((_d, k) => moveToVnet(k, "epair0b", 1))).toEqual({ code: 0, stderr: "" });
    expect(host.withState((_d, k) => moveToVnet(k, "epair9b", 1))).toEqual({
      code: 1, stderr: "ifconfig: interface epair9b does not exist\n" });
    expect(inJail(1, "-l").stdout).toBe("lo0 epair0b\n");
    expect(host.withState((_d, k) => reclaimFromVnet(k, "epair0b", 1))).toEqual({ code: 0, stderr: "" });
    expect((await ssh.run("ifconfig -l")).stdout).toBe("vtnet0 lo0 epair0a epair0b\n");
  });
});
