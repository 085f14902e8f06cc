import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, isSecret, secret, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { datasetExists, failureOf, mustRun, targetOnSim, type TestTarget } from "./target.ts";

// A host behind a bastion (issue 11: `proxy`), with two simulated hosts, one in front of the other:
// the provider logs in to the bastion, then reaches the host through the bastion's TCP forwarding,
// each host key verified on its own. Runs on both lanes (ssh2's server and OpenSSH's sshd).

const T = "freebsd:zfs:Dataset";
const wrongKey = `SHA256:${"B".repeat(43)}`;
let bastion: SimHost;
let host: SimHost;
let target: TestTarget;
const launcher = (env: Record<string, string>) => startProvider({ env });
const dataset = (name: string) => ({ type: T, inputs: { name } });

/** The bastion's settings, as `pulumi config set --path freebsd:proxy...` would store them (one JSON text). */
const proxyOf = (sim: SimHost, over: Record<string, unknown> = {}) => JSON.stringify({
  host: sim.host, port: sim.port, user: "root", privateKey: sim.privateKey, hostKey: sim.hostKeyFingerprint, ...over,
});
const configWith = (proxy: string, over: Record<string, unknown> = {}) => ({ ...target.config, proxy, ...over }) as never;

/** The diagnostics of a failed deployment, as one text. */

beforeAll(async () => {
  [bastion, host] = await Promise.all([startSimHost(), startSimHost()]);
  target = targetOnSim(host, "zroot/bh");
  await mustRun(target, "zfs create zroot/bh");
});
afterAll(async () => Promise.all([bastion?.stop(), host?.stop()]));

describe("a host behind a bastion", () => {
  it("reaches the host through the bastion, both host keys verified, the bastion's key secret in the state and the logs", async () => {
    bastion.resetStats();
    host.resetStats();
    const s = new Stack(launcher, { config: configWith(proxyOf(bastion)) });
    const r = await s.up({ a: dataset("zroot/bh/a") }, { skipPreview: true });
    expect(r.steps["a"]!.op).toBe("create");
    expect(await datasetExists(target, "zroot/bh/a")).toBe(true);
    // One login on the bastion (which ran nothing), and the host's commands on the host.
    expect(bastion.stats.connections).toBe(1);
    expect(bastion.stats.execChannels).toBe(0);
    expect(host.stats.execChannels).toBeGreaterThan(0);
    // The bastion's settings arrived as plain JSON text: the provider marks its key secret itself.
    const proxy = s.state.provider!.inputs["proxy"] as Record<string, unknown>;
    expect(isSecret(proxy)).toBe(false);
    expect(proxy["host"]).toBe("127.0.0.1");
    expect(isSecret(proxy["privateKey"])).toBe(true);
    expect(unwrapSecrets(proxy["privateKey"] as never)).toBe(bastion.privateKey);
    const keyLine = bastion.privateKey.split("\n")[1]!;
    expect(s.logs("debug").map((l) => l.message).join("\n")).not.toContain(keyLine);
    await s.destroy({ skipPreview: true });
    expect(await datasetExists(target, "zroot/bh/a")).toBe(false);
  });

  it("refuses a wrong bastion key naming both fingerprints, and says it is the bastion's; the host is never reached", async () => {
    host.resetStats();
    const s = new Stack(launcher, { config: configWith(proxyOf(bastion, { hostKey: wrongKey })) });
    const text = await failureOf(s.up({ b: dataset("zroot/bh/b") }, { skipPreview: true }));
    expect(text).toContain(
      `host key mismatch for the bastion 127.0.0.1:${bastion.port}: expected ${wrongKey} (freebsd:proxy.hostKey), ` +
        `the bastion presented ${bastion.hostKeyFingerprint}`,
    );
    expect(host.stats.connections).toBe(0);
    expect(await datasetExists(target, "zroot/bh/b")).toBe(false);
  });

  it("verifies the host's own key through the bastion", async () => {
    const s = new Stack(launcher, { config: configWith(proxyOf(bastion), { hostKey: wrongKey }) });
    const text = await failureOf(s.up({ c: dataset("zroot/bh/c") }, { skipPreview: true }));
    expect(text).toContain(`host key mismatch for 127.0.0.1:${host.port}: expected ${wrongKey} (freebsd:hostKey), the host presented ${host.hostKeyFingerprint}`);
    expect(text).toContain(`through the bastion root@127.0.0.1:${bastion.port}`);
    expect(await datasetExists(target, "zroot/bh/c")).toBe(false);
  });

  it("takes pulumi-command's names for the bastion's settings", async () => {
    const s = new Stack(launcher, { config: configWith(proxyOf(bastion, { perDialTimeout: 10, agentSocketPath: "/nonexistent/agent" }), { perDialTimeout: "10" }) });
    await s.up({ d: dataset("zroot/bh/d") }, { skipPreview: true });
    const inputs = s.state.provider!.inputs;
    expect(inputs["connectTimeout"]).toBe(10);
    expect(inputs["perDialTimeout"]).toBeUndefined();
    expect(unwrapSecrets(inputs["proxy"] as never)).toMatchObject({ connectTimeout: 10, agent: "/nonexistent/agent" });
    await s.destroy({ skipPreview: true });
  });
});

