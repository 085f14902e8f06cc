import { existsSync } from "node:fs";
import type { Duplex } from "node:stream";
import type { Client, ClientChannel, ConnectConfig } from "ssh2";
import { agentEnvironment, type ProviderConfig, type ProxyConfig } from "../core/config.ts";
import { verifyHostKey, type HostKeyRole } from "./host-key.ts";

// Dialling a host: an authenticated ssh2 Client, reached directly or through a bastion (the host's
// SSH connection runs inside a `direct-tcpip` channel the bastion opens to it, as OpenSSH's
// ProxyJump does), each host key verified. Failures to reach a server are retried as pulumi-command
// does (dialErrorLimit, a pause growing from 0.1 s by 1.5 up to 5 s); a host key refusal or a failed
// login is not: it would only fail again.

/** The settings of one dial: the managed host's or the bastion's. */
type Endpoint = ProxyConfig | ProviderConfig;

/** What a dial needs besides the settings. */
export interface DialContext {
  /** Where an unset `agent` comes from, read at each dial. */
  env: NodeJS.ProcessEnv;
  /** False once the connection was closed: no further attempt is made. */
  wanted: () => boolean;
}

/** A ready connection: the host's client, and the bastion's when it was reached through one. */
export interface Dialled {
  client: Client;
  bastion?: Client;
}

/** Why one dial failed, and whether another attempt may succeed. */
export class DialError extends Error {
  readonly retry: boolean;
  constructor(message: string, retry: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DialError";
    this.retry = retry;
  }
}

/** The agent socket a dial uses: the one set, unless its socket is gone; else FREEBSD_AGENT, then SSH_AUTH_SOCK. */
export function agentSocket(configured: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (configured && !(configured.startsWith("/") && !existsSync(configured))) return configured;
  const fromEnv = agentEnvironment.map((name) => env[name]).find((v) => v !== undefined && v !== "");
  return fromEnv ?? configured;
}

/** `user@host:port`, as errors name a server. */
export function labelOf(ep: { user: string; host: string; port: number }): string {
  return `${ep.user}@${ep.host}:${ep.port}`;
}

/** The pause before the attempt after `failures` failures: pulumi-command's (0.1 s, x1.5, at most 5 s). */
export function retryPause(failures: number): number {
  return Math.min(100 * 1.5 ** (failures - 1), 5_000);
}

/** Runs `attempt` until it succeeds, fails for good, or `limit` failures were retried (-1: no limit). */
async function withRetries<T>(limit: number, context: DialContext, attempt: () => Promise<T>): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof DialError) || !err.retry) throw err;
      if ((limit !== -1 && failures > limit) || !context.wanted()) {
        throw failures > 1 ? new DialError(`${err.message} (${failures} attempts)`, false, { cause: err }) : err;
      }
      await new Promise((resolve) => setTimeout(resolve, retryPause(failures)));
    }
  }
}

/** Dials the host of `config`, through its bastion when it has one. */
export async function dial(config: ProviderConfig, context: DialContext): Promise<Dialled> {
  const ssh2 = await import("ssh2");
  if (!config.proxy) return { client: await withRetries(config.dialErrorLimit, context, () => dialOnce(ssh2, config, "host", context)) };
  const proxy = config.proxy;
  let bastion: Client;
  try {
    bastion = await withRetries(proxy.dialErrorLimit, context, () => dialOnce(ssh2, proxy, "bastion", context));
  } catch (err) {
    throw new DialError(`cannot reach the bastion ${labelOf(proxy)}: ${(err as Error).message}`, false, { cause: err });
  }
  try {
    const client = await withRetries(config.dialErrorLimit, context, async () => {
      const tunnel = await forward(bastion, config, proxy);
      return dialOnce(ssh2, config, "host", context, tunnel);
    });
    // The bastion's connection serves this host only: when the host's ends, so does it.
    client.once("close", () => bastion.end());
    bastion.once("close", () => client.end());
    return { client, bastion };
  } catch (err) {
    bastion.end();
    const message = (err as Error).message;
    if (!(err instanceof DialError) || message.includes("through the bastion")) throw err;
    throw new DialError(`${message} (through the bastion ${labelOf(proxy)})`, false, { cause: err });
  }
}

