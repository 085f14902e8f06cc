// jail(8) through SSH: command-line and jail.conf jails, messages and exit status, the start and
// stop order with commands run for real (inside the jail for exec.start), persist semantics,
// parameter validation, create-only changes refused by -m, includes, wildcards and variables.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;

beforeAll(async () => {
  host = await startSimHost({ pools: [{ name: "tank" }] });
  ssh = await connect(host);
  const setup = await ssh.run("zfs create -p tank/jails/web && tar -xf /usr/freebsd-dist/base.txz -C /tank/jails/web"
    + " && zfs create tank/jails/db && tar -xf /usr/freebsd-dist/base.txz -C /tank/jails/db && mkdir -p /tank/jails/empty");
  expect(setup.code).toBe(0);
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
});

const conf = (text: string): Promise<unknown> => ssh.run("cat > /etc/jail.conf", text);

describe("jail on the command line", () => {
  it("creates silently, gives jids from 1 and refuses a second jail of the same name", async () => {
    expect(await ssh.run("jail -c name=cl1 path=/tank/jails/empty persist")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("jls -j cl1 jid")).stdout).toBe("1\n");
    expect(await ssh.run("jail -c name=cl1 path=/ persist")).toEqual({ stdout: "", stderr: 'jail: "cl1" already exists\n', code: 1 });
    expect(await ssh.run("jail -i -c name=cl2 path=/ persist")).toEqual({ stdout: "2\n", stderr: "", code: 0 });
  });

  it("modifies changeable parameters and refuses create-only ones", async () => {
    expect(await ssh.run("jail -m name=cl1 allow.mount enforce_statfs=1")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("jls -j cl1 allow.mount enforce_statfs")).stdout).toBe("true 1\n");
    for (const [param, value] of [["path", "/"], ["osrelease", "13.2-RELEASE"], ["vnet", "new"], ["ip4", "inherit"]]) {
      expect(await ssh.run(`jail -m name=cl1 ${param}=${value}`))
        .toEqual({ stdout: "", stderr: `jail: ${param} cannot be changed after creation\n`, code: 1 });
    }
    expect(await ssh.run("jail -m name=nosuch persist")).toEqual({ stdout: "", stderr: 'jail: "nosuch" not found\n', code: 1 });
  });

  it("reports bad parameters the way libjail does", async () => {
    const cases: [string, string][] = [
      ["foo=1", "jail: unknown parameter: foo\n"],
      ["allow.mount=maybe", 'jail: allow.mount: unknown boolean value "maybe"\n'],
      ["securelevel=high", 'jail: securelevel: non-integer value "high"\n'],
      ["vnet=sometimes", 'jail: vnet: unknown jailsys value "sometimes"\n'],
      ["ip4.addr=10.0.0.300", "jail: ip4.addr: not an IPv4 address: 10.0.0.300\n"],
      ["ip6.addr=2001:db8::zz", "jail: ip6.addr: not an IPv6 address: 2001:db8::zz\n"],
      ["enforce_statfs=3", "jail: jail_set: Invalid argument\n"],
      ["path=/nonexistent", "jail: path /nonexistent: No such file or directory\n"],
      ["path=/etc/rc.conf", "jail: path /etc/rc.conf: Not a directory\n"],
      ["vnet ip4.addr=10.1.1.1", "jail: vnet jails cannot have IP address restrictions\n"],
    ];
    for (const [params, stderr] of cases) {
      expect(await ssh.run(`jail -c name=bad persist ${params}`)).toEqual({ stdout: "", stderr, code: 1 });
    }
    expect(await ssh.run("jail -c name=bad path=/")).toEqual({ stdout: "", stderr: "jail: new jail must persist or attach\n", code: 1 });
    expect(await ssh.run("jail -c name=12 persist"))
      .toEqual({ stdout: "", stderr: "jail: name cannot be numeric (unless it is the jid)\n", code: 1 });
    // Why: name is immutable once given (config.c add_param), even on the command line.
    expect(await ssh.run("jail -c name=bad persist name=other"))
      .toEqual({ stdout: "", stderr: 'jail: cannot redefine parameter "name".\n', code: 1 });
    expect((await ssh.run("jls -j bad")).code).toBe(1);
  });

  it("lets two jails share an address only when each has just that one", async () => {
    expect((await ssh.run("jail -c name=ip1 path=/ persist ip4.addr=10.9.0.1")).code).toBe(0);
    expect((await ssh.run("jail -c name=ip2 path=/ persist ip4.addr=10.9.0.1")).code).toBe(0);
    expect(await ssh.run("jail -c name=ip3 path=/ persist ip4.addr=10.9.0.1,10.9.0.2"))
      .toEqual({ stdout: "", stderr: "jail: IPv4 addresses clash\n", code: 1 });
    expect((await ssh.run("jls -j ip1 ip4.addr ip4 ip6")).stdout).toBe("10.9.0.1 new disable\n");
  });

  it("runs command= inside the jail and lets the jail go when it exits", async () => {
    const res = await ssh.run("jail -c name=once path=/tank/jails/web host.hostname=once.example command=/bin/hostname");
    expect(res).toEqual({ stdout: "once.example\n", stderr: "", code: 0 });
    expect(await ssh.run("jls -j once")).toEqual({
      stdout: "   JID  IP Address      Hostname                      Path\n", stderr: 'jls: jail "once" not found\n', code: 1,
    });
  });

  it("removes jails by name or jid, printing nothing without a jail.conf", async () => {
    await ssh.run("rm -f /etc/jail.conf");
    expect(await ssh.run("jail -r cl2")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await ssh.run("jail -r 1")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await ssh.run("jail -r cl2")).toEqual({ stdout: "", stderr: 'jail: "cl2" not found\n', code: 1 });
    expect(await ssh.run("jail -r ip1 ip2")).toEqual({ stdout: "ip1: removed\nip2: removed\n", stderr: "", code: 0 });
  });

  it("prints its usage for a bad option", async () => {
    const res = await ssh.run("jail -z");
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^jail: illegal option -- z\nusage: jail \[-dhilqv\] \[-J jid_file\]/);
  });
});