describe("the bastion down", () => {
  it("fails a refresh with a transport error naming the bastion, after its dialErrorLimit, never reporting the resources gone", async () => {
    // A bastion of its own, brought down after the up.
    const dir = mkdtempSync(join(tmpdir(), "sim-bastion-"));
    const front = await startSimHost({ stateDir: dir });
    const s = new Stack(launcher, { config: configWith(proxyOf(front, { dialErrorLimit: 1 })) });
    await s.up({ e: dataset("zroot/bh/e") }, { skipPreview: true });
    await front.stop();
    const started = Date.now();
    const text = await failureOf(s.refresh({ skipPreview: true }));
    expect(text).toMatch(new RegExp(`UNAVAILABLE: root@127\\.0\\.0\\.1:${host.port}: cannot reach the bastion root@127\\.0\\.0\\.1:${front.port}: ` +
      `cannot connect: connect ECONNREFUSED 127\\.0\\.0\\.1:${front.port} \\(2 attempts\\)`));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(text).not.toMatch(/gone|does not exist/);
    expect(s.resource("e")).toBeDefined();
    // Back up (same state and port): the same stack finds its resource again.
    const again = await startSimHost({ stateDir: dir, port: front.port });
    try {
      const r = await s.refresh({ skipPreview: true });
      expect(r.steps["e"]!.op).toBe("same");
      await s.destroy({ skipPreview: true });
    } finally {
      await again.stop();
    }
  });
});

describe("re-Configure", () => {
  it("dials anew when a proxy setting changes, in the same provider process", async () => {
    const other = await startSimHost();
    const client = await startProvider();
    try {
      const s = new Stack(client, { config: configWith(proxyOf(bastion)) });
      await s.up({ f: dataset("zroot/bh/f") }, { skipPreview: true });
      // A wrong bastion key now: never served by the connection made under the right one.
      s.config = configWith(proxyOf(bastion, { hostKey: wrongKey }));
      const text = await failureOf(s.up({ f: dataset("zroot/bh/f"), g: dataset("zroot/bh/g") }, { skipPreview: true }));
      expect(text).toContain(`host key mismatch for the bastion 127.0.0.1:${bastion.port}`);
      expect(await datasetExists(target, "zroot/bh/g")).toBe(false);
      // Another bastion: reached, and the host through it.
      other.resetStats();
      s.config = configWith(proxyOf(other));
      const r = await s.up({ f: dataset("zroot/bh/f"), g: dataset("zroot/bh/g") }, { skipPreview: true });
      expect(r.steps["g"]!.op).toBe("create");
      expect(other.stats.connections).toBe(1);
      // No bastion at all: the host directly.
      bastion.resetStats();
      other.resetStats();
      s.config = { ...target.config };
      await s.up({}, { skipPreview: true });
      expect(other.stats.connections + bastion.stats.connections).toBe(0);
      expect(await datasetExists(target, "zroot/bh/f")).toBe(false);
    } finally {
      await client.kill();
      await other.stop();
    }
  });
});

describe("a Replica's source behind a bastion", () => {
  let src: SimHost;
  beforeAll(async () => {
    src = await startSimHost({ pools: [{ name: "tank" }] });
    await src.exec("zfs create tank/db && echo v1 > /tank/db/data && zfs snapshot tank/db@s1");
  });
  afterAll(async () => src?.stop());

  it("replicates from a source reached through its bastion, the bastion's key secret in the state", async () => {
    bastion.resetStats();
    const source = {
      host: src.host, port: src.port, user: "root", privateKey: secret(src.privateKey), hostKey: src.hostKeyFingerprint,
      proxy: { host: bastion.host, port: bastion.port, privateKey: bastion.privateKey, hostKey: bastion.hostKeyFingerprint },
    };
    const s = new Stack(launcher, { config: target.config });
    const program = { r: { type: "freebsd:zfs:Replica", inputs: { source, sourceDataset: "tank/db", dataset: "zroot/bh/replica", forceDestroy: true } as never } };
    const r = await s.up(program, { skipPreview: true });
    expect(r.steps["r"]!.op).toBe("create");
    expect((await mustRun(target, "zfs list -H -o name -t snapshot zroot/bh/replica")).trim()).toBe("zroot/bh/replica@s1");
    expect(bastion.stats.connections).toBeGreaterThan(0);
    const state = s.resource("r")!;
    for (const bag of [state.inputs, state.outputs]) {
      const proxy = (bag["source"] as Record<string, unknown>)["proxy"] as Record<string, unknown>;
      expect(isSecret(proxy["privateKey"])).toBe(true);
      expect(proxy["host"]).toBe("127.0.0.1");
    }
    await s.destroy({ skipPreview: true });
  });
});
