import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  isStaleResume, parseSendEstimate, zfsReceive, zfsReceiveAbort, zfsRollbackTo, zfsSend, zfsSendResume,
} from "../../provider/src/freebsd/zfs-send.ts";

// `zfs send -n -v -P` as OpenZFS 2.2.7 prints it (libzfs_sendrecv.c send_print_verbose, estimate_size,
// zfs_send, zfs_send_resume_impl_cb_impl with nvlist_print): fixtures in test/fixtures/zfs-send.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/zfs-send/${name}`, import.meta.url), "utf8");

describe("parseSendEstimate", () => {
  it("reads a full send", () => {
    expect(parseSendEstimate(fixture("full.txt"))).toEqual({
      steps: [{ kind: "full", to: "zroot/jails/db@2024-06-01", size: 1585272 }], total: 1585272,
    });
  });

  it("reads -i (zfs_send_one: the source's full name) and -I (zfs_send: each step's short name)", () => {
    expect(parseSendEstimate(fixture("incremental-i.txt")).steps).toEqual([
      { kind: "incremental", from: "zroot/jails/db@a", to: "zroot/jails/db@b", size: 74016 },
    ]);
    const many = parseSendEstimate(fixture("incremental-I.txt"));
    expect(many.steps.map((s) => [s.from, s.to])).toEqual([["a", "zroot/jails/db@b"], ["b", "zroot/jails/db@c"]]);
    expect(many.total).toBe(74328);
  });

  it("reads a -t estimate: the token's contents, then what is left to send", () => {
    const est = parseSendEstimate(fixture("resume.txt"));
    expect(est.token).toEqual({
      fromguid: "0x5f0c2a6b91e0d3a1", object: "0x9", offset: "0x20000", bytes: "0x2c4a10",
      toguid: "0x1b2f5a0c7d3e4f61", toname: "zroot/jails/db@c", compressok: "1",
    });
    expect(est.total).toBe(1210840);
  });

  it("throws on lines it does not know and without a size line", () => {
    expect(() => parseSendEstimate("full send of zroot/a@b estimated size is 1.50M\n")).toThrow(/unexpected zfs send estimate line/);
    expect(() => parseSendEstimate("full\tzroot/a@b\t12\n")).toThrow(/without a size line/);
    expect(() => parseSendEstimate("size\t1.5M\n")).toThrow(/unexpected size/);
  });
});

describe("zfs send and receive command lines", () => {
  it("builds sends: full, -I from a base, raw, estimates, resumes", () => {
    expect(zfsSend("tank/db@s3").argv).toEqual(["zfs", "send", "tank/db@s3"]);
    expect(zfsSend("tank/db@s3", { from: "@s1", intermediates: true, raw: true, estimate: true }).argv)
      .toEqual(["zfs", "send", "-n", "-v", "-P", "-w", "-I", "@s1", "tank/db@s3"]);
    expect(zfsSend("tank/db@s3", { from: "@s1" }).argv).toEqual(["zfs", "send", "-i", "@s1", "tank/db@s3"]);
    expect(zfsSendResume("1-abc-10-00").argv).toEqual(["zfs", "send", "-t", "1-abc-10-00"]);
    expect(zfsSendResume("1-abc-10-00", { estimate: true }).argv).toEqual(["zfs", "send", "-n", "-v", "-P", "-t", "1-abc-10-00"]);
  });

  it("builds resumable, unmounted receives, -F and -o; aborts; rollbacks", () => {
    expect(zfsReceive("backup/db").argv).toEqual(["zfs", "receive", "-s", "-u", "backup/db"]);
    expect(zfsReceive("backup/db", { force: true, properties: { "pulumi:urn": "urn:x" } }).argv)
      .toEqual(["zfs", "receive", "-s", "-u", "-F", "-o", "pulumi:urn=urn:x", "backup/db"]);
    expect(zfsReceiveAbort("backup/db").argv).toEqual(["zfs", "receive", "-A", "backup/db"]);
    expect(zfsRollbackTo("backup/db@s2").argv).toEqual(["zfs", "rollback", "-r", "backup/db@s2"]);
  });

  it("tells a stale resume token from other send failures", () => {
    expect(isStaleResume("cannot resume send: 'tank/db@s7' used in the initial send no longer exists\n")).toBe(true);
    expect(isStaleResume("cannot resume send: incremental source 0x1f no longer exists\n")).toBe(true);
    expect(isStaleResume("warning: cannot send 'tank/db@s7': Broken pipe\n")).toBe(false);
  });
});
