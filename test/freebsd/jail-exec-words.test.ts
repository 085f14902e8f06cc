import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { splitShellWords, zfsJailDataset } from "../../provider/src/freebsd/jail-exec-words.ts";
import { markerComment, markerOf } from "../../provider/src/freebsd/jail-marker.ts";
import { parseJailConf, renderJailConf } from "../../provider/src/freebsd/jail-conf.ts";
import { quoteArgIfNeeded } from "../../provider/src/host/quote.ts";
import { zfsJailCommand } from "../../provider/src/resources/jail/params.ts";

// Commands the provider writes into jail.conf are argv lists quoted for sh(1) only where needed, and
// read back word by word (issue 7 item 11); a block carries the URN it was written for (item 5).

const words = ["zfs", "jail", "web", "zroot/a b", "it's", "$(id)", "`id`", "a;b", "x*", "~root", "#c", "-n", "a\\b", ""];

describe("quoteArgIfNeeded", () => {
  it("leaves plain words bare and quotes the others, so dash reads every word back intact", () => {
    expect(words.slice(0, 3).map(quoteArgIfNeeded)).toEqual(["zfs", "jail", "web"]);
    const line = ["printf", "%s\\0", ...words].map(quoteArgIfNeeded).join(" ");
    const out = execFileSync("/usr/bin/dash", ["-c", line]).toString("utf8");
    expect(out.split("\0").slice(0, -1)).toEqual(words);
  });
});

describe("splitShellWords", () => {
  it("reads back every word quoteArgIfNeeded wrote", () => {
    expect(splitShellWords(words.map(quoteArgIfNeeded).join(" "))).toEqual(words);
  });
  it.each([
    ["zfs jail web zroot/data", ["zfs", "jail", "web", "zroot/data"]],
    ["a  'b c'\"d e\"\\ f", ["a", "b cd e f"]],
    ['"a\\"b\\\\c"', ['a"b\\c']],
    ["a\\\nb", ["ab"]],
    ["x#y", ["x#y"]],
  ])("splits %j", (text, expected) => {
    expect(splitShellWords(text)).toEqual(expected);
  });
  it.each(["a; b", "a | b", "echo $HOME", "echo `id`", '"$x"', "ls *", "a 'b", "#comment", "~/x"])("gives up on %j", (text) => {
    expect(splitShellWords(text)).toBeUndefined();
  });
});

describe("zfsJailDataset", () => {
  it("reads back the dataset of the command the provider writes, a space included", () => {
    expect(zfsJailCommand("web", "zroot/a b")).toBe("zfs jail web 'zroot/a b'");
    expect(zfsJailDataset(zfsJailCommand("web", "zroot/a b"), "web")).toBe("zroot/a b");
    expect(zfsJailDataset(zfsJailCommand("web", "zroot/data"), "web")).toBe("zroot/data");
  });
  it("reads what older versions wrote unquoted", () => {
    expect(zfsJailDataset("zfs jail web zroot/a b", "web")).toBe("zroot/a b");
  });
  it("leaves other commands alone", () => {
    expect(zfsJailDataset("zfs jail db zroot/data", "web")).toBeUndefined();
    expect(zfsJailDataset("zfs jail web zroot/data; rm -rf /", "web")).toBeUndefined();
    expect(zfsJailDataset("zfs set jailed=on zroot/data", "web")).toBeUndefined();
  });
});

describe("markerOf", () => {
  it("finds the URN a block was written for, whatever the URN holds", () => {
    const urn = 'urn:pulumi:dev::p::freebsd:jail:Jail::we"b\n} evil { path = /;';
    const text = renderJailConf({ name: "web", params: [["path", "/j"]], comment: `Managed by Pulumi.\n${markerComment(urn)}` });
    const conf = parseJailConf(text);
    expect(conf.jails.map((j) => j.name)).toEqual(["web"]);
    expect(markerOf(text, conf.jails[0]!)).toBe(urn);
  });
  it("finds none in a hand-written block", () => {
    const text = "# pulumi:urn not-json\nweb { path = /j; }\n";
    expect(markerOf(text, parseJailConf(text).jails[0]!)).toBeUndefined();
  });
});
