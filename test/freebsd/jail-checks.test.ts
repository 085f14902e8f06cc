import { describe, expect, it } from "vitest";
import {
  checkJailName, checkJailParameter, checkJailParameterName, checkJailParameters, checkText,
} from "../../provider/src/freebsd/jail-checks.ts";
import {
  addressChangeNeedsRestart, isPseudoParam, jailParamSpec, jailParams, noName, stripNo, type JailValue,
} from "../../provider/src/freebsd/jail-params.ts";

describe("jail parameter catalogue", () => {
  it("gives every jailsys parameter its choices and every list its type", () => {
    for (const [name, spec] of Object.entries(jailParams)) {
      expect(spec.type === "jailsys", name).toBe(spec.choices !== undefined);
      if (spec.item) expect(spec.type, name).toBe("string-list");
    }
  });
  it("marks create-only kernel parameters (CTLFLAG_RDTUN) for restart", () => {
    for (const name of ["path", "vnet", "ip4", "ip6", "osrelease", "osreldate", "jid"]) {
      expect(jailParamSpec(name)).toMatchObject({ kind: "kernel", update: "restart" });
    }
    for (const name of ["host.hostname", "ip4.addr", "securelevel", "allow.mount", "persist", "sysvshm", "children.max"]) {
      expect(jailParamSpec(name)).toMatchObject({ kind: "kernel", update: "live" });
    }
  });
  it("tells pseudo-parameters apart and when they apply", () => {
    expect(isPseudoParam("exec.start")).toBe(true);
    expect(isPseudoParam("mount.devfs")).toBe(true);
    expect(isPseudoParam("persist")).toBe(false);
    expect(isPseudoParam("nonexistent")).toBe(false);
    expect(jailParamSpec("exec.stop")?.update).toBe("next-stop");
    expect(jailParamSpec("exec.start")?.update).toBe("restart");
    expect(jailParamSpec("mount")?.update).toBe("restart");
    expect(jailParamSpec("toString")).toBeUndefined();
  });
  it("writes and strips the no form on the last component, as libjail does", () => {
    expect(noName("persist")).toBe("nopersist");
    expect(noName("allow.mount.zfs")).toBe("allow.mount.nozfs");
    expect(stripNo("allow.nomount")).toBe("allow.mount");
    expect(stripNo("nopersist")).toBe("persist");
    expect(stripNo("allow.mount")).toBeUndefined();
    expect(stripNo("no")).toBeUndefined();
  });
  it("says when address changes need a restart", () => {
    expect(addressChangeNeedsRestart([["ip4.addr", ["10.0.0.1"]]])).toBeUndefined();
    expect(addressChangeNeedsRestart([["ip4.addr", ["em0|10.0.0.1/24"]]])).toMatch(/only when it creates/);
    expect(addressChangeNeedsRestart([["interface", "em0"], ["ip4.addr", ["10.0.0.1"]]])).toMatch(/interface/);
  });
});

describe("checkJailName", () => {
  it.each(["www", "db-1", "Web_2", "1web", "_private", "a".repeat(200)])("accepts %s", (name) => {
    expect(checkJailName(name)).toBeUndefined();
  });
  it.each([
    ["", /empty/],
    ["42", /all digits/],
    ["parent.child", /'\.'/],
    ["foo.*", /'\.'/],
    ["a b", /invalid character " "/],
    ["a/b", /invalid character "\/"/],
    ["*", /invalid character "\*"/],
    ["$(id)", /invalid character "\$"/],
    ["a'b", /invalid character "'"/],
    ["a\nb", /invalid character "\\n"/],
    ["-n", /begin with '-'/],
    ["wéb", /invalid character "é"/],
    ["a".repeat(201), /at most 200/],
  ])("refuses %j", (name, rule) => {
    expect(checkJailName(name)).toMatch(rule);
  });
});

