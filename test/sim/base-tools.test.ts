// freebsd-version, uname, sysctl, lockf(1), fetch(1) and tar(1) through SSH: outputs, exit statuses
// and error wording as FreeBSD 14.3 prints them.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";
import { publishUrl } from "./tools/fetch.ts";

const BASE_URL = "https://download.freebsd.org/releases/amd64/14.3-RELEASE/base.txz";

let host: SimHost;
let ssh: TestClient;
let work: string;

beforeAll(async () => {
  host = await startSimHost({ pools: [{ name: "tank" }] });
  ssh = await connect(host);
  // A small real base.txz: a FreeBSD-like tree packed with xz.
  work = mkdtempSync(join(tmpdir(), "sim-base-"));
  const tree = join(work, "tree");
  mkdirSync(join(tree, "etc"), { recursive: true });
  mkdirSync(join(tree, "bin"), { recursive: true });
  writeFileSync(join(tree, "etc/motd.template"), "FreeBSD 14.3-RELEASE\n");
  writeFileSync(join(tree, "bin/freebsd-version"), "#!/bin/sh\necho 14.3-RELEASE\n", { mode: 0o555 });
  execFileSync("tar", ["-C", tree, "-cJf", join(work, "base.txz"), "."]);
  publishUrl(host.stateDir, BASE_URL, join(work, "base.txz"));
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("version commands", () => {
  it("prints freebsd-version lines in the order k, r, u whatever the flag order", async () => {
    expect((await ssh.run("freebsd-version -u -k")).stdout).toBe("14.3-RELEASE\n14.3-RELEASE\n");
    expect((await ssh.run("freebsd-version -urk")).stdout).toBe("14.3-RELEASE\n14.3-RELEASE\n14.3-RELEASE\n");
    expect((await ssh.run("freebsd-version -r")).stdout).toBe("14.3-RELEASE\n");
    expect(await ssh.run("freebsd-version -x")).toEqual({ stdout: "", stderr: "usage: freebsd-version [-kru] [-j jail]\n", code: 1 });
  });

  it("prints uname fields in FreeBSD's order and honours UNAME_ overrides", async () => {
    expect((await ssh.run("uname -mrs")).stdout).toBe("FreeBSD 14.3-RELEASE amd64\n");
    expect((await ssh.run("uname -rms")).stdout).toBe("FreeBSD 14.3-RELEASE amd64\n");
    expect((await ssh.run("uname -KU")).stdout).toBe("1403000 1403000\n");
    expect((await ssh.run("UNAME_r=13.2-RELEASE uname -r")).stdout).toBe("13.2-RELEASE\n");
    expect(await ssh.run("uname -z")).toEqual({ stdout: "", stderr: "uname: illegal option -- z\nusage: uname [-abiKmnoprsUv]\n", code: 1 });
  });

  it("answers several sysctl names at once", async () => {
    expect((await ssh.run("sysctl -n kern.osreldate hw.ncpu hw.physmem")).stdout).toBe("1403000\n4\n8589934592\n");
    expect((await ssh.run("sysctl kern.osrelease kern.racct.enable")).stdout).toBe("kern.osrelease: 14.3-RELEASE\nkern.racct.enable: 0\n");
  });
});

describe("lockf", () => {
  it("runs the command under the lock, passes its status through and removes the lock file", async () => {
    expect(await ssh.run("lockf /tmp/a.lock sh -c 'echo held; exit 3'; echo rc=$?; test -e /tmp/a.lock || echo gone"))
      .toEqual({ stdout: "held\nrc=3\ngone\n", stderr: "", code: 0 });
    expect((await ssh.run("lockf -k /tmp/k.lock true && test -e /tmp/k.lock && echo kept")).stdout).toBe("kept\n");
  });

  it("fails with EX_TEMPFAIL (75) when the lock is held, after -t seconds", async () => {
    const res = await ssh.run("lockf /tmp/b.lock sleep 2 & sleep 0.5; "
      + "lockf -t 0 /tmp/b.lock true; echo rc=$?; lockf -s -t 1 /tmp/b.lock true; echo rc=$?; wait");
    expect(res.stdout).toBe("rc=75\nrc=75\n");
    expect(res.stderr).toBe("lockf: /tmp/b.lock: already locked\n");
    expect((await ssh.run("lockf /tmp/c.lock sleep 1 & sleep 0.3; lockf -t 5 /tmp/c.lock echo waited; wait")).stdout)
      .toBe("waited\n");
  });

  it("reports usage (64), a missing file with -n (69) and a command that cannot run", async () => {
    const usage = "usage: lockf [-knsw] [-t seconds] file command [arguments]\n       lockf [-s] [-t seconds] fd\n";
    expect(await ssh.run("lockf")).toEqual({ stdout: "", stderr: usage, code: 64 });
    expect(await ssh.run("lockf -t 1x /tmp/l true")).toEqual({ stdout: "", stderr: "lockf: invalid timeout \"1x\"\n", code: 64 });
    expect(await ssh.run("lockf -n /tmp/none.lock true")).toEqual({
      stdout: "", stderr: "lockf: /tmp/none.lock: No such file or directory\n", code: 69,
    });
    expect(await ssh.run("lockf /tmp/d.lock no-such-command")).toEqual({
      stdout: "", stderr: "lockf: no-such-command: No such file or directory\n", code: 1,
    });
  });

  it("locks a descriptor the shell opened (fd mode)", async () => {
    const res = await ssh.run("exec 9>/tmp/fd.lock; lockf 9 && echo locked; lockf -t 0 /tmp/fd.lock true; echo rc=$?");
    expect(res.stdout).toBe("locked\nrc=75\n");
  });
});

describe("fetch and tar with a base-release tarball", () => {
  it("downloads from the mirror with fetch's non-tty report line", async () => {
    const res = await ssh.run(`fetch -o /tmp/base.txz ${BASE_URL}`);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^\/tmp\/base\.txz {33} {8}\s*\d+ {1,2}[ k]B +\d+ [ kMG]Bps {4}00s\n$/);
    expect((await ssh.run("fetch -q -o - " + BASE_URL + " | xz -dc | tar -tf - | sort")).stdout)
      .toBe("./\n./bin/\n./bin/freebsd-version\n./etc/\n./etc/motd.template\n");
    expect((await ssh.run(`fetch -s ${BASE_URL}`)).stdout).toMatch(/^\d+\n$/);
  });

  it("fails for missing files and unknown hosts as libfetch reports them", async () => {
    expect(await ssh.run("fetch -o /tmp/x.txz https://download.freebsd.org/releases/amd64/14.3-RELEASE/nope.txz")).toEqual({
      stdout: "", stderr: "fetch: https://download.freebsd.org/releases/amd64/14.3-RELEASE/nope.txz: Not Found\n", code: 1,
    });
    expect(await ssh.run("fetch https://mirror.invalid/base.txz")).toEqual({
      stdout: "", stderr: "fetch: https://mirror.invalid/base.txz: No address record\n", code: 1,
    });
  });

  it("extracts with the flags FreeBSD users pass", async () => {
    await ssh.run(`fetch -q -o /tmp/base.txz ${BASE_URL} && zfs create -p tank/jails/www`);
    expect(await ssh.run("tar -xf /tmp/base.txz -C /tank/jails/www --unlink && cat /tank/jails/www/etc/motd.template"))
      .toEqual({ stdout: "FreeBSD 14.3-RELEASE\n", stderr: "", code: 0 });
    expect((await ssh.run("mkdir /tmp/x2 && tar -C /tmp/x2 -xpf /tmp/base.txz --clear-nochange-fflags && /tmp/x2/bin/freebsd-version")).stdout)
      .toBe("14.3-RELEASE\n");
    expect((await ssh.run("mkdir /tmp/x3 && cd /tmp/x3 && tar xf /tmp/base.txz && ls /tmp/x3")).stdout).toBe("bin\netc\n");
    expect((await ssh.run("command -v tar; command -v xz; command -v unxz")).stdout).toBe("/usr/bin/tar\n/usr/bin/xz\n/usr/bin/unxz\n");
  });

  it("reports bsdtar's errors with status 1", async () => {
    expect(await ssh.run("tar -xf /tmp/missing.txz -C /tmp")).toEqual({
      stdout: "", stderr: "tar: Error opening archive: Failed to open '/tmp/missing.txz'\n", code: 1,
    });
    expect(await ssh.run("tar -xf /tmp/base.txz -C /nonexistent")).toEqual({
      stdout: "", stderr: "tar: could not chdir to '/nonexistent'\n\n", code: 1,
    });
  });
});
