// rctl(8) and racct through SSH: the racct-disabled failure, rules loaded by rc.d/rctl at boot, rule
// syntax, filters, -h/-n output, usage accounting and the kernel's errors (kern_rctl.c, rctl.c).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SimHost } from "./host.ts";
import { useSimHost, type TestClient } from "./ssh-client.ts";

const DISABLED = "rctl: RACCT/RCTL present, but disabled; enable using kern.racct.enable=1 tunable\n";
const RESOURCES = ["cputime", "datasize", "stacksize", "coredumpsize", "memoryuse", "memorylocked", "maxproc",
  "openfiles", "vmemoryuse", "pseudoterminals", "swapuse", "nthr", "msgqqueued", "msgqsize", "nmsgq", "nsem", "nsemop",
  "nshm", "shmsize", "wallclock", "pcpu", "readbps", "writebps", "readiops", "writeiops"];

let host: SimHost;
let ssh: TestClient;
useSimHost((h, s) => {
  host = h;
  ssh = s;
});

describe("with racct disabled (the GENERIC default)", () => {
  it("fails every rctl call the way enosys() does", async () => {
    expect(await ssh.run("rctl")).toEqual({ stdout: "", stderr: DISABLED, code: 1 });
    expect(await ssh.run("rctl -a jail:www:memoryuse:deny=512m")).toEqual({ stdout: "", stderr: DISABLED, code: 1 });
    expect(await ssh.run("rctl -u jail:www")).toEqual({ stdout: "", stderr: DISABLED, code: 1 });
  });

  it("still rejects malformed rules before any syscall", async () => {
    expect(await ssh.run("rctl -a user:bob:maxproc:deny=1")).toEqual({
      stdout: "", stderr: "rctl: malformed rule 'user:bob:maxproc:deny=1': unknown user 'bob'\n", code: 1,
    });
  });

  it("reports the tunable as 0 and refuses to set it at runtime", async () => {
    expect((await ssh.run("sysctl kern.racct.enable")).stdout).toBe("kern.racct.enable: 0\n");
    expect(await ssh.run("sysctl kern.racct.enable=1")).toEqual({
      stdout: "",
      stderr: "sysctl: oid 'kern.racct.enable' is a read only tunable\nsysctl: Tunable values are set in /boot/loader.conf\n",
      code: 1,
    });
    expect((await ssh.run("sysctl -n kern.racct.rctl.throttle_min kern.features.rctl")).stdout).toBe("4294967295\n1\n");
  });

  it("leaves rc.d/rctl's complaint on the console at boot", async () => {
    await ssh.run("echo 'jail:www:maxproc:deny=10' >> /etc/rctl.conf");
    host.reboot();
    expect(readFileSync(join(host.stateDir, "log/console.log"), "utf8")).toBe(DISABLED);
    await ssh.run("sed -i '/^jail:www/d' /etc/rctl.conf");
  });
});

