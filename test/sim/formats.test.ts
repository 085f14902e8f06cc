// Pure helpers behind the tools' output: libzutil number formatting, BSD getopt, name checks.

import { describe, expect, it } from "vitest";
import { ctimeShort, nicebytes, nicenum } from "./zfs/nicenum.ts";
import { getopt } from "./core/getopt.ts";
import { entityNamecheck } from "./zfs/names.ts";
import { nicestrtonum } from "./zfs/prop-parse.ts";
import { volsizeToReservation } from "./zfs/cmd-common.ts";

describe("zfs_nicenum / zfs_nicebytes", () => {
  it.each([
    [0, "0B", "0"], [512, "512B", "512"], [98304, "96K", "96K"], [1536, "1.50K", "1.50K"],
    [1073741824, "1G", "1G"], [14_925_011_353, "13.9G", "13.9G"], [168_577_466_368, "157G", "157G"],
    [1_081_258_016_768, "1007G", "1007G"], [10239, "10.0K", "10.0K"], [1152, "1.12K", "1.12K"],
  ])("%d -> %s / %s", (n, bytes, num) => {
    expect(nicebytes(n)).toBe(bytes);
    expect(nicenum(n)).toBe(num);
  });

  it("formats creation like strftime(\"%a %b %e %k:%M %Y\")", () => {
    expect(ctimeShort(1445180520)).toBe("Sun Oct 18 15:02 2015");
    expect(ctimeShort(1445180520, true)).toBe("Sun Oct 18 15:02:00 2015");
  });
});

describe("zfs_nicestrtonum", () => {
  it.each([
    ["10G", 10737418240], ["1.5M", 1572864], ["512", 512], ["1k", 1024], ["2GB", 2147483648], ["1GiB", 1073741824],
    ["12Q", "invalid numeric suffix 'Q'"], ["abc", "bad numeric value 'abc'"], ["1BB", "invalid numeric suffix 'BB'"],
  ])("%s", (text, expected) => {
    expect(nicestrtonum(text)).toBe(expected);
  });
});

describe("getopt", () => {
  it("clusters flags, takes attached or separate arguments, stops at the first operand", () => {
    expect(getopt(["-rHp", "-d1", "-o", "name", "all", "-r"], ":d:o:rHp")).toEqual({
      opts: [{ opt: "r" }, { opt: "H" }, { opt: "p" }, { opt: "d", arg: "1" }, { opt: "o", arg: "name" }],
      rest: ["all", "-r"],
    });
  });

  it("reports unknown options and missing arguments", () => {
    expect(getopt(["-x"], "ab").opts).toEqual([{ opt: "?", optopt: "x" }]);
    expect(getopt(["-o"], ":o:").opts).toEqual([{ opt: ":", optopt: "o" }]);
  });
});

describe("names and volumes", () => {
  it.each([
    ["pool/fs", undefined], ["pool/", "trailing slash in name"], ["/pool", "leading slash in name"],
    ["pool//x", "empty component or misplaced '@' or '#' delimiter in name"], ["pool/a@b@c",
      "multiple '@' and/or '#' delimiters in name"], ["pool/a*b", "invalid character '*' in name"],
    ["pool/..", "parent reference, '..' is found in name"],
  ])("%s", (name, expected) => {
    expect(entityNamecheck(name)).toBe(expected);
  });

  it("computes a thick volume's refreservation like zvol_volsize_to_reservation", () => {
    expect(volsizeToReservation(1073741824, 16384, 1)).toBe(1092616192);
  });
});
