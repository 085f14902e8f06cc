import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectProvider, pathWithoutNode, startProvider } from "pulumi-engine-harness";

// The standalone plugin of `make dist`, as a user gets it: the tarball for this machine unpacked into
// a folder of its own, far from the repository, run with no Node.js on its PATH. (`make test-dist`
// runs lifecycle suites against the same binary; this checks the artifact itself.)
const root = resolve(import.meta.dirname, "../..");
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
const arch = process.arch === "x64" ? "amd64" : process.arch;
const tarball = join(root, "dist", `pulumi-resource-freebsd-v${version}-linux-${arch}.tar.gz`);
const dir = mkdtempSync(join(tmpdir(), "freebsd-plugin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The environment of a machine without Node.js: this one's PATH with every directory holding a node taken out. */
const noNode = { PATH: pathWithoutNode(process.env["PATH"]) };

describe("the standalone plugin tarball", () => {
  it("holds the executable at its root, beside the bundled packages' licenses", () => {
    expect(existsSync(tarball), `${tarball} is missing: run make dist`).toBe(true);
    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean).sort();
    expect(listing).toEqual(["THIRD-PARTY-NOTICES", "pulumi-resource-freebsd"]);
    execFileSync("tar", ["-xzf", tarball, "-C", dir]);
    const exe = join(dir, "pulumi-resource-freebsd");
    expect(statSync(exe).mode & 0o777).toBe(0o755);
    // A native executable (Node.js with the provider inside), not a script that needs an interpreter.
    const head = Buffer.alloc(4);
    const fd = openSync(exe, "r");
    readSync(fd, head, 0, 4, 0);
    closeSync(fd);
    expect(head.toString("latin1")).toBe("\x7fELF");
    const notices = readFileSync(join(dir, "THIRD-PARTY-NOTICES"), "utf8");
    for (const bundled of ["Node.js", "@grpc/grpc-js", "ssh2", "zod", "google-protobuf", "protobufjs"]) expect(notices).toContain(`==== ${bundled} `);
  });

  it("starts with no Node.js on PATH, prints its port line and answers GetPluginInfo and GetSchema", async () => {
    const exe = join(dir, "pulumi-resource-freebsd");
    expect(readdirSync(dir).sort()).toEqual(["THIRD-PARTY-NOTICES", "pulumi-resource-freebsd"]);
    expect(spawnSync("/bin/sh", ["-c", "command -v node"], { env: noNode }).status, "node is still on the plugin's PATH").not.toBe(0);
    // startProvider fails unless the first stdout line is a port, as the engine does
    const provider = await startProvider({ bin: exe, env: noNode });
    try {
      // the process serving is the binary itself, not a Node.js it started
      expect(readlinkSync(`/proc/${provider.plugin!.pid}/exe`)).toBe(exe);
      expect(await provider.getPluginInfo()).toEqual({ version });
      const schema = JSON.parse(await provider.getSchema()) as { name: string; version: string; resources: Record<string, unknown> };
      expect(schema).toEqual(JSON.parse(readFileSync(join(root, "schema.json"), "utf8")));
    } finally {
      await provider.kill();
    }
    expect(provider.stderr()).not.toMatch(/ExperimentalWarning|single executable/i);
  });
});

// The bundle inside the binary (dist/build/main.cjs) keeps the launcher's lazy start (test/protocol/startup.test.ts):
// esbuild wraps each module in an initializer run when it is first imported. Those initializers are
// wrapped here to name each module as it runs, and the bundle is run by this Node.
describe("the bundle in the standalone plugin", () => {
  it("runs only the gRPC server before the port line; the first call runs the protobuf modules, zod and the resources", async () => {
    const bundle = readFileSync(join(root, "dist/build/main.cjs"), "utf8");
    const firstModule = bundle.search(/^var (init_|require_)/m);
    expect(firstModule, "esbuild's module initializers (var init_x = __esm, var require_x = __commonJS) are not where they were").toBeGreaterThan(0);
    expect(bundle.slice(0, firstModule)).toMatch(/^var __esm = /m);
    expect(bundle.slice(0, firstModule)).toMatch(/^var __commonJS = /m);
    const probe =
      "{ const seen = new Set(); const ran = (n) => { if (!seen.has(n)) { seen.add(n); process.stderr.write(`ran ${n}\\n`); } };\n" +
      "  const wrap = (make) => (f, ...rest) => { const name = Object.getOwnPropertyNames(f)[0]; const init = make(f, ...rest); return function () { ran(name); return init.apply(this, arguments); }; };\n" +
      "  __esm = wrap(__esm); __commonJS = wrap(__commonJS); }\n";
    const file = join(dir, "probe.cjs");
    writeFileSync(file, bundle.slice(0, firstModule) + probe + bundle.slice(firstModule));
    const plugin = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    plugin.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const ran = () => stderr.split("\n").filter((l) => l.startsWith("ran ")).map((l) => l.slice(4));
    const heavy = (names: string[]) => names.filter((n) => /node_modules\/(ssh2|zod|google-protobuf|protobufjs)\/|\/proto\/(provider|plugin|engine)_pb\.js|\/resources\//.test(n));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        plugin.stdout.once("data", (b: Buffer) => resolve(Number(b.toString().trim())));
        plugin.once("exit", (code) => reject(new Error(`the bundle exited with ${code}: ${stderr}`)));
      });
      expect(port).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 300));
      const before = ran();
      expect(before).toContain("provider/src/protocol/listen.ts");
      expect(before.some((n) => n.includes("@grpc/grpc-js/"))).toBe(true);
      expect(before.filter((n) => n.startsWith("provider/src/") && n !== "provider/src/protocol/listen.ts")).toEqual([]);
      expect(heavy(before)).toEqual([]);
      const client = connectProvider(port);
      expect((await client.getPluginInfo()).version).toBe(version);
      const after = heavy(ran());
      for (const part of ["node_modules/zod/", "node_modules/google-protobuf/", "/proto/provider_pb.js", "provider/src/resources/"]) {
        expect(after.some((n) => n.includes(part)), `${part} after the first call`).toBe(true);
      }
      await client.kill();
    } finally {
      plugin.kill();
    }
  });
});
