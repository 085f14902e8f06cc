import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, type Program, isSecret, secret, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { failureOf, mustRun, targetOnSim, type TestTarget } from "./target.ts";

// freebsd:jail:Jail against the simulated host where issue 7 found it wrong: addresses that never
// converged, imports the schema refused, /etc/jail.NAME.conf, quoting, jails that did not start,
// VNET updates, restarts that were never retried, unknown parameters, secrets, lost answers.

const J = "freebsd:jail:Jail";
let sim: SimHost;
let target: TestTarget;
const launcher = (env: Record<string, string>) => startProvider({ env });
const newStack = () => new Stack(launcher, { config: target.config });
const out = (s: Stack, name: string) => unwrapSecrets(s.resource(name)!.outputs as never) as Record<string, any>;
const jid = async (name: string) => Number((await mustRun(target, `jls -j ${name} jid`)).trim());
const jail = (name: string, over: Record<string, unknown> = {}): Program =>
  ({ [name]: { type: J, inputs: { name, path: `/zroot/jails/${name}`, ...over } as never } });
const warnings = (s: Stack) => s.logs("warning").map((l) => l.message).join("\n");

/** The diagnostics of a failed deployment, as one text. */

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot");
  await mustRun(target, "mkdir -p /zroot/jails/a1 /zroot/jails/adhoc /zroot/jails/two /zroot/jails/ds /zroot/jails/v1");
});
afterAll(async () => sim?.stop());

describe("addresses (item 8)", () => {
  it("converge whatever their spelling: no restart after a refresh, jail -m for a hostname change", async () => {
    const s = newStack();
    const program = (hostname: string) => jail("a1", { hostname, ip4: ["lo0|10.0.0.5/24"] });
    await s.up(program("a1.example"));
    expect((await mustRun(target, "jls -j a1 ip4.addr")).trim()).toBe("10.0.0.5");
    const refreshed = await s.refresh({ skipPreview: true });
    expect(refreshed.steps["a1"]!.op).toBe("same");
    expect((await s.up(program("a1.example"))).steps["a1"]!.op).toBe("same");
    const before = await jid("a1");
    sim.resetStats();
    const r = await s.up(program("www.example"), { skipPreview: true });
    expect(r.steps["a1"]!.op).toBe("update");
    expect(await jid("a1")).toBe(before);
    expect((await sim.toolLog()).some((argv) => argv[0] === "jail" && argv[1] === "-m")).toBe(true);
    await s.destroy();
  });

  it.each([
    ["a2", { ip4: ["10.0.1.5/24"] }],
    ["a3", { ip6: ["2001:DB8:0::5"] }],
    ["a4", { ip4: ["10.0.2.9", "10.0.2.10", "10.0.2.2"] }],
  ])("plan nothing on the next up of %s with %j", async (name, addresses) => {
    await mustRun(target, `mkdir -p /zroot/jails/${name}`);
    const s = newStack();
    await s.up(jail(name, addresses));
    expect((await s.up(jail(name, addresses), { skipPreview: true })).steps[name]!.op).toBe("same");
    expect((await s.refresh({ skipPreview: true })).steps[name]!.op).toBe("same");
    await s.destroy();
  });
});

