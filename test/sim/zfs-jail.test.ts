// zfs jail / zfs unjail through SSH (§5.9): attaching file systems to a running jail, the errors,
// the attachment going with the jail, and the jailed property keeping the host from mounting.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "./host.ts";
import { connect, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;

beforeAll(async () => {
  host = await startSimHost({ pools: [{ name: "tank" }] });
  ssh = await connect(host);
  const res = await ssh.run("zfs create -p tank/jails/web && zfs create -o jailed=on tank/data && zfs create -V 1G tank/vol"
    + " && jail -c name=web path=/tank/jails/web persist allow.mount allow.mount.zfs enforce_statfs=1");
  expect(res.code).toBe(0);
});

afterAll(async () => {
  ssh?.end();
  await host?.stop();
});

describe("zfs jail", () => {
  it("attaches a file system to a jail by name or jid, once", async () => {
    expect(await ssh.run("zfs jail web tank/data")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await ssh.run("zfs jail 1 tank/data")).toEqual({ stdout: "", stderr: "cannot jail 'tank/data': dataset already exists\n", code: 1 });
    expect((await ssh.run("zfs get -H -o value jailed,mounted tank/data")).stdout).toBe("on\nno\n");
    expect((await ssh.run("zfs mount tank/data")).stderr).toBe("cannot mount 'tank/data': dataset is exported to a local zone\n");
  });

  it("refuses unknown jails, missing datasets and volumes", async () => {
    const bad = await ssh.run("zfs jail nosuch tank/data");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^invalid jail id or name\nusage:\n\tjail <jailid\|jailname> <filesystem>\n/);
    expect(await ssh.run("zfs jail web tank/nope")).toEqual({ stdout: "", stderr: "cannot open 'tank/nope': dataset does not exist\n", code: 1 });
    expect(await ssh.run("zfs jail web tank/vol")).toEqual({
      stdout: "", stderr: "cannot open 'tank/vol': operation not applicable to datasets of this type\n", code: 1,
    });
    const missing = await ssh.run("zfs jail web");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^missing argument\(s\)\nusage:\n\tjail /);
  });

  it("detaches with zfs unjail, and the attachment goes with the jail", async () => {
    expect(await ssh.run("zfs unjail web tank/data")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await ssh.run("zfs unjail web tank/data")).toEqual({
      stdout: "", stderr: "cannot unjail 'tank/data': no such pool or dataset\n", code: 1,
    });
    await ssh.run("zfs jail web tank/data && jail -r web && jail -c name=web path=/tank/jails/web persist");
    expect(await ssh.run("zfs unjail web tank/data")).toEqual({
      stdout: "", stderr: "cannot unjail 'tank/data': no such pool or dataset\n", code: 1,
    });
  });
});
