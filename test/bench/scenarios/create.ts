// Create of 200 datasets and 20 jails (each on one of them) in one up, then their destroy, through the
// engine harness with the engine's concurrency; against the floor, one hand-written exec for each.
import { Stack, type Program } from "pulumi-engine-harness";
import { startSimHost } from "freebsd-sim";
import { behindProxy, floorExec, measure, PluginMeter, type Row } from "../meter.ts";

const D = "freebsd:zfs:Dataset";
const J = "freebsd:jail:Jail";

export async function benchCreate(rtts: number[], datasets = 200, jails = 20): Promise<Row[]> {
  const rows: Row[] = [];
  const sim = await startSimHost({ server: "ssh2" });
  try {
    for (const rtt of rtts) {
      const host = await behindProxy(sim, rtt);
      try {
        const parent = `zroot/c${rtt}`;
        const mk = await sim.exec(`zfs create ${parent} && zfs create ${parent}-floor`);
        if (mk.code !== 0) throw new Error(mk.stderr);
        const jailOf = (i: number) => `c${rtt}j${i}`;
        const program: Program = {
          ...Object.fromEntries(Array.from({ length: datasets }, (_, i) => [`d${i}`, { type: D, inputs: { name: `${parent}/d${i}` } }])),
          ...Object.fromEntries(Array.from({ length: jails }, (_, i) => [jailOf(i), {
            type: J, inputs: { name: jailOf(i), path: `/${parent}/d${i}`, hostname: `${jailOf(i)}.example` }, options: { dependsOn: [`d${i}`] },
          }])),
        };
        const meter = new PluginMeter();
        const stack = new Stack(meter.launch, { config: host.config, parallel: true });
        const what = `create of ${datasets} datasets and ${jails} jails in one up`;
        rows.push({ scenario: what, way: "provider", rttMs: rtt, figures: await measure(host, meter, () => stack.up(program, { skipPreview: true })) });
        const f = `${parent}-floor`;
        const floorJails = Array.from({ length: jails }, (_, i) => `f${rtt}j${i}`);
        const createScript = [
          ...Array.from({ length: datasets }, (_, i) => `zfs create ${f}/d${i}`),
          ...floorJails.map((j, i) => `printf '%s {\\n\\tpath = "/${f}/d${i}";\\n\\thost.hostname = "${j}.example";\\n\\tpersist;\\n}\\n' ${j} > /etc/jail.conf.d/${j}.conf`),
          "sysrc jail_enable=YES >/dev/null",
          `sysrc jail_list+="${floorJails.join(" ")}" >/dev/null`,
          `service jail start ${floorJails.join(" ")}`,
        ].join("\n");
        rows.push({ scenario: what, way: "floor: one exec", rttMs: rtt, figures: await floorExec(host, createScript) });
        const destroyed = `destroy of the same ${datasets + jails}`;
        rows.push({ scenario: destroyed, way: "provider", rttMs: rtt, figures: await measure(host, meter, () => stack.destroy({ skipPreview: true })) });
        const destroyScript = [
          `service jail stop ${floorJails.join(" ")}`,
          `sysrc jail_list-="${floorJails.join(" ")}" >/dev/null`,
          `rm ${floorJails.map((j) => `/etc/jail.conf.d/${j}.conf`).join(" ")}`,
          ...Array.from({ length: datasets }, (_, i) => `zfs destroy ${f}/d${i}`),
        ].join("\n");
        rows.push({ scenario: destroyed, way: "floor: one exec", rttMs: rtt, figures: await floorExec(host, destroyScript) });
        const left = await sim.exec(`zfs list -H -o name -r ${parent} ${f} | wc -l`);
        if (left.stdout.trim() !== "2") throw new Error(`the destroys left datasets behind: ${left.stdout}`);
      } finally {
        await host.close();
      }
    }
  } finally {
    await sim.stop();
  }
  return rows;
}
