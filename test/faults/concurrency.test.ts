import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, unwrapSecrets, type Program } from "pulumi-engine-harness";
import { providerConfigSchema } from "../../provider/src/core/config.ts";
import { HostSession } from "../../provider/src/host/session.ts";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim } from "../lifecycle/target.ts";
import { everyFault } from "./suite.ts";

// Concurrency (issue 13). 200 creates at once through one plugin, as an up of 200 resources with the
// engine's unbounded parallelism runs them, against a host behind OpenSSH's sshd (MaxSessions 10):
// no channel-open failure, every one made. Two stacks (two plugin processes) creating and deleting
// jails, epairs and limits on one host at the same time: every read-modify-write of rc.conf,
// jail.conf.d and rctl.conf is under the host lock, so the files stay whole and no entry is lost or
// doubled (checked entry by entry). The provider batches the creates' commands, so 200 creates take
// a handful of exec channels (the figures printed say how many); 200 commands through its session at
// once take an exec channel each, 200 in all, never more than MaxSessions open.

const launcher = (env: Record<string, string>) => startProvider({ env });
const hosts: SimHost[] = [];
afterAll(async () => Promise.all(hosts.map((h) => h.stop())));

describe("200 operations at once behind OpenSSH (MaxSessions 10)", () => {
  let sim: SimHost;
  beforeAll(async () => {
    sim = await startSimHost({ server: "openssh" });
    hosts.push(sim);
    await mustRun(targetOnSim(sim, "zroot/many"), "zfs create zroot/many");
  }, 120_000);

  // Batched by the provider into a couple of execs, and a minute on a loaded machine: make soak-faults.
  it.skipIf(!everyFault)("creates 200 datasets in one parallel up with no channel-open failure", async () => {
    const s = new Stack(launcher, { config: targetOnSim(sim, "zroot/many").config, parallel: true, stack: "many" });
    const names = Array.from({ length: 200 }, (_, i) => `zroot/many/d${i}`);
    const program: Program = Object.fromEntries(names.map((name, i) => [`d${i}`, { type: "freebsd:zfs:Dataset", inputs: { name, properties: { "org.example:n": String(i) } } }]));
    sim.resetStats();
    const started = Date.now();
    const r = await s.up(program, { skipPreview: true });
    const seconds = (Date.now() - started) / 1000;
    expect(Object.values(r.steps).filter((st) => st.op !== "create")).toEqual([]);
    const text = [...r.diagnostics.map((d) => d.message), ...s.logs("debug").map((l) => l.message)].join("\n");
    expect(text).not.toMatch(/channel open failure|open failed/i);
    const listed = (await mustRun(targetOnSim(sim, "zroot/many"), "zfs list -H -o name,org.example:n -r zroot/many")).trim().split("\n").slice(1);
    expect(listed.sort()).toEqual(names.map((n, i) => `${n}\t${i}`).sort());
    console.log(`concurrency: 200 creates at once behind OpenSSH in ${seconds.toFixed(1)} s, ${sim.stats.execChannels} exec channels, ${sim.stats.connections} connections`);
  }, 300_000);
  it("runs 200 commands at once through the provider's session (its own exec channel each) with no channel-open failure", async () => {
    const c = targetOnSim(sim, "zroot/many").config as Record<string, unknown>;
    const host = new HostSession(providerConfigSchema.parse({
      host: c["host"], port: Number(c["port"]), privateKey: unwrapSecrets(c["privateKey"] as never), hostKey: c["hostKey"],
    }));
    try {
      if (!everyFault) sim.seedFilesystems(Array.from({ length: 200 }, (_, i) => `zroot/many/d${i}`));
      sim.resetStats();
      const started = Date.now();
      const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) =>
        host.exec({ argv: ["zfs", "get", "-H", "-o", "name,value", "guid", `zroot/many/d${i}`] }, { deadline: Date.now() + 240_000 })));
      const failed = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
      expect(failed).toEqual([]);
      expect(results.map((r) => (r as PromiseFulfilledResult<{ stdout: string }>).value.stdout.split("\t")[0])).toEqual(Array.from({ length: 200 }, (_, i) => `zroot/many/d${i}`));
      expect(sim.stats.execChannels).toBe(200);
      console.log(`concurrency: 200 execs at once behind OpenSSH (MaxSessions 10) in ${((Date.now() - started) / 1000).toFixed(1)} s, none refused`);
    } finally {
      host.close();
    }
  }, 300_000);
});

