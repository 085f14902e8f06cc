import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimHost } from "freebsd-sim";
import { secret } from "pulumi-engine-harness";
import { ProgramRunError, type ProgramStack } from "../engine/program/program-stack.ts";
import { hostConfig, hostSnapshot, mustExec, programStack, root, snapshotChanges, startHost } from "./program-host.ts";

// The program runner on what the examples do not show: an explicit provider for a second host beside
// the default one (its own plugin, its secret input kept secret, refreshed and destroyed from state),
// and programs that fail, through the API and through the CLI.

const programs = join(root, "test/examples/programs");

describe("an explicit provider beside the default one", () => {
  let first: SimHost;
  let second: SimHost;
  let stack: ProgramStack;
  let before: Record<string, string>[];

  beforeAll(async () => {
    [first, second] = await Promise.all([startHost(), startHost()]);
    before = await Promise.all([hostSnapshot(first), hostSnapshot(second)]);
    stack = programStack({
      dir: join(programs, "two-hosts"),
      config: {
        ...hostConfig(first), secondHost: second.host, secondPort: String(second.port), secondKey: secret(second.privateKey),
        secondHostKey: second.hostKeyFingerprint,
      },
    });
  }, 120_000);
  afterAll(async () => Promise.all([first?.stop(), second?.stop()]));

  it("creates each dataset on its provider's host, the first one's guid flowing to the second", async () => {
    const u = await stack.up();
    expect(u.preview!.steps.map((s) => `${s.op} ${s.type} ${s.name}`)).toEqual(expect.arrayContaining(["create pulumi:providers:freebsd second"]));
    expect(await mustExec(first, "zfs list -H -o name zroot/first")).toBe("zroot/first\n");
    expect((await first.exec("zfs list zroot/second")).code).not.toBe(0);
    const guid = await mustExec(first, "zfs get -H -p -o value guid zroot/first");
    expect(await mustExec(second, "zfs get -H -o value org.example:copy-of zroot/second")).toBe(guid);
    expect(stack.outputs).toMatchObject({ firstGuid: guid.trim(), secondName: "zroot/second" });
    const providers = stack.state.stack.providers!.map((p) => p.urn.split("::").pop());
    expect(providers.sort()).toEqual(["default_0_1_0", "second"]);
    const onSecond = stack.state.stack.resources.find((r) => r.name === "on-second")!;
    expect(onSecond.provider).toMatch(/::pulumi:providers:freebsd::second::[0-9a-f-]{36}$/);
    const text = readFileSync(stack.stateFile, "utf8");
    for (const line of second.privateKey.split("\n").filter((l) => l.length > 20)) expect(text).not.toContain(line);
  }, 300_000);

  it("refreshes both hosts through their providers from state, and re-applies with nothing to do", async () => {
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps.map((s) => s.op)).toEqual(["same", "same"]);
    const again = await stack.up({ skipPreview: true });
    expect(again.steps.filter((s) => s.op !== "same")).toEqual([]);
  }, 300_000);

  it("destroys both, leaving both hosts as they were", async () => {
    await stack.destroy({ skipPreview: true });
    expect(snapshotChanges(before[0]!, await hostSnapshot(first))).toEqual({});
    expect(snapshotChanges(before[1]!, await hostSnapshot(second))).toEqual({});
  }, 300_000);
});

describe("pulumi import", () => {
  let host: SimHost;
  afterAll(async () => host?.stop());

  it("adopts a dataset made by hand by its name, protected, so a destroy refuses to delete it", async () => {
    host = await startHost();
    await mustExec(host, "zfs create -o quota=3G zroot/byhand");
    const stack = programStack({ dir: join(programs, "two-hosts"), config: hostConfig(host) });
    const r = await stack.import("freebsd:zfs:Dataset", "adopted", "zroot/byhand");
    expect(r.steps.filter((s) => !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.name}`)).toEqual(["import adopted"]);
    const adopted = stack.state.stack.resources[0]!;
    expect(adopted).toMatchObject({ id: "zroot/byhand", protect: true, inputs: { name: "zroot/byhand", properties: { quota: "3G" } } });
    expect((await stack.refresh({ skipPreview: true })).steps.map((s) => s.op)).toEqual(["same"]);
    const err = (await stack.destroy({ skipPreview: true }).catch((e: unknown) => e)) as ProgramRunError;
    expect(err).toBeInstanceOf(ProgramRunError);
    expect(err.message).toMatch(/cannot be deleted\nbecause it is protected/);
    expect(await mustExec(host, "zfs list -H -o name zroot/byhand")).toBe("zroot/byhand\n");
  }, 180_000);
});

describe("a program that fails", () => {
  const offline = { "freebsd:host": "127.0.0.1", "freebsd:port": "9" };

  it("stops at the input the provider's Check refuses, naming it, with nothing in state", async () => {
    const stack = programStack({ dir: join(programs, "failing"), config: { ...offline, mode: "bad-input" } });
    const err = await stack.preview().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgramRunError);
    const { result } = err as ProgramRunError;
    expect(result.diagnostics.map((d) => d.message).join("\n")).toMatch(/freebsd:zfs:Dataset resource 'bad': property name value \{"zroot\/not\*valid"\} has a problem/);
    expect(stack.state.stack.resources).toEqual([]);
  }, 120_000);

  it("reports the program's own exception as the SDK logs it", async () => {
    const stack = programStack({ dir: join(programs, "failing"), config: { ...offline, mode: "throw" } });
    const err = (await stack.preview().catch((e: unknown) => e)) as ProgramRunError;
    expect(err).toBeInstanceOf(ProgramRunError);
    expect(err.result.logs.filter((l) => l.severity === "error").map((l) => l.message).join("\n")).toContain("the program gave up");
  }, 120_000);

  it("makes the CLI exit 1 after printing the preview and the error", () => {
    const state = join(mkdtempSync(join(tmpdir(), "runner-cli-")), "dev.json");
    const r = spawnSync(process.execPath, [join(root, "test/engine/run-program.ts"), "preview", join(programs, "failing"), "--state", state,
      "--config", "freebsd:host=127.0.0.1", "--config", "mode=bad-input"], { encoding: "utf8", env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("Running through the program runner");
    expect(r.stdout).toContain("Previewing update (dev):");
    expect(r.stdout).toMatch(/freebsd:zfs:Dataset \(bad\):\n\s+error: freebsd:zfs:Dataset resource 'bad': property name/);
  }, 120_000);
});