describe("a jail made with jail -c (item 9)", () => {
  it("imports with valid inputs, plans no replacement, and says where its first change writes it", async () => {
    await mustRun(target, "jail -c name=adhoc path=/zroot/jails/adhoc host.hostname=adhoc.example ip4.addr=10.0.3.5 persist allow.raw_sockets");
    const s = newStack();
    await s.import("adhoc", J, "adhoc");
    expect(warnings(s)).not.toMatch(/failed to validate|has a problem/);
    const imported = s.resource("adhoc")!.inputs as Record<string, unknown>;
    expect(imported).not.toHaveProperty("parameters");
    const program = jail("adhoc", { hostname: "adhoc.example", ip4: ["10.0.3.5"], allow: { raw_sockets: true }, autostart: false });
    program["adhoc"]!.options = { protect: false };
    expect((await s.up(program)).steps["adhoc"]!.op).toBe("same");
    const changed = jail("adhoc", { hostname: "changed.example", ip4: ["10.0.3.5"], allow: { raw_sockets: true }, autostart: false });
    changed["adhoc"]!.options = { protect: false };
    const r = await s.up(changed);
    expect(r.steps["adhoc"]!.op).toBe("update");
    expect(warnings(s)).toMatch(/writes the definition of jail adhoc to \/etc\/jail\.conf\.d\/adhoc\.conf: it has no jail\.conf entry/);
    expect(await mustRun(target, "cat /etc/jail.conf.d/adhoc.conf")).toMatch(/host\.hostname = 'changed\.example';/);
    await s.destroy();
    expect((await target.exec("jls -j adhoc")).code).not.toBe(0);
  });
});

describe("/etc/jail.NAME.conf (item 10)", () => {
  it("is read, reported, and a jail defined there and in jail.conf.d is not managed until one goes", async () => {
    const s = newStack();
    await s.up(jail("two", { running: false, autostart: false }));
    await mustRun(target, "printf 'two {\\n  path = /zroot/jails/two;\\n  persist;\\n  host.hostname = override;\\n}\\n' > /etc/jail.two.conf");
    await s.refresh({ skipPreview: true });
    expect(warnings(s)).toMatch(/jail two is defined in two places, \/etc\/jail\.two\.conf and \/etc\/jail\.conf\.d\/two\.conf/);
    const text = await failureOf(s.up(jail("two", { running: false, autostart: false, hostname: "x" }), { skipPreview: true }));
    expect(text).toMatch(/defined in two places, \/etc\/jail\.two\.conf and \/etc\/jail\.conf\.d\/two\.conf/);
    expect(await failureOf(s.destroy({ skipPreview: true }))).toMatch(/defined in two places/);
    expect((await target.exec("test -f /etc/jail.conf.d/two.conf")).code).toBe(0);
    await mustRun(target, "rm /etc/jail.two.conf");
    await s.destroy();
    expect((await target.exec("test -e /etc/jail.conf.d/two.conf")).code).not.toBe(0);
  });
});

describe("the move out of /etc/jail.conf, interrupted (item 10)", () => {
  it("is finished by the next up, not refused as a second definition", async () => {
    await mustRun(target, "mkdir -p /zroot/jails/mv");
    await mustRun(target, "printf '# site\\n\\nmv {\\n  path = /zroot/jails/mv;\\n  persist;\\n}\\n' > /etc/jail.conf");
    const s = newStack();
    await s.import("mv", J, "mv");
    const program = jail("mv", { hostname: "mv.example", running: false, autostart: false });
    program["mv"]!.options = { protect: false };
    // The new file is written; the rewrite of /etc/jail.conf that follows fails.
    sim.faults.failTool(/^lockf [\s\S]* \/etc\/jail\.conf$/, { code: 1, stderr: "write error\n" });
    await failureOf(s.up(program, { skipPreview: true }));
    expect(await mustRun(target, "cat /etc/jail.conf")).toContain("mv {");
    expect(await mustRun(target, "cat /etc/jail.conf.d/mv.conf")).toContain("host.hostname = 'mv.example';");
    await s.up(program, { skipPreview: true });
    expect(await mustRun(target, "cat /etc/jail.conf")).toBe("# site\n\n");
    await s.destroy();
  });
});

