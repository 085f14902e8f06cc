// cpuset(1) on jails through SSH (usr.bin/cpuset/cpuset.c and kern_cpuset.c of FreeBSD 14.3): the
// jail's set inherits every CPU, -l changes it, -g prints it with the domain line, errors as
// cpuset prints them, a restarted jail starts from every CPU again unless exec.created sets it.

import { describe, expect, it } from "vitest";
import { useSimHost, type TestClient } from "./ssh-client.ts";

let ssh: TestClient;
useSimHost((_h, s) => {
  ssh = s;
});

const mask = (jid: number, cpus: string) => `jail ${jid} mask: ${cpus}\njail ${jid} domain policy: first-touch mask: 0\n`;

describe("cpuset -g and -l on a jail", () => {
  it("starts a jail with every CPU of the host (4) and changes it by jid or name", async () => {
    expect((await ssh.run("mkdir -p /j/w && jail -c name=w path=/j/w persist")).code).toBe(0);
    expect(await ssh.run("cpuset -g -j w")).toEqual({ stdout: mask(1, "0, 1, 2, 3"), stderr: "", code: 0 });
    expect(await ssh.run("cpuset -l 1-2 -j w")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect((await ssh.run("cpuset -g -j 1")).stdout).toBe(mask(1, "1, 2"));
    expect((await ssh.run("cpuset -l 0,3 -j w && cpuset -g -j w")).stdout).toBe(mask(1, "0, 3"));
    expect((await ssh.run("cpuset -l all -j w && cpuset -g -j w")).stdout).toBe(mask(1, "0, 1, 2, 3"));
    expect((await ssh.run("cpuset -g -i -j w")).stdout).toMatch(/^jail 1 cpuset id: \d+\n$/);
    expect((await ssh.run("cpuset -g")).stdout).toBe("pid -1 mask: 0, 1, 2, 3\npid -1 domain policy: first-touch mask: 0\n");
  });

  it("fails as cpuset does: unknown jail, malformed list, CPUs the host lacks, an empty set, usage", async () => {
    expect(await ssh.run("cpuset -g -j nosuch")).toEqual({ stdout: "", stderr: 'cpuset: jail "nosuch" not found\n', code: 1 });
    expect(await ssh.run("cpuset -g -j 42")).toEqual({ stdout: "", stderr: "cpuset: jail 42 not found\n", code: 1 });
    expect(await ssh.run("cpuset -l 1- -j w")).toEqual({ stdout: "", stderr: "cpuset: Malformed list 1-\n", code: 1 });
    expect(await ssh.run("cpuset -l 2000 -j w")).toEqual({ stdout: "", stderr: "cpuset: List entry 2000 exceeds maximum of 1024\n", code: 1 });
    expect(await ssh.run("cpuset -l 9 -j w")).toEqual({ stdout: "", stderr: "cpuset: setaffinity: Invalid argument\n", code: 1 });
    expect(await ssh.run("cpuset -l '' -j w")).toEqual({ stdout: "", stderr: "cpuset: setaffinity: Resource deadlock avoided\n", code: 1 });
    const usage = await ssh.run("cpuset -j w");
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/^usage: cpuset \[-l cpu-list\]/);
    expect((await ssh.run("cpuset -g -j w")).stdout).toBe(mask(1, "0, 1, 2, 3"));
  });

  it("gives a restarted jail every CPU again; exec.created sets its list at each start", async () => {
    await ssh.run("cpuset -l 2 -j w && jail -r w");
    expect((await ssh.run("jail -c name=w path=/j/w persist && cpuset -g -j w")).stdout).toBe(mask(2, "0, 1, 2, 3"));
    await ssh.run("jail -r w");
    const r = await ssh.run("jail -c name=w path=/j/w persist 'exec.created=cpuset -l 1,3 -j w' && cpuset -g -j w");
    expect(r.stdout).toBe(mask(3, "1, 3"));
  });
});
