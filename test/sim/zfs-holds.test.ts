// User holds (zfs hold, release, holds, userrefs) and what they refuse: destroy, rollback -r; deferred
// destroys that complete with the last hold or clone; clone and promote bookkeeping. Messages and exit
// codes from OpenZFS 2.2.7 (cmd/zfs/zfs_main.c, lib/libzfs/libzfs_dataset.c, module/zfs/dsl_userhold.c).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;
const names = async (cmd: string) => (await ssh.run(cmd)).stdout;

beforeAll(async () => {
  host = await startSimHost({ pools: [{ name: "tank" }] });
  ssh = await connect(host);
  await ssh.run("zfs create -p tank/h/child && zfs snapshot -r tank/h@s1 && zfs snapshot tank/h@s2");
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
});

describe("zfs hold and zfs holds", () => {
  it("holds a snapshot silently; userrefs counts the holds; holds lists them", async () => {
    expect(await ssh.run("zfs hold keep tank/h@s1")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await ssh.run("zfs hold backup tank/h@s1")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await names("zfs get -H -o value userrefs tank/h@s1 tank/h@s2")).toBe("2\n0\n");
    const listed = await ssh.run("zfs holds -H -p tank/h@s1");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^tank\/h@s1\tbackup\t\d{10}\ntank\/h@s1\tkeep\t\d{10}\n$/);
  });

  it("prints a header and the time as strftime(\"%a %b %e %H:%M %Y\") without -H", async () => {
    const out = await names("zfs holds tank/h@s1");
    const lines = out.split("\n");
    expect(lines[0]).toBe("NAME       TAG     TIMESTAMP");
    expect(lines[1]).toMatch(/^tank\/h@s1  backup  [A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d \d{4}$/);
  });

  it("holds recursively with -r, and lists recursively by snapshot name", async () => {
    expect((await ssh.run("zfs hold -r tree tank/h@s1")).code).toBe(0);
    expect(await names("zfs holds -H -r tank/h@s1 | cut -f1,2")).toBe(
      "tank/h@s1\tbackup\ntank/h@s1\tkeep\ntank/h@s1\ttree\ntank/h/child@s1\ttree\n");
  });

  it("lists nothing for a snapshot without holds, and says so when no snapshot matched", async () => {
    expect(await ssh.run("zfs holds -H tank/h@s2")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await ssh.run("zfs holds -r tank/h@none")).toEqual({ stdout: "NAME  TAG  TIMESTAMP\n", stderr: "no datasets available\n", code: 0 });
  });

  it.each([
    ["zfs hold keep tank/h@s1", "cannot hold snapshot 'tank/h@s1': tag already exists on this dataset\n", 1],
    ["zfs hold keep tank/h@nope", "cannot hold snapshot 'tank/h@nope': dataset does not exist\n", 1],
    ["zfs hold keep tank/h", "'tank/h' is not a snapshot\n", 1],
    ["zfs hold keep tank/missing@s1", "cannot open 'tank/missing': dataset does not exist\n", 1],
    ["zfs holds tank/h@nope", "cannot open 'tank/h@nope': dataset does not exist\nno datasets available\n", 1],
    ["zfs release nosuch tank/h@s1", "cannot release hold from snapshot 'tank/h@s1': no such tag on this dataset\n", 1],
    ["zfs release keep tank/h@nope", "cannot release hold from snapshot 'tank/h@nope': dataset does not exist\n", 1],
  ])("%s", async (command, stderr, code) => {
    const r = await ssh.run(command);
    expect(r.stderr).toBe(stderr);
    expect(r.code).toBe(code);
  });

  it("refuses a tag starting with '.' with the usage (exit 2)", async () => {
    const r = await ssh.run("zfs hold .x tank/h@s1");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tag may not start with '\.'\nusage:\n\thold \[-r\] <tag> <snapshot> \.\.\.\n/);
  });

  it("holds all or nothing: a tag already on a child refuses the recursive hold", async () => {
    const r = await ssh.run("zfs hold -r tree2 tank/h@s1 && zfs release tree2 tank/h@s1 && zfs hold -r tree2 tank/h@s1");
    expect(r.stderr).toBe("cannot hold snapshot 'tank/h/child@s1': tag already exists on this dataset\n");
    expect(await names("zfs get -H -o value userrefs tank/h@s1 tank/h/child@s1")).toBe("3\n2\n");
    await ssh.run("zfs release -r tree2 tank/h@s1");
    expect(await names("zfs get -H -o value userrefs tank/h@s1 tank/h/child@s1")).toBe("3\n1\n");
  });
});