describe("a delegated dataset whose name holds a space (item 11)", () => {
  it("is written quoted, attached at start, and read back", async () => {
    await mustRun(target, "zfs create 'zroot/with space'");
    const s = newStack();
    await s.up(jail("ds", { datasets: ["zroot/with space"] }));
    expect(await mustRun(target, "cat /etc/jail.conf.d/ds.conf")).toContain(`exec.created = 'zfs jail ds \\'zroot/with space\\'';`);
    expect((await mustRun(target, "zfs get -H -o value jailed 'zroot/with space'")).trim()).toBe("on");
    expect((await target.exec("zfs jail ds 'zroot/with space'")).stderr).toMatch(/dataset already exists/);
    expect(out(s, "ds")["datasets"]).toEqual(["zroot/with space"]);
    expect((await s.refresh({ skipPreview: true })).steps["ds"]!.op).toBe("same");
    await s.destroy();
  });
});

describe("mountFstab (item 12)", () => {
  it("takes one fstab file, mounted at start", async () => {
    await mustRun(target, "mkdir -p /zroot/jails/fs/mnt /srv/shared && printf '/srv/shared /zroot/jails/fs/mnt nullfs ro 0 0\\n' > /etc/fstab.fs");
    const s = newStack();
    await s.up(jail("fs", { mountFstab: "/etc/fstab.fs" }));
    expect(await mustRun(target, "cat /etc/jail.conf.d/fs.conf")).toContain("mount.fstab = '/etc/fstab.fs';");
    expect(await jid("fs")).toBeGreaterThan(0);
    expect(out(s, "fs")["mountFstab"]).toBe("/etc/fstab.fs");
    expect((await s.refresh({ skipPreview: true })).steps["fs"]!.op).toBe("same");
    await s.destroy();
  });
});

describe("a jail that does not start (item 14)", () => {
  it("fails with what rc.d/jail printed and the console log, and the next up starts it", async () => {
    await mustRun(target, "mkdir -p /zroot/jails/bad && tar -xf /usr/freebsd-dist/base.txz -C /zroot/jails/bad");
    const s = newStack();
    const log = "/var/log/jail_bad_console.log";
    const text = await failureOf(s.up(jail("bad", { exec: { start: "echo it is broken; exit 3", consolelog: log } }), { skipPreview: true }));
    expect(text).toMatch(/jail bad did not start: Starting jails: cannot start jail +"bad"/);
    expect(text).toMatch(/last lines of \/var\/log\/jail_bad_console\.log:\s+it is broken/);
    expect(s.resource("bad")!.outputs["running"]).toBe(false);
    await s.up(jail("bad", { exec: { start: "echo fine", consolelog: log } }), { skipPreview: true });
    expect(await jid("bad")).toBeGreaterThan(0);
    await s.destroy();
  });
});

describe("a running VNET jail (item 15)", () => {
  it("is updated although the host no longer sees the epair b side it holds", async () => {
    const epair = (await mustRun(target, "ifconfig epair create")).trim();
    const b = epair.replace(/a$/, "b");
    const s = newStack();
    await s.up(jail("v1", { vnet: true, vnetInterfaces: [b] }));
    expect((await mustRun(target, "ifconfig -l")).split(/\s+/)).not.toContain(b);
    const r = await s.up(jail("v1", { vnet: true, vnetInterfaces: [b], allow: { raw_sockets: true } }), { skipPreview: true });
    expect(r.steps["v1"]!.op).toBe("update");
    expect((await mustRun(target, "jls -j v1 allow.raw_sockets")).trim()).toBe("true");
    await s.destroy();
    expect((await mustRun(target, "ifconfig -l")).split(/\s+/)).toContain(b);
  });
});

