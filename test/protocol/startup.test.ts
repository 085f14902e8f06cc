import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LAUNCHER_BIN, connectProvider } from "pulumi-engine-harness";

// The engine waits for the port line before it can make a single call, and every `pulumi` command
// starts the plugin again: nothing the first call does not need is loaded before that line.
const dir = mkdtempSync(join(tmpdir(), "plugin-startup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A module hook (Node's registerHooks) that appends every module the plugin loads to a file.
const hook = join(dir, "hook.mjs");
const loads = join(dir, "loads.txt");
writeFileSync(
  hook,
  `import { registerHooks } from "node:module";\nimport { appendFileSync } from "node:fs";\n` +
    `registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(loads)}, url + "\\n"); return next(url, context); } });\n`,
);

const loaded = (): string[] => readFileSync(loads, "utf8").split("\n").filter(Boolean);
const heavy = (urls: string[]) => urls.filter((u) => /node_modules\/(ssh2|zod|google-protobuf|protobufjs)\/|\/proto\/(provider|plugin|engine)_pb\.js|\/resources\//.test(u));

describe("plugin start-up", () => {
  it("prints its port before loading ssh2, zod, the protobuf messages and runtimes or any resource; the first call loads them", async () => {
    writeFileSync(loads, "");
    const plugin = spawn(LAUNCHER_BIN, [], { env: { ...process.env, NODE_OPTIONS: `--import ${hook}` }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        plugin.stdout.once("data", (b: Buffer) => resolve(Number(b.toString().trim())));
        plugin.once("exit", (code) => reject(new Error(`the plugin exited with ${code}`)));
      });
      expect(port).toBeGreaterThan(0);
      // Idle after the port line: nothing more loads until a call arrives.
      await new Promise((r) => setTimeout(r, 300));
      expect(loaded().some((u) => u.includes("@grpc/grpc-js"))).toBe(true);
      expect(heavy(loaded())).toEqual([]);
      const client = connectProvider(port);
      expect((await client.getPluginInfo()).version).toMatch(/^\d+\.\d+\.\d+/);
      expect(heavy(loaded()).some((u) => u.includes("/resources/"))).toBe(true);
      await client.kill();
    } finally {
      plugin.kill();
    }
  });
});
