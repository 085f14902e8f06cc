// Public entry of the freebsd-sim package: start a simulated FreeBSD 14.3 (or 15.0) host (state dir, SSH server,
// keys), run commands out of band, read the tool log, stop it.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { statePaths } from "./core/paths.ts";
import { initHost, type InitOptions, type PoolSpec } from "./host/init.ts";
import { ensureKeys } from "./host/keys.ts";
import { execOnHost, type ExecResult } from "./host/sandbox.ts";
import type { SshStats } from "./host/ssh-server.ts";
import { startTransport, type ServerKind } from "./transport/serve.ts";
import { simFaults, type SimFaults } from "./transport/sim-faults.ts";
import { seedFilesystems } from "./host/seed.ts";
import { rebootHost } from "./host/boot.ts";
import { loadDisk, loadKernel, saveDisk, saveKernel, withLock } from "./core/store.ts";
import type { DatasetRecord, DiskState, KernelState, PoolRecord } from "./core/types.ts";
import { TOOLS } from "./tools/table.ts";
import { newExtent } from "./zfs/fill.ts";

export type { DatasetRecord, DiskState, ExecResult, KernelState, PoolRecord, PoolSpec, ServerKind, SimFaults, SshStats };
/** The tools the simulator implements and where they live inside the host. */
export { TOOLS };
/** Release media: distribution sets with their MANIFEST, and pkgbase repositories (see README). */
export { publishRelease } from "./release/publish.ts";
export { publishPkgbaseRepo } from "./release/pkgbase.ts";
export { locationDir } from "./release/publish.ts";

export interface SimHostOptions extends InitOptions {
  /** State directory to use (created if empty, reused if it holds a host). Default: a temp dir removed by stop(). */
  stateDir?: string;
  /** Extra authorized_keys file whose keys may log in as root. */
  authorizedKeysFile?: string;
  /** Enables password authentication for root. */
  password?: string;
  /** Port to listen on (default: any free port). */
  port?: number;
  /** "ssh2": the in-process server; "openssh": Debian's /usr/sbin/sshd on loopback. Default: the
   * FREEBSD_SIM_SERVER environment variable (the CI lane that runs the provider against OpenSSH), else ssh2. */
  server?: ServerKind;
  /** Delay in ms added in each direction by a TCP proxy in front of the server (port is then the proxy's). */
  latencyMs?: number;
}

export interface SimHost {
  host: "127.0.0.1";
  /** The port clients use (the latency proxy's when latencyMs is set). */
  port: number;
  /** The SSH server's own port, without added latency. */
  serverPort: number;
  server: ServerKind;
  user: "root";
  /** Client private key (OpenSSH format, ed25519) authorized for root. */
  privateKey: string;
  /** "SHA256:<base64 without padding>", as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** "ssh-ed25519 AAAA..." */
  hostPublicKey: string;
  stateDir: string;
  /** Runs a command on the host out of band (no SSH), like an admin at the console. */
  exec(command: string, stdin?: string): Promise<ExecResult>;
  /** SSH counters since start or the last resetStats(). */
  stats: SshStats;
  /** Fault injection: dropped connections, failing or stalling commands (one-shot, armed from now). */
  faults: SimFaults;
  resetStats(): void;
  /** Argv of every tool invocation (zfs, zpool, sysctl...) from STATE/log/commands.jsonl. */
  toolLog(): Promise<string[][]>;
  /** Edits the model under the state lock, like the kernel would (e.g. add a devfs mount to make a path busy). */
  withState<T>(fn: (disk: DiskState, kernel: KernelState) => T): T;
  /** Creates many file systems at once (with parents), as `zfs create -p` would leave them. */
  seedFilesystems(names: string[], props?: Record<string, string>): void;
  /**
   * Writes `bytes` of synthetic data into a file system or volume without storing them: the model keeps
   * their size and seed (zfs/fill.ts), `zfs send` streams that many bytes, `written` counts them.
   */
  fillDataset(name: string, bytes: number): void;
  /** Reboots the host: runtime (kernel) state dropped, file systems remounted as at boot. */
  reboot(): void;
  stop(): Promise<void>;
}

/** The server a host gets when the caller does not choose: FREEBSD_SIM_SERVER, else ssh2. */
function defaultServer(): ServerKind {
  const env = process.env["FREEBSD_SIM_SERVER"];
  if (env === undefined || env === "") return "ssh2";
  if (env !== "ssh2" && env !== "openssh") throw new Error(`FREEBSD_SIM_SERVER must be ssh2 or openssh, not '${env}'`);
  return env;
}

/** Starts a simulated host with its SSH server on 127.0.0.1. */
export async function startSimHost(opts: SimHostOptions = {}): Promise<SimHost> {
  const owned = opts.stateDir === undefined;
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), "freebsd-sim-"));
  initHost(stateDir, opts);
  const paths = statePaths(stateDir);
  const keys = ensureKeys(paths.ssh);
  const transport = await startTransport({
    stateDir,
    server: opts.server ?? defaultServer(),
    hostPrivateKey: keys.hostPrivateKey,
    authorizedKeysFiles: [keys.authorizedKeysFile, ...(opts.authorizedKeysFile ? [opts.authorizedKeysFile] : [])],
    password: opts.password,
    port: opts.port,
    latencyMs: opts.latencyMs,
  });
  return {
    host: "127.0.0.1",
    port: transport.port,
    serverPort: transport.serverPort,
    server: transport.server,
    user: "root",
    privateKey: keys.clientPrivateKey,
    hostKeyFingerprint: keys.hostKeyFingerprint,
    hostPublicKey: keys.hostPublicKey,
    stateDir,
    exec: (command, stdin) => execOnHost(command, { stateDir }, stdin),
    get stats() {
      return transport.stats;
    },
    resetStats: () => transport.resetStats(),
    faults: simFaults(stateDir, transport.server),
    async toolLog() {
      if (!existsSync(paths.commandLog)) return [];
      return readFileSync(paths.commandLog, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[]);
    },
    withState(fn) {
      return withLock(paths, false, () => {
        const disk = loadDisk(paths);
        const kernel = loadKernel(paths);
        const result = fn(disk, kernel);
        saveDisk(paths, disk);
        saveKernel(paths, kernel);
        return result;
      });
    },
    seedFilesystems(names, props) {
      const errors = seedFilesystems(stateDir, names, props);
      if (errors) throw new Error(errors);
    },
    fillDataset(name, bytes) {
      withLock(paths, false, () => {
        const disk = loadDisk(paths);
        const rec = disk.datasets[name];
        if (!rec || rec.type === "snapshot") throw new Error(`fillDataset: ${name} is not a file system or volume`);
        (rec.fill ??= []).push(newExtent(bytes));
        rec.refer += bytes;
        rec.logicalrefer += bytes;
        saveDisk(paths, disk);
      });
    },
    reboot() {
      const errors = rebootHost(stateDir);
      if (errors) throw new Error(errors);
    },
    async stop() {
      await transport.close();
      if (owned) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
