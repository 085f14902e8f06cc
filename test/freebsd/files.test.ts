import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { conflictMarker, hostLockFile, locked, writeFile } from "../../provider/src/freebsd/files.ts";
import { quoteArgv } from "../../provider/src/host/quote.ts";

// The file writes the provider sends, run by a real dash against a scratch directory (lockf is
// FreeBSD's, so its prefix is checked as argv and the rest run without it).

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "files-test-"))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a write without its lockf prefix; returns exit status and stderr. */
function run(cmd: ReturnType<typeof writeFile>): { code: number; stderr: string } {
  expect(cmd.argv.slice(0, 5)).toEqual(["lockf", "-k", "-t", "120", hostLockFile]);
  const r = spawnSync("/usr/bin/dash", ["-c", quoteArgv(cmd.argv.slice(5))], { input: cmd.stdin ?? "" });
  return { code: r.status ?? -1, stderr: r.stderr.toString() };
}

describe("writeFile", () => {
  it("creates the directory and the file, mode 644, leaving no temporary file", () => {
    const path = join(dir, "jail.conf.d", "web.conf");
    expect(run(writeFile(path, "web {\n}\n"))).toEqual({ code: 0, stderr: "" });
    expect(readFileSync(path, "utf8")).toBe("web {\n}\n");
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(readdirSync(join(dir, "jail.conf.d"))).toEqual(["web.conf"]);
  });

  it("creates a file that must not exist, and refuses when another writer made it first", () => {
    const path = join(dir, "web.conf");
    expect(run(writeFile(path, "mine\n", null)).code).toBe(0);
    const second = run(writeFile(path, "theirs\n", null));
    expect(second.code).toBe(75);
    expect(second.stderr).toContain(`${conflictMarker} ${path} exists already`);
    expect(readFileSync(path, "utf8")).toBe("mine\n");
    expect(readdirSync(dir)).toEqual(["web.conf"]);
  });

  it("replaces a file only while it still holds what was read", () => {
    const path = join(dir, "jail.conf");
    const was = "a { path = '/a'; }\n# it's $(not) run\n";
    writeFileSync(path, was);
    expect(run(writeFile(path, "b {\n}\n", was)).code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe("b {\n}\n");
    // The file now differs from what the plan read: nothing is written.
    const stale = run(writeFile(path, "c {\n}\n", was));
    expect(stale.code).toBe(75);
    expect(stale.stderr).toContain(`${conflictMarker} ${path} changed since it was read`);
    expect(readFileSync(path, "utf8")).toBe("b {\n}\n");
    expect(readdirSync(dir)).toEqual(["jail.conf"]);
  });

  it("treats a file that vanished as changed, and an empty expected text as an empty file", () => {
    const path = join(dir, "gone.conf");
    expect(run(writeFile(path, "x\n", "")).code).toBe(75);
    writeFileSync(path, "");
    expect(run(writeFile(path, "x\n", "")).code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe("x\n");
  });

  it("keeps multi-byte text and a missing final newline byte for byte", () => {
    const path = join(dir, "u.conf");
    const was = "naïve ✓ ";
    writeFileSync(path, was);
    expect(run(writeFile(path, "déjà", was)).code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe("déjà");
  });

  it("never puts the path or the content into shell text", () => {
    const path = join(dir, "$(touch pwned)'; x");
    const cmd = writeFile(path, "$(touch pwned2)\n");
    expect(cmd.argv.join(" ")).not.toContain("touch pwned2");
    expect(run(cmd).code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe("$(touch pwned2)\n");
    expect(execFileSync("ls", [dir]).toString()).not.toMatch(/^pwned/m);
  });
});

describe("locked", () => {
  it("runs the command under the host lock, keeping its stdin", () => {
    expect(locked({ argv: ["sysrc", "jail_list+=web"], stdin: "x" })).toEqual({
      argv: ["lockf", "-k", "-t", "120", hostLockFile, "sysrc", "jail_list+=web"],
      stdin: "x",
    });
  });
});
