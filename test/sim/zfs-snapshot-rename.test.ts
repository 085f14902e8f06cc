// Snapshots, clones, promote, rollback and rename through SSH, including the files they carry.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;

beforeAll(async () => {
  host = await startSimHost({ pools: [{ name: "tank" }] });
  ssh = await connect(host);
  await ssh.run("zfs create -p tank/jails/www && echo v1 > /tank/jails/www/index.html");
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
});

describe("zfs snapshot", () => {
  it("creates snapshots silently, recursively with -r", async () => {
    expect(await ssh.run("zfs snapshot tank/jails/www@s1")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("zfs snapshot -r tank/jails@s2")).code).toBe(0);
    expect((await ssh.run("zfs list -H -t snapshot -o name -r tank")).stdout)
      .toBe("tank/jails@s2\ntank/jails/www@s1\ntank/jails/www@s2\n");
  });

  it("gives snapshots their own properties", async () => {
    const res = await ssh.run("zfs get -H -o property,value type,used,referenced,defer_destroy,userrefs tank/jails/www@s1");
    expect(res.stdout).toBe("type\tsnapshot\nused\t0B\nreferenced\t96K\ndefer_destroy\toff\nuserrefs\t0\n");
    const changed = await ssh.run("zfs get -H -p -o value snapshots_changed tank/jails/www");
    expect(Number(changed.stdout)).toBeGreaterThan(1_000_000_000);
  });

  it.each([
    ["zfs snapshot tank/jails/www@s1", "cannot create snapshot 'tank/jails/www@s1': dataset already exists\n", 1],
    ["zfs snapshot tank/jails/www@s1 tank/jails@s9", "cannot create snapshot 'tank/jails/www@s1': dataset already exists\n"
      + "no snapshots were created\n", 1],
    ["zfs snapshot -o compression=lz4 tank/jails@x", "cannot create snapshots : this property can not be modified for snapshots\n", 1],
  ])("%s", async (command, stderr, code) => {
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code });
  });

  it("prints usage (exit 2) for a missing dataset, as zfs_do_snapshot does", async () => {
    const res = await ssh.run("zfs snapshot tank/missing@s");
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^cannot open 'tank\/missing': dataset does not exist\nusage:\n\tsnapshot /);
  });
});

describe("zfs clone and promote", () => {
  it("clones a snapshot with its files; origin and clones point at each other", async () => {
    await ssh.run("echo v2 > /tank/jails/www/index.html");
    expect((await ssh.run("zfs clone tank/jails/www@s1 tank/www2")).code).toBe(0);
    expect((await ssh.run("cat /tank/www2/index.html")).stdout).toBe("v1\n");
    expect((await ssh.run("zfs get -H -o value origin tank/www2")).stdout).toBe("tank/jails/www@s1\n");
    expect((await ssh.run("zfs get -H -o value clones tank/jails/www@s1")).stdout).toBe("tank/www2\n");
  });

  it.each([
    ["zfs clone tank/jails/www@s1 tank/www2", "cannot create 'tank/www2': dataset already exists\n"],
    ["zfs clone tank/jails/www@s1 tank/a/b", "cannot create 'tank/a/b': parent does not exist\n"],
    ["zfs clone tank/jails/www@nope tank/x", "cannot open 'tank/jails/www@nope': dataset does not exist\n"],
    ["zfs promote tank/jails/www", "cannot promote 'tank/jails/www': not a cloned filesystem\n"],
  ])("%s", async (command, stderr) => {
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code: 1 });
  });

  it("promotes a clone: the origin's snapshots move to it", async () => {
    await ssh.run("zfs snapshot tank/jails/www@s3 && zfs clone tank/jails/www@s3 tank/www3");
    expect((await ssh.run("zfs promote tank/www3")).code).toBe(0);
    expect((await ssh.run("zfs list -H -t snapshot -o name tank/www3")).stdout)
      .toBe("tank/www3@s1\ntank/www3@s2\ntank/www3@s3\n");
    expect((await ssh.run("zfs get -H -o name,value origin tank/www3 tank/jails/www tank/www2")).stdout)
      .toBe("tank/jails/www\ttank/www3@s3\ntank/www2\ttank/www3@s1\ntank/www3\t-\n");
  });
});