describe("enabled through loader.conf, rules from /etc/rctl.conf at boot", () => {
  beforeAll(async () => {
    const setup = await ssh.run([
      "echo 'kern.racct.enable=1' >> /boot/loader.conf",
      "echo 'rctl_enable=\"YES\"' >> /etc/rc.conf",
      "printf '%s\\n' '# jail limits' '' 'jail:www:memoryuse:deny=512m   # web' '   jail:db:maxproc:deny=100' >> /etc/rctl.conf",
    ].join(" && "));
    expect(setup.code).toBe(0);
    host.reboot();
  });

  it("lists the loaded rules as the kernel prints them, newest jail first", async () => {
    expect((await ssh.run("sysctl -n kern.racct.enable")).stdout).toBe("1\n");
    expect(await ssh.run("rctl")).toEqual({
      stdout: "jail:db:maxproc:deny=100\njail:www:memoryuse:deny=536870912\n", stderr: "", code: 0,
    });
    expect((await ssh.run("rctl -h jail:www")).stdout).toBe("jail:www:memoryuse:deny=512M\n");
    expect((await ssh.run("sysctl -n kern.racct.rctl.throttle_max")).stdout).toBe("2000\n");
  });

  it("adds rules with aliases, unit suffixes and per-subject suffixes", async () => {
    const res = await ssh.run("rctl -a j:www:maxproc:deny=50 'jail:www:vmemoryuse:deny=1g/process' "
      + "u:root:openfiles:log=1000 jail:www:pcpu:deny=50 jail:www:readbps:throttle=10M loginclass:daemon:nthr:sigterm=200");
    expect(res).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("rctl")).stdout).toBe([
      "loginclass:daemon:nthr:sigterm=200",
      "user:root:openfiles:log=1000",
      "jail:db:maxproc:deny=100",
      "jail:www:readbps:throttle=10485760",
      "jail:www:pcpu:deny=50",
      "jail:www:vmemoryuse:deny=1073741824/process",
      "jail:www:maxproc:deny=50",
      "jail:www:memoryuse:deny=536870912",
      "",
    ].join("\n"));
  });

  it("filters by subject, name, resource and shows ids with -n", async () => {
    expect((await ssh.run("rctl jail:www:memoryuse")).stdout).toBe("jail:www:memoryuse:deny=536870912\n");
    expect((await ssh.run("rctl ::maxproc")).stdout).toBe("jail:db:maxproc:deny=100\njail:www:maxproc:deny=50\n");
    expect((await ssh.run("rctl user:root")).stdout).toBe("user:root:openfiles:log=1000\n");
    expect((await ssh.run("rctl -n user:")).stdout).toBe("user:0:openfiles:log=1000\n");
    expect((await ssh.run("rctl -h jail:www:vmemoryuse jail:www:readbps")).stdout)
      .toBe("jail:www:vmemoryuse:deny=1024M/process\njail:www:readbps:throttle=10M\n");
    expect(await ssh.run("rctl jail:nosuch")).toEqual({ stdout: "", stderr: "", code: 0 });
  });

  it("replaces a deny rule differing only in amount but keeps other actions side by side", async () => {
    await ssh.run("rctl -a jail:www:maxproc:deny=60 jail:www:maxproc:log=40 jail:www:maxproc:log=45");
    expect((await ssh.run("rctl jail:www:maxproc")).stdout)
      .toBe("jail:www:maxproc:log=45\njail:www:maxproc:log=40\njail:www:maxproc:deny=60\n");
  });

  it("reports the kernel's refusals with strerror and counts failures in the exit status", async () => {
    const res = await ssh.run("rctl -a jail:www:cputime:deny=10 jail:www:memoryuse:throttle=1 "
      + "jail:www:swapuse:deny=1g/process jail:www:foo:deny=1 jail:www:maxproc jail 'jail:www:maxproc:deny=12Q'");
    expect(res.stderr).toBe([
      "rctl: failed to add rule 'jail:www:cputime:deny=10': Operation not supported",
      "rctl: failed to add rule 'jail:www:memoryuse:throttle=1': Operation not supported",
      "rctl: failed to add rule 'jail:www:swapuse:deny=1g/process': Operation not supported",
      "rctl: failed to add rule 'jail:www:foo:deny=1': Invalid argument",
      "rctl: failed to add rule 'jail:www:maxproc': Invalid argument",
      "rctl: malformed rule 'jail': missing subject",
      "rctl: malformed rule 'jail:www:maxproc:deny=12Q': invalid numeric value '12Q'",
      "",
    ].join("\n"));
    expect(res.code).toBe(7);
    expect(await ssh.run("rctl -r jail:nosuch")).toEqual({
      stdout: "", stderr: "rctl: failed to remove rule 'jail:nosuch': No such process\n", code: 1,
    });
    expect(await ssh.run("rctl -a process:99999:maxproc:deny=1")).toEqual({
      stdout: "", stderr: "rctl: failed to add rule 'process:99999:maxproc:deny=1': No such process\n", code: 1,
    });
  });

  it("prints usage and option errors like rctl.c", async () => {
    const usage = "usage: rctl [ -h ] [-a rule | -l filter | -r filter | -u filter | filter]\n";
    expect(await ssh.run("rctl -a")).toEqual({ stdout: "", stderr: usage, code: 1 });
    expect(await ssh.run("rctl -x")).toEqual({ stdout: "", stderr: `rctl: illegal option -- x\n${usage}`, code: 1 });
    expect(await ssh.run("rctl -a -r jail:www")).toEqual({
      stdout: "", stderr: "rctl: at most one of -a, -l, -r, or -u may be specified\n", code: 1,
    });
  });

  it("shows resource usage in kernel order (all 25 for a jail, no sloppy ones for a process)", async () => {
    const jail = await ssh.run("rctl -u jail:neverexisted");
    expect(jail.stdout).toBe(RESOURCES.map((r) => `${r}=0\n`).join(""));
    const proc = await ssh.run("rctl -u process:$$");
    const names = proc.stdout.trim().split("\n").map((l) => l.split("=")[0]);
    expect(names).toEqual(RESOURCES.filter((r) => !["pseudoterminals", "swapuse", "msgqqueued", "msgqsize", "nmsgq",
      "nsem", "nshm", "shmsize"].includes(r)));
    expect(proc.stdout).toMatch(/^maxproc=1$/m);
    expect((await ssh.run("rctl -hu user:root")).stdout).toMatch(/^memoryuse=\d+(\.\d)?[KMG]$/m);
    expect(await ssh.run("rctl -u jail:")).toEqual({
      stdout: "", stderr: "rctl: failed to show resource consumption for 'jail:': Invalid argument\n", code: 1,
    });
  });

  it("lists the rules applying to a process with -l, and process rules die with it", async () => {
    const both = await ssh.run("rctl -a process:$$:openfiles:deny=500 && rctl -l process:$$ && echo pid=$$");
    const pid = /pid=(\d+)/.exec(both.stdout)![1];
    expect(both.stdout).toBe(`process:${pid}:openfiles:deny=500\nuser:root:openfiles:log=1000\npid=${pid}\n`);
    expect((await ssh.run("rctl process:")).stdout).toBe("");
    expect(await ssh.run("rctl -l jail:www")).toEqual({
      stdout: "", stderr: "rctl: failed to get limits for 'jail:www': Operation not supported\n", code: 1,
    });
  });

  it("removes by filter and keeps a removed jail's remaining rules keyed by name", async () => {
    expect(await ssh.run("rctl -r jail:www:maxproc")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("rctl jail:www")).stdout).toBe("jail:www:readbps:throttle=10485760\njail:www:pcpu:deny=50\n"
      + "jail:www:vmemoryuse:deny=1073741824/process\njail:www:memoryuse:deny=536870912\n");
    expect(await ssh.run("rctl -r : && rctl")).toEqual({ stdout: "", stderr: "", code: 0 });
  });

  it("drops runtime rules on reboot and loads /etc/rctl.conf again", async () => {
    await ssh.run("rctl -a jail:tmp:maxproc:deny=1");
    host.reboot();
    expect((await ssh.run("rctl")).stdout).toBe("jail:db:maxproc:deny=100\njail:www:memoryuse:deny=536870912\n");
  });
});
