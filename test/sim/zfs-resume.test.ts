// The stream as bytes (binary-safe, sized like its data, checked on receive), `-nvP` estimates,
// synthetic data, resumable receives (`receive -s`, receive_resume_token, `send -t`, `receive -A`)
// and the refusals of a destination modified since its most recent snapshot, with OpenZFS 2.2.7's
// messages (libzfs_sendrecv.c, dmu_recv.c).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let src: SimHost;
let dst: SimHost;
let a: TestClient;
let b: TestClient;

const text = async (c: TestClient, command: string, stdin?: Buffer) => {
  const r = await c.runBytes(command, stdin);
  return { stdout: r.stdout.toString(), stderr: r.stderr, code: r.code };
};
const must = async (c: TestClient, command: string) => {
  const r = await c.run(command);
  if (r.code !== 0) throw new Error(`${command}: ${r.stderr}`);
  return r.stdout;
};
const stream = async (command: string) => {
  const r = await a.runBytes(command);
  if (r.code !== 0) throw new Error(`${command}: ${r.stderr}`);
  return r.stdout;
};
const tokenOf = async (fs: string) => (await must(b, `zfs get -H -o value receive_resume_token ${fs}`)).trim();

beforeAll(async () => {
  [src, dst] = await Promise.all([startSimHost({ pools: [{ name: "tank" }] }), startSimHost({ pools: [{ name: "backup" }] })]);
  [a, b] = await Promise.all([connect(src), connect(dst)]);
  // A file holding every byte value, a 300K file, a symlink, a directory.
  await must(a, "zfs create tank/data && mkdir /tank/data/dir && ln -s dir /tank/data/link"
    + " && printf \"$(i=0; while [ $i -lt 256 ]; do printf '\\\\%03o' $i; i=$((i+1)); done)\" > /tmp/all && cp /tmp/all /tank/data/dir/bytes"
    + " && head -c 307200 /dev/urandom > /tank/data/big && zfs snapshot tank/data@s1");
});

afterAll(async () => {
  a?.end();
  b?.end();
  await Promise.all([src?.stop(), dst?.stop()]);
});

describe("the stream", () => {
  it("is binary-safe and as large as the data it carries; -nvP estimates it exactly", async () => {
    const s = await stream("zfs send tank/data@s1");
    expect(s.length).toBeGreaterThan(307200 + 256);
    expect(s.length).toBeLessThan(307200 + 256 + 4096);
    const est = await must(a, "zfs send -nvP tank/data@s1");
    expect(est).toBe(`full\ttank/data@s1\t${s.length}\nsize\t${s.length}\n`);
    expect(await text(b, "zfs receive backup/data", s)).toEqual({ stdout: "", stderr: "", code: 0 });
    const sums = await Promise.all([must(a, "cksum /tank/data/dir/bytes /tank/data/big"), must(b, "cksum /backup/data/dir/bytes /backup/data/big")]);
    expect(sums[1].replaceAll("/backup/", "/")).toBe(sums[0].replaceAll("/tank/", "/"));
    expect((await must(b, "readlink /backup/data/link")).trim()).toBe("dir");
  });

  it("sends only what changed in an incremental stream; -I names each step's source by its short name", async () => {
    await must(a, "echo more > /tank/data/small && zfs snapshot tank/data@s2 && zfs snapshot tank/data@s3");
    const inc = await stream("zfs send -i @s1 tank/data@s2");
    expect(inc.length).toBeLessThan(2048);
    expect(await must(a, "zfs send -nvP -i @s1 tank/data@s2")).toBe(`incremental\ttank/data@s1\ttank/data@s2\t${inc.length}\nsize\t${inc.length}\n`);
    // zfs_send (-I, -R) prints dump_snapshot's prevsnap: the short name, as `send from @s1`.
    expect(await must(a, "zfs send -nvP -I @s1 tank/data@s3")).toMatch(/^incremental\ts1\ttank\/data@s2\t\d+\nincremental\ts2\ttank\/data@s3\t\d+\nsize\t\d+\n$/);
    expect(await must(a, "zfs send -nv -I @s1 tank/data@s3")).toMatch(/^send from @s1 to tank\/data@s2 estimated size is \S+\n/);
    const all = await stream("zfs send -I @s1 tank/data@s3");
    expect(await text(b, "zfs receive backup/data", all)).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await must(b, "cat /backup/data/small && zfs list -H -t snapshot -o name -r backup/data")).toBe("more\nbackup/data@s1\nbackup/data@s2\nbackup/data@s3\n");
  });

  it("fails a corrupted stream with checksum mismatch and a foreign one as bad magic", async () => {
    const s = Buffer.from(await stream("zfs send tank/data@s1"));
    s[s.length >> 1] = s[s.length >> 1]! ^ 0xff;
    expect(await text(b, "zfs receive backup/corrupt", s)).toEqual({
      stdout: "", stderr: "cannot receive new filesystem stream: checksum mismatch\n", code: 1,
    });
    expect(await text(b, "zfs list backup/corrupt")).toMatchObject({ code: 1 });
  });

  it("counts synthetic data: a 3 MB fill is streamed, received and checked, and an incremental carries only new extents", async () => {
    await must(a, "zfs create tank/fill");
    src.fillDataset("tank/fill", 3 * 1024 * 1024);
    await must(a, "zfs snapshot tank/fill@a");
    const full = await stream("zfs send tank/fill@a");
    expect(full.length).toBeGreaterThan(3 * 1024 * 1024);
    expect(full.length).toBeLessThan(3 * 1024 * 1024 + 4096);
    expect(await text(b, "zfs receive -u backup/fill", full)).toMatchObject({ code: 0 });
    src.fillDataset("tank/fill", 100_000);
    expect(Number(await must(a, "zfs get -H -p -o value written tank/fill"))).toBe(100_000);
    await must(a, "zfs snapshot tank/fill@b");
    const inc = await stream("zfs send -i @a tank/fill@b");
    expect(inc.length).toBeGreaterThan(100_000);
    expect(inc.length).toBeLessThan(110_000);
    expect(await text(b, "zfs receive -u backup/fill", inc)).toMatchObject({ code: 0 });
    const refer = await Promise.all([must(a, "zfs get -H -p -o value referenced tank/fill@b"), must(b, "zfs get -H -p -o value referenced backup/fill@b")]);
    expect(refer[1]).toBe(refer[0]);
  });
});

