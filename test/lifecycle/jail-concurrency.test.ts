import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, type ProviderClient, DeploymentError, Stack, type ValueMap } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "./target.ts";

// Jails created and updated at once (issue 7 items 13 and 5). The engine runs the steps of one up in
// parallel against one plugin, so these tests drive the plugin over gRPC as it does: Check, then
// every Create (or Update) at once; and two stacks, each with its own plugin, at the same time.

const J = "freebsd:jail:Jail";
let sim: SimHost;
let target: TestTarget;

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot");
});
afterAll(async () => sim?.stop());

/** A plugin configured for the host, as the engine starts one for a deployment. */
async function plugin(stack: string): Promise<ProviderClient> {
  const p = await startProvider({});
  await p.handshake();
  const urn = `urn:pulumi:${stack}::proj::pulumi:providers:freebsd::default`;
  const checked = await p.checkConfig({ urn, olds: {}, news: target.config as ValueMap, allowUnknowns: false });
  await p.configure({ urn, id: "0", inputs: checked.inputs! });
  return p;
}

const urnOf = (stack: string, name: string) => `urn:pulumi:${stack}::proj::${J}::${name}`;

/** Creates every jail at once through one plugin; the errors of those that failed. */
async function createAll(p: ProviderClient, stack: string, names: string[], over: ValueMap = {}): Promise<unknown[]> {
  const results = await Promise.allSettled(names.map(async (name) => {
    const urn = urnOf(stack, name);
    const checked = await p.check({ urn, news: { name, path: `/zroot/cj/${name}`, running: false, ...over }, allowUnknowns: false });
    expect(checked.failures).toEqual([]);
    return p.create({ urn, properties: checked.inputs!, preview: false });
  }));
  return results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
}

/** The words of jail_list, and how many lines of rc.conf assign it. */
async function jailList(): Promise<{ words: string[]; lines: number }> {
  const words = (await mustRun(target, "sysrc -n jail_list")).trim().split(/\s+/).filter(Boolean);
  const rc = await mustRun(target, "cat /etc/rc.conf");
  return { words, lines: rc.split("\n").filter((l) => /^\s*jail_list=/.test(l)).length };
}

describe("jail_list under concurrent creates (item 13)", () => {
  it("keeps every entry exactly once after one up of 12 jails", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `one${i}`);
    await mustRun(target, `mkdir -p ${names.map((n) => `/zroot/cj/${n}`).join(" ")}`);
    const p = await plugin("one");
    try {
      expect(await createAll(p, "one", names)).toEqual([]);
    } finally {
      await p.kill();
    }
    const { words, lines } = await jailList();
    expect(words.filter((w) => w.startsWith("one")).sort()).toEqual([...names].sort());
    expect(lines).toBe(1);
    expect((await mustRun(target, "sysrc -n jail_enable")).trim()).toBe("YES");
  }, 300_000);

  it("keeps every entry exactly once when two stacks create 12 jails each at once", async () => {
    const names = (s: string) => Array.from({ length: 12 }, (_, i) => `${s}${i}`);
    await mustRun(target, `mkdir -p ${[...names("sa"), ...names("sb")].map((n) => `/zroot/cj/${n}`).join(" ")}`);
    const [pa, pb] = await Promise.all([plugin("sa"), plugin("sb")]);
    try {
      const errors = await Promise.all([createAll(pa, "sa", names("sa")), createAll(pb, "sb", names("sb"))]);
      expect(errors.flat()).toEqual([]);
    } finally {
      await Promise.all([pa.kill(), pb.kill()]);
    }
    const { words, lines } = await jailList();
    for (const n of [...names("sa"), ...names("sb")]) expect(words.filter((w) => w === n)).toHaveLength(1);
    expect(lines).toBe(1);
  }, 300_000);
});

describe("imported jails moved out of /etc/jail.conf at once (item 13)", () => {
  it("leaves no block behind in /etc/jail.conf", async () => {
    const names = Array.from({ length: 6 }, (_, i) => `imp${i}`);
    await mustRun(target, `mkdir -p ${names.map((n) => `/zroot/cj/${n}`).join(" ")}`);
    const main = `# site jails\n\n${names.map((n) => `${n} {\n  path = /zroot/cj/${n};\n  persist;\n}\n`).join("")}# kept\n`;
    await mustRun(target, `printf '%s' '${main}' > /etc/jail.conf`);
    const p = await plugin("imp");
    try {
      const reads = await Promise.all(names.map((n) => p.read({ urn: urnOf("imp", n), id: n })));
      const results = await Promise.allSettled(names.map(async (n, i) => {
        const urn = urnOf("imp", n);
        const news = { ...reads[i]!.inputs!, hostname: `${n}.example` };
        const checked = await p.check({ urn, olds: reads[i]!.inputs!, news, allowUnknowns: false });
        return p.update({ urn, id: n, oldInputs: reads[i]!.inputs!, oldOutputs: reads[i]!.properties!, newInputs: checked.inputs!, preview: false });
      }));
      expect(results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []))).toEqual([]);
    } finally {
      await p.kill();
    }
    expect(await mustRun(target, "cat /etc/jail.conf")).toBe("# site jails\n\n# kept\n");
    for (const n of names) expect(await mustRun(target, `cat /etc/jail.conf.d/${n}.conf`)).toContain(`host.hostname = '${n}.example';`);
  }, 300_000);
});

describe("two stacks creating the same jail at once (item 5)", () => {
  it("lets exactly one win; the other records nothing and says why", async () => {
    await mustRun(target, "mkdir -p /zroot/cj/same");
    const stacks = ["s1", "s2"].map((name) => new Stack((env) => startProvider({ env }), { config: target.config, stack: name }));
    const program = { same: { type: J, inputs: { name: "same", path: "/zroot/cj/same", autostart: false } as never } };
    const results = await Promise.allSettled(stacks.map((s) => s.up(program, { skipPreview: true })));
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const loser = results.findIndex((r) => r.status === "rejected");
    const reason = (results[loser] as PromiseRejectedResult).reason as DeploymentError;
    expect(reason).toBeInstanceOf(DeploymentError);
    expect(reason.message).toMatch(/a jail named same already exists .* written for urn:pulumi:s[12]::proj::freebsd:jail:Jail::same/);
    expect(stacks[loser]!.resource("same")).toBeUndefined();
    const winner = stacks[1 - loser]!;
    expect(await mustRun(target, "cat /etc/jail.conf.d/same.conf")).toContain(`urn:pulumi:${["s1", "s2"][1 - loser]}::proj`);
    await winner.destroy();
    expect((await target.exec("test -e /etc/jail.conf.d/same.conf")).code).not.toBe(0);
  }, 300_000);
});
