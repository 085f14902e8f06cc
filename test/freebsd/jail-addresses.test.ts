import { describe, expect, it } from "vitest";
import {
  bareAddress, canonicalIp6, checkKernelAddresses, kernelAddresses, sameAddresses,
} from "../../provider/src/freebsd/jail-addresses.ts";

// Addresses as the kernel keeps them (issue 7 item 8): what jls prints for what a user wrote.

describe("bareAddress", () => {
  it.each([
    ["10.0.0.5", "10.0.0.5"], ["10.0.0.5/24", "10.0.0.5"], ["lo0|10.0.0.5/24", "10.0.0.5"],
    ["em0|10.0.0.7/255.255.255.0", "10.0.0.7"], ["lo1|127.0.1.1/32 vhid 1", "127.0.1.1"], ["em0|2001:db8::6/64", "2001:db8::6"],
  ])("strips %j to %j as config.c check_intparams does", (entry, bare) => {
    expect(bareAddress(entry)).toBe(bare);
  });
});

describe("canonicalIp6", () => {
  it.each([
    ["2001:DB8:0::5", "2001:db8::5"], ["2001:0db8:0000:0000:0000:0000:0000:0005", "2001:db8::5"], ["::", "::"], ["::1", "::1"],
    ["::2", "::2"], ["::1.2.3.4", "::1.2.3.4"], ["::ffff:1.2.3.4", "::ffff:1.2.3.4"], ["::FFFF:0102:0304", "::ffff:1.2.3.4"],
    ["1:0:0:1:0:0:0:1", "1:0:0:1::1"], ["1:0:0:2:0:0:3:4", "1::2:0:0:3:4"], ["fe80:0:0:0:0:0:0:0", "fe80::"], ["1:2:3:4:5:6:0:8", "1:2:3:4:5:6:0:8"],
  ])("prints %j as inet_ntop does: %j", (text, canonical) => {
    expect(canonicalIp6(text)).toBe(canonical);
  });
  it.each(["1::2::3", "12345::", "1:2:3:4:5:6:7", "::1.2.3", "g::1"])("refuses %j", (text) => {
    expect(canonicalIp6(text)).toBeUndefined();
  });
});

describe("kernelAddresses", () => {
  it("keeps the first address and sorts the others by value (prison_qcmp_v4 compares numbers)", () => {
    expect(kernelAddresses(["10.0.0.9", "10.0.0.10", "lo0|10.0.0.2/24", "9.255.0.1"], 4)).toEqual(["10.0.0.9", "9.255.0.1", "10.0.0.2", "10.0.0.10"]);
  });
  it("sorts IPv6 byte by byte (prison_qcmp_v6) in canonical form", () => {
    expect(kernelAddresses(["2001:DB8::5", "2001:db8::1:0", "2001:db8::10", "::2"], 6)).toEqual(["2001:db8::5", "::2", "2001:db8::10", "2001:db8::1:0"]);
  });
  it("compares what the user wrote with what jls prints", () => {
    expect(sameAddresses(["lo0|10.0.0.5/24"], ["10.0.0.5"], 4)).toBe(true);
    expect(sameAddresses(["10.0.0.1", "10.0.0.3", "10.0.0.2"], ["10.0.0.1", "10.0.0.2", "10.0.0.3"], 4)).toBe(true);
    expect(sameAddresses(["10.0.0.3", "10.0.0.1"], ["10.0.0.1", "10.0.0.3"], 4)).toBe(false);
    expect(sameAddresses(["2001:DB8:0::5"], ["2001:db8::5"], 6)).toBe(true);
  });
  it("refuses what kern_jail.c refuses", () => {
    expect(checkKernelAddresses(["10.0.0.5", "em0|10.0.0.5/24"], 4)).toMatch(/10\.0\.0\.5 is given twice/);
    expect(checkKernelAddresses(["255.255.255.255"], 4)).toMatch(/refuses/);
    expect(checkKernelAddresses(["::0"], 6)).toMatch(/refuses ::/);
    expect(checkKernelAddresses(["10.0.0.5", "10.0.0.6"], 4)).toBeUndefined();
  });
});
