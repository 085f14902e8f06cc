// sysrc(8) through SSH: queries with the defaults of /etc/defaults/rc.conf, sets and list edits with
// sysrc's `name: old -> new` lines, -n/-e/-N/-v/-c/-x/-f/-a, and its errors.

import { describe, expect, it } from "vitest";
import type { SimHost } from "./host.ts";
import { useSimHost, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;
useSimHost((h, s) => {
  host = h;
  ssh = s;
}, { hostname: "host1" });

describe("sysrc queries", () => {
  it("reads rc.conf over the defaults", async () => {
    expect(await ssh.run("sysrc hostname jail_enable jail_conf")).toEqual({
      stdout: "hostname: host1\njail_enable: NO\njail_conf: /etc/jail.conf\n", stderr: "", code: 0,
    });
    expect((await ssh.run("sysrc -n jail_list; sysrc -e jail_enable; sysrc -N hostname; sysrc -v hostname")).stdout)
      .toBe('\njail_enable="NO"\nhostname\n/etc/rc.conf: hostname: host1\n');
  });

  it("reports unknown variables on stderr with status 1", async () => {
    expect(await ssh.run("sysrc nosuch_var")).toEqual({ stdout: "", stderr: "sysrc: unknown variable 'nosuch_var'\n", code: 1 });
    expect(await ssh.run("sysrc -q nosuch_var")).toEqual({ stdout: "", stderr: "", code: 1 });
    expect(await ssh.run("sysrc -i nosuch_var hostname")).toEqual({ stdout: "hostname: host1\n", stderr: "", code: 1 });
  });
});

describe("sysrc changes", () => {
  it("sets, appends and removes list items, printing old -> new", async () => {
    expect(await ssh.run("sysrc jail_enable=YES jail_list+=www jail_list+=db jail_list+=www")).toEqual({
      stdout: "jail_enable: NO -> YES\njail_list:  -> www\njail_list: www -> www db\njail_list: www db -> www db\n",
      stderr: "", code: 0,
    });
    expect((await ssh.run("sysrc jail_list-=www; sysrc -n jail_list=db,x; sysrc -e jail_list=db")).stdout)
      .toBe('jail_list: www db -> db\ndb -> db,x\njail_list="db,x" # -> "db"\n');
    expect((await ssh.run("grep -c '^jail' /etc/rc.conf; tail -2 /etc/rc.conf")).stdout)
      .toBe('2\njail_enable="YES"\njail_list="db"\n');
  });

  it("checks with -c and deletes with -x", async () => {
    expect((await ssh.run("sysrc -c jail_enable=YES")).code).toBe(0);
    expect((await ssh.run("sysrc -c jail_enable=NO")).code).toBe(1);
    expect(await ssh.run("sysrc -x jail_list")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("sysrc jail_list")).stdout).toBe("jail_list: \n");
    expect(await ssh.run("sysrc -x nosuch_var")).toEqual({ stdout: "", stderr: "sysrc: unknown variable 'nosuch_var'\n", code: 1 });
  });

  it("edits the last assignment in place, keeping its quotes and comment", async () => {
    await ssh.run("cat >> /etc/rc.conf.local", "a_enable=NO\na_enable='x' # note\n");
    expect((await ssh.run("sysrc a_enable=YES; tail -2 /etc/rc.conf.local")).stdout)
      .toBe("a_enable: x -> YES\na_enable=NO\na_enable='YES' # note\n");
  });

  it("works on another file with -f and lists with -a", async () => {
    expect((await ssh.run("sysrc -f /etc/jail.conf.d/x.vars foo=bar && cat /etc/jail.conf.d/x.vars && sysrc -f /etc/jail.conf.d/x.vars -n foo")).stdout)
      .toBe('foo:  -> bar\nfoo="bar"\nbar\n');
    const all = (await ssh.run("sysrc -a")).stdout;
    expect(all).toContain("jail_enable: YES\n");
    expect(all).toContain("hostname: host1\n");
    expect(all).not.toContain("jail_conf:");
    expect((await ssh.run("sysrc -A")).stdout).toContain("jail_conf: /etc/jail.conf\n");
  });

  it("prints its usage for bad options and nothing to do", async () => {
    expect(await ssh.run("sysrc")).toEqual({
      stdout: "", stderr: "Usage: sysrc [OPTIONS] name[[+|-]=value] ...\nTry `sysrc --help' for more information.\n", code: 1,
    });
    expect((await ssh.run("sysrc -z x")).code).toBe(1);
  });
});
