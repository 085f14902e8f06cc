// A fleet: 20 simulated hosts of 25 datasets each, one stack and so one plugin per host, as Pulumi runs
// a program with an explicit provider per host, all refreshed at once: wall time and summed memory.
import { Stack, type Program } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { behindProxy, PluginMeter, type BenchHost, type Row } from "../meter.ts";

const D = "freebsd:zfs:Dataset";

export async function benchFleet(rtt: number, hosts = 20, perHost = 25): Promise<Row[]> {
  const sims: SimHost[] = [];
  const fronts: BenchHost[] = [];
  try {
    for (let h = 0; h < hosts; h++) {
      const sim = await startSimHost({ server: "ssh2" });
      sims.push(sim);
      sim.seedFilesystems(Array.from({ length: perHost }, (_, i) => `zroot/fleet/d${i}`));
      fronts.push(await behindProxy(sim, rtt));
    }
    const program: Program = Object.fromEntries(Array.from({ length: perHost }, (_, i) => {
      const name = `zroot/fleet/d${i}`;
      return [`d${i}`, { type: D, inputs: { name }, options: { import: name } }];
    }));
    const meter = new PluginMeter();
    const stacks = fronts.map((f) => new Stack(meter.launch, { config: f.config, parallel: true }));
    await Promise.all(stacks.map((s) => s.up(program, { skipPreview: true })));
    for (const f of fronts) f.reset();
    meter.reset();
    const logged = await Promise.all(sims.map(async (sim) => (await sim.toolLog()).length));
    const started = performance.now();
    await Promise.all(stacks.map((s) => s.refresh({ skipPreview: true })));
    const wallMs = performance.now() - started;
    const commands = (await Promise.all(sims.map(async (sim, i) => (await sim.toolLog()).length - logged[i]!))).reduce((a, b) => a + b, 0);
    const sum = (f: (b: BenchHost) => number) => fronts.reduce((n, b) => n + f(b), 0);
    return [{
      scenario: `fleet: ${hosts} hosts × ${perHost} datasets, refreshed at once (memory: sum of the plugins' peaks)`, way: "provider", rttMs: rtt,
      figures: {
        wallMs, cpuMs: meter.cpuMs, rssMb: meter.summedPeakMb,
        connections: sum((b) => b.sim.stats.connections), execs: sum((b) => b.sim.stats.execChannels), commands,
        bytesUp: sum((b) => b.proxy.stats.bytesUp), bytesDown: sum((b) => b.proxy.stats.bytesDown),
      },
    }];
  } finally {
    for (const f of fronts) await f.close();
    for (const s of sims) await s.stop();
  }
}
