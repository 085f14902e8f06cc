// zpool, sysctl, uname, freebsd-version, the tool log, and tools racing on one model.

import { describe, expect, it } from "vitest";
import type { SimHost } from "./host.ts";
import { useSimHost, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;
useSimHost((h, s) => {
  host = h;
  ssh = s;
}, { pools: [{ name: "tank", sizeBytes: 1_099_511_627_776 }] });

describe("zpool", () => {
  it("lists pools with exact numbers under -Hp", async () => {
    const res = await ssh.run("zpool list -Hp -o name,size,health,altroot tank");
    expect(res.stdout).toBe("tank\t1099511627776\tONLINE\t-\n");
  });

  it("prints the default columns with a header", async () => {
    const lines = (await ssh.run("zpool list")).stdout.split("\n");
    expect(lines[0]).toBe("NAME    SIZE  ALLOC   FREE  CKPOINT  EXPANDSZ   FRAG    CAP  DEDUP    HEALTH  ALTROOT");
    expect(lines[1]).toMatch(/^tank {6}1T {2}\S+ +\S+ {8}- {9}- +0% +0% {2}1\.00x {4}ONLINE {2}-$/);
    expect(lines[2]).toMatch(/^zroot {3}100G /);
  });

  it("gets pool properties and features", async () => {
    expect((await ssh.run("zpool get -H -o name,property,value,source bootfs,health,listsnapshots zroot")).stdout)
      .toBe("zroot\tbootfs\tzroot/ROOT/default\tlocal\nzroot\thealth\tONLINE\t-\nzroot\tlistsnapshots\toff\tdefault\n");
    expect((await ssh.run("zpool get -H -o value feature@lz4_compress zroot")).stdout).toBe("active\n");
  });

  it("reports a missing pool", async () => {
    expect(await ssh.run("zpool list nopool")).toEqual({ stdout: "", stderr: "cannot open 'nopool': no such pool\n", code: 1 });
    const usage = await ssh.run("zpool frob");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^unrecognized command 'frob'\nusage: zpool command args \.\.\.\n/);
  });
});

describe("system tools", () => {
  it("answers sysctl queries like FreeBSD 14.3", async () => {
    expect((await ssh.run("sysctl -n kern.osreldate kern.osrelease hw.ncpu")).stdout).toBe("1403000\n14.3-RELEASE\n4\n");
    expect((await ssh.run("sysctl kern.racct.enable")).stdout).toBe("kern.racct.enable: 0\n");
    expect(await ssh.run("sysctl foo.bar")).toEqual({ stdout: "", stderr: "sysctl: unknown oid 'foo.bar'\n", code: 1 });
    expect(await ssh.run("sysctl kern.racct.enable=1")).toEqual({
      stdout: "",
      stderr: "sysctl: oid 'kern.racct.enable' is a read only tunable\nsysctl: Tunable values are set in /boot/loader.conf\n",
      code: 1,
    });
  });

  it("reports versions", async () => {
    expect((await ssh.run("freebsd-version; freebsd-version -kru")).stdout).toBe("14.3-RELEASE\n14.3-RELEASE\n14.3-RELEASE\n14.3-RELEASE\n");
    expect((await ssh.run("uname -r; uname -K; uname -s")).stdout).toBe("14.3-RELEASE\n1403000\nFreeBSD\n");
    expect((await ssh.run("zfs version")).stdout).toBe("zfs-2.2.7-FreeBSD_ge269af1b3\nzfs-kmod-2.2.7-FreeBSD_ge269af1b3\n");
  });

  it("logs the argv each tool received", async () => {
    await ssh.run(`zfs set com.example:x='a b' tank && sysctl -n hw.ncpu >/dev/null`);
    const log = await host.toolLog();
    expect(log.slice(-2)).toEqual([["zfs", "set", "com.example:x=a b", "tank"], ["sysctl", "-n", "hw.ncpu"]]);
  });
});

describe("mounts and reboot", () => {
  it("unmounts and mounts with zfs unmount / zfs mount, keeping files", async () => {
    await ssh.run("zfs create tank/m && echo keep > /tank/m/f");
    expect(await ssh.run("zfs unmount tank/m && ls -A /tank/m && zfs get -H -o value mounted tank/m"))
      .toEqual({ stdout: "no\n", stderr: "", code: 0 });
    expect((await ssh.run("zfs mount tank/m && cat /tank/m/f")).stdout).toBe("keep\n");
    expect((await ssh.run("zfs mount tank/m")).stderr).toBe("cannot mount 'tank/m': filesystem already mounted\n");
  });

  it("drops runtime state on reboot and mounts what boot mounts", async () => {
    await ssh.run("zfs create tank/auto && zfs create -o canmount=noauto tank/noauto && zfs mount tank/noauto"
      + " && echo x > /tank/auto/f && zfs unmount tank/auto");
    host.reboot();
    const res = await ssh.run("zfs get -H -o name,value mounted tank/auto tank/noauto zroot/ROOT/default && cat /tank/auto/f");
    expect(res.stdout).toBe("tank/auto\tyes\ntank/noauto\tno\nzroot/ROOT/default\tyes\nx\n");
  });
});

describe("concurrency", () => {
  it("runs 10 parallel zfs creates on one connection and keeps the model consistent", async () => {
    await ssh.run("zfs create tank/par");
    const names = Array.from({ length: 10 }, (_, i) => `tank/par/c${i}`);
    const results = await Promise.all(names.map((n) => ssh.run(`zfs create ${n}`)));
    expect(results.map((r) => r.code)).toEqual(names.map(() => 0));
    const list = await ssh.run("zfs list -H -o name,mounted -r tank/par");
    expect(list.stdout).toBe(["tank/par\tyes", ...names.map((n) => `${n}\tyes`), ""].join("\n"));
    const guids = await ssh.run("zfs get -H -o value -r guid tank/par");
    expect(new Set(guids.stdout.trim().split("\n")).size).toBe(11);
  });

  it("stops option parsing at the first operand, like FreeBSD's getopt", async () => {
    const res = await ssh.run("zfs get -H -o value guid -d 1 tank");
    expect(res.code).toBe(1);
    expect(res.stderr).toBe("cannot open '-d': dataset does not exist\ncannot open '1': dataset does not exist\n");
  });

  it("serialises conflicting creates: exactly one wins", async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => ssh.run("zfs create tank/race")));
    expect(results.filter((r) => r.code === 0)).toHaveLength(1);
    expect(results.filter((r) => r.stderr === "cannot create 'tank/race': dataset already exists\n")).toHaveLength(4);
  });

  it("handles 1,000 datasets (listing and zfs get all)", async () => {
    const names: string[] = [];
    for (let i = 0; i < 40; i++) for (let k = 0; k < 25; k++) names.push(`tank/many/j${i}/d${k}`);
    host.seedFilesystems(names);
    const res = await ssh.run("zfs get -H -p -o name,property,value,source -t filesystem,volume all");
    expect(res.code).toBe(0);
    const datasets = new Set(res.stdout.trim().split("\n").map((l) => l.split("\t")[0]));
    expect(datasets.size).toBeGreaterThan(1000);
  });
});
