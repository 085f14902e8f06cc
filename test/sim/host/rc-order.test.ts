import { describe, expect, it } from "vitest";
import { BOOT_STEPS } from "./boot.ts";
import { rcorder } from "./rc-order.ts";

describe("rcorder", () => {
  it("orders the boot's rc.d scripts after what they REQUIRE and before what they are BEFORE", () => {
    expect(rcorder(BOOT_STEPS).map((s) => s.name)).toEqual(
      ["zfs", "FILESYSTEMS", "hostname", "netif", "NETWORKING", "DAEMON", "rctl", "LOGIN", "jail"]);
  });

  it("takes unrelated scripts in the order given and refuses a cycle", () => {
    expect(rcorder([{ name: "b", require: [] }, { name: "a", require: ["c"] }, { name: "c", require: [], before: ["b"] }])
      .map((s) => s.name)).toEqual(["c", "b", "a"]);
    expect(() => rcorder([{ name: "a", require: ["b"] }, { name: "b", require: ["a"] }])).toThrow(/Circular dependency/);
  });
});
