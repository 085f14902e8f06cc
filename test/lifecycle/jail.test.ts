import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, DeploymentError, Stack, type Program, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "./target.ts";

// freebsd:jail:Jail through the engine harness against the simulated host over SSH: the files an
// administrator would write, live changes with jail -m, restarts, drift both ways, import, reboot.

const J = "freebsd:jail:Jail";
const D = "freebsd:zfs:Dataset";
let sim: SimHost;
let target: TestTarget;
let stack: Stack;
const launcher = (env: Record<string, string>) => startProvider({ env });
const out = (s: Stack, name: string) => unwrapSecrets(s.resource(name)!.outputs as never) as Record<string, any>;
const jid = async (name: string) => Number((await mustRun(target, `jls -j ${name} jid`)).trim());

const base = (over: Record<string, unknown> = {}): Program => ({
  root: { type: D, inputs: { name: "zroot/jails/web", createParents: true } },
  data: { type: D, inputs: { name: "zroot/webdata", properties: { jailed: "on" } } },
  web: {
    type: J,
    inputs: { name: "web", path: "/zroot/jails/web", hostname: "web.example", ip4: ["192.0.2.10"], datasets: ["zroot/webdata"], ...over } as never,
  },
});

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot");
  stack = new Stack(launcher, { config: target.config });
});
afterAll(async () => sim?.stop());

describe("a shared-stack jail", () => {
  it("is created as an administrator would: jail.conf.d file, rc.conf, service jail", async () => {
    const r = await stack.up(base());
    expect(r.steps["web"]!.op).toBe("create");
    const conf = await mustRun(target, "cat /etc/jail.conf.d/web.conf");
    expect(conf).toMatch(/path = '\/zroot\/jails\/web';/);
    expect(conf).toMatch(/host\.hostname = 'web\.example';/);
    expect(conf).toMatch(/exec\.created = 'zfs jail web zroot\/webdata';/);
    expect((await mustRun(target, "sysrc -n jail_enable")).trim()).toBe("YES");
    expect((await mustRun(target, "sysrc -n jail_list")).trim().split(" ")).toContain("web");
    expect(await jid("web")).toBe(out(stack, "web")["jid"]);
    expect((await mustRun(target, "jls -j web host.hostname")).trim()).toBe("web.example");
    expect(out(stack, "web")["live"]["host.hostname"]).toBe("web.example");
    expect((await mustRun(target, "zfs get -H -o value jailed zroot/webdata")).trim()).toBe("on");
  });

  it("plans nothing when applied again, and a refresh finds no drift", async () => {
    expect((await stack.up(base())).steps["web"]!.op).toBe("same");
    const r = await stack.refresh({ skipPreview: true });
    expect(Object.values(r.steps).map((s) => s.op)).toEqual(["same", "same", "same"]);
  });

  it("changes a live parameter with jail -m, keeping the jid", async () => {
    const before = await jid("web");
    const r = await stack.up(base({ allow: { raw_sockets: true } }));
    expect(r.steps["web"]!.op).toBe("update");
    expect(await jid("web")).toBe(before);
    expect((await mustRun(target, "jls -j web allow.raw_sockets")).trim()).toMatch(/^(true|1)$/);
    expect((await sim.toolLog()).some((argv) => argv[0] === "jail" && argv[1] === "-m")).toBe(true);
  });

  it("restarts for a parameter jail -m cannot change, and the preview says so", async () => {
    const before = await jid("web");
    const r = await stack.up(base({ allow: { raw_sockets: true }, osrelease: "14.2-RELEASE" }));
    expect(r.steps["web"]!.op).toBe("update");
    expect(r.preview!.diagnostics.map((d) => d.message).join("\n") + stack.logs("warning").map((l) => l.message).join("\n"))
      .toMatch(/restarts jail web: osrelease cannot be changed on a running jail/);
    expect(await jid("web")).not.toBe(before);
    expect((await mustRun(target, "jls -j web osrelease")).trim()).toBe("14.2-RELEASE");
  });

  it("stops and starts with running, keeping its configuration", async () => {
    await stack.up(base({ allow: { raw_sockets: true }, osrelease: "14.2-RELEASE", running: false }));
    expect((await target.exec("jls -j web jid")).code).not.toBe(0);
    expect((await target.exec("test -f /etc/jail.conf.d/web.conf")).code).toBe(0);
    await stack.up(base({ allow: { raw_sockets: true }, osrelease: "14.2-RELEASE" }));
    expect(await jid("web")).toBeGreaterThan(0);
  });
});

