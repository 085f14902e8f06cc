import { status as grpcStatus, type Client, type ServiceError } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { providerConfigSchema } from "../../provider/src/core/config.ts";
import { TimeoutError } from "../../provider/src/core/errors.ts";
import { HostSession } from "../../provider/src/host/session.ts";
import { Host } from "../../provider/src/inventory/host.ts";
import { want } from "../../provider/src/inventory/section.ts";
import { datasets } from "../../provider/src/sections/zfs.ts";
import { ProviderError, startProvider, DeploymentError, Stack, secret, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { datasetExists, failureOf, hostProperty, mustRun, targetOnSim, type TestTarget } from "./target.ts";

// The transport under the provider (issue 7, items 7 and 21 to 25): dropped connections, secrets on
// the wire, re-Configure, one deadline per operation, fresh inventories for writes, and error replies
// that always reach the engine. Runs on both lanes: ssh2's server and OpenSSH's sshd.

const T = "freebsd:zfs:Dataset";
const PROVIDER_URN = "urn:pulumi:test::proj::pulumi:providers:freebsd::default";
let sim: SimHost;
let target: TestTarget;
const launcher = (env: Record<string, string>) => startProvider({ env });
const dataset = (name: string, more: Record<string, unknown> = {}) => ({ type: T, inputs: { name, ...more } });

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot/tr");
  await mustRun(target, "zfs create zroot/tr");
});
afterAll(async () => sim?.stop());
afterEach(() => sim.faults.clear());

/** The diagnostics of a failed deployment, as one text. */

/** A session of the provider's own host layer on the simulated host. */
function session(): HostSession {
  const c = target.config as Record<string, unknown>;
  return new HostSession(providerConfigSchema.parse({
    host: c["host"], port: Number(c["port"]), privateKey: unwrapSecrets(c["privateKey"] as never), hostKey: c["hostKey"],
  }));
}

describe("dropped connections (issue 7.7)", () => {
  it("dials again for the read-back when the connection drops right after a create ran", async () => {
    const s = new Stack(launcher, { config: target.config });
    // Exec 1 is the inventory the plan reads, exec 2 the zfs create; the connection goes after its answer.
    sim.faults.dropAfterExecs(2, { phase: "after" });
    const r = await s.up({ a: dataset("zroot/tr/a") }, { skipPreview: true });
    expect(sim.faults.pending()).toBe(0);
    expect(r.steps["a"]!.op).toBe("create");
    expect(s.resource("a")!.initErrors).toEqual([]);
    await s.destroy({ skipPreview: true });
  });

  it("records a create whose answer was lost as a transport failure, and the next up finishes it", async () => {
    const s = new Stack(launcher, { config: target.config });
    sim.faults.dropAfterExecs(2, { phase: "during" });
    const text = await failureOf(s.up({ b: dataset("zroot/tr/b") }, { skipPreview: true }));
    expect(sim.faults.pending()).toBe(0);
    expect(text).toMatch(/connection lost before the command finished/);
    expect(text).not.toMatch(/Not connected|No response from server/);
    expect(s.resource("b")?.id).toBe("zroot/tr/b");
    expect(s.resource("b")!.initErrors.join("\n")).toMatch(/connection lost/);
    const again = await s.up({ b: dataset("zroot/tr/b") }, { skipPreview: true });
    expect(again.steps["b"]!.op).toBe("update");
    expect(s.resource("b")!.initErrors).toEqual([]);
    await s.destroy({ skipPreview: true });
  });
});

