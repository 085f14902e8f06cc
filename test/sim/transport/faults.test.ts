// Fault injection through SSH: dropped connections (before, during, after a command, after N output
// bytes), commands failing without running, stalled commands. Each fault fires once.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "../host.ts";
import { openConnection } from "./test-connection.ts";

const exists = async (host: SimHost, name: string): Promise<boolean> => (await host.exec(`zfs list ${name}`)).code === 0;

describe.each(["ssh2", "openssh"] as const)("faults, %s server", (server) => {
  let host: SimHost;

  beforeAll(async () => {
    host = await startSimHost({ server });
  });

  afterAll(async () => {
    await host?.stop();
  });

  it("fails the n-th matching command with the given status and stderr, without running it", async () => {
    host.faults.failCommand(/^zfs destroy /, { nth: 2, code: 1, stderr: "cannot destroy 'zroot/f2': dataset is busy\n" });
    const conn = await openConnection(host);
    await conn.run("zfs create zroot/f1 && zfs create zroot/f2");
    expect(await conn.run("zfs destroy zroot/f1")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await conn.run("zfs list -H -o name zroot")).toMatchObject({ code: 0 });
    expect(await conn.run("zfs destroy zroot/f2")).toEqual({ stdout: "", stderr: "cannot destroy 'zroot/f2': dataset is busy\n", code: 1 });
    expect(await exists(host, "zroot/f2")).toBe(true);
    // One-shot: the next destroy runs.
    expect(await conn.run("zfs destroy zroot/f2")).toMatchObject({ code: 0 });
    expect(host.faults.fired().map((f) => [f.kind, f.command])).toEqual([["fail", "zfs destroy zroot/f2"]]);
    expect(host.faults.pending()).toBe(0);
    conn.end();
  });

  it("stalls a command for a while, then runs it", async () => {
    host.faults.stallCommand("^sleepy", { ms: 400 });
    const conn = await openConnection(host);
    const started = performance.now();
    const [slow, fast] = await Promise.all([conn.run("sleepy=1; echo late"), conn.run("echo meanwhile")]);
    expect(slow).toMatchObject({ stdout: "late\n", code: 0 });
    expect(fast).toMatchObject({ stdout: "meanwhile\n", code: 0 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    conn.end();
  });

  it("stalls a command for ever; the connection stays usable", async () => {
    host.faults.stallCommand(/zfs get/);
    const conn = await openConnection(host);
    const stalled = conn.run("zfs get -H -o value mountpoint zroot");
    const timeout = new Promise((resolve) => setTimeout(() => resolve("no answer"), 700));
    expect(await conn.run("echo alive")).toMatchObject({ stdout: "alive\n", code: 0 });
    expect(await Promise.race([stalled, timeout])).toBe("no answer");
    conn.end();
    await conn.closed;
    expect((await stalled).code).toBeNull();
  });

  it("drops the connection after the n-th exec, once its answer is sent", async () => {
    host.faults.dropAfterExecs(2);
    const conn = await openConnection(host);
    expect(await conn.run("echo one")).toMatchObject({ stdout: "one\n", code: 0 });
    expect(await conn.run("zfs create zroot/after; echo two; exit 5")).toEqual({ stdout: "two\n", stderr: "", code: 5 });
    await conn.closed;
    expect(await exists(host, "zroot/after")).toBe(true);
    const next = await openConnection(host);
    expect(await next.run("echo three")).toMatchObject({ stdout: "three\n", code: 0 });
    next.end();
  });

  it("drops the connection during a command: it ran, its exit status never arrives", async () => {
    host.faults.dropAfterExecs(1, { phase: "during" });
    const conn = await openConnection(host);
    const res = await conn.run("zfs create zroot/during");
    await conn.closed;
    expect(res.code).toBeNull();
    expect(await exists(host, "zroot/during")).toBe(true);
  });

  it("drops the connection before a command: it never ran", async () => {
    host.faults.dropAfterExecs(1, { phase: "before" });
    const conn = await openConnection(host);
    const res = await conn.run("zfs create zroot/before");
    await conn.closed;
    expect(res.code).toBeNull();
    expect(await exists(host, "zroot/before")).toBe(false);
  });

  it.runIf(server === "ssh2")("drops the connection after n bytes of output, cutting it there", async () => {
    host.faults.dropAfterBytes(1000);
    const conn = await openConnection(host);
    expect(await conn.run("printf 'x%.0s' $(seq 1 600)")).toMatchObject({ stdout: "x".repeat(600), code: 0 });
    const cut = await conn.run("printf 'y%.0s' $(seq 1 5000)");
    await conn.closed;
    expect(cut.stdout).toBe("y".repeat(400));
    expect(cut.code).toBeNull();
    expect(host.faults.fired().at(-1)).toMatchObject({ kind: "drop-bytes" });
  });

  it.runIf(server === "openssh")("says the byte fault needs the ssh2 server", () => {
    expect(() => host.faults.dropAfterBytes(10)).toThrow(/not available with the OpenSSH server/);
  });

  it("clears faults not yet fired", async () => {
    host.faults.failCommand(/./, { code: 9 });
    host.faults.clear();
    const conn = await openConnection(host);
    expect(await conn.run("true")).toMatchObject({ code: 0 });
    conn.end();
  });
});