describe("a VNET jail and a command inside it", () => {
  it("moves its epair b side into the jail, runs a command there, and gives the interface back on delete", async () => {
    const epair = (await mustRun(target, "ifconfig epair create")).trim();
    const b = epair.replace(/a$/, "b");
    // A userland in the root, as bsdinstall's base.txz gives one.
    await mustRun(target, "zfs create -p zroot/jails/v1 && tar -xf /usr/freebsd-dist/base.txz -C /zroot/jails/v1");
    const s = new Stack(launcher, { config: target.config });
    const program: Program = {
      v1: { type: J, inputs: { name: "v1", path: "/zroot/jails/v1", vnet: true, vnetInterfaces: [b] } },
      hello: { type: "freebsd:jail:Command", inputs: { jail: "v1", create: "ifconfig -l; echo \"$GREETING\"", environment: { GREETING: "it's $(not) run" } } },
    };
    await s.up(program);
    expect((await mustRun(target, "jexec v1 ifconfig -l")).split(/\s+/)).toContain(b);
    expect((await mustRun(target, "ifconfig -l")).split(/\s+/)).not.toContain(b);
    const hello = out(s, "hello");
    expect(hello["stdout"]).toContain(b);
    expect(hello["stdout"]).toContain("it's $(not) run");
    expect((await s.up(program)).steps["hello"]!.op).toBe("same");
    await s.destroy();
    expect((await mustRun(target, "ifconfig -l")).split(/\s+/)).toContain(b);
  });

  it("fails a command that exits non-zero, with its stderr", async () => {
    const s = new Stack(launcher, { config: target.config });
    await mustRun(target, "zfs create -p zroot/jails/c1 && tar -xf /usr/freebsd-dist/base.txz -C /zroot/jails/c1");
    await s.up({ c1: { type: J, inputs: { name: "c1", path: "/zroot/jails/c1" } } });
    const err = await s.up({
      c1: { type: J, inputs: { name: "c1", path: "/zroot/jails/c1" } },
      bad: { type: "freebsd:jail:Command", inputs: { jail: "c1", create: "echo broken >&2; exit 3" } },
    }, { skipPreview: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    expect((err as Error).message).toMatch(/exited 3: broken/);
    await s.destroy();
  });
});

describe("drift", () => {
  const program = base({ allow: { raw_sockets: true }, osrelease: "14.2-RELEASE" });

  it("shows a live change made with jail -m, and up converges it", async () => {
    await mustRun(target, "jail -m name=web allow.noraw_sockets");
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps["web"]!.op).toBe("update");
    expect(Object.keys(r.steps["web"]!.diff!.detailedDiff!)).toEqual(["allow.raw_sockets"]);
    await stack.up(program);
    expect((await mustRun(target, "jls -j web allow.raw_sockets")).trim()).toMatch(/^(true|1)$/);
  });

  it("shows a jail stopped behind its back, and up starts it again", async () => {
    await mustRun(target, "service jail stop web");
    const r = await stack.refresh({ skipPreview: true });
    expect(Object.keys(r.steps["web"]!.diff!.detailedDiff!)).toEqual(["running"]);
    await stack.up(program);
    expect(await jid("web")).toBeGreaterThan(0);
  });

  it("shows a hand-edited file, and up writes it back", async () => {
    await mustRun(target, "sed -i.bak 's/web.example/hacked.example/' /etc/jail.conf.d/web.conf");
    const r = await stack.refresh({ skipPreview: true });
    expect(Object.keys(r.steps["web"]!.diff!.detailedDiff!)).toEqual(["hostname"]);
    await stack.up(program);
    expect(await mustRun(target, "cat /etc/jail.conf.d/web.conf")).toMatch(/host\.hostname = 'web\.example';/);
  });
});

describe("reboot", () => {
  it("comes back after a reboot with the same parameters and its delegated dataset, and no drift", async () => {
    sim.reboot();
    expect((await mustRun(target, "jls -j web host.hostname")).trim()).toBe("web.example");
    expect((await mustRun(target, "jls -j web osrelease")).trim()).toBe("14.2-RELEASE");
    // The dataset is attached to the jail again: attaching it a second time is refused as a duplicate.
    const again = await target.exec("zfs jail web zroot/webdata");
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/cannot jail 'zroot\/webdata': dataset already exists/);
    const r = await stack.refresh({ skipPreview: true });
    expect(Object.values(r.steps).every((s) => s.op === "same")).toBe(true);
  });
});

describe("import", () => {
  it("imports a jail from its jail.conf.d file with no replacement planned", async () => {
    await mustRun(target, "zfs create -p zroot/jails/db");
    await mustRun(target, "printf 'db {\\n  path = \"/zroot/jails/db\";\\n  host.hostname = db;\\n  persist;\\n}\\n' > /etc/jail.conf.d/db.conf");
    await mustRun(target, "sysrc jail_list+=db && service jail start db");
    const s = new Stack(launcher, { config: target.config });
    await s.import("db", J, "db");
    const r = await s.up({ db: { type: J, inputs: { name: "db", path: "/zroot/jails/db", hostname: "db" }, options: { protect: false } } });
    expect(r.steps["db"]!.op).toBe("same");
  });

  it("imports a jail from /etc/jail.conf and moves only its block on the first change", async () => {
    await mustRun(target, "zfs create -p zroot/jails/mail");
    const main = "# site jails\nmail {\n  path = /zroot/jails/mail;\n  persist;\n}\n\nother {\n  path = /nonexistent;\n}\n";
    await mustRun(target, `printf '%s' '${main}' > /etc/jail.conf`);
    await mustRun(target, "service jail onestart mail");
    const s = new Stack(launcher, { config: target.config });
    await s.import("mail", J, "mail");
    expect(out(s, "mail")["configFile"]).toBe("/etc/jail.conf");
    const r = await s.up({ mail: { type: J, inputs: { name: "mail", path: "/zroot/jails/mail", hostname: "mail.example" }, options: { protect: false } } });
    expect(r.steps["mail"]!.op).toBe("update");
    expect(r.preview!.diagnostics.map((d) => d.message).join("\n") + s.logs("warning").map((l) => l.message).join("\n"))
      .toMatch(/moves the definition of jail mail from \/etc\/jail.conf/);
    expect(await mustRun(target, "cat /etc/jail.conf")).toBe("\nother {\n  path = /nonexistent;\n}\n");
    expect(await mustRun(target, "cat /etc/jail.conf.d/mail.conf")).toMatch(/host\.hostname = 'mail\.example';/);
  });
});