describe("secrets (issue 7.21)", () => {
  const token = "s3cr3t-'q'-$(x)";

  it("keeps a secret out of command lines, the debug log and error messages", async () => {
    const s = new Stack(launcher, { config: target.config });
    sim.resetStats();
    await s.up({ x: dataset("zroot/tr/sec", { properties: { "org.example:token": secret(token) } }) }, { skipPreview: true });
    expect(await hostProperty(target, "zroot/tr/sec", "org.example:token")).toEqual([token, "local"]);
    // The value reached zfs on stdin, not in the exec request the SSH server saw.
    expect(sim.stats.commands.join("\n")).not.toContain("s3cr3t");
    const creates = (await sim.toolLog()).filter((argv) => argv[0] === "zfs" && argv[1] === "create");
    expect(creates.map((argv) => argv.filter((a) => !a.startsWith("pulumi:urn=")))).toContainEqual(
      ["zfs", "create", "-o", `org.example:token=${token}`, "-o", "zroot/tr/sec"],
    );
    const debug = s.logs("debug").map((l) => l.message).join("\n");
    expect(debug).toMatch(/zfs.*create/);
    expect(debug).not.toContain("s3cr3t");
    // A tool that echoes the value in its error: the message keeps the cause, never the value.
    sim.faults.failTool(/^zfs set /, { code: 1, stderr: `cannot set property for 'zroot/tr/sec': 'org.example:token=${token}-2' is bad\n` });
    const text = await failureOf(
      s.up({ x: dataset("zroot/tr/sec", { properties: { "org.example:token": secret(`${token}-2`) } }) }, { skipPreview: true }),
    );
    expect(text).toContain("cannot set property for 'zroot/tr/sec'");
    expect(text).toContain("[secret]");
    expect(text).not.toContain("s3cr3t");
    expect(s.logs("debug").map((l) => l.message).join("\n")).not.toContain("s3cr3t");
    await s.destroy({ skipPreview: true });
  });

  it("keeps a secret out of the reason Check gives for refusing it", async () => {
    const s = new Stack(launcher, { config: target.config });
    const text = await failureOf(s.preview({ x: dataset("zroot/tr/bad", { properties: { compression: secret("zstd-s3cr3t") } }) }));
    expect(text).toMatch(/properties\.compression: value .* must be one of/);
    expect(text).not.toContain("s3cr3t");
  });
});

describe("configuration (issue 7.22)", () => {
  it("never serves a new host-key pin with the connection made under the old one", async () => {
    const client = await startProvider();
    try {
      const s = new Stack(client, { config: target.config });
      await s.up({ a: dataset("zroot/tr/pin") }, { skipPreview: true });
      const wrong = `SHA256:${"A".repeat(43)}`;
      s.config = { ...target.config, hostKey: wrong };
      const text = await failureOf(s.up({ a: dataset("zroot/tr/pin"), b: dataset("zroot/tr/pin2") }, { skipPreview: true }));
      expect(text).toContain(`host key mismatch for 127.0.0.1:${sim.port}: expected ${wrong}`);
      expect(await datasetExists(target, "zroot/tr/pin2")).toBe(false);
      s.config = { ...target.config };
      await s.up({ a: dataset("zroot/tr/pin") }, { skipPreview: true });
      await s.up({}, { skipPreview: true });
      expect(await datasetExists(target, "zroot/tr/pin")).toBe(false);
    } finally {
      await client.kill();
    }
  });
});

