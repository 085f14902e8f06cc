import { describe, expect, it } from "vitest";
import { checkDatasetName, checkFullSnapshotName, checkHoldTag, checkPropertyName, checkPropertyValue, checkSnapshotName } from "../../provider/src/freebsd/zfs-names.ts";
import { formatSize, normalizeValue, parseSize, presentValue, sameValue } from "../../provider/src/freebsd/zfs-values.ts";

describe("checkDatasetName", () => {
  it.each(["zroot/jails/web", "tank/a.b_c-d:e", "zroot/with space"])("accepts %s", (name) => {
    expect(checkDatasetName(name)).toBeUndefined();
  });
  it.each([
    ["zroot", /inside a pool/],
    ["zroot/", /start or end/],
    ["zroot//x", /empty components/],
    ["zroot/a;rm -rf /", /invalid character ";"/],
    ["zroot/$(id)", /invalid character "\$"/],
    ["zroot/`id`", /invalid character "`"/],
    ["zroot/a'b", /invalid character "'"/],
    ["zroot/a\nb", /invalid character "\\n"/],
    ["zroot/a@snap", /invalid character "@"/],
    ["1pool/x", /begin with a letter/],
    ["mirror/x", /reserved/],
    ["zroot/..", /'\.' or '\.\.'/],
    [`zroot/${"x".repeat(260)}`, /at most 255/],
  ])("refuses %j", (name, rule) => {
    expect(checkDatasetName(name)).toMatch(rule);
  });
});

describe("snapshot names", () => {
  it.each(["pre-upgrade", "2025-11-14_10:00", "base", "with space"])("accepts the short name %j", (name) => {
    expect(checkSnapshotName(name)).toBeUndefined();
  });
  it.each([["", /empty/], ["a@b", /invalid character "@"/], ["a/b", /invalid character "\/"/], ["$(id)", /invalid character "\$"/], [".", /'\.'/]])(
    "refuses the short name %j", (name, rule) => {
      expect(checkSnapshotName(name)).toMatch(rule);
    });
  it("checks a full name's dataset, snapshot and length", () => {
    expect(checkFullSnapshotName("zroot/rel@base")).toBeUndefined();
    expect(checkFullSnapshotName("zroot/rel")).toMatch(/pool\/dataset@snapshot/);
    expect(checkFullSnapshotName("zroot@base")).toMatch(/dataset part: .*inside a pool/);
    expect(checkFullSnapshotName("zroot/rel@a@b")).toMatch(/snapshot part: invalid character "@"/);
    expect(checkFullSnapshotName(`zroot/${"x".repeat(200)}@${"y".repeat(60)}`)).toMatch(/at most 255/);
  });
});

describe("checkHoldTag", () => {
  it("accepts ordinary tags", () => {
    expect(checkHoldTag("pulumi:replica")).toBeUndefined();
    expect(checkHoldTag("keep for audit")).toBeUndefined();
  });
  it.each([["", /empty/], [".send-1", /start with '\.'/], ["-r", /start with '-'/], ["a\tb", /control characters/], ["x".repeat(257), /at most 256/]])(
    "refuses %j", (tag, rule) => {
      expect(checkHoldTag(tag)).toMatch(rule);
    });
});

describe("checkPropertyName", () => {
  it("accepts settable native and user properties", () => {
    expect(checkPropertyName("compression")).toBeUndefined();
    expect(checkPropertyName("com.example:owner")).toBeUndefined();
  });
  it("refuses read-only, unknown and malformed user properties", () => {
    expect(checkPropertyName("used")).toMatch(/read-only/);
    expect(checkPropertyName("compresion")).toMatch(/not a ZFS property/);
    expect(checkPropertyName("Com.Example:Owner")).toMatch(/lowercase/);
    expect(checkPropertyName("x:$(id)")).toMatch(/module:property/);
  });
});

describe("checkPropertyValue", () => {
  it("checks enumerations, sizes, counts and paths", () => {
    expect(checkPropertyValue("compression", "zstd-3", "filesystem")).toBeUndefined();
    expect(checkPropertyValue("compression", "zstd;id", "filesystem")).toMatch(/must be one of on \| off/);
    expect(checkPropertyValue("quota", "10G", "filesystem")).toBeUndefined();
    expect(checkPropertyValue("quota", "none", "filesystem")).toBeUndefined();
    expect(checkPropertyValue("quota", "ten", "filesystem")).toMatch(/size/);
    expect(checkPropertyValue("snapshot_limit", "5", "filesystem")).toBeUndefined();
    expect(checkPropertyValue("mountpoint", "relative", "filesystem")).toMatch(/absolute path/);
    expect(checkPropertyValue("mountpoint", "/jails/web", "volume")).toMatch(/only to filesystems/);
  });
  it("refuses control characters even in user property values", () => {
    expect(checkPropertyValue("com.example:x", "a\nb", "filesystem")).toMatch(/control characters/);
    expect(checkPropertyValue("com.example:x", "$(id); `id` 'q'", "filesystem")).toBeUndefined();
  });
});

describe("zfs values", () => {
  it("parses and formats sizes", () => {
    expect(parseSize("10G")).toBe(10 * 1024 ** 3);
    expect(parseSize("1.5K")).toBe(1536);
    expect(parseSize("512")).toBe(512);
    expect(formatSize(10 * 1024 ** 3)).toBe("10G");
    expect(formatSize(1536)).toBe("1536");
    expect(formatSize(3 * 1024 ** 2)).toBe("3M");
  });
  it("compares written values with -p values", () => {
    expect(sameValue("quota", "10G", "10737418240")).toBe(true);
    expect(sameValue("quota", "none", "0")).toBe(true);
    expect(sameValue("quota", "11G", "10737418240")).toBe(false);
    expect(sameValue("acltype", "posixacl", "posix")).toBe(true);
    expect(sameValue("mountpoint", "/jails/web/", "/jails/web")).toBe(true);
    expect(normalizeValue("com.example:x", "10G")).toBe("10G");
  });
  it("presents -p values the way a user writes them", () => {
    expect(presentValue("quota", "0")).toBe("none");
    expect(presentValue("recordsize", "131072")).toBe("128K");
    expect(presentValue("compression", "lz4")).toBe("lz4");
  });
});
