// How a simulated host is reached: its SSH server (ssh2 in process, or Debian's OpenSSH sshd), and
// optionally a delaying proxy in front of it so the network has a round-trip time.

import type { SshStats } from "../host/ssh-server.ts";
import { SimSshServer } from "../host/ssh-server.ts";
import { startLatencyProxy, type LatencyProxy } from "./latency-proxy.ts";
import { OpenSshServer } from "./openssh-server.ts";

export type ServerKind = "ssh2" | "openssh";

export interface TransportOptions {
  stateDir: string;
  server?: ServerKind;
  hostPrivateKey: string;
  authorizedKeysFiles: string[];
  /** Password for root (ssh2 server only). */
  password?: string;
  host?: string;
  /** Port clients connect to (the proxy's when latencyMs is set); default any free port. */
  port?: number;
  /** Delay added in each direction by a TCP proxy in front of the server. */
  latencyMs?: number;
}

export interface Transport {
  server: ServerKind;
  /** The port clients use: the proxy's when there is latency, else the server's. */
  port: number;
  /** The server's own port (no added latency). */
  serverPort: number;
  readonly stats: SshStats;
  resetStats(): void;
  close(): Promise<void>;
}

/** Starts the host's SSH server (and latency proxy). */
export async function startTransport(o: TransportOptions): Promise<Transport> {
  const server = o.server ?? "ssh2";
  const proxied = o.latencyMs !== undefined && o.latencyMs > 0;
  const serverPortWanted = proxied ? undefined : o.port;
  let backend: { listen(): Promise<number>; close(): Promise<void>; readonly stats: SshStats; resetStats(): void };
  if (server === "openssh") {
    if (o.password !== undefined) throw new Error("password authentication is not available with the OpenSSH server");
    if (!proxied && o.host !== undefined && o.host !== "127.0.0.1") throw new Error("the OpenSSH server listens on 127.0.0.1 only");
    backend = new OpenSshServer({ stateDir: o.stateDir, authorizedKeysFiles: o.authorizedKeysFiles, port: serverPortWanted });
  } else {
    const ssh2 = new SimSshServer({
      stateDir: o.stateDir, hostPrivateKey: o.hostPrivateKey, authorizedKeysFiles: o.authorizedKeysFiles,
      password: o.password, host: proxied ? "127.0.0.1" : o.host, port: serverPortWanted,
    });
    backend = {
      listen: () => ssh2.listen(),
      close: () => ssh2.close(),
      get stats() {
        return ssh2.stats;
      },
      resetStats() {
        ssh2.stats.connections = 0;
        ssh2.stats.execChannels = 0;
        ssh2.stats.commands.length = 0;
      },
    };
  }
  const serverPort = await backend.listen();
  let proxy: LatencyProxy | undefined;
  if (proxied) {
    try {
      proxy = await startLatencyProxy(serverPort, o.latencyMs!, o.port ?? 0, o.host);
    } catch (e) {
      await backend.close();
      throw e;
    }
  }
  return {
    server,
    port: proxy?.port ?? serverPort,
    serverPort,
    get stats() {
      return backend.stats;
    },
    resetStats: () => backend.resetStats(),
    async close() {
      await proxy?.close();
      await backend.close();
    },
  };
}
