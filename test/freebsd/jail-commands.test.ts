import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  jailArgument, jailModify, jailRemove, jexec, parseJailParamNames, serviceJail, startJailChecked, stopJailChecked, sysctlJailParams,
} from "../../provider/src/freebsd/jail-commands.ts";
import type { JailValue } from "../../provider/src/freebsd/jail-params.ts";

// The fixture follows sysctl(8) -N output (freebsd-cli.md sections 0 and 9); its header says so.
const fixture = (name: string) => readFileSync(new URL(`../fixtures/jail/${name}`, import.meta.url), "utf8").replace(/^(#.*\n)+/, "");

describe("service jail", () => {
  it.each([
    [serviceJail("start", "www"), ["service", "jail", "start", "www"]],
    [serviceJail("stop", "www"), ["service", "jail", "stop", "www"]],
    [serviceJail("restart", "db-1"), ["service", "jail", "restart", "db-1"]],
    [serviceJail("start", "www", { one: true }), ["service", "jail", "onestart", "www"]],
  ])("builds %j", (cmd, argv) => {
    expect(cmd.argv).toEqual(argv);
  });
  it("refuses names rc.d/jail would mangle", () => {
    expect(() => serviceJail("start", "a.b")).toThrow(/name: must not contain '\.'/);
    expect(() => serviceJail("start", "www db")).toThrow(/invalid character/);
  });
});

describe("jail -m", () => {
  it("passes values as whole argv elements, booleans in name/noname form, lists comma-joined", () => {
    expect(jailModify(5, [
      ["host.hostname", "two words = and 'quotes'"], ["persist", true], ["allow.mount", false], ["securelevel", 3],
      ["sysvshm", "new"], ["ip4.addr", ["10.0.0.5", "10.0.0.6"]], ["ip6.addr", []],
    ]).argv).toEqual([
      "jail", "-m", "jid=5", "host.hostname=two words = and 'quotes'", "persist", "allow.nomount", "securelevel=3",
      "sysvshm=new", "ip4.addr=10.0.0.5,10.0.0.6", "ip6.addr=",
    ]);
  });

  it.each<[number, Array<[string, JailValue]>, RegExp]>([
    [0, [["persist", true]], /jid: must be a positive/],
    [5, [], /at least one/],
    [5, [["exec.start", ["/bin/sh /etc/rc"]]], /exec\.start: is used by jail\(8\) only/],
    [5, [["command", ["sh"]]], /command: is used by jail\(8\) only/],
    [5, [["path", "/jails/other"]], /path: can only be set when the jail is created/],
    [5, [["vnet", "new"]], /vnet: can only be set/],
    [5, [["dying", true]], /read-only/],
    [5, [["name", "renamed"]], /jail's name/],
    [5, [["ip4.addr", ["em0|10.0.0.5/24"]]], /does not add interface aliases/],
    [5, [["ip4.addr", ["10.0.0.5,10.0.0.6"]]], /','/],
    [5, [["securelevel", 7]], /between -1 and 3/],
  ])("refuses jid %i %j", (jid, params, rule) => {
    expect(() => jailModify(jid, params)).toThrow(rule);
  });

  it("writes one argument per parameter", () => {
    expect(jailArgument("exec.clean", true)).toBe("exec.clean");
    expect(jailArgument("allow.mount.zfs", false)).toBe("allow.mount.nozfs");
    expect(jailArgument("children.max", 0)).toBe("children.max=0");
  });
});

describe("jail -r, jexec, sysctl", () => {
  it("removes with the jail's own config file when given", () => {
    expect(jailRemove("www").argv).toEqual(["jail", "-r", "www"]);
    expect(jailRemove("www", { configFile: "/etc/jail.conf.d/www.conf" }).argv).toEqual(["jail", "-f", "/etc/jail.conf.d/www.conf", "-r", "www"]);
    expect(() => jailRemove("www", { configFile: "www.conf" })).toThrow(/absolute/);
    expect(() => jailRemove("7")).toThrow(/all digits/);
  });

  it("runs commands in a jail by name or jid", () => {
    expect(jexec("www", ["sysrc", "-n", "sshd_enable"]).argv).toEqual(["jexec", "www", "sysrc", "-n", "sshd_enable"]);
    expect(jexec(7, ["/bin/sh", "-c", "echo $HOME"], { clean: true, jailUser: "www" }).argv)
      .toEqual(["jexec", "-l", "-U", "www", "7", "/bin/sh", "-c", "echo $HOME"]);
    expect(jexec("www", ["id"], { hostUser: "root" }).argv).toEqual(["jexec", "-u", "root", "www", "id"]);
    expect(() => jexec("www", [])).toThrow(/login shell/);
    expect(() => jexec("-l", ["id"])).toThrow(/begin with '-'/);
    expect(() => jexec("www", ["id"], { hostUser: "a", jailUser: "b" })).toThrow(/either/);
    expect(() => jexec("www", ["id"], { jailUser: "-x" })).toThrow(/user name/);
  });

  it("lists the host's jail parameters, marking nodes", () => {
    expect(sysctlJailParams().argv).toEqual(["sysctl", "-N", "security.jail.param"]);
    const params = parseJailParamNames(fixture("sysctl-jail-param.txt"));
    expect(params).toHaveLength(53);
    expect(params.slice(0, 3)).toEqual([{ name: "jid", node: false }, { name: "parent", node: false }, { name: "name", node: false }]);
    expect(params.filter((p) => p.node).map((p) => p.name)).toEqual(["host", "ip4", "ip6", "allow.mount", "sysvmsg", "sysvsem", "sysvshm", "zfs"]);
    expect(params.find((p) => p.name === "allow.mount.zfs")).toEqual({ name: "allow.mount.zfs", node: false });
  });

  it.each(["security.jail.jailed", "security.jail.param.", "security.jail.param.a b", "sysctl: unknown oid 'security.jail.param'"])("refuses %j", (line) => {
    expect(() => parseJailParamNames(`${line}\n`)).toThrow(/unexpected sysctl line/);
  });
});

// The checked start and stop run through dash with stand-ins for service(8) and jls(8) that print
// what rc.d/jail prints and exit as it does (0 whatever happened); jls says whether the jail runs.
describe("checked start and stop (issue 7 item 14)", () => {
  function run(argv: readonly string[], opts: { running: boolean; rc: string }): { code: number; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), "jail-checked-"));
    try {
      writeFileSync(join(dir, "service"), `#!/bin/sh\nprintf '%s' '${opts.rc}'\nexit 0\n`);
      writeFileSync(join(dir, "jls"), `#!/bin/sh\n${opts.running ? "echo 7" : "echo 'jls: jail \"web\" not found' >&2; exit 1"}\n`);
      writeFileSync(join(dir, "console.log"), "one\ntwo: it broke\n");
      for (const f of ["service", "jls"]) chmodSync(join(dir, f), 0o755);
      const args = argv.map((a) => a.replace("CONSOLE", join(dir, "console.log")));
      const res = spawnSync("/usr/bin/dash", args.slice(1), { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
      return { code: res.status ?? -1, stderr: res.stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const failed = 'Starting jails: cannot start jail  "web": \njail: web: exec.start failed\n.\n';

  it("succeeds when jls finds the jail running after the start", () => {
    expect(run(startJailChecked("web").argv, { running: true, rc: "Starting jails: web.\n" })).toEqual({ code: 0, stderr: "" });
  });
  it("fails with what rc.d/jail printed and the end of the console log when the jail does not run", () => {
    const res = run(startJailChecked("web", "CONSOLE").argv, { running: false, rc: failed });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^jail web did not start: Starting jails: cannot start jail {2}"web": \njail: web: exec.start failed\n/);
    expect(res.stderr).toMatch(/last lines of \/\S+\/console\.log:\none\ntwo: it broke\n$/);
  });
  it("fails a stop that leaves the jail running, and passes one that does not", () => {
    const stuck = run(stopJailChecked("web").argv, { running: true, rc: "Stopping jails: web.\n" });
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toMatch(/jail web is still running after service jail onestop: Stopping jails: web\./);
    expect(run(stopJailChecked("web").argv, { running: false, rc: "Stopping jails: web.\n" }).code).toBe(0);
  });
});