describe("bad input and hostile values", () => {
  it("refuses a path that does not exist, leaving nothing behind", async () => {
    const s = new Stack(launcher, { config: target.config });
    const err = await s.up({ x: { type: J, inputs: { name: "nopath", path: "/no/such/dir" } } }, { skipPreview: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    expect((err as Error).message).toMatch(/path: \/no\/such\/dir is not a directory on this host/);
    expect((await target.exec("test -e /etc/jail.conf.d/nopath.conf")).code).not.toBe(0);
  });

  it("keeps hostile strings inside their values: one block, nothing run", async () => {
    const hostile = "x'; exec.start = \"touch /tmp/pwned\"; } evil { path = /; `touch /tmp/pwned2` $(touch /tmp/pwned3) ${path}\n";
    const s = new Stack(launcher, { config: target.config });
    await mustRun(target, "zfs create -p zroot/jails/h");
    const hostname = hostile.replace(/\n/g, "");
    await s.up({ h: { type: J, inputs: { name: "h", path: "/zroot/jails/h", hostname, exec: { poststop: hostile } } } });
    expect((await mustRun(target, "jls -j h host.hostname")).replace(/\n$/, "")).toBe(hostname);
    expect((await target.exec("ls /tmp/pwned /tmp/pwned2 /tmp/pwned3")).code).not.toBe(0);
    expect((await target.exec("jls -j evil jid")).code).not.toBe(0);
    await s.destroy();
  });
});

describe("delete and rename", () => {
  it("renames by replacing, deleting first", async () => {
    const r = await stack.up({ ...base({ name: "www", allow: { raw_sockets: true } }) });
    expect(r.steps["web"]!.op).toBe("replace");
    expect(r.steps["web"]!.diff!.deleteBeforeReplace).toBe(true);
    expect((await target.exec("jls -j web jid")).code).not.toBe(0);
    expect(await jid("www")).toBeGreaterThan(0);
  });

  it("deletes the jail and its configuration but leaves its root filesystem", async () => {
    await stack.up({ root: base()["root"]!, data: base()["data"]! });
    expect((await target.exec("jls -j www jid")).code).not.toBe(0);
    expect((await target.exec("test -e /etc/jail.conf.d/www.conf")).code).not.toBe(0);
    expect((await mustRun(target, "sysrc -n jail_list")).split(/\s+/)).not.toContain("www");
    expect((await target.exec("zfs list zroot/jails/web")).code).toBe(0);
  });
});

describe("batching", () => {
  it("refreshes 100 jails and their datasets with one exec channel", async () => {
    // Adopted at once, as the engine registers independent resources (one at a time it is 200 execs).
    const s = new Stack(launcher, { config: target.config, parallel: true });
    sim.seedFilesystems(Array.from({ length: 100 }, (_, i) => `zroot/many/j${i}`));
    // Made by hand (as an administrator would), then adopted with the import option.
    await mustRun(target, "for i in $(seq 0 99); do printf 'j%s {\\n  path = \"/zroot/many/j%s\";\\n  persist;\\n}\\n' $i $i > /etc/jail.conf.d/j$i.conf; jail -c name=j$i path=/zroot/many/j$i persist; done");
    const program: Program = {};
    for (let i = 0; i < 100; i++) {
      program[`d${i}`] = { type: D, inputs: { name: `zroot/many/j${i}` }, options: { import: `zroot/many/j${i}` } };
      program[`j${i}`] = { type: J, inputs: { name: `j${i}`, path: `/zroot/many/j${i}`, autostart: false }, options: { import: `j${i}` } };
    }
    const adopted = await s.up(program, { skipPreview: true });
    expect(Object.values(adopted.steps).every((x) => x.op === "same" || x.imported)).toBe(true);
    sim.resetStats();
    const r = await s.refresh({ skipPreview: true });
    expect(Object.values(r.steps).filter((x) => x.op === "same")).toHaveLength(200);
    expect(sim.stats.execChannels).toBe(1);
  }, 300_000);
});
