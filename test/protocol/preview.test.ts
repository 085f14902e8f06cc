import { describe, expect, it } from "vitest";
import { previewUpdate } from "../../provider/src/protocol/lifecycle.ts";
import { Unknown } from "../../provider/src/protocol/values.ts";
import { zfsDataset } from "../../provider/src/resources/zfs-dataset/index.ts";

// What the preview of an in-place update promises: old outputs known where the update cannot change
// them, so a program's outputs flowing on (a dataset's mountpoint into a jail's path) stay known.

const olds = {
  name: "zroot/tenants/alpha", type: "filesystem", properties: { quota: "5G" }, guid: "123", creation: "1700000000",
  mountpoint: "/usr/jails/tenants/alpha", used: 98304, available: 5368709120,
};

describe("the preview of a dataset update", () => {
  it("keeps its mountpoint when neither its name nor its mountpoint property changes", () => {
    const out = previewUpdate(zfsDataset, olds, { name: "zroot/tenants/alpha", type: "filesystem", properties: { quota: "10G" } });
    expect(out).toMatchObject({ mountpoint: "/usr/jails/tenants/alpha", guid: "123", properties: { quota: "10G" } });
    expect(out["available"]).toBe(Unknown);
  });

  it("leaves it unknown for a rename or a new mountpoint property", () => {
    expect(previewUpdate(zfsDataset, olds, { name: "zroot/tenants/a2", type: "filesystem", properties: { quota: "5G" } })["mountpoint"]).toBe(Unknown);
    expect(previewUpdate(zfsDataset, olds, { name: olds.name, type: "filesystem", properties: { quota: "5G", mountpoint: "/a" } })["mountpoint"]).toBe(Unknown);
    expect(previewUpdate(zfsDataset, olds, { name: Unknown, type: "filesystem", properties: {} })["mountpoint"]).toBe(Unknown);
  });
});
