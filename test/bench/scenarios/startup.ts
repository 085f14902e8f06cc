// Plugin start-up: from spawning it to its port line, and its resident memory once idle, against a
// bare `node -e` of the same Node that prints a line and idles. Medians over several starts. The
// standalone binary of `make dist` is measured too when it has been built.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { LAUNCHER_BIN, STANDALONE_BIN } from "pulumi-engine-harness";
import { processUsage, type Row } from "../meter.ts";

interface Start {
  portMs: number;
  cpuMs: number;
  idleMb: number;
}

async function startOnce(command: string, args: string[]): Promise<Start> {
  const started = performance.now();
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`${command} exited ${code} before its first line`)));
    });
    const portMs = performance.now() - started;
    const { cpuMs } = processUsage(child.pid!);
    await new Promise((r) => setTimeout(r, 1000));
    return { portMs, cpuMs, idleMb: processUsage(child.pid!).rssMb };
  } finally {
    child.kill();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function startMany(command: string, args: string[], runs: number): Promise<Start> {
  const all: Start[] = [];
  for (let i = 0; i < runs; i++) all.push(await startOnce(command, args));
  return { portMs: median(all.map((s) => s.portMs)), cpuMs: median(all.map((s) => s.cpuMs)), idleMb: median(all.map((s) => s.idleMb)) };
}

export async function benchStartup(runs = 9): Promise<Row[]> {
  const row = (way: string, s: Start): Row => ({
    scenario: "start-up to the port line; idle RSS", way, rttMs: 0,
    figures: { wallMs: s.portMs, cpuMs: s.cpuMs, rssMb: s.idleMb, connections: 0, execs: 0, commands: 0, bytesUp: 0, bytesDown: 0 },
  });
  // The engine passes its address last; nothing listens there until a call needs it.
  const plugin = await startMany(LAUNCHER_BIN, ["127.0.0.1:1"], runs);
  const bare = await startMany(process.execPath, ["-e", 'process.stdout.write("1\\n"); setInterval(() => {}, 1000)'], runs);
  const rows = [row("provider plugin (launcher)", plugin), row("node -e (same Node)", bare)];
  const built = STANDALONE_BIN ?? resolve(import.meta.dirname, `../../../dist/build/linux-${process.arch}/pulumi-resource-freebsd`);
  if (existsSync(built)) rows.push(row("standalone binary (make dist)", await startMany(built, ["127.0.0.1:1"], runs)));
  return rows;
}
