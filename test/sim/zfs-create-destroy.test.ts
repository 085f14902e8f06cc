// zfs create / destroy through SSH: success is silent, refusals carry libzfs' exact wording and status.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SimHost } from "./host.ts";
import { useSimHost, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;
useSimHost((h, s) => {
  host = h;
  ssh = s;
}, { pools: [{ name: "tank" }] });

describe("zfs create", () => {
  it("creates and mounts a file system silently", async () => {
    expect(await ssh.run("zfs create tank/a")).toEqual({ stdout: "", stderr: "", code: 0 });
    const res = await ssh.run("zfs get -H -o value mounted,mountpoint tank/a; test -d /tank/a && echo dir");
    expect(res.stdout).toBe("yes\n/tank/a\ndir\n");
    expect(existsSync(join(host.stateDir, "root/tank/a"))).toBe(true);
  });

  it("leaves the file system unmounted with -u", async () => {
    await ssh.run("zfs create -u tank/unmounted");
    expect((await ssh.run("zfs get -H -o value mounted tank/unmounted")).stdout).toBe("no\n");
  });

  it("creates parents with -p and is quiet when the dataset exists", async () => {
    expect((await ssh.run("zfs create -p tank/p1/p2/p3")).code).toBe(0);
    expect((await ssh.run("zfs create -p tank/p1/p2/p3")).code).toBe(0);
    expect((await ssh.run("zfs list -H -o name -r tank/p1")).stdout).toBe("tank/p1\ntank/p1/p2\ntank/p1/p2/p3\n");
  });

  it.each([
    ["zfs create tank/a", "cannot create 'tank/a': dataset already exists\n"],
    ["zfs create tank/nope/child", "cannot create 'tank/nope/child': parent does not exist\n"],
    ["zfs create nopool/x", "cannot create 'nopool/x': no such pool 'nopool'\n"],
    ["zfs create tank", "cannot create 'tank': missing dataset name\n"],
    ["zfs create -o foo=bar tank/x", "cannot create 'tank/x': invalid property 'foo'\n"],
    ["zfs create -o atime=maybe tank/x", "cannot create 'tank/x': 'atime' must be one of 'on | off'\n"],
    ["zfs create -o quota=12Q tank/x", "cannot create 'tank/x': invalid numeric suffix 'Q'\n"],
    ["zfs create -o recordsize=3000 tank/x", "cannot create 'tank/x': 'recordsize' must be power of 2 from 512B to 16M\n"],
    ["zfs create -o used=1 tank/x", "cannot create 'tank/x': 'used' is readonly\n"],
    ["zfs create tank/bad%name", "cannot create 'tank/bad%name': invalid character % in name\n"],
    ["zfs create 'tank/a b!'", "cannot create 'tank/a b!': invalid character '!' in name\n"],
  ])("%s fails with exit 1", async (command, stderr) => {
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code: 1 });
  });

  it("reports usage errors with exit 2", async () => {
    const res = await ssh.run("zfs create");
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^missing filesystem argument\nusage:\n\tcreate \[-Pnpuv\]/);
  });

  it("creates a thick volume with volsize and refreservation set locally", async () => {
    expect((await ssh.run("zfs create -V 1G tank/vol")).code).toBe(0);
    const res = await ssh.run("zfs get -H -p -o property,value,source volsize,refreservation,volblocksize,type tank/vol");
    expect(res.stdout).toBe("volsize\t1073741824\tlocal\nrefreservation\t1092616192\tlocal\n"
      + "volblocksize\t16384\t-\ntype\tvolume\t-\n");
  });

  it("creates a sparse volume without refreservation and rounds its size up", async () => {
    expect((await ssh.run("zfs create -s -V 10000 tank/sparse")).code).toBe(0);
    const res = await ssh.run("zfs get -H -p -o value volsize,refreservation tank/sparse");
    expect(res.stdout).toBe("16384\n0\n");
  });

  it("refuses a child of a volume", async () => {
    expect((await ssh.run("zfs create tank/vol/x")).stderr).toBe("cannot create 'tank/vol/x': parent is not a filesystem\n");
  });
});

