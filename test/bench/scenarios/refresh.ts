// Refresh of 500 managed objects (400 datasets in 8 groups, 100 running jails), and a preview of the
// same 500 unchanged: through the engine harness with the engine's concurrency, a fresh plugin per
// operation as `pulumi` runs it; against the floor, one hand-written exec reading the same data.
import { Stack, type Program } from "pulumi-engine-harness";
import { startSimHost } from "freebsd-sim";
import { behindProxy, floorExec, measure, PluginMeter, slowExecs, type Row } from "../meter.ts";

const D = "freebsd:zfs:Dataset";
const J = "freebsd:jail:Jail";

export async function benchRefresh(rtts: number[], datasets = 400, jails = 100): Promise<Row[]> {
  const what = `refresh of ${datasets + jails} (${datasets} datasets, ${jails} jails)`;
  const sim = await startSimHost({ server: "ssh2" });
  const rows: Row[] = [];
  try {
    const names = Array.from({ length: datasets }, (_, i) => `zroot/r/g${i % 8}/d${i}`);
    sim.seedFilesystems(names);
    const jailNames = Array.from({ length: jails }, (_, i) => `j${i}`);
    const files = jailNames.map((j) => `mkdir -p /jroots/${j} && printf '%s {\\n  path = "/jroots/%s";\\n  host.hostname = "%s.example";\\n  persist;\\n}\\n' ${j} ${j} ${j} > /etc/jail.conf.d/${j}.conf`);
    const started = await sim.exec(`${files.join(" && ")} && service jail onestart ${jailNames.join(" ")} >/dev/null`);
    if (started.code !== 0) throw new Error(`setting up the jails failed: ${started.stderr}`);
    const program: Program = {
      ...Object.fromEntries(names.map((name, i) => [`d${i}`, { type: D, inputs: { name }, options: { import: name } }])),
      ...Object.fromEntries(jailNames.map((j) => [j, { type: J, inputs: { name: j, path: `/jroots/${j}`, autostart: false }, options: { import: j } }])),
    };
    const parents = ["zroot", "zroot/r", ...Array.from({ length: 8 }, (_, g) => `zroot/r/g${g}`)];
    const floor = [
      "zpool list -H -p -o name,size,allocated,free,health",
      `zfs get -H -p -o name,property,value,source all ${[...parents, ...names].join(" ")}`,
      "jls --libxo json -n",
      "cat /etc/jail.conf.d/*.conf",
      "sysrc -e jail_enable jail_list",
      "sysctl -N security.jail.param",
    ].join("\n");
    for (const rtt of rtts) {
      const host = await behindProxy(sim, rtt);
      try {
        const meter = new PluginMeter();
        const stack = new Stack(meter.launch, { config: host.config, parallel: true });
        await stack.up(program, { skipPreview: true });
        let ops: string[] = [];
        const refresh = await measure(host, meter, async () => {
          const r = await stack.refresh({ skipPreview: true });
          ops = Object.values(r.steps).map((s) => s.op);
        });
        if (ops.length !== datasets + jails || ops.some((op) => op !== "same")) throw new Error(`the refresh was not all same: ${ops.join(",")}`);
        rows.push({ scenario: what, way: "provider", rttMs: rtt, figures: refresh });
        rows.push({ scenario: what, way: "floor: one exec", rttMs: rtt, figures: await floorExec(host, floor) });
        const perObject = [
          ...names.map((name) => `zfs get -H -p -o name,property,value,source all ${name}`),
          ...jailNames.map((j) => `jls --libxo json -n -j ${j}; cat /etc/jail.conf.d/${j}.conf`),
        ];
        rows.push({ scenario: what, way: "slow way: one exec per object, 8 at once", rttMs: rtt, figures: await slowExecs(host, perObject) });
        const preview = await measure(host, meter, async () => {
          const r = await stack.preview(program);
          ops = Object.values(r.steps).map((s) => s.op);
        });
        if (ops.some((op) => op !== "same")) throw new Error(`the preview planned changes: ${ops.join(",")}`);
        rows.push({ scenario: `preview of the same ${datasets + jails}, unchanged`, way: "provider", rttMs: rtt, figures: preview });
      } finally {
        await host.close();
      }
    }
  } finally {
    await sim.stop();
  }
  return rows;
}
