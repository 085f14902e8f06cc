// Several simulated hosts at once: each its own state, keys, port and counters, whichever server.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "../host.ts";
import { connect } from "../ssh-client.ts";
import { sshRun } from "./openssh-client.ts";

describe("several hosts", () => {
  let hosts: SimHost[] = [];

  beforeAll(async () => {
    hosts = await Promise.all([
      startSimHost({ hostname: "alpha" }),
      startSimHost({ hostname: "beta" }),
      startSimHost({ hostname: "gamma", server: "openssh" }),
    ]);
  });

  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
  });

  it("have their own ports, state dirs and keys", () => {
    expect(new Set(hosts.map((h) => h.port)).size).toBe(3);
    expect(new Set(hosts.map((h) => h.stateDir)).size).toBe(3);
    expect(new Set(hosts.map((h) => h.hostKeyFingerprint)).size).toBe(3);
    expect(new Set(hosts.map((h) => h.privateKey)).size).toBe(3);
  });

  it("accept only their own client key", async () => {
    const [a, b] = hosts as [SimHost, SimHost];
    await expect(connect(a, b.privateKey)).rejects.toThrow(/authentication/i);
    expect((await sshRun({ ...b, privateKey: a.privateKey }, "true")).code).toBe(255);
  });

  it("have their own state", async () => {
    const names = await Promise.all(hosts.map(async (h) => (await sshRun(h, "hostname")).stdout));
    expect(names).toEqual(["alpha\n", "beta\n", "gamma\n"]);
    const [a, b, c] = hosts as [SimHost, SimHost, SimHost];
    expect((await sshRun(a, "zfs create zroot/only-alpha")).code).toBe(0);
    expect((await sshRun(a, "zfs list -H -o name zroot/only-alpha")).stdout).toBe("zroot/only-alpha\n");
    expect((await sshRun(b, "zfs list zroot/only-alpha")).code).toBe(1);
    expect((await c.exec("zfs list zroot/only-alpha")).code).toBe(1);
  });

  it("count connections and execs per host, also when used at the same time", async () => {
    for (const h of hosts) h.resetStats();
    const [a, b, c] = hosts as [SimHost, SimHost, SimHost];
    const use = async (h: SimHost, connections: number, execs: number): Promise<void> => {
      await Promise.all(Array.from({ length: connections }, async () => {
        const conn = await connect(h);
        for (let i = 0; i < execs; i++) await conn.run(`echo ${h.port}`);
        conn.end();
      }));
    };
    await Promise.all([use(a, 3, 2), use(b, 1, 5), use(c, 2, 1)]);
    expect([a.stats.connections, a.stats.execChannels]).toEqual([3, 6]);
    expect([b.stats.connections, b.stats.execChannels]).toEqual([1, 5]);
    expect([c.stats.connections, c.stats.execChannels]).toEqual([2, 2]);
    expect(new Set(b.stats.commands)).toEqual(new Set([`echo ${b.port}`]));
  });

  it("keep faults to themselves", async () => {
    const [a, b] = hosts as [SimHost, SimHost];
    a.faults.failCommand(/^echo/, { code: 7 });
    expect((await sshRun(b, "echo b")).code).toBe(0);
    expect((await sshRun(a, "echo a")).code).toBe(7);
  });
});
