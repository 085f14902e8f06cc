// What the bench measures and how: the plugin processes' CPU and peak memory (read from /proc as each
// one is stopped), the SSH connections and exec channels the simulated host served, the bytes each way
// through a proxy in front of it, and the floor: one hand-written exec over the same kind of connection.
import { readFileSync } from "node:fs";
import { Client } from "ssh2";
import { secret, startProvider, type ConfigValue, type ProviderClient } from "pulumi-engine-harness";
import type { SimHost } from "freebsd-sim";
import { startLatencyProxy, type LatencyProxy } from "freebsd-sim/transport";

/** One line of the results. */
export interface Figures {
  wallMs: number;
  /** CPU of the plugin processes (user + system), start-up included; undefined where no plugin ran. */
  cpuMs?: number;
  /** The largest peak resident set (VmHWM) of one plugin; for a fleet, the sum over the plugins. */
  rssMb?: number;
  connections: number;
  execs: number;
  /** Tool invocations on the simulated host (zfs, jls, sysrc…): each starts a process there, ~50 ms on the simulator. */
  commands: number;
  bytesUp: number;
  bytesDown: number;
}

/** CPU time (ms) and peak RSS (MB) of a process, from /proc. */
export function processUsage(pid: number): { cpuMs: number; hwmMb: number; rssMb: number } {
  // Fields 14 and 15 of /proc/PID/stat, counted after the parenthesised command name: utime, stime.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuMs: ticks * 10, hwmMb: kb("VmHWM") / 1024, rssMb: kb("VmRSS") / 1024 };
}

/** Launches plugins for stacks and records each one's CPU and peak memory just before it is stopped. */
export class PluginMeter {
  private used: { cpuMs: number; hwmMb: number }[] = [];

  readonly launch = async (env: Record<string, string>): Promise<ProviderClient> => {
    const client = await startProvider({ env });
    const kill = client.kill.bind(client);
    client.kill = async () => {
      const pid = client.plugin?.pid;
      if (pid !== undefined) this.used.push(processUsage(pid));
      await kill();
    };
    return client;
  };

  reset(): void {
    this.used = [];
  }

  get cpuMs(): number {
    return this.used.reduce((sum, u) => sum + u.cpuMs, 0);
  }

  get peakMb(): number {
    return Math.max(0, ...this.used.map((u) => u.hwmMb));
  }

  get summedPeakMb(): number {
    return this.used.reduce((sum, u) => sum + u.hwmMb, 0);
  }
}

/** A simulated host behind a proxy adding `rttMs` of round trip, with the provider config to reach it. */
export interface BenchHost {
  sim: SimHost;
  proxy: LatencyProxy;
  config: Record<string, ConfigValue>;
  reset(): void;
  close(): Promise<void>;
}

/** Puts a counting, delaying proxy in front of a simulated host. */
export async function behindProxy(sim: SimHost, rttMs: number): Promise<BenchHost> {
  const proxy = await startLatencyProxy(sim.serverPort, rttMs / 2);
  return {
    sim,
    proxy,
    config: { host: "127.0.0.1", port: String(proxy.port), user: sim.user, privateKey: secret(sim.privateKey), hostKey: sim.hostKeyFingerprint },
    reset() {
      sim.resetStats();
      proxy.resetStats();
    },
    close: () => proxy.close(),
  };
}

/** Runs `work` against a host and returns what it cost. */
export async function measure(host: BenchHost, meter: PluginMeter | undefined, work: () => Promise<unknown>): Promise<Figures> {
  host.reset();
  meter?.reset();
  const logged = (await host.sim.toolLog()).length;
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  return {
    commands: (await host.sim.toolLog()).length - logged,
    wallMs,
    ...(meter ? { cpuMs: meter.cpuMs, rssMb: meter.peakMb } : {}),
    connections: host.sim.stats.connections,
    execs: host.sim.stats.execChannels,
    bytesUp: host.proxy.stats.bytesUp,
    bytesDown: host.proxy.stats.bytesDown,
  };
}

/** An ssh2 client connected to the host through its proxy, as a hand-written script's connection. */
async function connectTo(host: BenchHost): Promise<Client> {
  const client = new Client();
  await new Promise<void>((resolve, reject) =>
    client.once("ready", () => resolve()).once("error", reject).connect({
      host: "127.0.0.1", port: host.proxy.port, username: host.sim.user, privateKey: host.sim.privateKey,
    }),
  );
  return client;
}

/** The floor: connect, run one hand-written script with `sh -s` (the script on stdin), read all of its output. */
export async function floorExec(host: BenchHost, script: string): Promise<Figures> {
  return measure(host, undefined, async () => {
    const client = await connectTo(host);
    try {
      const code = await new Promise<number>((resolve, reject) =>
        client.exec("sh -s", (err, stream) => {
          if (err) return reject(err);
          stream.on("data", () => undefined).stderr.on("data", () => undefined);
          stream.on("close", (status: number) => resolve(status));
          stream.end(script);
        }),
      );
      if (code !== 0) throw new Error(`the floor's script exited ${code}`);
    } finally {
      client.end();
    }
  });
}

/** One result: what was measured, whose way, at which round trip. */
export interface Row {
  scenario: string;
  way: string;
  rttMs: number;
  figures: Figures;
}

/** The slow way: one exec per command over one connection, `parallel` channels at once (as a provider reading per resource). */
export async function slowExecs(host: BenchHost, commands: string[], parallel = 8): Promise<Figures> {
  return measure(host, undefined, async () => {
    const client = await connectTo(host);
    try {
      const queue = [...commands];
      const worker = async () => {
        for (let cmd = queue.shift(); cmd !== undefined; cmd = queue.shift()) {
          const run = cmd;
          await new Promise<void>((resolve, reject) =>
            client.exec(run, (err, stream) => {
              if (err) return reject(err);
              stream.on("data", () => undefined).stderr.on("data", () => undefined);
              stream.on("close", () => resolve());
            }),
          );
        }
      };
      await Promise.all(Array.from({ length: parallel }, worker));
    } finally {
      client.end();
    }
  });
}
