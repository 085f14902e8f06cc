// A jail configured by hand (its root dataset, /etc/jail.conf.d/web.conf, jail_enable and jail_list
// in rc.conf) is gone after a reboot's kernel-state drop and back afterwards, started by rc.d/jail with
// the same parameters, its devfs mounted and its delegated dataset attached again by exec.created.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;

const WEB_CONF = [
  "web {",
  '  path = "/tank/jails/$name";',
  '  host.hostname = "web.example.org";',
  "  ip4.addr = 10.0.0.5;",
  "  allow.mount;",
  "  allow.mount.zfs;",
  "  enforce_statfs = 1;",
  "  mount.devfs;",
  "  persist;",
  '  exec.start = "/bin/sh /etc/rc";',
  '  exec.created = "zfs jail $name tank/web-data";',
  "}",
  "",
].join("\n");

const PARAMS = "jid name path host.hostname ip4.addr allow.mount allow.mount.zfs enforce_statfs persist";

beforeAll(async () => {
  host = await startSimHost({ pools: [{ name: "tank" }] });
  ssh = await connect(host);
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
});

describe("jails across a reboot", () => {
  it("comes back running with the same parameters", async () => {
    const steps = [
      "zfs create -p tank/jails/web",
      "tar -xf /usr/freebsd-dist/base.txz -C /tank/jails/web",
      "zfs create -o jailed=on tank/web-data",
      "mkdir -p /etc/jail.conf.d",
    ];
    for (const step of steps) expect((await host.exec(step)).code).toBe(0);
    expect((await host.exec("cat > /etc/jail.conf.d/web.conf", WEB_CONF)).code).toBe(0);
    expect((await host.exec("sysrc jail_enable=YES jail_list+=web")).stdout).toBe("jail_enable: NO -> YES\njail_list:  -> web\n");
    expect(await ssh.run("service jail start")).toEqual({ stdout: "Starting jails: web.\n", stderr: "", code: 0 });
    const before = (await ssh.run(`jls -j web -n ${PARAMS}`)).stdout;
    expect(before).toBe("jid=1 name=web path=/tank/jails/web host.hostname=web.example.org ip4.addr=10.0.0.5 allow.mount"
      + " allow.mount.zfs enforce_statfs=1 persist\n");
    expect((await ssh.run("zfs jail web tank/web-data")).stderr).toBe("cannot jail 'tank/web-data': dataset already exists\n");

    host.reboot();

    expect(await ssh.run(`jls -j web -n ${PARAMS}`)).toEqual({ stdout: before, stderr: "", code: 0 });
    expect((await ssh.run("jexec web hostname")).stdout).toBe("web.example.org\n");
    // The delegation was replayed by exec.created; devfs is mounted again (the root is busy).
    expect((await ssh.run("zfs jail web tank/web-data")).stderr).toBe("cannot jail 'tank/web-data': dataset already exists\n");
    expect((await ssh.run("zfs destroy -r tank/jails/web")).stderr).toBe("cannot unmount '/tank/jails/web': pool or dataset is busy\n");
    expect((await ssh.run("cat /var/run/jail_web.id")).stdout).toBe("1\n");
  });

  it("stays down after a reboot when jail_enable is off", async () => {
    await host.exec("sysrc jail_enable=NO");
    host.reboot();
    expect(await ssh.run("jls")).toEqual({ stdout: "   JID  IP Address      Hostname                      Path\n", stderr: "", code: 0 });
  });
});
