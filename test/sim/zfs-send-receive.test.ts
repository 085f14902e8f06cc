// zfs send | zfs receive through SSH: between two simulated hosts (the stream piped from one SSH
// exec's stdout into another's stdin) and on one host, full and incremental, with the errors of
// libzfs_sendrecv.c.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let src: SimHost;
let dst: SimHost;
let a: TestClient;
let b: TestClient;

beforeAll(async () => {
  [src, dst] = await Promise.all([startSimHost({ pools: [{ name: "tank" }] }), startSimHost({ pools: [{ name: "backup" }] })]);
  [a, b] = await Promise.all([connect(src), connect(dst)]);
  const setup = await a.run("zfs create tank/www && echo one > /tank/www/index.html && mkdir /tank/www/css"
    + " && zfs snapshot tank/www@s1 && echo two > /tank/www/css/site.css && zfs snapshot tank/www@s2"
    + " && echo three > /tank/www/new.txt && zfs snapshot tank/www@s3");
  expect(setup.code).toBe(0);
});

/** Feeds a stream to a command and returns what it printed, as text. */
async function recv(client: TestClient, command: string, stream: Buffer): Promise<{ stdout: string; stderr: string; code: number }> {
  const r = await client.runBytes(command, stream);
  return { stdout: r.stdout.toString(), stderr: r.stderr, code: r.code };
}

afterAll(async () => {
  a?.end();
  b?.end();
  await Promise.all([src?.stop(), dst?.stop()]);
});

describe("between two hosts", () => {
  it("receives a full stream as a new, mounted file system keeping the snapshot guid", async () => {
    const stream = await a.runBytes("zfs send tank/www@s1");
    expect(stream.code).toBe(0);
    expect(stream.stderr).toBe("");
    expect(await recv(b, "zfs receive backup/www", stream.stdout)).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await b.run("cat /backup/www/index.html && zfs list -H -t all -o name,mounted -r backup/www")).stdout)
      .toBe("one\nbackup/www\tyes\nbackup/www@s1\t-\n");
    const guids = await Promise.all([a.run("zfs get -H -o value guid tank/www@s1"), b.run("zfs get -H -o value guid backup/www@s1")]);
    expect(guids[1].stdout).toBe(guids[0].stdout);
  });

  it("refuses a full stream onto an existing file system without -F", async () => {
    const stream = await a.runBytes("zfs send tank/www@s1");
    expect(await recv(b, "zfs receive backup/www", stream.stdout)).toEqual({
      stdout: "",
      stderr: "cannot receive new filesystem stream: destination 'backup/www' exists\nmust specify -F to overwrite it\n",
      code: 1,
    });
    expect(await recv(b, "zfs receive -F backup/www", stream.stdout)).toEqual({
      stdout: "",
      stderr: "cannot receive new filesystem stream: destination has snapshots (eg. backup/www@s1)\n"
        + "must destroy them to overwrite it\n",
      code: 1,
    });
  });

  it("applies an incremental stream on top of its source, and ignores it once applied", async () => {
    const inc = await a.runBytes("zfs send -i @s1 tank/www@s2");
    expect(await recv(b, "zfs recv backup/www", inc.stdout)).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await b.run("cat /backup/www/css/site.css && zfs list -H -t snapshot -o name -r backup/www")).stdout)
      .toBe("two\nbackup/www@s1\nbackup/www@s2\n");
    expect(await recv(b, "zfs recv backup/www", inc.stdout)).toEqual({ stdout: "", stderr: "", code: 0 });
  });

  it("rejects an incremental stream whose source is not the most recent snapshot", async () => {
    const inc = await a.runBytes("zfs send -i tank/www@s1 tank/www@s2");
    await b.run("zfs snapshot backup/www@local");
    const again = await a.runBytes("zfs send -i @s2 tank/www@s3");
    expect(await recv(b, "zfs receive backup/www", again.stdout)).toEqual({
      stdout: "",
      stderr: "cannot receive incremental stream: most recent snapshot of backup/www does not\nmatch incremental source\n",
      code: 1,
    });
    expect(await recv(b, "zfs receive backup/other", inc.stdout)).toEqual({
      stdout: "", stderr: "cannot receive incremental stream: destination 'backup/other' does not exist\n", code: 1,
    });
    expect(await recv(b, "zfs receive -F backup/www", again.stdout)).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await b.run("zfs list -H -t snapshot -o name -r backup/www && cat /backup/www/new.txt")).stdout)
      .toBe("backup/www@s1\nbackup/www@s2\nbackup/www@s3\nthree\n");
  });

  it("sends every intermediate snapshot with -I and properties with -p; -u leaves it unmounted", async () => {
    await a.run("zfs set com.example:owner=ops tank/www");
    const full = await a.runBytes("zfs send -p tank/www@s1");
    const rest = await a.runBytes("zfs send -I @s1 tank/www@s3");
    expect(await recv(b, "zfs receive -u -o compression=off backup/mirror", full.stdout)).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await recv(b, "zfs receive -u backup/mirror", rest.stdout)).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await b.run("zfs list -H -t all -o name,mounted -r backup/mirror")).stdout)
      .toBe("backup/mirror\tno\nbackup/mirror@s1\t-\nbackup/mirror@s2\t-\nbackup/mirror@s3\t-\n");
    expect((await b.run("zfs get -H -o property,value,source com.example:owner,compression backup/mirror")).stdout)
      .toBe("com.example:owner\tops\tlocal\ncompression\toff\tlocal\n");
  });
});

describe("send and receive errors", () => {
  it("prints dry-run estimates and argument errors", async () => {
    const est = await a.run("zfs send -nv -i @s1 tank/www@s2");
    expect(est.code).toBe(0);
    expect(est.stdout).toMatch(/^send from tank\/www@s1 to tank\/www@s2 estimated size is \d+(\.\d+)?[BK]\ntotal estimated size is \d+(\.\d+)?[KMG]?\n$/);
    expect(await a.run("zfs send tank/nope@x")).toEqual({ stdout: "", stderr: "cannot open 'tank/nope@x': dataset does not exist\n", code: 1 });
    expect(await a.run("zfs send -i @gone tank/www@s2")).toEqual({
      stdout: "", stderr: "warning: cannot send 'tank/www@s2': incremental source (tank/www@gone) does not exist\n", code: 1,
    });
    const missing = await a.run("zfs send");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^missing snapshot argument\nusage:\n\tsend /);
  });

  it("rejects an empty or foreign stream", async () => {
    expect(await b.run("zfs receive backup/x < /dev/null")).toEqual({
      stdout: "", stderr: "cannot receive: failed to read from stream\n", code: 1,
    });
    expect(await b.run("echo garbage | zfs receive backup/x")).toEqual({
      stdout: "", stderr: "cannot receive: invalid stream (bad magic number)\n", code: 1,
    });
    const stream = await a.runBytes("zfs send tank/www@s1");
    expect(await recv(b, "zfs receive backup/no/such", stream.stdout)).toEqual({
      stdout: "",
      stderr: "cannot open 'backup/no': dataset does not exist\ncannot receive new filesystem stream: unable to restore to destination\n",
      code: 1,
    });
  });

  it("pipes send into receive on one host without deadlocking on the state lock", async () => {
    const res = await a.run("zfs send tank/www@s2 | zfs receive tank/copy && cat /tank/copy/css/site.css");
    expect(res).toEqual({ stdout: "two\n", stderr: "", code: 0 });
  });
});
