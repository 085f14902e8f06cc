// Launching a resource plugin the way the engine does (pkg/resource/plugin/plugin.go): own process
// group, cwd = the program directory, stdout's first line must be the port, SIGINT then SIGKILL.
import { spawn, type ChildProcess } from "node:child_process";
import { basename } from "node:path";

/** A started plugin process whose port line has been read. */
export interface PluginProcess {
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the plugin wrote to stderr so far. */
  stderr(): string;
  /** Everything the plugin wrote to stdout after the port line. */
  stdout(): string;
  /** SIGINT to the process group, then SIGKILL after `graceMs` (the engine waits 5 s). */
  kill(graceMs?: number): Promise<void>;
}

/** How to launch a plugin. */
export interface LaunchOptions {
  bin: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Label for error messages, like the engine's "freebsd (resource)". */
  prefix?: string;
}

// Plugins still running; killed when the test process exits so no group outlives it.
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
});

// Parses the port line as the engine's parsePort does (strip .NET progress codes, trim, Atoi, 1..65535).
export function parsePort(line: string): number {
  const s = line.replaceAll("\x1b]9;4;3;\x1b\\", "").replaceAll("\x1b]9;4;0;\x1b\\", "").trim();
  if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`could not parse port: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const port = Number(s);
  if (port <= 0 || port > 65535) throw new Error(`invalid port number: ${port}`);
  return port;
}

// Spawns the plugin and resolves once its first stdout line parsed as a port; fails like the engine.
export function launchPlugin(opts: LaunchOptions): Promise<PluginProcess> {
  const prefix = opts.prefix ?? `${basename(opts.bin)} (resource)`;
  const child = spawn(opts.bin, opts.args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
  let err = "";
  let out = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => { err += d; });
  live.add(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => {
    live.delete(child);
    resolve(signal ? null : code);
  }));
  const proc: PluginProcess = {
    port: 0,
    pid: child.pid ?? -1,
    child,
    stderr: () => err,
    stdout: () => out,
    kill: (graceMs = 5000) => killGroup(child, exited, graceMs),
  };
  return new Promise((resolve, reject) => {
    let line = "";
    let done = false;
    const fail = (msg: string): void => {
      if (done) return;
      done = true;
      void proc.kill(0).finally(() => reject(new Error(`${msg}\nplugin stderr:\n${err}`)));
    };
    child.once("error", (e) => fail(`could not start plugin [${opts.bin}]: ${e.message}`));
    child.stdout?.on("data", (chunk: Buffer) => {
      if (done) { out += chunk.toString("utf8"); return; }
      const text = chunk.toString("utf8");
      const nl = text.indexOf("\n");
      if (nl === -1) { line += text; return; }
      line += text.slice(0, nl);
      out += text.slice(nl + 1);
      try {
        const port = parsePort(line);
        done = true;
        resolve({ ...proc, port });
      } catch (e) {
        fail(`${prefix} plugin [${opts.bin}] wrote an invalid port to stdout: ${(e as Error).message}`);
      }
    });
    child.stdout?.once("end", () => {
      void exited.then((code) => {
        const why = code === null ? "killed by a signal" : code !== 0 ? `exit status ${code}` : "EOF";
        fail(line === "" ? `could not read plugin [${opts.bin}]: ${why}` : `failure reading plugin [${opts.bin}] (read '${line}'): ${why}`);
      });
    });
  });
}

async function killGroup(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pgid = child.pid;
  signalGroup(pgid, "SIGINT");
  const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
  if ((await Promise.race([exited, timer])) === "timeout") {
    signalGroup(pgid, "SIGKILL");
    await exited;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}