describe("jail.conf", () => {
  it("starts a configured jail in order: prestart, devfs, created, start in the jail, poststart", async () => {
    await conf([
      '$base = "/tank/jails";',
      'path = "$base/$name";',
      "mount.devfs;",
      'exec.clean;',
      "web {",
      '  host.hostname = "${name}.example.org";',
      "  ip4.addr = 10.0.0.5, 'lo0|10.0.0.6/24';",
      "  persist;",
      '  exec.prestart = "echo prestart $name > /tmp/order";',
      '  exec.created = "echo created >> /tmp/order";',
      '  exec.start = "/bin/sh -c \'echo start $(hostname) $(pwd) >> /tmp/inside; echo start >> /tmp/order-in\'";',
      '  exec.poststart = "echo poststart >> /tmp/order";',
      '  exec.prestop = "echo prestop >> /tmp/order";',
      '  exec.stop = "/bin/sh -c \'echo stop >> /tmp/inside\'";',
      '  exec.poststop = "echo poststop >> /tmp/order";',
      "}",
      "",
    ].join("\n"));
    expect(await ssh.run("jail -c web")).toEqual({ stdout: "web: created\n", stderr: "", code: 0 });
    expect((await ssh.run("cat /tmp/order /tank/jails/web/tmp/inside")).stdout)
      .toBe("prestart web\ncreated\npoststart\nstart web.example.org /root\n");
    expect((await ssh.run("jls -j web name host.hostname ip4.addr persist")).stdout)
      .toBe("web web.example.org 10.0.0.5,10.0.0.6 true\n");
    expect((await ssh.run("zfs destroy tank/jails/web")).stderr).toBe("cannot unmount '/tank/jails/web': pool or dataset is busy\n");
    expect(await ssh.run("jail -c web")).toEqual({ stdout: "", stderr: 'jail: "web" already exists\n', code: 1 });
    expect(await ssh.run("jail -m web")).toEqual({ stdout: "web: updated\n", stderr: "", code: 0 });
    expect(await ssh.run("jail -r web")).toEqual({ stdout: "web: removed\n", stderr: "", code: 0 });
    expect((await ssh.run("cat /tmp/order; cat /tank/jails/web/tmp/inside")).stdout)
      .toBe("prestart web\ncreated\npoststart\nprestop\npoststop\nstart web.example.org /root\nstop\n");
    expect(await ssh.run("jail -r web")).toEqual({ stdout: "", stderr: 'jail: "web" not found\n', code: 1 });
  });

  it("lets a jail without persist go once its commands are done, keeping its devfs", async () => {
    await conf('db { path = /tank/jails/db; mount.devfs; exec.start = "/bin/sh /etc/rc"; }\n');
    expect(await ssh.run("jail -c db")).toEqual({ stdout: "db: created\n", stderr: "", code: 0 });
    expect((await ssh.run("jls -j db")).code).toBe(1);
    expect((await ssh.run("zfs destroy tank/jails/db")).code).toBe(1);
    expect(await ssh.run("jail -r db")).toEqual({ stdout: "", stderr: 'jail: "db" not found\n', code: 1 });
  });

  it("walks a failed start back: the jail is removed and the devfs unmounted", async () => {
    await conf('f { path = /tank/jails/web; mount.devfs; persist; exec.created = "false"; exec.start = "echo never"; }\n');
    expect(await ssh.run("jail -c f")).toEqual({
      stdout: "f: created\nf: removed\n", stderr: "jail: f: false: failed\n", code: 1,
    });
    expect((await ssh.run("jls")).stdout).not.toContain("/tank/jails/web");
  });

  it("reports a missing program and a missing path like jail(8)", async () => {
    await conf("p { path = /tank/jails/empty; persist; exec.start = \"/bin/sh /etc/rc\"; }\nq { path = /nope; persist; }\n");
    expect(await ssh.run("jail -c p")).toEqual({
      stdout: "p: created\np: removed\n",
      stderr: "jail: p: exec /bin/sh: No such file or directory\njail: p: /bin/sh /etc/rc: failed\n", code: 1,
    });
    expect(await ssh.run("jail -c q")).toEqual({ stdout: "", stderr: "jail: q: path /nope: No such file or directory\n", code: 1 });
    expect(await ssh.run("jail -c zz")).toEqual({ stdout: "", stderr: 'jail: "zz" not found\n', code: 1 });
  });

  it("refuses create-only changes with the jail's name", async () => {
    await conf("m { path = /tank/jails/web; persist; }\n");
    expect((await ssh.run("jail -c m")).code).toBe(0);
    await conf("m { path = /tank/jails/db; persist; allow.raw_sockets; }\n");
    expect(await ssh.run("jail -m m")).toEqual({ stdout: "", stderr: "jail: m: path cannot be changed after creation\n", code: 1 });
    // Why: only a plain -r notes removals (jail.c note_remove), so the restart prints just the creation.
    expect(await ssh.run("jail -cmr m")).toEqual({ stdout: "m: created\n", stderr: "", code: 0 });
    expect((await ssh.run("jls -j m path allow.raw_sockets")).stdout).toBe("/tank/jails/db true\n");
    expect(await ssh.run("jail -r m")).toEqual({ stdout: "m: removed\n", stderr: "", code: 0 });
  });

  it("reads .include globs relative to the file, wildcards and variables", async () => {
    await ssh.run("mkdir -p /etc/jail.conf.d /etc/jails && printf 'a { persist; }\\n' > /etc/jail.conf.d/a.conf"
      + " && printf 'b { persist; host.hostname = \"$h\"; }\\n' > /etc/jail.conf.d/b.conf");
    await conf('$h = "hb";\npath = "/tank/jails/web";\n.include "/etc/jail.conf.d/*.conf";\n.include "jail.conf.d/[x]*.conf";\n'
      + '"*" { allow.nomount; }\n');
    expect(await ssh.run("jail -e ' '")).toEqual({
      stdout: "name=a path=/tank/jails/web persist allow.nomount\nname=b path=/tank/jails/web persist host.hostname=hb allow.nomount\n",
      stderr: "", code: 0,
    });
    expect(await ssh.run("jail -c")).toEqual({ stdout: "a: created\nb: created\n", stderr: "", code: 0 });
    expect((await ssh.run("jls name host.hostname allow.mount")).stdout).toBe("a freebsd false\nb hb false\n");
    expect(await ssh.run("jail -r '*'")).toEqual({ stdout: "a: removed\nb: removed\n", stderr: "", code: 0 });
    await conf('.include "/etc/missing.conf";\n');
    expect(await ssh.run("jail -c a")).toEqual({ stdout: "", stderr: "jail: /etc/missing.conf: No such file or directory\n", code: 1 });
  });

  it("reports syntax errors and undefined variables", async () => {
    await conf("x {\n  persist\n}\n");
    expect(await ssh.run("jail -c x")).toEqual({ stdout: "", stderr: "jail: /etc/jail.conf line 3: }: syntax error\n", code: 1 });
    await conf('x { path = "$nowhere"; persist; }\n');
    expect(await ssh.run("jail -c x")).toEqual({ stdout: "", stderr: 'jail: x: path: variable "nowhere" not found\n', code: 1 });
    await conf("x { persist;\n");
    expect(await ssh.run("jail -c x")).toEqual({ stdout: "", stderr: "jail: /etc/jail.conf: unexpected EOF\n", code: 1 });
  });
});