describe("zfs rollback", () => {
  it("refuses when newer snapshots exist, then rolls back with -r", async () => {
    await ssh.run("zfs create tank/rb && echo one > /tank/rb/f && zfs snapshot tank/rb@a && echo two > /tank/rb/f && zfs snapshot tank/rb@b && echo three > /tank/rb/f");
    expect(await ssh.run("zfs rollback tank/rb@a")).toEqual({
      stdout: "",
      stderr: "cannot rollback to 'tank/rb@a': more recent snapshots or bookmarks exist\n"
        + "use '-r' to force deletion of the following snapshots and bookmarks:\ntank/rb@b\n",
      code: 1,
    });
    expect((await ssh.run("zfs rollback tank/rb@b && cat /tank/rb/f")).stdout).toBe("two\n");
    expect((await ssh.run("zfs rollback -r tank/rb@a && cat /tank/rb/f && zfs list -H -t snapshot -o name tank/rb")).stdout)
      .toBe("one\ntank/rb@a\n");
  });
});

describe("zfs rename", () => {
  it("renames a file system with its children, snapshots, mounts and files", async () => {
    await ssh.run("zfs create tank/jails/db && echo data > /tank/jails/db/f");
    expect((await ssh.run("zfs rename tank/jails tank/zones")).code).toBe(0);
    const list = await ssh.run("zfs list -H -t all -o name,mountpoint,mounted -r tank/zones");
    expect(list.stdout).toBe("tank/zones\t/tank/zones\tyes\ntank/zones@s2\t-\t-\n"
      + "tank/zones/db\t/tank/zones/db\tyes\ntank/zones/www\t/tank/zones/www\tyes\n");
    expect((await ssh.run("cat /tank/zones/db/f; test -e /tank/jails || echo gone")).stdout).toBe("data\ngone\n");
  });

  it("renames snapshots, recursively with -r", async () => {
    expect((await ssh.run("zfs rename -r tank/zones@s2 @t2")).code).toBe(0);
    expect((await ssh.run("zfs list -H -t snapshot -o name -r tank/zones")).stdout).toBe("tank/zones@t2\n");
  });

  it("creates missing parents with -p", async () => {
    expect((await ssh.run("zfs rename -p tank/zones/db tank/new/parent/db")).code).toBe(0);
    expect((await ssh.run("zfs list -H -o name -r tank/new")).stdout).toBe("tank/new\ntank/new/parent\ntank/new/parent/db\n");
  });

  it.each([
    ["zfs rename tank/zones tank/www2", "cannot rename 'tank/zones': dataset already exists\n", 1],
    ["zfs rename tank/zones tank/zones/sub", "cannot rename to 'tank/zones/sub': New dataset name cannot be a descendant of current dataset name\n", 1],
    ["zfs rename tank/zones tank/no/such", "cannot create 'tank/no/such': parent does not exist\n", 1],
    ["zfs rename tank/zones zroot/zones", "cannot rename to 'zroot/zones': datasets must be within same pool\n", 1],
    ["zfs rename tank/missing tank/x", "cannot open 'tank/missing': dataset does not exist\n", 1],
  ])("%s", async (command, stderr, code) => {
    expect(await ssh.run(command)).toEqual({ stdout: "", stderr, code });
  });

  it("refuses a jailed dataset", async () => {
    await ssh.run("zfs create tank/jailedfs && zfs set jailed=on tank/jailedfs");
    expect((await ssh.run("zfs rename tank/jailedfs tank/other")).stderr)
      .toBe("cannot rename 'tank/jailedfs': dataset is used in a non-global zone\n");
  });
});
