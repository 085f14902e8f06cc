import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, readlinkSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pathWithoutNode, startProvider } from "pulumi-engine-harness";

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