describe("jail -cm, -v and vnet jails", () => {
  it("creates with -cm when absent and modifies when present", async () => {
    expect(await ssh.run("jail -cm name=cm path=/ persist children.max=2")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await ssh.run("jail -cm name=cm path=/ persist children.max=3 devfs_ruleset=5 sysvshm=new"))
      .toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("jls -j cm children.max devfs_ruleset sysvshm sysvmsg")).stdout).toBe("3 5 new disable\n");
    expect(await ssh.run("jail -m name=cm devfs_ruleset=70000")).toEqual({ stdout: "", stderr: "jail: jail_set: Invalid argument\n", code: 1 });
    expect(await ssh.run("jail -m name=cm securelevel=-5")).toEqual({ stdout: "", stderr: "jail: jail_set: Operation not permitted\n", code: 1 });
    expect(await ssh.run("jail -m name=cm nopersist")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("jls -j cm")).code).toBe(1);
  });

  it("tells every step with -v", async () => {
    await conf("v { path = /tank/jails/db; mount.devfs; persist; exec.created = 'echo hi'; }\n");
    expect(await ssh.run("jail -v -c v")).toEqual({
      stdout: "v: run command: /sbin/mount -t devfs -oruleset=4 . /tank/jails/db/dev\n"
        + "v: jail_set(JAIL_CREATE) name=v path=/tank/jails/db persist\nv: created\n"
        + "v: run command: echo hi\nhi\n",
      stderr: "", code: 0,
    });
    expect(await ssh.run("jail -v -r v")).toEqual({
      stdout: "v: removed\nv: run command: /sbin/umount /tank/jails/db/dev\n", stderr: "", code: 0,
    });
  });

  it("moves vnet.interface into a vnet jail and returns it when the jail goes", async () => {
    expect((await ssh.run("ifconfig epair create")).stdout).toBe("epair0a\n");
    expect(await ssh.run("jail -c name=vn path=/tank/jails/web vnet vnet.interface=epair0b persist"))
      .toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("jexec vn ifconfig -l; ifconfig epair0b")).stdout).toBe("lo0 epair0b\n");
    expect((await ssh.run("jls -j vn vnet ip4.addr")).stdout).toBe("new -\n");
    // Why: with an /etc/jail.conf on the host, -r notes the removal even of a jail it does not define.
    expect(await ssh.run("jail -r vn")).toEqual({ stdout: "vn: removed\n", stderr: "", code: 0 });
    expect((await ssh.run("ifconfig -l")).stdout).toContain("epair0b");
    expect(await ssh.run("jail -c name=vn2 path=/tank/jails/web vnet vnet.interface=epair7b persist")).toEqual({
      stdout: "", stderr: "ifconfig: interface epair7b does not exist\njail: /sbin/ifconfig epair7b vnet vn2: failed\n", code: 1,
    });
    expect((await ssh.run("jls -j vn2")).code).toBe(1);
  });
});