describe("two stacks creating and deleting jails, epairs and limits on one host at once", () => {
  let sim: SimHost;
  beforeAll(async () => {
    sim = await startSimHost();
    hosts.push(sim);
    await mustRun(targetOnSim(sim, "zroot"), "echo 'kern.racct.enable=1' >> /boot/loader.conf");
    sim.reboot();
    await mustRun(targetOnSim(sim, "zroot"), `mkdir -p ${["a", "b"].flatMap((s) => [0, 1, 2, 3, 4, 5].map((i) => `/cj/${s}${i}`)).join(" ")}`);
  }, 120_000);

  /** A stack's program: for each of its indexes a jail (not started), an epair and a limit on that jail. */
  function tenants(stack: string, indexes: number[]): Program {
    const p: Program = {};
    for (const i of indexes) {
      const n = `${stack}${i}`;
      p[`j${n}`] = { type: "freebsd:jail:Jail", inputs: { name: n, path: `/cj/${n}`, running: false, autostart: true } };
      p[`e${n}`] = { type: "freebsd:network:Epair", inputs: { name: `ep${n}`, description: `tenant ${n}` } };
      p[`l${n}`] = { type: "freebsd:rctl:Limit", inputs: { subject: `jail:${n}`, resource: "maxproc", action: "deny", amount: String(10 + i) } };
    }
    return p;
  }

  /** What the host's files say, entry by entry, after checking each file is whole. */
  async function entries(): Promise<{ jailList: string[]; confs: string[]; cloned: string[]; rules: string[] }> {
    const t = targetOnSim(sim, "zroot");
    const rc = await mustRun(t, "cat /etc/rc.conf");
    // Whole: every line a comment, blank, or one var="value" assignment; each variable assigned once.
    const lines = rc.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
    for (const l of lines) expect(l, "an rc.conf line").toMatch(/^[A-Za-z0-9_]+="[^"]*"$/);
    const vars = lines.map((l) => l.split("=")[0]);
    expect(vars.length, "each rc.conf variable assigned once").toBe(new Set(vars).size);
    const rctlConf = await mustRun(t, "cat /etc/rctl.conf");
    const rules = rctlConf.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
    for (const r of rules) expect(r, "an rctl.conf rule").toMatch(/^jail:[a-z0-9]+:maxproc:deny=\d+$/);
    expect(rules.length, "each rule once").toBe(new Set(rules).size);
    const confs: string[] = [];
    for (const f of (await mustRun(t, "ls /etc/jail.conf.d")).split("\n").filter(Boolean)) {
      const text = await mustRun(t, `cat /etc/jail.conf.d/${f}`);
      const name = f.replace(/\.conf$/, "");
      // One block, named as its file, closed.
      expect(text.match(/^[^\s#][^{]*\{/gm)?.map((h) => h.replace(/\s*\{$/, "").replace(/^"|"$/g, ""))).toEqual([name]);
      expect(text.trimEnd().endsWith("}")).toBe(true);
      confs.push(name);
    }
    const value = (v: string) => (lines.find((l) => l.startsWith(`${v}=`))?.replace(/^[^=]+="|"$/g, "") ?? "").split(/\s+/).filter(Boolean);
    return { jailList: value("jail_list").sort(), confs: confs.sort(), cloned: value("cloned_interfaces"), rules: rules.sort() };
  }

  function expected(sets: Record<string, number[]>) {
    const names = Object.entries(sets).flatMap(([s, idx]) => idx.map((i) => `${s}${i}`)).sort();
    return {
      jailList: names,
      confs: names,
      rules: names.map((n) => `jail:${n}:maxproc:deny=${10 + Number(n.slice(1))}`).sort(),
      epairs: names.map((n) => `ep${n}`),
    };
  }

  async function check(sets: Record<string, number[]>): Promise<void> {
    const got = await entries();
    const want = expected(sets);
    expect(got.jailList).toEqual(want.jailList);
    expect(got.confs).toEqual(want.confs);
    expect(got.rules).toEqual(want.rules);
    expect((await mustRun(targetOnSim(sim, "zroot"), "rctl")).trim().split("\n").filter(Boolean).sort()).toEqual(want.rules);
    // cloned_interfaces lists one epair per tenant (epairN), each named in rc.conf as its tenant's.
    expect(got.cloned.length).toBe(want.epairs.length);
    expect(new Set(got.cloned).size).toBe(got.cloned.length);
    const ifs = (await mustRun(targetOnSim(sim, "zroot"), "ifconfig -l")).trim().split(/\s+/);
    for (const e of want.epairs) expect(ifs, e).toEqual(expect.arrayContaining([`${e}a`, `${e}b`]));
    expect(ifs.filter((i) => i.startsWith("ep")).sort()).toEqual(want.epairs.flatMap((e) => [`${e}a`, `${e}b`]).sort());
  }

  it("keeps every entry whole and once while both create, then while one deletes and the other creates", async () => {
    const config = targetOnSim(sim, "zroot").config;
    const a = new Stack(launcher, { config, parallel: true, stack: "a" });
    const b = new Stack(launcher, { config, parallel: true, stack: "b" });
    const started = Date.now();
    let operations = 0;
    const both = async (pa: Program, pb: Program) => {
      const rs = await Promise.all([a.up(pa, { skipPreview: true }), b.up(pb, { skipPreview: true })]);
      operations += rs.flatMap((r) => Object.values(r.steps)).filter((st) => st.op !== "same").length;
    };
    // make test: 30 operations in three rounds; make soak-faults: 66.
    const [r1, r2a, r2b, r3a, r3b] = everyFault
      ? [[0, 1, 2], [2, 3, 4, 5], [0, 1, 2, 3, 4, 5], [5], [0]]
      : [[0, 1], [1, 2], [0, 1, 2], [2], [0]];
    await both(tenants("a", r1!), tenants("b", r1!));
    await check({ a: r1!, b: r1! });
    // One deletes some of its tenants and adds others; the other adds some: all at once.
    await both(tenants("a", r2a!), tenants("b", r2b!));
    await check({ a: r2a!, b: r2b! });
    // Both delete most at once.
    await both(tenants("a", r3a!), tenants("b", r3b!));
    await check({ a: r3a!, b: r3b! });
    console.log(`concurrency: two stacks, ${operations} creates and deletes of jails, epairs and limits in three rounds at once, every entry checked, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 600_000);
});
