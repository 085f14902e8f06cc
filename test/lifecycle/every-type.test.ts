import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, type Program, type ProviderClient, type ValueMap, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "./target.ts";

// One stack holding every resource type there is (a dataset, a VNET jail on it, a bridge, an epair
// whose jail end the jail takes, limits on the jail, a command run in it): a refresh reads the host in
// one exec, and so do getHost and the reads of all of them fired at once, as the engine fires them.

let sim: SimHost;
let target: TestTarget;
const launcher = (env: Record<string, string>) => startProvider({ env });
const out = (s: Stack, name: string) => unwrapSecrets(s.resource(name)!.outputs as never) as Record<string, any>;

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot/every");
  // rctl needs racct, a loader tunable: set it and boot again, as an administrator would.
  await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
  sim.reboot();
}, 120_000);
afterAll(async () => sim?.stop());

function program(stack: Stack | undefined): Program {
  const p: Program = {
    // The jail's root holds its userland: the stack's destroy takes it (forceDestroy).
    root: { type: "freebsd:zfs:Dataset", inputs: { name: "zroot/every/web", createParents: true, forceDestroy: true } },
    lan: { type: "freebsd:network:Bridge", inputs: { name: "lan0", members: ["vtnet0"], addresses: ["10.90.0.1/24"] } },
    web0: { type: "freebsd:network:Epair", inputs: { name: "web0", bridge: "lan0" }, options: { dependsOn: ["lan"] } },
    mem: { type: "freebsd:rctl:Limit", inputs: { subject: "jail:web", resource: "memoryuse", action: "deny", amount: "512m" } },
    procs: { type: "freebsd:rctl:Limit", inputs: { subject: "jail:web", resource: "maxproc", action: "deny", amount: "100" } },
  };
  if (stack) {
    p["web"] = {
      type: "freebsd:jail:Jail",
      inputs: { name: "web", path: "/zroot/every/web", vnet: true, vnetInterfaces: [out(stack, "web0")["jailInterface"]] },
      options: { dependsOn: ["root", "web0"] },
    };
    p["hello"] = { type: "freebsd:jail:Command", inputs: { jail: "web", create: "echo hello > /tmp/hello" }, options: { dependsOn: ["web"] } };
  }
  return p;
}

describe("a stack holding every resource type", () => {
  it("is refreshed in one exec; getHost and the reads of all of them at once share one exec too", async () => {
    const stack = new Stack(launcher, { config: target.config, parallel: true });
    await stack.up(program(undefined), { skipPreview: true });
    // The jail's userland, as a Release or a recipe would put it there (jail:Command runs its sh).
    await mustRun(target, "tar -xf /usr/freebsd-dist/base.txz -C /zroot/every/web");
    await stack.up(program(stack), { skipPreview: true });
    const types = new Set(stack.state.resources.map((r) => r.type));
    expect([...types].sort()).toEqual([
      "freebsd:jail:Command", "freebsd:jail:Jail", "freebsd:network:Bridge", "freebsd:network:Epair", "freebsd:rctl:Limit", "freebsd:zfs:Dataset",
    ]);

    sim.resetStats();
    const r = await stack.refresh({ skipPreview: true });
    expect(Object.values(r.steps).map((s) => s.op)).toEqual(Array(7).fill("same"));
    expect(sim.stats.connections).toBe(1);
    expect(sim.stats.execChannels).toBe(1);

    const p: ProviderClient = await startProvider({});
    try {
      await p.handshake();
      const urn = "urn:pulumi:test::proj::pulumi:providers:freebsd::default";
      const checked = await p.checkConfig({ urn, olds: {}, news: target.config as ValueMap, allowUnknowns: false });
      await p.configure({ urn, id: "0", inputs: checked.inputs! });
      const held = stack.state.resources;
      sim.resetStats();
      const [host, ...reads] = await Promise.all([
        p.invoke({ tok: "freebsd:index:getHost", args: {} }),
        ...held.map((res) => p.read({ urn: res.urn, id: res.id, properties: res.outputs, inputs: res.inputs })),
      ]);
      expect(sim.stats.execChannels).toBe(1);
      const facts = unwrapSecrets(host!.return as never) as Record<string, any>;
      expect(facts["jails"].map((j: any) => j.name)).toContain("web");
      expect(facts["interfaces"].map((i: any) => i.name)).toContain("lan0");
      expect(facts["racctEnabled"]).toBe(true);
      expect(reads.map((x: any) => x.id)).toEqual(held.map((res) => res.id));
    } finally {
      await p.kill();
    }
    await stack.destroy({ skipPreview: true });
  }, 600_000);
});
