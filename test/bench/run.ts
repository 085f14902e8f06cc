// `make bench`: what the provider costs, side by side in one run with the floor (one hand-written exec
// doing the same work over the same kind of connection, connection set-up included) and the slow way.
// Against simulated hosts behind a proxy that adds the round trip and counts bytes, through the engine
// harness with the engine's concurrency and a fresh plugin per operation, as `pulumi` runs them.
// Prints two Markdown tables: the figures, then issue 8's targets with what this run measured.
//
//   BENCH_ONLY=refresh,preview,create,scoped,network,ansible,startup,fleet   (default: all)
//   BENCH_RTT_MS=0,50                                                (round trips; default 0 and 50)
import { benchAnsible } from "./scenarios/ansible.ts";
import { benchCreate } from "./scenarios/create.ts";
import { benchFleet } from "./scenarios/fleet.ts";
import { benchRefresh } from "./scenarios/refresh.ts";
import { benchScoped } from "./scenarios/scoped.ts";
import { benchNetwork } from "./scenarios/network.ts";
import { benchStartup } from "./scenarios/startup.ts";
import type { Figures, Row } from "./meter.ts";

const only = new Set((process.env["BENCH_ONLY"] ?? "refresh,create,scoped,network,ansible,startup,fleet").split(","));
const rtts = (process.env["BENCH_RTT_MS"] ?? "0,50").split(",").map(Number);
const far = Math.max(...rtts);

const rows: Row[] = [];
async function run(name: string, scenario: () => Promise<Row[]>): Promise<void> {
  if (!only.has(name)) return;
  const started = performance.now();
  console.error(`bench: ${name}…`);
  const got = await scenario();
  rows.push(...got);
  for (const r of got) console.error(`  ${line(r)}`);
  console.error(`bench: ${name} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`);
const mb = (n: number | undefined) => (n === undefined ? "–" : `${Math.round(n)} MB`);
const bytes = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`);
function line(r: Row): string {
  const f = r.figures;
  return `| ${r.scenario} | ${r.way} | ${r.rttMs} ms | ${ms(f.wallMs)} | ${f.cpuMs === undefined ? "–" : ms(f.cpuMs)} | ${mb(f.rssMb)} | ${f.connections} | ${f.execs} | ${f.commands} | ${bytes(f.bytesUp)} | ${bytes(f.bytesDown)} |`;
}

await run("refresh", () => benchRefresh(rtts));
await run("create", async () => [...(await benchCreate(rtts)), ...(await benchCreate([far], 20, 2))]);
await run("scoped", () => benchScoped(rtts));
await run("network", () => benchNetwork([far]));
await run("ansible", () => benchAnsible([0]));
await run("startup", () => benchStartup());
await run("fleet", () => benchFleet(0));

console.log("| what | way | round trip | wall | plugin CPU | peak plugin RSS | SSH connections | exec channels | host commands | bytes up | bytes down |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(line(r));

// The targets, from this run's figures; a target whose rows did not run is left out.
const find = (scenario: RegExp, way: RegExp, rtt?: number): Figures | undefined =>
  rows.find((r) => scenario.test(r.scenario) && way.test(r.way) && (rtt === undefined || r.rttMs === rtt))?.figures;
const targets: { target: string; measured: string; holds: boolean }[] = [];
const check = (target: string, measured: string, holds: boolean) => targets.push({ target, measured, holds });
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

const refresh = find(/^refresh of 500/, /^provider/, far);
const refreshFloor = find(/^refresh of 500/, /^floor/, far);
if (refresh && refreshFloor) {
  check(`refresh of 500: 1 exec per host`, `${refresh.execs}`, refresh.execs === 1);
  check(`refresh of 500: ≤ 1.3× the floor at ${far} ms`, `${ms(refresh.wallMs)} / ${ms(refreshFloor.wallMs)} = ${ratio(refresh.wallMs, refreshFloor.wallMs)}`, refresh.wallMs <= 1.3 * refreshFloor.wallMs);
  check("refresh of 500: plugin CPU ≤ 0.5 s (start-up included)", ms(refresh.cpuMs!), refresh.cpuMs! <= 500);
  check("refresh of 500: peak RSS ≤ 150 MB", mb(refresh.rssMb), refresh.rssMb! <= 150);
}
const preview = find(/^preview of the same 500/, /^provider/, far);
if (preview) {
  check("preview of 500 unchanged: no host round trip", `${preview.connections} connections, ${preview.execs} execs`, preview.connections === 0 && preview.execs === 0);
  check("preview of 500 unchanged: plugin CPU ≤ 0.3 s (start-up included)", ms(preview.cpuMs!), preview.cpuMs! <= 300);
}
const create = find(/^create of 200 datasets/, /^provider/, far);
const createFloor = find(/^create of 200 datasets/, /^floor/, far);
const create20 = find(/^create of 20 datasets/, /^provider/, far);
if (create && createFloor) {
  check(`create of 200 datasets and 20 jails: ≤ 1.3× the floor at ${far} ms`, `${ms(create.wallMs)} / ${ms(createFloor.wallMs)} = ${ratio(create.wallMs, createFloor.wallMs)}`, create.wallMs <= 1.3 * createFloor.wallMs);
  check("create of 200 datasets and 20 jails: ≤ 10 exec channels", `${create.execs}`, create.execs <= 10);
  if (create20) {
    check("bytes downloaded grow linearly: 200+20 against 20+2 (10× the objects) ≤ 12×", `${bytes(create.bytesDown)} / ${bytes(create20.bytesDown)} = ${ratio(create.bytesDown, create20.bytesDown)}`, create.bytesDown <= 12 * create20.bytesDown);
  }
}
for (const rtt of rtts) {
  const busy = find(/^refresh of 5 datasets, host also/, /^provider/, rtt);
  const empty = find(/^refresh of 5 datasets, host holding only/, /^provider/, rtt);
  if (busy && empty) check(`refresh of 5 on the 3,000-dataset host ≤ 1.2× on an empty host (${rtt} ms)`, `${ms(busy.wallMs)} / ${ms(empty.wallMs)} = ${ratio(busy.wallMs, empty.wallMs)}`, busy.wallMs <= 1.2 * empty.wallMs);
}
const ansible = find(/datasets checked/, /^Ansible/);
const ours = find(/datasets checked/, /^provider/);
if (ansible && ours) check("Ansible check mode over 100 datasets ≥ 50× slower than the provider's refresh", `${ms(ansible.wallMs)} / ${ms(ours.wallMs)} = ${ratio(ansible.wallMs, ours.wallMs)}`, ansible.wallMs >= 50 * ours.wallMs);
const plugin = find(/^start-up/, /^provider/);
const bare = find(/^start-up/, /^node/);
if (plugin && bare) {
  check("start-up ≤ 0.25 s to the port line, ≤ 0.2 s more than node -e 0", `${ms(plugin.wallMs)} (node -e: ${ms(bare.wallMs)})`, plugin.wallMs <= 250 && plugin.wallMs - bare.wallMs <= 200);
  check("idle RSS ≤ 60 MB", `${mb(plugin.rssMb)} (node -e: ${mb(bare.rssMb)})`, plugin.rssMb! <= 60);
}
const fleet = find(/^fleet/, /^provider/);
if (fleet) check("20-host fleet ≤ 1.2 GB of summed plugin memory", mb(fleet.rssMb), fleet.rssMb! <= 1.2 * 1024);

console.log("");
console.log("| target | measured | holds |");
console.log("|---|---|---|");
for (const t of targets) console.log(`| ${t.target} | ${t.measured} | ${t.holds ? "yes" : "**no**"} |`);
