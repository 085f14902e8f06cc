// jls(8) through SSH: the default table, -N, -v, parameter mode (-n, -q, -s, -h, `all`, `no`
// names), -j by jid and name, errors, and --libxo json; plus the security.jail sysctls jls and jail
// read their parameter list from.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;

const HEADER = "   JID  IP Address      Hostname                      Path\n";

beforeAll(async () => {
  host = await startSimHost({ hostname: "host1" });
  ssh = await connect(host);
  await ssh.run("mkdir -p /jails/www /jails/a-very-long-jail-name-for-column-tests");
  const res = await ssh.run("jail -c name=www path=/jails/www host.hostname=www.example.org persist"
    + " ip4.addr=10.0.0.5,10.0.0.6 ip6.addr=2001:DB8::5 'host.domainname=my domain' allow.mount allow.nosuser"
    + " && jail -c name=long path=/jails/a-very-long-jail-name-for-column-tests"
    + " host.hostname=a-hostname-that-is-much-longer-than-29.example.org persist vnet");
  expect(res.code).toBe(0);
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
});

describe("jls tables", () => {
  it("prints the default table: first IPv4 only, truncated host name, empty column for vnet jails", async () => {
    expect((await ssh.run("jls")).stdout).toBe(HEADER
      + "     1  10.0.0.5        www.example.org               /jails/www\n"
      + "     2                  a-hostname-that-is-much-longe /jails/a-very-long-jail-name-for-column-tests\n");
  });

  it("prints names with -N", async () => {
    expect((await ssh.run("jls -N")).stdout).toBe(" JID             IP Address      Hostname                      Path\n"
      + " www             10.0.0.5        www.example.org               /jails/www\n"
      + " long                            a-hostname-that-is-much-longe /jails/a-very-long-jail-name-for-column-tests\n");
  });

  it("prints the -v block with every address", async () => {
    expect((await ssh.run("jls -v -j www")).stdout).toBe("   JID  Hostname                      Path\n"
      + "        Name                          State\n        CPUSetID\n        IP Address(es)\n"
      + "     1  www.example.org               /jails/www\n"
      + "        www                           ACTIVE\n        2\n        10.0.0.5\n        10.0.0.6\n        2001:db8::5\n");
  });
});

describe("jls parameters", () => {
  it("prints values, name=value pairs and booleans by name", async () => {
    expect((await ssh.run("jls -j www jid name persist allow.mount allow.suser ip4.addr vnet")).stdout)
      .toBe("1 www true true false 10.0.0.5,10.0.0.6 inherit\n");
    expect((await ssh.run("jls -j www -n jid persist allow.mount allow.suser ip4.addr")).stdout)
      .toBe("jid=1 persist allow.mount allow.nosuser ip4.addr=10.0.0.5,10.0.0.6\n");
    expect((await ssh.run("jls -j 1 nopersist allow.nomount")).stdout).toBe("false false\n");
  });

  it("quotes with -q and shows empty lists as -, empty or quoted", async () => {
    expect((await ssh.run("jls -j www host.domainname")).stdout).toBe("my domain\n");
    expect((await ssh.run("jls -q -j www host.domainname")).stdout).toBe('"my domain"\n');
    expect((await ssh.run("jls -j long ip4.addr")).stdout).toBe("-\n");
    expect((await ssh.run("jls -n -j long ip4.addr")).stdout).toBe("ip4.addr=\n");
    expect((await ssh.run("jls -q -j long ip4.addr")).stdout).toBe('""\n');
  });

  it("prints a header with -h and every parameter for -n alone, top-level names first", async () => {
    expect((await ssh.run("jls -h -j www jid name")).stdout).toBe("jid name\n1 www\n");
    const text = (await ssh.run("jls -n -j www")).stdout;
    const all = text.trim().split(" ");
    expect(all.slice(0, 5)).toEqual(["devfs_ruleset=0", "nodying", "enforce_statfs=2", "host=new", "ip4=new"]);
    expect(all).toContain("allow.mount");
    expect(all).toContain("ip6.addr=2001:db8::5");
    // Why: without -q jls does not quote, so a blank inside a value is ambiguous.
    expect(text).toContain(" host.domainname=my domain host.hostid=");
    expect((await ssh.run("jls -nq -j www host.domainname")).stdout).toBe('host.domainname="my domain"\n');
  });

  it("skips read-only parameters and those under a jailsys that is not new with -s", async () => {
    const s = (await ssh.run("jls -s -j long")).stdout.trim().split(" ");
    expect(s).toContain("jid=2");
    expect(s).toContain("vnet=new");
    expect(s).not.toContain("nodying");
    expect(s.some((x) => x.startsWith("ip4.addr") || x.startsWith("cpuset.id") || x.startsWith("children.cur"))).toBe(false);
    expect(s).toContain('host.hostname=a-hostname-that-is-much-longer-than-29.example.org');
  });

  it("reports a missing jail after the header, and unknown parameters", async () => {
    expect(await ssh.run("jls -j nosuch")).toEqual({ stdout: HEADER, stderr: 'jls: jail "nosuch" not found\n', code: 1 });
    expect(await ssh.run("jls -j 7 jid")).toEqual({ stdout: "", stderr: "jls: jail 7 not found\n", code: 1 });
    expect(await ssh.run("jls foo")).toEqual({ stdout: "", stderr: "jls: unknown parameter: foo\n", code: 1 });
    expect(await ssh.run("jls -z")).toEqual({
      stdout: "", stderr: "jls: illegal option -- z\njls: usage: jls [-dhNnqv] [-j jail] [param ...]\n", code: 1,
    });
  });
});

