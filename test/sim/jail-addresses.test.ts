// The simulated kernel keeps jail addresses as FreeBSD 14 does (sys/kern/kern_jail.c with
// prison_qcmp_v4/prison_qcmp_v6): the first where it was given, the others sorted by value, IPv6 as
// inet_ntop prints it; a repeated, unspecified or broadcast address is refused with EINVAL.

import { describe, expect, it } from "vitest";
import { useSimHost, type TestClient } from "./ssh-client.ts";

let ssh: TestClient;
useSimHost((_host, s) => {
  ssh = s;
});

describe("jail addresses", () => {
  it("keeps the first address and sorts the others numerically, not as text", async () => {
    expect((await ssh.run("jail -c name=a1 path=/ persist ip4.addr=10.0.0.9,10.0.0.10,10.0.0.2,192.0.2.1,10.0.0.1")).code).toBe(0);
    expect((await ssh.run("jls -j a1 ip4.addr")).stdout).toBe("10.0.0.9,10.0.0.1,10.0.0.2,10.0.0.10,192.0.2.1\n");
  });

  it("sorts IPv6 addresses byte by byte after the first, printed as inet_ntop does", async () => {
    const res = await ssh.run("jail -c name=a2 path=/ persist ip6.addr=2001:DB8:0::5,2001:db8::10,2001:db8::1:0,::2,::ffff:192.0.2.1");
    expect(res.code).toBe(0);
    expect((await ssh.run("jls -j a2 ip6.addr")).stdout).toBe("2001:db8::5,::2,::ffff:192.0.2.1,2001:db8::10,2001:db8::1:0\n");
  });

  it("sorts a jail -m change the same way", async () => {
    expect((await ssh.run("jail -m name=a1 ip4.addr=10.0.0.3,10.0.0.200,10.0.0.100")).code).toBe(0);
    expect((await ssh.run("jls -j a1 ip4.addr")).stdout).toBe("10.0.0.3,10.0.0.100,10.0.0.200\n");
  });

  it.each([
    "ip4.addr=10.0.0.7,10.0.0.8,10.0.0.7",
    "ip4.addr=10.0.0.7,10.0.0.7",
    "ip4.addr=0.0.0.0",
    "ip4.addr=255.255.255.255",
    "ip6.addr=2001:db8::7,2001:DB8::7",
    "ip6.addr=::",
  ])("refuses %s with EINVAL", async (addrs) => {
    expect(await ssh.run(`jail -c name=bad path=/ persist ${addrs}`))
      .toEqual({ stdout: "", stderr: "jail: jail_set: Invalid argument\n", code: 1 });
  });
});
