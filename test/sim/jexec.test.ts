// jexec(8) through SSH: commands run with the jail's root as `/`, its hostname, in `/`, with the
// caller's stdin and their own exit status; the simulated tools inside see that they are jailed.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;

beforeAll(async () => {
  host = await startSimHost();
  ssh = await connect(host);
  const res = await ssh.run("zfs create -p zroot/jails/web && tar -xf /usr/freebsd-dist/base.txz -C /zroot/jails/web"
    + " && echo inside > /zroot/jails/web/etc/motd && mkdir /zroot/jails/bare"
    + " && jail -c name=web path=/zroot/jails/web host.hostname=web.example.org persist"
    + " && jail -c name=bare path=/zroot/jails/bare persist");
  expect(res.code).toBe(0);
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
});

describe("jexec", () => {
  it("runs in the jail's root with its hostname, by name or jid", async () => {
    expect(await ssh.run("jexec web sh -c 'pwd; hostname; cat /etc/motd; ls /zroot 2>&1 | head -1'")).toEqual({
      stdout: "/\nweb.example.org\ninside\nls: cannot access '/zroot': No such file or directory\n", stderr: "", code: 0,
    });
    expect((await ssh.run("jexec 1 hostname")).stdout).toBe("web.example.org\n");
  });

  it("passes stdin and the exit status through", async () => {
    expect(await ssh.run("jexec web sh -c 'read x; echo got $x; exit 3'", "hello\n")).toEqual({ stdout: "got hello\n", stderr: "", code: 3 });
  });

  it("lets the simulated tools know they are jailed", async () => {
    expect((await ssh.run("jexec web sysctl -n security.jail.jailed")).stdout).toBe("1\n");
    expect((await ssh.run("sysctl -n security.jail.jailed")).stdout).toBe("0\n");
    expect(await ssh.run("jexec web jls")).toEqual({ stdout: "   JID  IP Address      Hostname                      Path\n", stderr: "", code: 0 });
  });

  it("reports missing jails and programs", async () => {
    expect(await ssh.run("jexec nosuch ls")).toEqual({ stdout: "", stderr: 'jexec: jail "nosuch" not found\n', code: 1 });
    expect(await ssh.run("jexec 9 ls")).toEqual({ stdout: "", stderr: "jexec: jail 9 not found\n", code: 1 });
    expect(await ssh.run("jexec web nosuchprogram")).toEqual({
      stdout: "", stderr: "jexec: execvp: nosuchprogram: No such file or directory\n", code: 1,
    });
    // Why: a jail whose root has no userland can run nothing, as on FreeBSD.
    expect(await ssh.run("jexec bare /bin/sh -c true")).toEqual({
      stdout: "", stderr: "jexec: execvp: /bin/sh: No such file or directory\n", code: 1,
    });
    expect((await ssh.run("jexec")).stderr).toBe("usage: jexec [-l] [-u username | -U username] jail [command ...]\n");
  });
});