describe("resumable receives", () => {
  it("keeps a cut full stream under -s as an inconsistent file system with a token, and resumes it with send -t", async () => {
    const s = await stream("zfs send tank/data@s1");
    const cut = s.subarray(0, s.length >> 1);
    const r = await text(b, "zfs receive -s -u backup/part", cut);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cannot receive new filesystem stream: checksum mismatch or incomplete stream\.\nPartially received snapshot is saved\.\n/);
    expect(r.stderr).toMatch(/A resuming stream can be generated on the sending system by running:\n {4}zfs send -t 1-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\n$/);
    const token = await tokenOf("backup/part");
    expect(r.stderr).toContain(token);
    expect(await must(b, "zfs list -H -t all -o name -r backup/part")).toBe("backup/part\n");
    // The token names the snapshot and how far the receive got.
    const est = await must(a, `zfs send -nvP -t ${token}`);
    expect(est).toMatch(/^resume token contents:\nnvlist version: 0\n\tobject = 0x[0-9a-f]+\n\toffset = 0x[0-9a-f]+\n\tbytes = 0x[0-9a-f]+\n\ttoguid = 0x[0-9a-f]+\n\ttoname = tank\/data@s1\nfull\ttank\/data@s1\t\d+\nsize\t\d+\n$/);
    const remaining = Number(/size\t(\d+)/.exec(est)![1]);
    expect(remaining).toBeGreaterThan(0);
    // What the receiver kept ends at the last whole record before the cut (DATA records carry up to 128K).
    expect(remaining).toBeLessThan(s.length - cut.length + 128 * 1024 + 4096);
    // Any other receive into it is busy until the partial state is resumed or aborted.
    expect(await text(b, "zfs receive -F backup/part", s)).toEqual({
      stdout: "", stderr: 'cannot receive new filesystem stream: destination backup/part contains partially-complete state from "zfs receive -s".\n', code: 1,
    });
    const rest = await stream(`zfs send -t ${token}`);
    expect(rest.length).toBeLessThan(s.length);
    expect(await text(b, "zfs receive -s -u backup/part", rest)).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await must(b, "zfs list -H -t all -o name -r backup/part && zfs get -H -o value receive_resume_token backup/part")).toBe("backup/part\nbackup/part@s1\n-\n");
    await must(b, "zfs mount backup/part");
    expect((await must(b, "cksum < /backup/part/big")).trim()).toBe((await must(a, "cksum < /tank/data/big")).trim());
  });

  it("keeps a cut incremental stream beside an untouched file system; receive -A discards it", async () => {
    await must(b, "zfs receive -u backup/inc < /dev/null || true");
    expect(await text(b, "zfs receive -u backup/inc", await stream("zfs send tank/data@s1"))).toMatchObject({ code: 0 });
    await must(a, "head -c 200000 /dev/urandom > /tank/data/more && zfs snapshot tank/data@s4");
    const inc = await stream("zfs send -i @s3 tank/data@s4");
    expect(await text(b, "zfs receive -s -u backup/inc", await stream("zfs send -I @s1 tank/data@s3"))).toMatchObject({ code: 0 });
    const r = await text(b, "zfs receive -s -u backup/inc", inc.subarray(0, inc.length - 5000));
    expect(r.stderr).toMatch(/^cannot receive incremental stream: checksum mismatch or incomplete stream\./);
    expect(await must(b, "zfs list -H -t snapshot -o name -r backup/inc")).toBe("backup/inc@s1\nbackup/inc@s2\nbackup/inc@s3\n");
    expect(await tokenOf("backup/inc")).toMatch(/^1-/);
    expect(await must(a, `zfs send -nvP -t ${await tokenOf("backup/inc")}`)).toMatch(/\tfromguid = 0x[0-9a-f]+\n[\s\S]*\nincremental\ttank\/data@s3\ttank\/data@s4\t\d+\n/);
    expect(await text(b, "zfs receive -u backup/inc", inc)).toEqual({
      stdout: "", stderr: 'cannot receive incremental stream: destination backup/inc contains partially-complete state from "zfs receive -s".\n', code: 1,
    });
    expect(await text(b, "zfs receive -A backup/inc")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await must(b, "zfs get -H -o value receive_resume_token backup/inc")).toBe("-\n");
    expect(await text(b, "zfs receive -A backup/inc")).toEqual({
      stdout: "", stderr: "'backup/inc' does not have any resumable receive state to abort\n", code: 1,
    });
    expect(await text(b, "zfs receive -u backup/inc", inc)).toEqual({ stdout: "", stderr: "", code: 0 });
  });

  it("refuses a stale or corrupt token, and a resume stream that does not continue the partial receive", async () => {
    expect(await text(a, "zfs send -t garbage")).toEqual({
      stdout: "", stderr: "cannot resume send: resume token is corrupt (invalid format)\n", code: 1,
    });
    await must(a, "zfs create tank/gone && echo x > /tank/gone/f && zfs snapshot tank/gone@g");
    const s = await stream("zfs send tank/gone@g");
    await text(b, "zfs receive -s -u backup/gone", s.subarray(0, s.length - 30));
    const token = await tokenOf("backup/gone");
    // The payload's first byte (zlib's header, inside the checksummed words: fletcher_4_native_varsize skips a ragged tail).
    const payload = token.lastIndexOf("-") + 1;
    const corrupt = `${token.slice(0, payload)}00${token.slice(payload + 2)}`;
    expect(await text(a, `zfs send -t ${corrupt}`)).toMatchObject({ code: 1, stderr: "cannot resume send: resume token is corrupt (incorrect checksum)\n" });
    const other = await stream(`zfs send -t ${token}`);
    await must(a, "zfs destroy tank/gone@g");
    expect(await text(a, `zfs send -t ${token}`)).toEqual({
      stdout: "", stderr: "cannot resume send: 'tank/gone@g' used in the initial send no longer exists\n", code: 1,
    });
    // A full resume stream into an existing, consistent file system needs -F (libzfs); then the kernel's
    // EINVAL (no such partial receive there), which libzfs words as a version problem under -s.
    expect(await text(b, "zfs receive -s -u backup/data", other)).toEqual({
      stdout: "", stderr: "cannot receive resume stream: Resuming recv on existing destination 'backup/data'\nmust specify -F to overwrite it\n", code: 1,
    });
    expect(await text(b, "zfs receive -s -F -u backup/data", other)).toEqual({
      stdout: "", stderr: "cannot receive resume stream: kernel modules must be upgraded to receive this stream.\n", code: 1,
    });
    expect(await text(b, "zfs receive -F -u backup/data", other)).toEqual({
      stdout: "", stderr: "cannot receive resume stream: invalid backup stream\n", code: 1,
    });
  });
});

