import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jlsAll, parseJls } from "../../provider/src/freebsd/jls.ts";

// Fixtures follow usr.sbin/jls/jls.c (FreeBSD 14) as libxo 1.6.0 encodes it; their headers say so.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/jail/${name}`, import.meta.url), "utf8").replace(/^(#.*\n)+/, "");

describe("jlsAll", () => {
  it("asks for every parameter of every jail as JSON", () => {
    expect(jlsAll().argv).toEqual(["jls", "--libxo", "json", "-n"]);
    expect(jlsAll({ dying: true }).argv).toEqual(["jls", "--libxo", "json", "-d", "-n"]);
  });
});

describe("parseJls", () => {
  const jails = parseJls(fixture("jls-all.txt"));
  const byName = new Map(jails.map((j) => [j.name, j]));

  it("reads every jail in jid order with its jid and name", () => {
    expect(jails.map((j) => [j.jid, j.name])).toEqual([[1, "www"], [3, "db"], [7, "tools"]]);
    expect(Object.keys(jails[0]!.params)).toHaveLength(53);
  });

  it("types values by the catalogue: integers, booleans, jailsys words, address lists", () => {
    expect(byName.get("www")!.params).toMatchObject({
      jid: 1, name: "www", path: "/jails/www", persist: true, dying: false, securelevel: 2, devfs_ruleset: 4,
      enforce_statfs: 2, osreldate: 1402000, osrelease: "14.2-RELEASE", vnet: "inherit", ip4: "new",
      "ip4.addr": ["10.0.0.5", "10.0.0.6"], "ip6.addr": ["2001:db8::5"], "allow.mount": false,
      "allow.reserved_ports": true, "host.domainname": "", "host.hostname": "www.example.org", "children.max": 0,
      "cpuset.id": 3, "zfs.mount_snapshot": 0,
    });
  });

  it("reads empty address lists, large unsigned values and negative integers", () => {
    expect(byName.get("db")!.params).toMatchObject({
      vnet: "new", "ip4.addr": [], "ip6.addr": [], "host.hostid": 3141592653, securelevel: -1,
      "allow.mount.zfs": true, "children.max": 2, "zfs.mount_snapshot": 1,
    });
  });

  it("reads the raw TAB libxo leaves in a string, and its escapes", () => {
    expect(byName.get("db")!.params["host.hostname"]).toBe('db "primary"\tnode');
    expect(byName.get("tools")!.params["host.hostname"]).toBe("tools\nsecond line");
    expect(byName.get("tools")!.params["path"]).toBe("/jails/tö☃ls \\ dir");
  });

  it("reads no jails", () => {
    expect(parseJls(fixture("jls-none.txt"))).toEqual([]);
  });

  it.each([
    ["   JID  IP Address      Hostname                      Path\n", /not JSON/],
    ['{"__version": "2"}\n', /lacks jail-information/],
    ['{"__version": "2", "jail-information": {"jail": [{"name":"x"}]}}', /#0 has no jid/],
    ['{"__version": "2", "jail-information": {"jail": [{"jid":"1"}]}}', /jail 1 has no name/],
    ['{"__version": "2", "jail-information": {"jail": [{"jid":"one","name":"x"}]}}', /jid: not an integer/],
    ['{"__version": "2", "jail-information": {"jail": [{"jid":"1","name":"x","persist":"true"}]}}', /persist: unexpected "true"/],
    ['{"__version": "2", "jail-information": {"jail": [{"jid":"1","name":"x","path":["a"]}]}}', /path: unexpected list/],
    ['{"__version": "2", "jail-information": {"jail": [{"jid":"1","name":"x","extra":{"a":1}}]}}', /extra: unexpected/],
  ])("refuses %j", (text, rule) => {
    expect(() => parseJls(text)).toThrow(rule);
  });
});
