// `make bench`, part 2: how fast the simulated host answers the provider's inventory commands over
// SSH with 1,000 file systems (and 1,000 snapshots), 200 jails (each with an rctl rule) and 200
// interfaces (100 epairs), each part once the simulator has the tools for it. Each command runs BENCH_RUNS times (default 15) on one
// connection; prints median and max wall time per command and server as a Markdown table.
// A benchmark, not a test: nothing is asserted (the target is < 300 ms per command).
import { startSimHost, type ServerKind, type SimHost } from "freebsd-sim";
import { openConnection, type TestConnection, SSHD } from "freebsd-sim/transport";
import { existsSync } from "node:fs";

const runs = Number(process.env["BENCH_RUNS"] ?? "15");
// `make bench` installs only what the simulated host needs: the OpenSSH lane runs when sshd is there.
const servers = (process.env["BENCH_SIM_SERVERS"] ?? (existsSync(SSHD) ? "ssh2,openssh" : "ssh2")).split(",") as ServerKind[];
const DATASETS = 1000;
const JAILS = 200;
const INTERFACES = 200;

const ZFS_COMMANDS = [
  "zfs get -H -p -o name,property,value,source -t filesystem,volume all",
  "zfs list -H -p -t snapshot -o name,guid,createtxg,creation,used,referenced,clones",
  "zpool list -H -p -o name,size,allocated,free,health",
];

/** Which of the jail/network tools the simulated host has. */
async function available(sim: SimHost, tools: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const tool of tools) {
    const res = await sim.exec(`command -v ${tool} && ${tool} 2>&1 | grep -q 'not simulated' && exit 1; exit 0`);
    if (res.code === 0 && res.stdout.trim() !== "") found.add(tool);
  }
  return found;
}

async function seed(sim: SimHost, tools: Set<string>): Promise<string[]> {
  const notes: string[] = [];
  if (tools.has("rctl")) {
    // RACCT is off in GENERIC until the loader tunable is set; rctl(8) says so and exits 1 otherwise.
    await sim.exec(`echo 'kern.racct.enable="1"' >> /boot/loader.conf`);
    sim.reboot();
  }
  const names = Array.from({ length: DATASETS }, (_, i) => `zroot/bench/g${Math.floor(i / 50)}/d${i}`);
  sim.seedFilesystems(names);
  const snap = await sim.exec("zfs snapshot -r zroot/bench@inventory");
  if (snap.code !== 0) notes.push(`zfs snapshot -r failed: ${snap.stderr.trim()}`);
  if (tools.has("jail")) {
    const res = await sim.exec(`for i in $(seq 1 ${JAILS}); do mkdir -p /jails/j$i && jail -c name=j$i path=/jails/j$i host.hostname=j$i.example.org persist || exit 1; done`);
    if (res.code !== 0) notes.push(`seeding jails failed: ${res.stderr.trim().split("\n").at(-1)}`);
  } else notes.push("no jail(8) in the simulator yet: jails not seeded");
  if (tools.has("ifconfig")) {
    // Each epair(4) clone is two interfaces, epairNa and epairNb.
    const res = await sim.exec(`for i in $(seq 1 ${INTERFACES / 2}); do ifconfig epair create >/dev/null || exit 1; done`);
    if (res.code !== 0) notes.push(`seeding interfaces failed: ${res.stderr.trim().split("\n").at(-1)}`);
  } else notes.push("no ifconfig(8) in the simulator yet: interfaces not seeded");
  if (tools.has("rctl")) {
    // A limit per jail, as the provider's Jail resource would set (rules may name jails not running).
    const res = await sim.exec(`for i in $(seq 1 ${JAILS}); do rctl -a jail:j$i:memoryuse:deny=512m || exit 1; done`);
    if (res.code !== 0) notes.push(`seeding rctl rules failed: ${res.stderr.trim().split("\n").at(-1)}`);
  }
  return notes;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function time(conn: TestConnection, command: string): Promise<{ times: number[]; bytes: number; code: number | null; stderr: string }> {
  const times: number[] = [];
  let last = { stdout: "", stderr: "", code: null as number | null };
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    last = await conn.run(command);
    if (i > 0) times.push(performance.now() - started); // the first run warms caches
  }
  return { times, bytes: Buffer.byteLength(last.stdout), code: last.code, stderr: last.stderr };
}

const rows: string[] = [];
const notes = new Set<string>();
if (!existsSync(SSHD) && process.env["BENCH_SIM_SERVERS"] === undefined) notes.add(`OpenSSH lane not timed (${SSHD} missing: scripts/ensure-system.sh openssh-server)`);
for (const server of servers) {
  const sim = await startSimHost({ server });
  try {
    const tools = await available(sim, ["jail", "jls", "ifconfig", "rctl"]);
    console.error(`${server}: seeding (tools: ${[...tools].join(", ") || "none"})`);
    for (const n of await seed(sim, tools)) notes.add(n);
    console.error(`${server}: timing`);
    const commands = [...ZFS_COMMANDS];
    if (tools.has("jls")) commands.push("jls --libxo json -n");
    else notes.add("no jls(8) in the simulator yet: not timed");
    if (tools.has("ifconfig")) commands.push("ifconfig -a");
    else notes.add("no ifconfig(8) in the simulator yet: not timed");
    if (tools.has("rctl")) commands.push("rctl");
    else notes.add("no rctl(8) in the simulator yet: not timed");
    const conn = await openConnection(sim);
    const baseline = await time(conn, "true");
    rows.push(`| ${server} | \`true\` (exec overhead) | ${Math.round(median(baseline.times))} ms | ${Math.round(Math.max(...baseline.times))} ms | 0 |`);
    for (const command of commands) {
      const r = await time(conn, command);
      const status = r.code === 0 ? "" : ` (exit ${r.code}: ${r.stderr.trim().split("\n")[0]})`;
      rows.push(`| ${server} | \`${command}\`${status} | ${Math.round(median(r.times))} ms | ${Math.round(Math.max(...r.times))} ms | ${r.bytes} |`);
      console.error(rows.at(-1));
    }
    // The provider sends its inventory as one exec per host.
    const all = await time(conn, commands.join("; "));
    rows.push(`| ${server} | all of the above in one exec | ${Math.round(median(all.times))} ms | ${Math.round(Math.max(...all.times))} ms | ${all.bytes} |`);
    conn.end();
  } finally {
    await sim.stop();
  }
}
console.log(`Simulated host inventory over SSH (loopback): ${DATASETS} file systems + ${DATASETS} snapshots, `
  + `${JAILS} jails and rctl rules, ${INTERFACES} interfaces where the tools exist; ${runs} runs each:\n`);
console.log("| server | command | median | max | stdout bytes |");
console.log("|---|---|---|---|---|");
for (const row of rows) console.log(row);
for (const note of notes) console.log(`\nNote: ${note}`);
