import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildInventoryScript, InventorySectionError, parseInventory } from "../../provider/src/host/inventory.ts";

// The batch script runs in a real dash against stand-in zfs/zpool scripts that print fixture text,
// so the section markers, exit statuses and parsing are exercised end to end without a host.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

function fakeTools(zfsGetExit = 0): string {
  const dir = mkdtempSync(join(tmpdir(), "inv-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "get.txt"), fixture("zfs-get-all.txt"));
  writeFileSync(join(dir, "snap.txt"), fixture("zfs-list-snapshots.txt"));
  writeFileSync(join(dir, "pool.txt"), fixture("zpool-list.txt"));
  const zfs = `#!/bin/sh\ncase "$1" in get) cat ${dir}/get.txt; exit ${zfsGetExit};; list) cat ${dir}/snap.txt;; esac\n`;
  writeFileSync(join(dir, "bin", "zfs"), zfs);
  writeFileSync(join(dir, "bin", "zpool"), `#!/bin/sh\ncat ${dir}/pool.txt\n`);
  writeFileSync(join(dir, "bin", "jls"), `#!/bin/sh\necho '{"__version": "2", "jail-information": {"jail": []}}'\n`);
  writeFileSync(join(dir, "bin", "sysrc"), `#!/bin/sh\necho 'jail_enable="NO"'; echo 'jail_list=""'\n`);
  writeFileSync(join(dir, "bin", "sysctl"), `#!/bin/sh\necho security.jail.param.path; echo security.jail.param.allow.mount.\n`);
  for (const tool of ["zfs", "zpool", "jls", "sysrc", "sysctl"]) chmodSync(join(dir, "bin", tool), 0o755);
  return dir;
}

function run(dir: string, script: string): string {
  try {
    return execFileSync("/usr/bin/dash", ["-c", script], { env: { PATH: `${dir}/bin:/usr/bin:/bin` } }).toString();
  } catch (err) {
    return (err as { stdout: Buffer }).stdout.toString();
  }
}

describe("inventory batch", () => {
  it("gathers pools, datasets and snapshots in one script", () => {
    const dir = fakeTools();
    const { token, script } = buildInventoryScript();
    const inv = parseInventory("h", token, run(dir, script), "");
    expect(inv.pools.map((p) => p.name)).toEqual(["zroot", "tank"]);
    expect(inv.datasets.size).toBe(3);
    expect(inv.snapshots.get("zroot/jails@base")!.clones).toEqual(["zroot/clone1", "zroot/clone2"]);
    expect(inv.jails).toEqual([]);
    expect(inv.rc.get("jail_enable")).toBe("NO");
    expect([...inv.jailParams]).toEqual(["path", "allow.mount"]);
  });

  it("fails with the command and stderr when a section fails", () => {
    const dir = fakeTools(1);
    const { token, script } = buildInventoryScript();
    expect(() => parseInventory("h", token, run(dir, script), "boom")).toThrow(InventorySectionError);
    expect(() => parseInventory("h", token, run(dir, script), "boom")).toThrow(/zfs get .* exited 1: boom/);
  });

  it("refuses output that lacks a section (a truncated stream is never 'nothing there')", () => {
    const dir = fakeTools();
    const { token, script } = buildInventoryScript();
    const out = run(dir, script);
    const cut = out.slice(0, out.indexOf(`@@${token} begin snapshots`));
    expect(() => parseInventory("h", token, cut, "")).toThrow(/lacks its snapshots section/);
  });
});
