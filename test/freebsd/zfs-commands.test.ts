import { describe, expect, it } from "vitest";
import {
  zfsClone, zfsDestroy, zfsGetSnapshotsLocal, zfsHold, zfsHoldsOf, zfsListSnapshots, zfsPromote, zfsRelease, zfsRename, zfsRollback,
  zfsSnapshot,
} from "../../provider/src/freebsd/zfs-commands.ts";

// The argv lists of the snapshot, clone, hold and rollback commands (zfs(8), OpenZFS 2.2).

describe("zfs command lines", () => {
  it("lists snapshots with their holds counted, below named datasets", () => {
    expect(zfsListSnapshots(["zroot/db"]).argv).toEqual(
      ["zfs", "list", "-H", "-p", "-t", "snapshot", "-r", "-o", "name,guid,createtxg,creation,used,referenced,clones,userrefs", "zroot/db"]);
  });
  it("reads named snapshots' local properties and holds (-r: the namesakes below too)", () => {
    expect(zfsGetSnapshotsLocal(["zroot/db@s"]).argv).toEqual(["zfs", "get", "-H", "-p", "-s", "local", "-o", "name,property,value,source", "-t", "snapshot", "all", "zroot/db@s"]);
    expect(zfsHoldsOf(["zroot/db@s"]).argv).toEqual(["zfs", "holds", "-H", "-p", "-r", "zroot/db@s"]);
  });
  it("snapshots, recursively and with user properties", () => {
    expect(zfsSnapshot("zroot/db@s").argv).toEqual(["zfs", "snapshot", "zroot/db@s"]);
    expect(zfsSnapshot("zroot/db@s", { recursive: true, properties: { "a:b": "c d" } }).argv).toEqual(["zfs", "snapshot", "-r", "-o", "a:b=c d", "zroot/db@s"]);
  });
  it("clones with parents and properties, and promotes", () => {
    expect(zfsClone("zroot/rel@base", "zroot/jails/web", { parents: true, properties: { "pulumi:urn": "u" } }).argv)
      .toEqual(["zfs", "clone", "-p", "-o", "pulumi:urn=u", "zroot/rel@base", "zroot/jails/web"]);
    expect(zfsPromote("zroot/jails/web").argv).toEqual(["zfs", "promote", "zroot/jails/web"]);
  });
  it("rolls back, with -r only when asked; never -R", () => {
    expect(zfsRollback("zroot/db@s").argv).toEqual(["zfs", "rollback", "zroot/db@s"]);
    expect(zfsRollback("zroot/db@s", { destroyLater: true }).argv).toEqual(["zfs", "rollback", "-r", "zroot/db@s"]);
  });
  it("holds and releases tags on several snapshots", () => {
    expect(zfsHold("keep", ["zroot/db@s", "zroot/db/wal@s"]).argv).toEqual(["zfs", "hold", "keep", "zroot/db@s", "zroot/db/wal@s"]);
    expect(zfsRelease("keep", ["zroot/db@s"], { recursive: true }).argv).toEqual(["zfs", "release", "-r", "keep", "zroot/db@s"]);
  });
  it("destroys deferred and recursively, renames snapshots recursively", () => {
    expect(zfsDestroy("zroot/db@s", { defer: true }).argv).toEqual(["zfs", "destroy", "-d", "zroot/db@s"]);
    expect(zfsDestroy("zroot/db@s", { defer: true, recursive: true }).argv).toEqual(["zfs", "destroy", "-dr", "zroot/db@s"]);
    expect(zfsDestroy("zroot/db", { recursive: true }).argv).toEqual(["zfs", "destroy", "-r", "zroot/db"]);
    expect(zfsRename("zroot/db@a", "zroot/db@b", { recursive: true }).argv).toEqual(["zfs", "rename", "-r", "zroot/db@a", "zroot/db@b"]);
  });
});
