// A whole host configured by hand, as an administrator would at the console: a VNET jail in
// /etc/jail.conf.d fed by an epair from cloned_interfaces, a bridge, an rctl rule in /etc/rctl.conf
// with racct enabled in /boot/loader.conf. After a reboot everything is back as FreeBSD's rc would
// bring it: the jail running, interfaces named and placed, rules loaded.

import { describe, expect, it } from "vitest";
import type { SimHost } from "./host.ts";
import { useSimHost, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;
useSimHost((h, s) => {
  host = h;
  ssh = s;
});

const setup = [
  "zfs create -p zroot/jails/edge && tar -xf /usr/freebsd-dist/base.txz -C /zroot/jails/edge",
  "printf 'edge {\\n  path = \"/zroot/jails/edge\";\\n  vnet;\\n  vnet.interface = \"epair0b\";\\n  persist;\\n}\\n' > /etc/jail.conf.d/edge.conf",
  "sysrc jail_enable=YES jail_list+=edge",
  "sysrc cloned_interfaces='bridge0 epair0' ifconfig_bridge0='addm epair0a up' ifconfig_epair0a=up",
  "echo 'kern.racct.enable=1' >> /boot/loader.conf",
  "sysrc rctl_enable=YES",
  "echo 'jail:edge:maxproc:deny=50' > /etc/rctl.conf",
];

describe("a host configured by hand, rebooted", () => {
  it("has nothing running before the reboot applies the configuration", async () => {
    for (const command of setup) expect((await ssh.run(command)).code, command).toBe(0);
    expect((await ssh.run("jls -j edge jid")).code).not.toBe(0);
  });

  it("comes back with the jail running, interfaces named and placed, and rules loaded", async () => {
    host.reboot();
    expect((await ssh.run("jls -j edge name")).stdout).toBe("edge\n");
    const hostIfs = (await ssh.run("ifconfig -l")).stdout.trim().split(" ");
    expect(hostIfs).toEqual(expect.arrayContaining(["bridge0", "epair0a"]));
    expect(hostIfs).not.toContain("epair0b");
    expect((await ssh.run("jexec edge ifconfig -l")).stdout.trim().split(" ")).toContain("epair0b");
    expect((await ssh.run("ifconfig bridge0")).stdout).toMatch(/member: epair0a/);
    expect((await ssh.run("rctl")).stdout).toBe("jail:edge:maxproc:deny=50\n");
  });
});
