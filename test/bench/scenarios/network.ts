// Create of one bridge and N epairs joining it in one up (every epair's host end an `addm` word of the
// bridge's ifconfig_NAME line in rc.conf, which each epair edits), then their destroy, through the
// engine harness with the engine's concurrency; against the floor, one hand-written exec.
import { Stack, type Program } from "pulumi-engine-harness";
import { startSimHost } from "freebsd-sim";
import { behindProxy, floorExec, measure, PluginMeter, type Row } from "../meter.ts";

const B = "freebsd:network:Bridge";
const E = "freebsd:network:Epair";

export async function benchNetwork(rtts: number[], epairs = 20): Promise<Row[]> {
  const rows: Row[] = [];
  const sim = await startSimHost({ server: "ssh2" });
  try {
    for (const rtt of rtts) {
      const host = await behindProxy(sim, rtt);
      try {
        const bridge = `nb${rtt}`;
        const name = (i: number) => `n${rtt}e${i}`;
        const program: Program = {
          br: { type: B, inputs: { name: bridge } },
          ...Object.fromEntries(Array.from({ length: epairs }, (_, i) => [name(i), {
            type: E, inputs: { name: name(i), bridge }, options: { dependsOn: ["br"] },
          }])),
        };
        const meter = new PluginMeter();
        const stack = new Stack(meter.launch, { config: host.config, parallel: true });
        const what = `create of a bridge and ${epairs} epairs joining it in one up`;
        rows.push({ scenario: what, way: "provider", rttMs: rtt, figures: await measure(host, meter, () => stack.up(program, { skipPreview: true })) });
        // The floor: what an administrator would type, in one exec: the same interfaces, live and in rc.conf.
        const fb = `fb${rtt}`;
        const fname = (i: number) => `f${rtt}e${i}`;
        const units = Array.from({ length: epairs }, (_, i) => i);
        const createScript = [
          `ifconfig bridge create name ${fb} up >/dev/null`,
          ...units.map((i) => `u=$(ifconfig epair create up); ifconfig $u name ${fname(i)}a >/dev/null; ifconfig \${u%a}b name ${fname(i)}b >/dev/null; ifconfig ${fb} addm ${fname(i)}a`),
          `sysrc cloned_interfaces+="bridge90 ${units.map((i) => `epair${100 + i}`).join(" ")}" >/dev/null`,
          `sysrc ifconfig_bridge90_name=${fb} ifconfig_${fb}="${units.map((i) => `addm ${fname(i)}a`).join(" ")} up" >/dev/null`,
          ...units.map((i) => `sysrc ifconfig_epair${100 + i}a_name=${fname(i)}a ifconfig_epair${100 + i}b_name=${fname(i)}b ifconfig_${fname(i)}a=up >/dev/null`),
        ].join("\n");
        rows.push({ scenario: what, way: "floor: one exec", rttMs: rtt, figures: await floorExec(host, createScript) });
        const destroyed = `destroy of the same ${epairs + 1}`;
        rows.push({ scenario: destroyed, way: "provider", rttMs: rtt, figures: await measure(host, meter, () => stack.destroy({ skipPreview: true })) });
        const destroyScript = [
          ...units.map((i) => `ifconfig ${fname(i)}a destroy`),
          `ifconfig ${fb} destroy`,
          `sysrc cloned_interfaces-="bridge90 ${units.map((i) => `epair${100 + i}`).join(" ")}" >/dev/null`,
          `sysrc -x ifconfig_bridge90_name ifconfig_${fb} ${units.map((i) => `ifconfig_epair${100 + i}a_name ifconfig_epair${100 + i}b_name ifconfig_${fname(i)}a`).join(" ")}`,
        ].join("\n");
        rows.push({ scenario: destroyed, way: "floor: one exec", rttMs: rtt, figures: await floorExec(host, destroyScript) });
        const left = await sim.exec(`ifconfig -l; sysrc -n cloned_interfaces`);
        if (/nb|fb|n\d+e|f\d+e|epair|bridge/.test(left.stdout)) throw new Error(`the destroys left interfaces behind: ${left.stdout}`);
      } finally {
        await host.close();
      }
    }
  } finally {
    await sim.stop();
  }
  return rows;
}