describe("what holds refuse", () => {
  it("a held snapshot is busy for zfs destroy, and nothing of the batch goes", async () => {
    expect(await ssh.run("zfs destroy tank/h@s1")).toEqual({ stdout: "", stderr: "cannot destroy snapshot tank/h@s1: dataset is busy\n", code: 1 });
    expect(await ssh.run("zfs destroy tank/h@s1,s2")).toEqual({ stdout: "", stderr: "cannot destroy snapshot tank/h@s1: dataset is busy\n", code: 1 });
    expect(await names("zfs list -H -t snapshot -o name tank/h")).toBe("tank/h@s1\ntank/h@s2\n");
  });

  it("a recursive destroy stops at each batch with a held snapshot, keeping that batch and its file system", async () => {
    const r = await ssh.run("zfs destroy -r tank/h");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("cannot destroy snapshot tank/h/child@s1: dataset is busy\ncannot destroy snapshot tank/h@s1: dataset is busy\n");
    expect(await names("zfs list -H -t all -o name -r tank/h")).toBe("tank/h\ntank/h@s1\ntank/h@s2\ntank/h/child\ntank/h/child@s1\n");
  });

  it("rollback -r cannot destroy a held later snapshot: it stays and nothing is rolled back", async () => {
    await ssh.run("zfs create tank/rb && echo one > /tank/rb/f && zfs snapshot tank/rb@a && echo two > /tank/rb/f"
      + " && zfs snapshot tank/rb@b && zfs snapshot tank/rb@c && zfs hold keep tank/rb@c && echo three > /tank/rb/f");
    const r = await ssh.run("zfs rollback -r tank/rb@a");
    expect(r).toEqual({ stdout: "", stderr: "cannot destroy 'tank/rb@c': dataset is busy\n", code: 1 });
    expect(await names("zfs list -H -t snapshot -o name tank/rb; cat /tank/rb/f")).toBe("tank/rb@a\ntank/rb@c\nthree\n");
  });

  it("destroy -d of a held snapshot defers it; the last release destroys it", async () => {
    expect((await ssh.run("zfs destroy -d tank/rb@c")).code).toBe(0);
    expect(await names("zfs get -H -o value defer_destroy,userrefs tank/rb@c")).toBe("on\n1\n");
    expect((await ssh.run("zfs release keep tank/rb@c")).code).toBe(0);
    expect((await ssh.run("zfs list -H -o name tank/rb@c")).code).toBe(1);
  });

  it("a deferred snapshot with a clone and a hold goes only when both are gone", async () => {
    await ssh.run("zfs snapshot tank/rb@d && zfs clone tank/rb@d tank/rbclone && zfs hold keep tank/rb@d && zfs destroy -d tank/rb@d");
    await ssh.run("zfs destroy tank/rbclone");
    expect(await names("zfs get -H -o value defer_destroy,userrefs,clones tank/rb@d")).toBe("on\n1\n\n");
    await ssh.run("zfs release keep tank/rb@d");
    expect((await ssh.run("zfs list -H -o name tank/rb@d")).code).toBe(1);
  });
});

describe("clones and promote", () => {
  it("promote moves the snapshots up to the origin with their holds; the old parent becomes the clone", async () => {
    await ssh.run("zfs create tank/rel && echo base > /tank/rel/f && zfs snapshot tank/rel@base && zfs hold pin tank/rel@base"
      + " && zfs snapshot tank/rel@later && zfs clone tank/rel@base tank/jail");
    expect(await names("zfs get -H -o value origin tank/jail; zfs get -H -o value clones tank/rel@base")).toBe("tank/rel@base\ntank/jail\n");
    expect((await ssh.run("zfs promote tank/jail")).code).toBe(0);
    expect(await names("zfs list -H -t snapshot -o name,userrefs,clones tank/jail tank/rel")).toBe("tank/jail@base\t1\ttank/rel\ntank/rel@later\t0\t\n");
    expect(await names("zfs get -H -o name,value origin tank/rel tank/jail")).toBe("tank/jail\t-\ntank/rel\ttank/jail@base\n");
  });

  it("the promoted file system's snapshot is busy while a clone depends on it", async () => {
    expect((await ssh.run("zfs destroy tank/jail")).stderr).toBe("cannot destroy 'tank/jail': filesystem has children\nuse '-r' to destroy the following datasets:\ntank/jail@base\n");
    expect((await ssh.run("zfs destroy -r tank/jail")).stderr)
      .toBe("cannot destroy 'tank/jail': filesystem has dependent clones\nuse '-R' to destroy the following datasets:\ntank/rel@later\ntank/rel\n");
  });
});
