// Commands run on the simulated host see only the host's file system, with FreeBSD root's
// environment, and cannot reach or modify the real machine's files.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let client: TestClient;

beforeAll(async () => {
  host = await startSimHost({ hostname: "jailhost.example.org" });
  client = await connect(host);
});

afterAll(async () => {
  client?.end();
  await host?.stop();
});

describe("sandbox", () => {
  it("runs dash as /bin/sh in /root with FreeBSD root's environment", async () => {
    const res = await client.run('echo "$PATH|$HOME|$SHELL|$(pwd)|$(id -u)"; readlink /bin/sh');
    expect(res.stdout).toBe("/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin|/root|/bin/sh|/root|0\n/usr/bin/dash\n");
  });

  it("takes its hostname from /etc/rc.conf", async () => {
    expect((await client.run("hostname")).stdout).toBe("jailhost.example.org\n");
    expect((await client.run("uname -n")).stdout).toBe("jailhost.example.org\n");
  });

  it("does not show the real machine's files", async () => {
    const res = await client.run("ls /work; ls /home; cat /etc/debian_version");
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/No such file or directory/);
    expect((await client.run("ls /")).stdout.split("\n")).toEqual(expect.arrayContaining(["etc", "zroot", "usr"]));
  });

  it("keeps writes inside the host's root", async () => {
    const res = await client.run("echo hi > /etc/sim-test && touch /usr/bin/evil; echo $?");
    expect(res.stdout).toBe("1\n");
    expect(res.stderr).toMatch(/Read-only file system/);
    expect(readFileSync(join(host.stateDir, "root/etc/sim-test"), "utf8")).toBe("hi\n");
    expect(existsSync("/usr/bin/evil")).toBe(false);
  });

  it("hides the simulator's keys from the host", async () => {
    const res = await client.run("ls -A /usr/libexec/freebsd-sim/state/ssh | wc -l");
    expect(res.stdout.trim()).toBe("0");
  });

  it("puts the tools at FreeBSD's paths", async () => {
    const res = await client.run("for t in zfs zpool sysctl freebsd-version uname; do command -v $t; done");
    expect(res.stdout).toBe("/sbin/zfs\n/sbin/zpool\n/sbin/sysctl\n/bin/freebsd-version\n/usr/bin/uname\n");
  });

  it("runs commands out of band with the same view", async () => {
    const res = await host.exec("cat /etc/sim-test; zfs list -H -o name zroot");
    expect(res).toEqual({ stdout: "hi\nzroot\n", stderr: "", code: 0 });
  });
});
