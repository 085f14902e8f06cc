// freebsd-sim serve --openssh --latency-ms and fault flags, and `freebsd-sim fault` arming a fault on
// a running host through its control file.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { sshRun } from "./openssh-client.ts";

const CLI = fileURLToPath(new URL("../freebsd-sim", import.meta.url));

describe("freebsd-sim serve and fault", () => {
  const state = mkdtempSync(join(tmpdir(), "freebsd-sim-cli-"));
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  it("serves through OpenSSH behind a latency proxy, with faults armed at start and later", async () => {
    const serve = spawn(CLI, ["serve", "--state", state, "--openssh", "--latency-ms", "20",
      "--fail", "^zfs destroy", "--code", "1", "--stderr", "cannot destroy 'zroot/x': dataset is busy"], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<number | null>((resolve) => serve.on("exit", (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve) => {
        let buf = "";
        serve.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          if (buf.includes("\n")) resolve(buf);
        });
      });
      const m = /^freebsd-sim listening on 127\.0\.0\.1:(\d+) host key (SHA256:\S+)\n$/.exec(line);
      expect(m).not.toBeNull();
      const target = {
        host: "127.0.0.1", port: Number(m![1]), user: "root",
        privateKey: readFileSync(join(state, "ssh", "client_ed25519"), "utf8"),
        hostPublicKey: readFileSync(join(state, "ssh", "ssh_host_ed25519_key.pub"), "utf8").split(/\s+/).slice(0, 2).join(" "),
      };
      expect((await sshRun(target, "zfs create zroot/x")).code).toBe(0);
      expect(await sshRun(target, "zfs destroy zroot/x"))
        .toEqual({ stdout: "", stderr: "cannot destroy 'zroot/x': dataset is busy\n", code: 1 });
      const plan = JSON.parse(execFileSync(CLI, ["fault", "--state", state, "--fail", "^hostname", "--code", "3", "--nth", "2"], { encoding: "utf8" })) as { rules: unknown[]; fired: unknown[] };
      expect(plan.rules).toHaveLength(1);
      expect(plan.fired).toHaveLength(1);
      expect((await sshRun(target, "hostname")).code).toBe(0);
      expect((await sshRun(target, "hostname")).code).toBe(3);
      const cleared = JSON.parse(execFileSync(CLI, ["fault", "--state", state, "--clear"], { encoding: "utf8" })) as { rules: unknown[] };
      expect(cleared.rules).toEqual([]);
    } finally {
      serve.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("rejects a fault without its exit status", () => {
    expect(() => execFileSync(CLI, ["fault", "--state", state, "--fail", "x"], { stdio: "pipe" })).toThrow(/--fail needs --code N/);
  });
});