/** A `direct-tcpip` channel from the bastion to the host's SSH port. */
function forward(bastion: Client, config: ProviderConfig, proxy: ProxyConfig): Promise<ClientChannel> {
  const through = `through the bastion ${labelOf(proxy)}`;
  return new Promise((resolve, reject) => {
    try {
      bastion.forwardOut("127.0.0.1", 0, config.host, config.port, (err, channel) => {
        if (!err) return resolve(channel);
        // RFC 4254 §5.1: 2 is "connect failed" (the host's sshd not up yet), 4 a resource shortage; 1
        // (administratively prohibited) means the bastion does not allow TCP forwarding at all.
        const reason = (err as Error & { reason?: number }).reason;
        const hint = reason === 1 ? " (does the bastion allow TCP forwarding? OpenSSH: AllowTcpForwarding)" : "";
        reject(new DialError(`cannot connect ${through}: ${err.message}${hint}`, reason === 2 || reason === 4));
      });
    } catch (err) {
      reject(new DialError(`cannot connect ${through}: the bastion's connection is gone (${(err as Error).message})`, false));
    }
  });
}

/** One dial: TCP (or the given tunnel), the SSH handshake with the host key checked, the login. */
async function dialOnce(
  ssh2: typeof import("ssh2"), ep: Endpoint, role: HostKeyRole, context: DialContext, sock?: Duplex,
): Promise<Client> {
  const agent = agentSocket(ep.agent, context.env);
  const setting = role === "bastion" ? "freebsd:proxy." : "freebsd:";
  if (!ep.privateKey && !ep.password && !agent) {
    throw new DialError(`no SSH credentials: set ${setting}privateKey, ${setting}password or an agent`, false);
  }
  return new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    let refusal: string | undefined;
    let settled = false;
    const fail = (err: DialError) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(err);
    };
    const options: ConnectConfig = {
      host: ep.host,
      port: ep.port,
      username: ep.user,
      readyTimeout: ep.connectTimeout * 1000,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      hostVerifier: (key: Buffer) => {
        const verdict = verifyHostKey(key, ep, role);
        if (!verdict.ok) refusal = verdict.reason;
        return verdict.ok;
      },
      ...(sock ? { sock: sock as ConnectConfig["sock"] } : {}),
    };
    if (ep.privateKey) options.privateKey = ep.privateKey;
    if (ep.privateKeyPassphrase) options.passphrase = ep.privateKeyPassphrase;
    if (ep.password) options.password = ep.password;
    if (agent) options.agent = agent;
    client.on("ready", () => {
      if (settled) return;
      settled = true;
      resolve(client);
    });
    client.on("error", (err: Error & { level?: string }) => fail(describeDialError(err, refusal)));
    client.on("close", () => fail(refusal ? new DialError(refusal, false) : new DialError("connection closed during the SSH handshake", true)));
    try {
      client.connect(options);
      // Small request/response packets: without TCP_NODELAY each exec waits on Nagle's algorithm.
      if (!sock) client.setNoDelay(true);
    } catch (err) {
      fail(new DialError(`cannot connect: ${(err as Error).message}`, false, { cause: err }));
    }
  });
}

/** Words a dial failure the way an operator can act on it, and says whether trying again may help. */
function describeDialError(err: Error & { level?: string }, refusal: string | undefined): DialError {
  if (refusal) return new DialError(refusal, false, { cause: err });
  if (err.level === "client-authentication") return new DialError("authentication failed (check user, key or password)", false, { cause: err });
  if (err.level === "client-timeout") return new DialError("timed out waiting for the SSH handshake", true, { cause: err });
  // A server that accepts and closes before its banner (an sshd starting, MaxStartups) may take the next one.
  const retry = err.level === "client-socket" || err.message === "Connection lost before handshake";
  return new DialError(`cannot connect: ${err.message}`, retry, { cause: err });
}