describe("checkJailParameterName", () => {
  it.each(["persist", "allow.mount.zfs", "exec.start", "ip4.addr", "zfs.mount_snapshot"])("accepts %s", (name) => {
    expect(checkJailParameterName(name)).toBeUndefined();
  });
  it.each([
    ["Persist", /lowercase/],
    ["exec.start;", /lowercase/],
    ["$name", /lowercase/],
    [".include", /lowercase/],
    ["a..b", /lowercase/],
    ["exec.start = x", /lowercase/],
    ["allow.mount}", /lowercase/],
    ["name", /jail's name/],
    ["dying", /read-only/],
    ["children.cur", /read-only/],
    ["allow.nomount", /set allow\.mount to false/],
    ["nopersist", /set persist to false/],
    ["x".repeat(129), /at most 128/],
  ])("refuses %j", (name, rule) => {
    expect(checkJailParameterName(name)).toMatch(rule);
  });
});

describe("checkJailParameter", () => {
  it.each<[string, JailValue]>([
    ["persist", true],
    ["allow.mount", false],
    ["securelevel", -1],
    ["enforce_statfs", 2],
    ["devfs_ruleset", 65535],
    ["vnet", "new"],
    ["ip4", "disable"],
    ["sysvshm", "inherit"],
    ["path", "/usr/local/jails/www"],
    ["host.hostname", "www.example.org"],
    ["host.hostname", "anything ' \" $ ; } # goes"],
    ["ip4.addr", ["10.0.0.5", "em0|10.0.0.6/24", "em0|10.0.0.7/255.255.255.0", "lo1|127.0.1.1/32 vhid 1"]],
    ["ip6.addr", ["2001:db8::5", "em0|2001:db8::6/64"]],
    ["exec.start", ["/bin/sh /etc/rc", "echo $HOME > /tmp/x"]],
    ["exec.stop", "/bin/sh /etc/rc.shutdown jail"],
    ["mount", ["/data /jails/www/data nullfs rw 0 0"]],
    ["mount.fstab", "/etc/fstab.www"],
    ["vnet.interface", ["epair0b"]],
    ["depend", ["db"]],
    ["exec.timeout", 60],
    ["zfs.mount_snapshot", 1],
  ])("accepts %s = %j", (name, value) => {
    expect(checkJailParameter(name, value)).toBeUndefined();
  });
  it.each<[string, JailValue, RegExp]>([
    ["persist", "yes", /true or false/],
    ["securelevel", 4, /between -1 and 3/],
    ["securelevel", 1.5, /whole number/],
    ["enforce_statfs", 3, /between 0 and 2/],
    ["vnet", "disable", /new \| inherit/],
    ["host", "maybe", /new \| inherit/],
    ["path", "jails/www", /absolute path/],
    ["path", "/a\0b", /NUL/],
    ["host.hostname", "x".repeat(256), /at most 255 bytes/],
    ["host.hostname", "\uD800", /valid Unicode/],
    ["osrelease", "14.2-RELEASE-with-a-very-long-tail", /at most 31 bytes/],
    ["host.hostname", ["a"], /one value, not a list/],
    ["ip4.addr", "10.0.0.5", /list of values/],
    ["ip4.addr", [], /at least one/],
    ["ip4.addr", ["10.0.0.256"], /not an IPv4/],
    ["ip4.addr", ["10.0.0.5,10.0.0.6"], /','/],
    ["ip4.addr", ["2001:db8::1"], /not an IPv4/],
    ["ip4.addr", ["em0|10.0.0.5/33"], /netmask/],
    ["ip4.addr", ["em0;id|10.0.0.5"], /interface/],
    ["ip4.addr", ["em0|10.0.0.5 vhid;1"], /ifconfig arguments/],
    ["ip6.addr", ["fe80::1%em0"], /not an IPv6/],
    ["ip6.addr", ["2001:db8::1/129"], /prefix length/],
    ["exec.start", [""], /must not be empty/],
    ["exec.start", "", /must not be empty/],
    ["exec.start", ["a\0b"], /NUL/],
    ["mount", ["/data /jails/www/data"], /fstab/],
    ["mount.fstab", "fstab.www", /absolute/],
    // config.c intparams: mount.fstab is one file name, not a list (issue 7 item 12).
    ["mount.fstab", ["/etc/fstab.www"], /one value, not a list/],
    ["vnet.interface", ["epair0b; id"], /interface name/],
    ["depend", ["db.child"], /'\.'/],
    // Names outside jail(8)'s list are refused at Check (issue 7 item 18); the host's list is checked at create.
    ["some.module_param", "text", /not a jail\(8\) parameter/],
    ["allow.mount.somefs", true, /not a jail\(8\) parameter/],
    ["ip4.addr", ["10.0.0.5", "em0|10.0.0.5/24"], /given twice/],
    ["ip4.addr", ["0.0.0.0"], /refuses 0\.0\.0\.0/],
    ["ip6.addr", ["2001:db8::5", "2001:DB8:0::5"], /given twice/],
    ["name", "www", /jail's name/],
  ])("refuses %s = %j", (name, value, rule) => {
    expect(checkJailParameter(name, value)).toMatch(rule);
  });
});

describe("checkJailParameters", () => {
  it("accepts a consistent set", () => {
    expect(checkJailParameters([["path", "/jails/www"], ["mount.devfs", true], ["vnet", "new"], ["vnet.interface", ["epair0b"]]])).toBeUndefined();
  });
  it.each<[Array<[string, JailValue]>, RegExp]>([
    [[["persist", true], ["persist", false]], /persist: is given twice/],
    [[["vnet", "new"], ["ip4.addr", ["10.0.0.1"]]], /vnet jail cannot have IP address/],
    [[["vnet.interface", ["epair0b"]]], /needs vnet = new/],
    [[["mount.devfs", true]], /mount\.devfs: needs path/],
    [[["securelevel", 9]], /^securelevel: must be between/],
  ])("refuses %j", (params, rule) => {
    expect(checkJailParameters(params)).toMatch(rule);
  });
});

describe("checkText", () => {
  it("counts UTF-8 bytes", () => {
    expect(checkText("é".repeat(3), 6)).toBeUndefined();
    expect(checkText("é".repeat(4), 6)).toMatch(/at most 6 bytes \(it has 8\)/);
  });
});
