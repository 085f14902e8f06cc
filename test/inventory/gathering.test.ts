import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerConfigSchema } from "../../provider/src/core/config.ts";
import { HostSession } from "../../provider/src/host/session.ts";
import { Host } from "../../provider/src/inventory/host.ts";
import { want } from "../../provider/src/inventory/section.ts";
import { datasets } from "../../provider/src/sections/zfs.ts";
import { startSimHost, type SimHost } from "freebsd-sim";

// How a host gathers what the engine releases at once into one exec: it waits for a quiet time, and
// for operations that are still working out what they will read (a plugin slowed down by a large
// state, or by a busy machine), but never past the longest gathering time.

let sim: SimHost;
beforeAll(async () => {
  sim = await startSimHost();
});
afterAll(async () => sim?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const newHost = (maxMs = 5000) =>
  new Host(new HostSession(providerConfigSchema.parse({ host: sim.host, port: sim.port, privateKey: sim.privateKey, hostKey: sim.hostKeyFingerprint })), { idleMs: 30, maxMs });
const op = () => ({ deadline: Date.now() + 30_000 });

/** An operation that works for `ms` before it reads a dataset, as the provider's operations do. */
async function slowRead(host: Host, ms: number, name: string): Promise<number> {
  const done = host.begin();
  try {
    await sleep(ms);
    await host.read([want(datasets, [name])], op());
    return Date.now();
  } finally {
    done();
  }
}

describe("gathering", () => {
  it("waits for operations still working towards the batch, far past the quiet time: one exec", async () => {
    const host = newHost();
    try {
      sim.resetStats();
      await Promise.all([slowRead(host, 0, "zroot/a"), slowRead(host, 150, "zroot/b"), slowRead(host, 300, "zroot/c")]);
      expect(sim.stats.execChannels).toBe(1);
    } finally {
      host.close();
    }
  });

  it("sends as soon as the quiet time has passed once the others have ended without reading", async () => {
    const host = newHost();
    try {
      const idle = host.begin();
      setTimeout(idle, 200);
      const started = Date.now();
      const answered = await slowRead(host, 0, "zroot/a");
      expect(answered - started).toBeGreaterThanOrEqual(200);
      expect(answered - started).toBeLessThan(2000);
    } finally {
      host.close();
    }
  });

  it("never waits past the longest gathering time for an operation that keeps working", async () => {
    const host = newHost(400);
    try {
      const busy = host.begin();
      const started = Date.now();
      const answered = await slowRead(host, 0, "zroot/a");
      busy();
      expect(answered - started).toBeGreaterThanOrEqual(400);
      expect(answered - started).toBeLessThan(3000);
    } finally {
      host.close();
    }
  });
});
