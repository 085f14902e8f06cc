// Refresh of 5 datasets on a host that also holds 3,000 other datasets and 3,000 snapshots, against the
// same refresh on a host holding only the 5: a scoped read costs what the stack manages, not the host.
import { Stack, type Program } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { behindProxy, floorExec, measure, PluginMeter, type Row } from "../meter.ts";

const D = "freebsd:zfs:Dataset";
const managed = Array.from({ length: 5 }, (_, i) => `zroot/five/d${i}`);
const program: Program = Object.fromEntries(managed.map((name, i) => [`d${i}`, { type: D, inputs: { name }, options: { import: name } }]));

async function refreshOn(sim: SimHost, label: string, rtts: number[]): Promise<Row[]> {
  const rows: Row[] = [];
  const floor = ["zpool list -H -p -o name,size,allocated,free,health", `zfs get -H -p -o name,property,value,source all zroot zroot/five ${managed.join(" ")}`].join("\n");
  for (const rtt of rtts) {
    const host = await behindProxy(sim, rtt);
    try {
      const meter = new PluginMeter();
      const stack = new Stack(meter.launch, { config: host.config, parallel: true });
      await stack.up(program, { skipPreview: true });
      rows.push({ scenario: `refresh of 5 datasets, ${label}`, way: "provider", rttMs: rtt, figures: await measure(host, meter, () => stack.refresh({ skipPreview: true })) });
      rows.push({ scenario: `refresh of 5 datasets, ${label}`, way: "floor: one exec", rttMs: rtt, figures: await floorExec(host, floor) });
    } finally {
      await host.close();
    }
  }
  return rows;
}

export async function benchScoped(rtts: number[], others = 3000): Promise<Row[]> {
  const empty = await startSimHost({ server: "ssh2" });
  const busy = await startSimHost({ server: "ssh2" });
  try {
    empty.seedFilesystems(managed);
    busy.seedFilesystems(managed);
    busy.seedFilesystems(Array.from({ length: others }, (_, i) => `zroot/other/g${i % 30}/d${i}`));
    const snap = await busy.exec("zfs snapshot -r zroot/other@daily");
    if (snap.code !== 0) throw new Error(snap.stderr);
    const count = await busy.exec("zfs list -H -t snapshot -o name | wc -l");
    const snapshots = Number(count.stdout.trim());
    return [
      ...(await refreshOn(empty, "host holding only them", rtts)),
      ...(await refreshOn(busy, `host also holding ${others} datasets and ${snapshots} snapshots`, rtts)),
    ];
  } finally {
    await empty.stop();
    await busy.stop();
  }
}