describe("deadlines (issue 7.23 and 7.25)", () => {
  it("bounds the whole create by its customTimeouts, not each command", async () => {
    const s = new Stack(launcher, { config: target.config });
    // Four commands that each take 5 s: without one deadline the create would take 20 s and succeed.
    for (let n = 1; n <= 4; n++) sim.faults.stallCommand(/./, { ms: 5_000, nth: n });
    const started = Date.now();
    const text = await failureOf(
      s.up({ slow: { ...dataset("zroot/tr/slow"), options: { customTimeouts: { create: 5 } } } }, { skipPreview: true }),
    );
    expect(text).toMatch(/deadline passed/);
    // The 5 s deadline, plus the plugin's start-up and the connection on a loaded machine.
    expect(Date.now() - started).toBeLessThan(15_000);
    sim.faults.clear();
  });

  it("fails a create that never gets an answer at its deadline instead of hanging", async () => {
    const s = new Stack(launcher, { config: target.config });
    sim.faults.stallTool(/^zfs create /);
    const text = await failureOf(
      s.up({ hung: { ...dataset("zroot/tr/hung"), options: { customTimeouts: { create: 3 } } } }, { skipPreview: true }),
    );
    expect(text).toMatch(/deadline passed/);
    sim.faults.clear();
  });

  it("stops the command on the host when the deadline passes, behind either SSH server", async () => {
    const host = session();
    try {
      const started = Date.now();
      const err = await host
        .exec({ argv: ["/bin/sh", "-c", "sleep 6; touch /tmp/ran-past-deadline"] }, { deadline: Date.now() + 2_000 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(5_000);
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect((await sim.exec("test -e /tmp/ran-past-deadline")).code).not.toBe(0);
    } finally {
      host.close();
    }
  });

  it("gives a Read its request's timeout: a stalled host fails the read, never hangs it", async () => {
    const client = await startProvider();
    try {
      await client.handshake();
      await client.configure({ urn: PROVIDER_URN, id: "p", inputs: target.config as never });
      sim.faults.stallCommand(/./);
      const started = Date.now();
      const err = await client.read({ urn: `urn:pulumi:test::proj::${T}::r`, id: "zroot/tr", timeout: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).details).toMatch(/deadline passed/);
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      sim.faults.clear();
      await client.kill();
    }
  });
});

describe("fresh inventories (issue 7.24)", () => {
  it("plans a write from the host as it is now, not from an inventory of two seconds ago", async () => {
    const host = new Host(session());
    try {
      const op = { deadline: Date.now() + 30_000 };
      const before = await host.read([want(datasets, ["zroot/tr/late"])], op);
      expect(before.get(datasets).has("zroot/tr/late")).toBe(false);
      await mustRun(target, "zfs create zroot/tr/late");
      expect((await host.read([want(datasets, ["zroot/tr/late"])], op)).get(datasets).has("zroot/tr/late")).toBe(true);
    } finally {
      host.close();
    }
  });
});

describe("fresh inventories after commands (issue 7.24)", () => {
  it("sees what a jail:Command changed when the next resource reads the host", async () => {
    await mustRun(target, "zfs create -p zroot/tr/jails/c24 && tar -xf /usr/freebsd-dist/base.txz -C /zroot/tr/jails/c24");
    const s = new Stack(launcher, { config: target.config });
    const program = {
      deleg: dataset("zroot/tr/deleg", { properties: { jailed: "on" } }),
      c24: { type: "freebsd:jail:Jail", inputs: { name: "c24", path: "/zroot/tr/jails/c24", datasets: ["zroot/tr/deleg"], autostart: false } },
      mk: { type: "freebsd:jail:Command", inputs: { jail: "c24", create: "zfs create zroot/tr/deleg/child" } },
      // Registered right after the command, in the same plugin process: imported from the host as it is now.
      child: { ...dataset("zroot/tr/deleg/child"), options: { import: "zroot/tr/deleg/child" } },
    };
    const r = await s.up(program as never, { skipPreview: true });
    expect(r.steps["child"]!.op).toBe("import");
    expect(s.resource("child")!.id).toBe("zroot/tr/deleg/child");
    await s.up({ deleg: program.deleg, c24: program.c24 } as never, { skipPreview: true });
    await s.destroy({ skipPreview: true });
  });
});

describe("error replies (issue 7.25)", () => {
  it("answers an error whose text holds a lone surrogate, and keeps serving", async () => {
    const client = await startProvider();
    try {
      await client.handshake();
      await client.configure({ urn: PROVIDER_URN, id: "p", inputs: target.config as never });
      // A CheckRequest whose type carries a UTF-8-encoded lone surrogate (ED A0 80), which protobuf's
      // decoder turns into "\uD800": the error naming that type must still be sent.
      const type = Buffer.concat([Buffer.from("freebsd:zfs:Data"), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from("set")]);
      const request = Buffer.concat([Buffer.from([0x3a, type.length]), type]);
      const raw = client.raw as unknown as Client;
      const err = await new Promise<ServiceError | undefined>((resolve) =>
        raw.makeUnaryRequest("/pulumirpc.ResourceProvider/Check", (b: Buffer) => b, (b: Buffer) => b, request, (e) => resolve(e ?? undefined)),
      );
      expect(err?.code).toBe(grpcStatus.INVALID_ARGUMENT);
      expect(err?.details).toMatch(/unknown resource type freebsd:zfs:Data\uFFFDset/);
      const ok = await client.check({ urn: `urn:pulumi:test::proj::${T}::x`, news: { name: "zroot/tr/x" }, allowUnknowns: false });
      expect(ok.failures).toEqual([]);
    } finally {
      await client.kill();
    }
  });

  it("answers a failure of a very long command line with its cause, bounded", async () => {
    const s = new Stack(launcher, { config: target.config });
    const long = "v".repeat(8_000);
    sim.faults.failTool(/^zfs create /, { code: 1, stderr: "cannot create 'zroot/tr/long': out of space\n" });
    const err = await s.up({ l: dataset("zroot/tr/long", { properties: { "org.example:blob": long } }) }, { skipPreview: true })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    const text = (err as DeploymentError).message;
    expect(text).toContain("out of space");
    expect(text).toMatch(/characters cut/);
    expect(text.length).toBeLessThan(6_000);
  });
});
