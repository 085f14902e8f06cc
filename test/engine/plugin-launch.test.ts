import { chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FakeEngine } from "./fake-engine.ts";
import { startProvider } from "./harness.ts";
import { parsePort } from "./plugin-process.ts";

const scripts = resolve(import.meta.dirname, "fake-plugins");
const binDir = mkdtempSync(join(tmpdir(), "fake-plugin-bin-"));
afterAll(() => rmSync(binDir, { recursive: true, force: true }));

// Writes an executable wrapper like provider/bin's, running a fake plugin script with this Node.
function wrapper(script: string): string {
  const bin = join(binDir, `pulumi-resource-${script.replace(/\.mjs$/, "")}`);
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${join(scripts, script)}" "$@"\n`);
  chmodSync(bin, 0o755);
  return bin;
}

describe("parsePort", () => {
  it("accepts what the engine accepts", () => {
    expect(parsePort("12345")).toBe(12345);
    expect(parsePort(" 8080\r")).toBe(8080);
    expect(parsePort("+443")).toBe(443);
    expect(parsePort("\x1b]9;4;3;\x1b\\5000")).toBe(5000);
  });

  it("rejects anything else with the engine's reason", () => {
    expect(() => parsePort("starting freebsd provider...")).toThrow('could not parse port: strconv.Atoi: parsing "starting freebsd provider...": invalid syntax');
    expect(() => parsePort("")).toThrow("invalid syntax");
    expect(() => parsePort("0")).toThrow("invalid port number: 0");
    expect(() => parsePort("70000")).toThrow("invalid port number: 70000");
  });
});

describe("startProvider", () => {
  it("fails clearly when the first stdout line is not a port", async () => {
    const bin = wrapper("garbage-first.mjs");
    await expect(startProvider({ bin })).rejects.toThrow(
      `freebsd (resource) plugin [${bin}] wrote an invalid port to stdout: could not parse port: strconv.Atoi: parsing "starting freebsd provider...": invalid syntax`,
    );
  });

  it("fails clearly, with the plugin's stderr, when the plugin exits before printing a port", async () => {
    const bin = wrapper("exits-early.mjs");
    const err = await startProvider({ bin }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`could not read plugin [${bin}]: exit status 3`);
    expect((err as Error).message).toContain("boom: cannot load config");
  });

  it("passes the logging flags and the engine address last, runs in the program directory, forwards env", async () => {
    const engine = await FakeEngine.start();
    const cwd = mkdtempSync(join(tmpdir(), "fake-program-"));
    const provider = await startProvider({ bin: wrapper("echo-plugin.mjs"), engine, cwd, env: { ECHO_PLUGIN_ENV: "yes" } });
    try {
      expect(await provider.handshake()).toMatchObject({ acceptSecrets: true, acceptResources: true, supportsPreview: true });
      expect(await provider.getPluginInfo()).toEqual({ version: "1.2.3" });
      const started = JSON.parse(provider.stderr().split("\n")[0] ?? "{}") as { argv: string[]; cwd: string; env: string };
      expect(started).toEqual({ argv: ["--logtostderr", "-v=9", engine.address], cwd: realpathSync(cwd), env: "yes" });
    } finally {
      await provider.kill();
      await engine.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("records what the plugin logs through Engine.Log", async () => {
    const provider = await startProvider({ bin: wrapper("echo-plugin.mjs"), args: [] });
    try {
      await provider.handshake();
      const urn = "urn:pulumi:test::proj::pulumi:providers:freebsd::default";
      await provider.configure({ urn, id: "id", inputs: {} });
      expect(provider.engine?.entries("warning")).toEqual([{ severity: "warning", message: "configured", urn, streamId: 0, ephemeral: false }]);
      expect(provider.engine?.entries("error")).toEqual([]);
    } finally {
      await provider.kill();
    }
  });
});