describe("zfs destroy", () => {
  it("removes an inherited or default mount point directory, and leaves one set on the dataset (remove_mountpoint)", async () => {
    await ssh.run("zfs create tank/mpinh && zfs create -o mountpoint=/srv/mplocal tank/mplocal");
    expect((await ssh.run("zfs destroy tank/mpinh && zfs destroy tank/mplocal")).code).toBe(0);
    expect((await ssh.run("test -d /tank/mpinh; echo $?; test -d /srv/mplocal; echo $?")).stdout).toBe("1\n0\n");
  });

  it("destroys a leaf file system and removes its mount point", async () => {
    await ssh.run("zfs create tank/leaf");
    expect(await ssh.run("zfs destroy tank/leaf")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("zfs list tank/leaf")).stderr).toBe("cannot open 'tank/leaf': dataset does not exist\n");
    expect(existsSync(join(host.stateDir, "root/tank/leaf"))).toBe(false);
  });

  it("refuses a file system with children and lists them", async () => {
    await ssh.run("zfs create -p tank/parent/child && zfs snapshot tank/parent@s1");
    expect(await ssh.run("zfs destroy tank/parent")).toEqual({
      stdout: "",
      stderr: "cannot destroy 'tank/parent': filesystem has children\n"
        + "use '-r' to destroy the following datasets:\ntank/parent/child\ntank/parent@s1\n",
      code: 1,
    });
  });

  it("destroys recursively with -r, verbosely with -v", async () => {
    const res = await ssh.run("zfs destroy -rv tank/parent");
    expect(res).toEqual({
      stdout: "will destroy tank/parent/child\nwill destroy tank/parent@s1\nwill destroy tank/parent\n",
      stderr: "",
      code: 0,
    });
  });

  it("refuses when clones depend on it, and -R destroys the clones too", async () => {
    await ssh.run("zfs create tank/origin && zfs snapshot tank/origin@base && zfs clone tank/origin@base tank/clone");
    const refused = await ssh.run("zfs destroy -r tank/origin");
    expect(refused.stderr).toBe("cannot destroy 'tank/origin': filesystem has dependent clones\n"
      + "use '-R' to destroy the following datasets:\ntank/clone\n");
    expect(refused.code).toBe(1);
    const snap = await ssh.run("zfs destroy tank/origin@base");
    expect(snap.stderr).toBe("cannot destroy 'tank/origin@base': snapshot has dependent clones\n"
      + "use '-R' to destroy the following datasets:\ntank/clone\n");
    expect((await ssh.run("zfs destroy -R tank/origin")).code).toBe(0);
    expect((await ssh.run("zfs list -H -o name tank/clone tank/origin")).code).toBe(1);
  });

  it("reports a busy mount point", async () => {
    await ssh.run("zfs create tank/busy");
    host.withState((_disk, kernel) => {
      kernel.mounts.push({ fstype: "devfs", special: "devfs", path: "/tank/busy/dev" });
    });
    expect(await ssh.run("zfs destroy tank/busy")).toEqual({
      stdout: "", stderr: "cannot unmount '/tank/busy': pool or dataset is busy\n", code: 1,
    });
  });

  it.each([
    ["zfs destroy tank/missing", "cannot open 'tank/missing': dataset does not exist\n", 1],
    ["zfs destroy tank/a@missing", "could not find any snapshots to destroy; check snapshot names.\n", 1],
    ["zfs destroy tank", "cannot destroy 'tank': operation does not apply to pools\n"
      + "use 'zfs destroy -r tank' to destroy all datasets in the pool\n"
      + "use 'zpool destroy tank' to destroy the pool itself\n", 1],
  ])("%s", async (command, stderr, code) => {
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code });
  });

  it("prints dry runs with -n -v and changes nothing", async () => {
    await ssh.run("zfs create tank/dry");
    expect((await ssh.run("zfs destroy -nv tank/dry")).stdout).toBe("would destroy tank/dry\n");
    expect((await ssh.run("zfs list -H -o name tank/dry")).stdout).toBe("tank/dry\n");
  });
});
