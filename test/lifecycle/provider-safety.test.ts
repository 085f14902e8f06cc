import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, UNKNOWN } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { datasetExists, failureOf, hostProperty, mustRun, targetOnSim, type TestTarget } from "./target.ts";

// What the provider guarantees whatever it is given: hostile input never reaches a shell unquoted,
// host keys are verified, transport failures are errors, and reads are batched.

const T = "freebsd:zfs:Dataset";
let sim: SimHost;
let target: TestTarget;
const config = (over: Record<string, unknown> = {}) => ({ ...target.config, ...over }) as never;
const launcher = (env: Record<string, string>) => startProvider({ env });

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot/safety");
  await mustRun(target, "zfs create zroot/safety");
});
afterAll(async () => sim?.stop());

/** The diagnostics of a failed deployment, as one text. */

describe("hostile input", () => {
  const hostile = ["a'b", "$(touch /tmp/pwned)", "`touch /tmp/pwned`", "a\nb", "a;touch /tmp/pwned", "a\"b"];

  it.each(hostile)("refuses %j as a dataset name at Check, before touching the host", async (bad) => {
    sim.resetStats();
    const s = new Stack(launcher, { config: config() });
    const text = await failureOf(s.preview({ x: { type: T, inputs: { name: `zroot/safety/${bad}` } } }));
    expect(text).toMatch(/name: invalid character/);
    expect(sim.stats.execChannels).toBe(0);
  });

  it.each(hostile)("refuses %j as a native property value and as a property name at Check", async (bad) => {
    const s = new Stack(launcher, { config: config() });
    const text = await failureOf(s.preview({ x: { type: T, inputs: { name: "zroot/safety/x", properties: { compression: bad, [`org.x:${bad}`]: "1" } } } }));
    expect(text).toMatch(/properties\.compression: value .* (must be one of on \| off|must not contain control characters)/);
    expect(text).toMatch(/module:property/);
  });

  it("passes a user property value full of shell syntax to zfs as one argument, byte for byte", async () => {
    const value = "$(touch /tmp/pwned); `touch /tmp/pwned2` 'q' \"d\" ; | & > /tmp/pwned3";
    const s = new Stack(launcher, { config: config() });
    await s.up({ x: { type: T, inputs: { name: "zroot/safety/quoted", properties: { "org.example:cmd": value } } } });
    expect(await hostProperty(target, "zroot/safety/quoted", "org.example:cmd")).toEqual([value, "local"]);
    const creates = (await sim.toolLog()).filter((argv) => argv[0] === "zfs" && argv[1] === "create");
    // The create also marks the dataset with its resource's URN (issue 7.5).
    expect(creates).toContainEqual(["zfs", "create", "-o", `org.example:cmd=${value}`, "-o", `pulumi:urn=${s.urn(T, "x")}`, "zroot/safety/quoted"]);
    expect((await sim.exec("ls /tmp/pwned /tmp/pwned2 /tmp/pwned3")).code).not.toBe(0);
    await s.destroy();
  });
});

describe("host keys", () => {
  it("refuses a host whose key does not match the pinned one, naming both fingerprints", async () => {
    const wrong = "SHA256:" + "A".repeat(43);
    const s = new Stack(launcher, { config: config({ hostKey: wrong }) });
    const text = await failureOf(s.up({ x: { type: T, inputs: { name: "zroot/safety/never" } } }, { skipPreview: true }));
    expect(text).toContain(`host key mismatch for 127.0.0.1:${sim.port}`);
    expect(text).toContain(wrong);
    expect(text).toContain(sim.hostKeyFingerprint);
    expect(await datasetExists(target, "zroot/safety/never")).toBe(false);
  });

  it("refuses an unknown host key unless known_hosts lists it", async () => {
    const { hostKey: _, ...noPin } = target.config as Record<string, unknown>;
    const s = new Stack(launcher, { config: noPin as never });
    const text = await failureOf(s.up({ x: { type: T, inputs: { name: "zroot/safety/never" } } }, { skipPreview: true }));
    expect(text).toContain(`host key of 127.0.0.1:${sim.port} is unknown (${sim.hostKeyFingerprint})`);
    const knownHosts = join(tmpdir(), `known_hosts-${sim.port}`);
    writeFileSync(knownHosts, `[127.0.0.1]:${sim.port} ${sim.hostPublicKey}\n`);
    const ok = new Stack(launcher, { config: { ...noPin, knownHostsFile: knownHosts } as never });
    await ok.up({ x: { type: T, inputs: { name: "zroot/safety/known" } } });
    expect(await datasetExists(target, "zroot/safety/known")).toBe(true);
    await ok.destroy();
  });
});

describe("connections and batching", () => {
  it("makes no connection for a preview, even with the host unknown until apply", async () => {
    sim.resetStats();
    const s = new Stack(launcher, { config: config() });
    await s.preview({ x: { type: T, inputs: { name: "zroot/safety/preview" } } });
    const unknownHost = new Stack(launcher, { config: config({ host: UNKNOWN }) });
    const r = await unknownHost.preview({ x: { type: T, inputs: { name: "zroot/safety/preview" } } });
    expect(r.steps["x"]!.op).toBe("create");
    expect(sim.stats.connections).toBe(0);
  });

  it("refreshes 50 datasets with one exec channel", async () => {
    const s = new Stack(launcher, { config: config() });
    // Made out of band at once, then adopted with the import option (creating 50 one by one is slow).
    sim.seedFilesystems(Array.from({ length: 50 }, (_, i) => `zroot/safety/many/d${i}`));
    const program = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`d${i}`, { type: T, inputs: { name: `zroot/safety/many/d${i}` }, options: { import: `zroot/safety/many/d${i}` } }]),
    );
    await s.up(program, { skipPreview: true });
    sim.resetStats();
    const r = await s.refresh({ skipPreview: true });
    expect(Object.values(r.steps).every((step) => step.op === "same")).toBe(true);
    expect(Object.keys(r.steps)).toHaveLength(50);
    expect(sim.stats.connections).toBe(1);
    expect(sim.stats.execChannels).toBe(1);
    await mustRun(target, "zfs destroy -r zroot/safety/many");
    const gone = await s.refresh({ skipPreview: true });
    expect(Object.values(gone.steps).every((step) => step.op === "delete")).toBe(true);
  }, 180_000);

  it("fails a refresh when the host cannot be reached, instead of reporting the resource gone", async () => {
    const other = await startSimHost();
    const s = new Stack(launcher, { config: targetOnSim(other, "zroot").config });
    await s.up({ x: { type: T, inputs: { name: "zroot/x" } } }, { skipPreview: true });
    await other.stop();
    const text = await failureOf(s.refresh({ skipPreview: true }));
    expect(text).toMatch(/127\.0\.0\.1:\d+: cannot connect/);
    expect(s.resource("x")).toBeDefined();
  });

  it("reconnects after the host drops the connection, in the same provider process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-reconnect-"));
    const first = await startSimHost({ stateDir: dir });
    const client = await startProvider();
    try {
      const s = new Stack(client, { config: targetOnSim(first, "zroot").config });
      await s.up({ a: { type: T, inputs: { name: "zroot/a" } } }, { skipPreview: true });
      await first.stop();
      const second = await startSimHost({ stateDir: dir, port: first.port });
      try {
        const r = await s.up({ a: { type: T, inputs: { name: "zroot/a" } }, b: { type: T, inputs: { name: "zroot/b" } } }, { skipPreview: true });
        expect(r.steps["b"]!.op).toBe("create");
        expect(second.stats.connections).toBe(1);
      } finally {
        await second.stop();
      }
    } finally {
      await client.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
