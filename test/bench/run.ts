// `make bench`: what a refresh costs, batched (the provider: one inventory exec per host) against
// the slow way (one `zfs get` exec per resource, 8 at a time, as a per-resource provider would),
// at several round-trip times through a delaying proxy. Both times include connecting; the batched
// one also includes starting the plugin process, as every `pulumi refresh` does. Prints a Markdown table.
import { Client } from "ssh2";
import { startProvider, Stack, secret } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { startLatencyProxy } from "freebsd-sim/transport";

const sizes = (process.env["BENCH_SIZES"] ?? "50,200").split(",").map(Number);
const latencies = (process.env["BENCH_LATENCY_MS"] ?? "0,10,25").split(",").map(Number);
const T = "freebsd:zfs:Dataset";

/** The slow way: one exec per dataset over one connection, at most 8 channels at once. */
async function slowRefresh(sim: SimHost, port: number, names: string[]): Promise<number> {
  const started = performance.now();
  const client = new Client();
  await new Promise<void>((resolve, reject) =>
    client.once("ready", () => resolve()).once("error", reject).connect({ host: "127.0.0.1", port, username: sim.user, privateKey: sim.privateKey }),
  );
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      await new Promise<void>((resolve, reject) =>
        client.exec(`zfs get -H -p -o name,property,value,source all '${name}'`, (err, stream) => {
          if (err) return reject(err);
          stream.on("data", () => undefined).on("close", () => resolve());
          stream.stderr.on("data", () => undefined);
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const elapsed = performance.now() - started;
  client.end();
  return elapsed;
}

const rows: string[] = [];
for (const n of sizes) {
  const sim = await startSimHost();
  try {
    const names = Array.from({ length: n }, (_, i) => `zroot/bench/d${i}`);
    await sim.exec(`zfs create zroot/bench && for i in $(seq 0 ${n - 1}); do zfs create zroot/bench/d$i; done`);
    for (const latency of latencies) {
      const proxy = await startLatencyProxy(sim.port, latency / 2);
      try {
        const config = { host: "127.0.0.1", port: String(proxy.port), user: sim.user, privateKey: secret(sim.privateKey), hostKey: sim.hostKeyFingerprint };
        const stack = new Stack((env) => startProvider({ env }), { config });
        const program = Object.fromEntries(names.map((name, i) => [`d${i}`, { type: T, inputs: { name }, options: { import: name } }]));
        await stack.up(program, { skipPreview: true });
        sim.resetStats();
        const started = performance.now();
        await stack.refresh({ skipPreview: true });
        const batched = performance.now() - started;
        const batchedExecs = sim.stats.execChannels;
        sim.resetStats();
        const slow = await slowRefresh(sim, proxy.port, names);
        rows.push(`| ${n} | ${latency} ms | ${batchedExecs} | ${Math.round(batched)} ms | ${sim.stats.execChannels} | ${Math.round(slow)} ms |`);
        console.error(rows[rows.length - 1]);
      } finally {
        await proxy.close();
      }
    }
  } finally {
    await sim.stop();
  }
}
console.log("| datasets | round trip | batched: execs | batched: refresh wall time | per-resource: execs | per-resource: read wall time |");
console.log("|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
