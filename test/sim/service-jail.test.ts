// `service jail ...` through SSH (libexec/rc/rc.d/jail under rc.subr): the jail_enable gate and
// one-prefixed commands, jail_list, /etc/jail.conf.d/NAME.conf, the messages printed on success
// and failure, stop, restart, status, and service(8) for unknown scripts and -e.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;

beforeAll(async () => {
  host = await startSimHost({ pools: [{ name: "tank" }] });
  ssh = await connect(host);
  const res = await ssh.run("zfs create -p tank/jails/www && zfs create tank/jails/db && mkdir -p /etc/jail.conf.d");
  expect(res.code).toBe(0);
  await ssh.run("cat > /etc/jail.conf.d/www.conf", 'www { path = "/tank/jails/$name"; host.hostname = "www.example.org"; persist; }\n');
  await ssh.run("cat > /etc/jail.conf.d/db.conf", "db { path = /tank/jails/db; persist; }\n");
  await ssh.run("cat > /etc/jail.conf.d/broken.conf", "broken { path = /nonexistent; persist; }\n");
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
});

describe("service jail", () => {
  it("refuses to start while jail_enable is NO, but onestart works", async () => {
    expect(await ssh.run("service jail start www")).toEqual({
      stdout: "Cannot 'start' jail. Set jail_enable to YES in /etc/rc.conf or use 'onestart' instead of 'start'.\n",
      stderr: "", code: 0,
    });
    expect(await ssh.run("service jail onestart www")).toEqual({ stdout: "Starting jails: www.\n", stderr: "", code: 0 });
    expect((await ssh.run("jls -j www host.hostname; cat /var/run/jail_www.id")).stdout).toBe("www.example.org\n1\n");
    expect(await ssh.run("service jail onestop www")).toEqual({ stdout: "Stopping jails: www.\n", stderr: "", code: 0 });
    expect((await ssh.run("jls -j www")).code).toBe(1);
  });

  it("starts the jails of jail_list from jail.conf.d when enabled", async () => {
    await ssh.run("sysrc jail_enable=YES jail_list='www db' >/dev/null");
    expect(await ssh.run("service jail start")).toEqual({ stdout: "Starting jails: www db.\n", stderr: "", code: 0 });
    expect((await ssh.run("service jail status")).stdout).toBe(" JID             IP Address      Hostname                      Path\n"
      + " www                             www.example.org               /tank/jails/www\n"
      + " db                              freebsd                       /tank/jails/db\n");
    expect(await ssh.run("service jail restart db")).toEqual({
      stdout: "Stopping jails: db.\nStarting jails: db.\n", stderr: "", code: 0,
    });
    expect(await ssh.run("service jail stop")).toEqual({ stdout: "Stopping jails: www db.\n", stderr: "", code: 0 });
    expect((await ssh.run("jls")).stdout).toBe("   JID  IP Address      Hostname                      Path\n");
  });

  it("shows jail(8)'s errors for a jail that cannot start and still exits 0", async () => {
    expect(await ssh.run("service jail start broken www")).toEqual({
      stdout: 'Starting jails: cannot start jail  "broken": \njail: broken: path /nonexistent: No such file or directory\n www.\n',
      stderr: "", code: 0,
    });
    expect(await ssh.run("service jail start nosuchjail")).toEqual({
      stdout: "Starting jails:.\n",
      stderr: "/etc/rc.d/jail: WARNING: Invalid configuration for nosuchjail (no jail.conf, no hostname, or no path).  Jail nosuchjail was ignored.\n",
      code: 0,
    });
    expect((await ssh.run("service jail stop www nosuchjail")).stdout).toBe("Stopping jails: www.\n");
  });

  it("uses /etc/jail.conf when it includes jail.conf.d itself, and for _ALL", async () => {
    await ssh.run("sysrc jail_list= >/dev/null");
    await ssh.run("cat > /etc/jail.conf", '.include "/etc/jail.conf.d/www.conf";\n.include "/etc/jail.conf.d/db.conf";\n');
    expect(await ssh.run("service jail start")).toEqual({ stdout: "Starting jails: www db.\n", stderr: "", code: 0 });
    expect((await ssh.run("service jail config www")).stdout).toBe("www: parameters are in /etc/jail.conf.\n");
    expect(await ssh.run("service jail stop")).toEqual({ stdout: "Stopping jails: www db.\n", stderr: "", code: 0 });
  });
});

describe("service", () => {
  it("answers for unknown scripts and lists enabled ones", async () => {
    expect(await ssh.run("service nosuch start")).toEqual({
      stdout: "nosuch does not exist in /etc/rc.d or the local startup\ndirectories (/usr/local/etc/rc.d)\n", stderr: "", code: 1,
    });
    expect((await ssh.run("service -e")).stdout).toBe("/etc/rc.d/jail\n");
    expect((await ssh.run("service jail frobnicate")).code).toBe(1);
  });
});