describe("a destination written to since its most recent snapshot", () => {
  it("reports the bytes in `written`, refuses an incremental receive without -F, and -F rolls it back", async () => {
    await must(a, "zfs create tank/w && echo one > /tank/w/f && zfs snapshot tank/w@1");
    expect(await text(b, "zfs receive backup/w", await stream("zfs send tank/w@1"))).toMatchObject({ code: 0 });
    expect(await must(b, "zfs get -H -p -o value written backup/w")).toBe("0\n");
    await must(b, "echo local > /backup/w/local");
    expect(Number(await must(b, "zfs get -H -p -o value written backup/w"))).toBeGreaterThan(0);
    await must(a, "echo two > /tank/w/f && zfs snapshot tank/w@2");
    const inc = await stream("zfs send -i @1 tank/w@2");
    expect(await text(b, "zfs receive backup/w", inc)).toEqual({
      stdout: "", stderr: "cannot receive incremental stream: destination backup/w has been modified\nsince most recent snapshot\n", code: 1,
    });
    await must(b, "zfs snapshot backup/w@mine");
    expect(await text(b, "zfs receive backup/w", inc)).toEqual({
      stdout: "", stderr: "cannot receive incremental stream: most recent snapshot of backup/w does not\nmatch incremental source\n", code: 1,
    });
    expect(await text(b, "zfs receive -F backup/w", inc)).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await must(b, "ls /backup/w && cat /backup/w/f && zfs list -H -t snapshot -o name -r backup/w")).toBe("f\ntwo\nbackup/w@1\nbackup/w@2\n");
    expect(await must(b, "zfs get -H -p -o value written backup/w")).toBe("0\n");
  });
});
