// The simulator as the workspace package freebsd-sim: importers reach its public entry by name,
// node runs its .ts sources through the workspace symlink (type stripping refuses files below
// node_modules, so the import must resolve to test/sim itself), and `freebsd-sim` is on
// node_modules/.bin with a host whose tools run inside the sandbox.

import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));
const TOP = join(HERE, "../..");
const BIN = join(TOP, "node_modules/.bin/freebsd-sim");

function node(code: string): string {
  return execFileSync(process.execPath, ["--disable-warning=ExperimentalWarning", "--input-type=module", "-e", code],
    { cwd: TOP, encoding: "utf8" });
}

describe("package freebsd-sim", () => {
  it("resolves by name to the sources in test/sim, outside node_modules", () => {
    const url = node('console.log(import.meta.resolve("freebsd-sim"))').trim();
    expect(realpathSync(fileURLToPath(url))).toBe(join(realpathSync(HERE), "host.ts"));
    expect(url).not.toContain("/node_modules/");
  });

  it("runs its public entry and subpaths under plain node", () => {
    const out = node([
      'const sim = await import("freebsd-sim");',
      'const t = await import("freebsd-sim/transport");',
      'console.log(typeof sim.startSimHost, typeof t.startLatencyProxy, typeof t.openConnection, t.SSHD, sim.TOOLS.zfs);',
    ].join("\n"));
    expect(out).toBe("function function function /usr/sbin/sshd /sbin/zfs\n");
  });

  const state = mkdtempSync(join(tmpdir(), "freebsd-sim-bin-"));
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  it("puts freebsd-sim on node_modules/.bin: --help, init, and tools run in the sandbox", () => {
    expect(execFileSync(BIN, ["--help"], { encoding: "utf8" })).toMatch(/^usage: freebsd-sim init {2}--state DIR/);
    expect(execFileSync(BIN, ["init", "--state", join(state, "h")], { encoding: "utf8" })).toBe(`initialized ${join(state, "h")}\n`);
    const out = execFileSync(BIN, ["exec", "--state", join(state, "h"), "--", "zfs list -H -o name zroot; jls; uname -s"], { encoding: "utf8" });
    expect(out).toBe("zroot\n   JID  IP Address      Hostname                      Path\nFreeBSD\n");
  });
});
