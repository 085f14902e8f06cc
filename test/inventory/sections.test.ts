import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { batchScript, parseBatch } from "../../provider/src/host/batch.ts";
import { sectionItems, viewFrom } from "../../provider/src/inventory/host.ts";
import { mergeRequests, want, type SectionRequest } from "../../provider/src/inventory/section.ts";
import { InventorySectionError } from "../../provider/src/inventory/view.ts";
import { hostJailParams, jailFiles, rcVars, runningJails } from "../../provider/src/sections/jails.ts";
import { datasets, pools, snapshotHolds, snapshotProps, snapshots } from "../../provider/src/sections/zfs.ts";

// Sections read in one batch run by a real dash against stand-in zfs/zpool/jls/sysrc/sysctl scripts
// that print fixture text, so markers, statuses, scopes and parsing are exercised end to end.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
const token = "00112233445566778899";

function fakeTools(zfsGetExit = 0, zfsGetStderr = ""): string {
  const dir = mkdtempSync(join(tmpdir(), "inv-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "get.txt"), fixture("zfs-get-all.txt"));
  writeFileSync(join(dir, "snap.txt"), fixture("zfs-list-snapshots.txt"));
  writeFileSync(join(dir, "pool.txt"), fixture("zpool-list.txt"));
  writeFileSync(join(dir, "get.err"), zfsGetStderr);
  const zfs = `#!/bin/sh\necho "$@" >> ${dir}/zfs.args\ncase "$1" in get) cat ${dir}/get.txt; cat ${dir}/get.err >&2; exit ${zfsGetExit};; list) cat ${dir}/snap.txt;; esac\n`;
  writeFileSync(join(dir, "bin", "zfs"), zfs);
  writeFileSync(join(dir, "bin", "zpool"), `#!/bin/sh\ncat ${dir}/pool.txt\n`);
  writeFileSync(join(dir, "bin", "jls"), `#!/bin/sh\necho '{"__version": "2", "jail-information": {"jail": []}}'\n`);
  writeFileSync(join(dir, "bin", "sysrc"), `#!/bin/sh\necho 'jail_enable="NO"'; echo 'jail_list=""'\n`);
  writeFileSync(join(dir, "bin", "sysctl"), `#!/bin/sh\necho security.jail.param.path; echo security.jail.param.allow.mount.\n`);
  for (const tool of ["zfs", "zpool", "jls", "sysrc", "sysctl"]) chmodSync(join(dir, "bin", tool), 0o755);
  mkdirSync(join(dir, "etc"));
  writeFileSync(join(dir, "etc", "web.conf"), "web {\n}");
  return dir;
}

/** Reads the requested sections in one batch through dash, as the host does. */
function readAll(dir: string, requests: SectionRequest[]) {
  const reads = mergeRequests(requests);
  const items = sectionItems(reads, token, undefined);
  const out = execFileSync("/usr/bin/dash", ["-s"], { input: batchScript(token, items), env: { PATH: `${dir}/bin:/usr/bin:/bin` } }).toString();
  return viewFrom("h", reads, parseBatch(token, items, out), token);
}

describe("sections", () => {
  it("reads pools, datasets, snapshots, jails, files, rc.conf and jail parameters in one batch", () => {
    const dir = fakeTools();
    const view = readAll(dir, [
      want(pools), want(datasets), want(snapshots), want(runningJails), want(rcVars, ["jail_enable", "jail_list"]), want(hostJailParams),
      want(jailFiles, [join(dir, "etc", "web.conf"), join(dir, "etc", "none.conf")]),
    ]);
    expect(view.get(pools).map((p) => p.name)).toEqual(["zroot", "tank"]);
    expect([...view.get(datasets).names()]).toHaveLength(3);
    expect(view.get(snapshots).get("zroot/jails@base")!.clones).toEqual(["zroot/clone1", "zroot/clone2"]);
    expect(view.get(runningJails)).toEqual([]);
    expect(view.get(rcVars).get("jail_enable")).toBe("NO");
    expect([...view.get(hostJailParams)]).toEqual(["path", "allow.mount"]);
    expect(view.get(jailFiles).get(join(dir, "etc", "web.conf"))).toBe("web {\n}");
    expect(view.get(jailFiles).has(join(dir, "etc", "none.conf"))).toBe(false);
  });

  it("reads only the named datasets, scopes of several operations united, and refuses to answer outside them", () => {
    const dir = fakeTools();
    const view = readAll(dir, [want(datasets, ["zroot/jails"]), want(datasets, ["zroot"])]);
    expect(readFileSync(join(dir, "zfs.args"), "utf8").trim()).toBe("get -H -p -o name,property,value,source -t filesystem,volume all zroot zroot/jails");
    expect(view.get(datasets).has("zroot/jails")).toBe(true);
    expect(() => view.get(datasets).get("zroot/other")).toThrow(/zroot\/other was not read/);
    expect(() => view.get(pools)).toThrow(/zfs.pools was not read/);
  });

  it("reads nothing of a section asked for no names, never all of it (zfs get all, sysrc -e with no names)", () => {
    const dir = fakeTools();
    const view = readAll(dir, [want(datasets, []), want(rcVars, []), want(pools)]);
    expect(existsSync(join(dir, "zfs.args"))).toBe(false);
    expect(() => view.get(datasets)).toThrow(/zfs.datasets was not read/);
    expect(view.get(pools)).toHaveLength(2);
    // Asked for by one operation with names and by another with none: the names are read.
    readAll(dir, [want(datasets, []), want(datasets, ["zroot"])]);
    expect(readFileSync(join(dir, "zfs.args"), "utf8").trim()).toMatch(/ all zroot$/);
  });

  it("takes a named dataset zfs does not find as absent, and any other failure as the section's failure", () => {
    const missing = readAll(fakeTools(1, "cannot open 'zroot/gone': dataset does not exist\n"), [want(datasets, ["zroot/jails", "zroot/gone"])]);
    expect(missing.get(datasets).has("zroot/gone")).toBe(false);
    const broken = readAll(fakeTools(1, "internal error: out of memory\n"), [want(datasets, ["zroot/jails"]), want(pools)]);
    expect(() => broken.get(datasets)).toThrow(InventorySectionError);
    expect(() => broken.get(datasets)).toThrow(/zfs get .* exited 1: internal error: out of memory/);
    // A failing section fails only what reads it.
    expect(broken.get(pools)).toHaveLength(2);
  });

  it("reads holds of named snapshots with -r, a snapshot's dataset that is gone being no failure", () => {
    const dir = fakeTools();
    writeFileSync(join(dir, "holds.txt"), "zroot/jails@base\tkeep\t1700000000\nzroot/jails/www@base\tkeep\t1700000001\n");
    writeFileSync(join(dir, "holds.err"), "cannot open 'zroot/gone': dataset does not exist\n");
    writeFileSync(join(dir, "bin", "zfs"), `#!/bin/sh\necho "$@" >> ${dir}/zfs.args\ncat ${dir}/holds.txt; cat ${dir}/holds.err >&2; exit 1\n`);
    const view = readAll(dir, [want(snapshotHolds, ["zroot/jails@base", "zroot/gone@s"])]);
    expect(readFileSync(join(dir, "zfs.args"), "utf8").trim()).toBe("holds -H -p -r zroot/gone@s zroot/jails@base");
    const read = view.get(snapshotHolds);
    expect([...read.tags("zroot/jails@base").keys()]).toEqual(["keep"]);
    expect([...read.tags("zroot/jails/www@base").keys()]).toEqual(["keep"]);
    expect(read.tags("zroot/jails/other@base").size).toBe(0);
    expect(() => read.tags("zroot/jails@other")).toThrow(/were not read/);
  });

  it("fails the holds section on any other error, and reads snapshots' local properties by name", () => {
    const dir = fakeTools();
    writeFileSync(join(dir, "bin", "zfs"), `#!/bin/sh\ncase "$1" in holds) echo "cannot open 'zroot/x': permission denied" >&2; exit 1;;\n`
      + `get) printf 'zroot/jails@base\\tpulumi:urn\\turn:x\\tlocal\\n'; echo "cannot open 'zroot/jails@gone': dataset does not exist" >&2; exit 1;; esac\n`);
    const view = readAll(dir, [want(snapshotHolds, ["zroot/x@s"]), want(snapshotProps, ["zroot/jails@base", "zroot/jails@gone"])]);
    expect(() => view.get(snapshotHolds)).toThrow(/zfs holds exited 1: cannot open 'zroot\/x': permission denied/);
    expect(view.get(snapshotProps).get("zroot/jails@base")!.properties["pulumi:urn"]).toEqual({ value: "urn:x", source: "local" });
    expect(view.get(snapshotProps).has("zroot/jails@gone")).toBe(false);
  });

  it("refuses output cut short (a truncated stream is never 'nothing there')", () => {
    const dir = fakeTools();
    const reads = [want(pools), want(snapshots)];
    const items = sectionItems(reads, token, undefined);
    const out = execFileSync("/usr/bin/dash", ["-s"], { input: batchScript(token, items), env: { PATH: `${dir}/bin:/usr/bin:/bin` } }).toString();
    const cut = out.slice(0, out.lastIndexOf(`@@${token} stop`));
    expect(() => parseBatch(token, items, cut)).toThrow(/cut short/);
  });
});