describe("a restart that failed (item 16)", () => {
  it("is retried by the next up", async () => {
    await mustRun(target, "mkdir -p /zroot/jails/rs");
    const s = newStack();
    await s.up(jail("rs", { osrelease: "14.1-RELEASE" }));
    sim.faults.failTool(/^service jail one(start|restart) /, { code: 1, stderr: "rc.d/jail: interrupted\n" });
    await failureOf(s.up(jail("rs", { osrelease: "14.2-RELEASE" }), { skipPreview: true }));
    await s.up(jail("rs", { osrelease: "14.2-RELEASE" }), { skipPreview: true });
    expect((await mustRun(target, "jls -j rs osrelease")).trim()).toBe("14.2-RELEASE");
    await s.destroy();
  });

  it("is shown by a refresh when the running jail differs from what was applied", async () => {
    await mustRun(target, "mkdir -p /zroot/jails/rf");
    const s = newStack();
    await s.up(jail("rf", { osrelease: "14.1-RELEASE" }));
    // Restarted by hand from an edited file, the file then put back: the file says what was applied, the jail does not.
    await mustRun(target, "cp /etc/jail.conf.d/rf.conf /tmp/rf.conf && service jail onestop rf && sed -i.bak 's/14.1-RELEASE/13.5-RELEASE/' /etc/jail.conf.d/rf.conf && service jail onestart rf && cp /tmp/rf.conf /etc/jail.conf.d/rf.conf");
    const r = await s.refresh({ skipPreview: true });
    expect(Object.keys(r.steps["rf"]!.diff?.detailedDiff ?? {})).toEqual(["osrelease"]);
    await s.up(jail("rf", { osrelease: "14.1-RELEASE" }), { skipPreview: true });
    expect((await mustRun(target, "jls -j rf osrelease")).trim()).toBe("14.1-RELEASE");
    await s.destroy();
  });
});

describe("Check (item 18) and secrets (item 20)", () => {
  it("refuses a parameter jail(8) does not list before touching the host", async () => {
    sim.resetStats();
    const text = await failureOf(newStack().preview(jail("chk", { parameters: { "allow.bogus": true } })));
    expect(text).toMatch(/parameters\["allow\.bogus"\]: is not a jail\(8\) parameter/);
    expect(sim.stats.execChannels).toBe(0);
  });

  it("keeps a secret hostname and exec.prestart secret in config and live", async () => {
    await mustRun(target, "mkdir -p /zroot/jails/sec");
    const s = newStack();
    await s.up({ sec: { type: J, inputs: { name: "sec", path: "/zroot/jails/sec", hostname: secret("hidden.example"), exec: { prestart: secret("echo prestart-secret") } } as never } });
    const outputs = s.resource("sec")!.outputs as Record<string, any>;
    expect(isSecret(outputs["config"])).toBe(true);
    expect(isSecret(outputs["live"]["host.hostname"]) || isSecret(outputs["live"])).toBe(true);
    const shown = JSON.stringify(outputs, (_k, v) => (isSecret(v) ? "[secret]" : v));
    expect(shown).not.toContain("hidden.example");
    expect(shown).not.toContain("prestart-secret");
    await s.destroy();
  });
});

describe("a create whose answer was lost (item 5)", () => {
  it("is adopted by the next up, found by the URN in its file", async () => {
    await mustRun(target, "mkdir -p /zroot/jails/lost");
    const s = newStack();
    // The create's commands all run (the jail starts) and the answer is lost with the connection;
    // the read of the host after it is lost too (and its one retry).
    sim.faults.dropAfterExecs(2, { phase: "during" });
    sim.faults.dropAfterExecs(3, { phase: "before" });
    sim.faults.dropAfterExecs(4, { phase: "before" });
    expect(await failureOf(s.up(jail("lost"), { skipPreview: true }))).toMatch(/connection lost/);
    expect(await jid("lost")).toBeGreaterThan(0);
    expect(s.resource("lost")).toBeUndefined();
    expect(await mustRun(target, "cat /etc/jail.conf.d/lost.conf")).toMatch(/^# pulumi:urn "urn:pulumi:test::proj::freebsd:jail:Jail::lost"$/m);
    const r = await s.up(jail("lost"), { skipPreview: true });
    expect(r.steps["lost"]!.op).toBe("create");
    expect(out(s, "lost")["running"]).toBe(true);
    await s.destroy();
  });
});