describe("jls --libxo json", () => {
  it("emits the default layout with numbers for jids", async () => {
    expect((await ssh.run("jls --libxo json")).stdout).toBe('{"__version": "2", "jail-information": {"jail": ['
      + '{"jid":1,"ipv4":"10.0.0.5","hostname":"www.example.org","path":"/jails/www"}, '
      + '{"jid":2,"ipv4":"","hostname":"a-hostname-that-is-much-longer-than-29.example.org",'
      + '"path":"/jails/a-very-long-jail-name-for-column-tests"}]}\n}\n');
  });

  it("emits parameters as strings, booleans with -n, and address lists", async () => {
    const res = await ssh.run("jls --libxo=json -n -j www jid name persist ip4.addr");
    expect(JSON.parse(res.stdout)).toEqual({
      __version: "2", "jail-information": { jail: [{ jid: "1", name: "www", persist: true, "ip4.addr": ["10.0.0.5", "10.0.0.6"] }] },
    });
    const verbose = JSON.parse((await ssh.run("jls --libxo=json,pretty -v -j www")).stdout);
    expect(verbose["jail-information"].jail[0]).toEqual({
      jid: 1, hostname: "www.example.org", path: "/jails/www", name: "www", state: "ACTIVE", cpusetid: 2,
      ipv4_addrs: ["10.0.0.5", "10.0.0.6"], ipv6_addrs: ["2001:db8::5"],
    });
  });

  it("emits an empty list when there are no jails", async () => {
    await ssh.run("jail -r www long");
    expect((await ssh.run("jls --libxo json")).stdout).toBe('{"__version": "2", "jail-information": {"jail": []}\n}\n');
    expect((await ssh.run("jls -n")).stdout).toBe("");
  });
});

describe("security.jail sysctls", () => {
  it("lists the parameters with node descriptors ending in a dot", async () => {
    const names = (await ssh.run("sysctl -N security.jail.param")).stdout.trim().split("\n");
    expect(names.slice(0, 4)).toEqual(["security.jail.param.jid", "security.jail.param.parent",
      "security.jail.param.name", "security.jail.param.path"]);
    expect(names).toContain("security.jail.param.host.");
    expect(names).toContain("security.jail.param.allow.mount.");
    expect(names).toContain("security.jail.param.allow.mount.zfs");
    expect(names).toContain("security.jail.param.ip4.addr");
    expect(names).not.toContain("security.jail.param.allow.routing");
  });

  it("answers values: 0 for numbers, maximum lengths for strings", async () => {
    expect((await ssh.run("sysctl security.jail.param.name security.jail.param.persist security.jail.param.host."
      + " security.jail.jailed kern.features.vimage")).stdout)
      .toBe("security.jail.param.name: 256\nsecurity.jail.param.persist: 0\nsecurity.jail.param.host.: 0\n"
        + "security.jail.jailed: 0\nkern.features.vimage: 1\n");
    expect((await ssh.run("sysctl -d security.jail.param.persist")).stdout).toBe("security.jail.param.persist: Jail persistence\n");
  });
});
