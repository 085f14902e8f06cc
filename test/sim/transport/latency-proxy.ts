// A TCP proxy on loopback that delays every chunk by a fixed time in each direction, in order:
// this kernel has no netem (tc qdisc), and benchmarks need a network with a round-trip time.

import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";

/** What crossed the proxy since it started or since resetStats(): connections and bytes each way. */
export interface ProxyStats {
  connections: number;
  /** Bytes from the clients to the server. */
  bytesUp: number;
  /** Bytes from the server to the clients. */
  bytesDown: number;
}

export interface LatencyProxy {
  port: number;
  readonly stats: ProxyStats;
  resetStats(): void;
  /** Drops every proxied connection and stops listening. */
  close(): Promise<void>;
}

/** Pipes `from` into `to`, each chunk (and the end of stream) delivered `delayMs` after it arrived. */
function delayedPipe(from: Socket, to: Socket, delayMs: number, count: (bytes: number) => void): void {
  // One queue and one timer per direction: delivery order is the arrival order by construction.
  const queue: { due: number; chunk: Buffer | null }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const drain = (): void => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now) {
      const { chunk } = queue.shift()!;
      if (to.destroyed) return;
      if (chunk === null) to.end();
      else to.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(drain, Math.max(0, queue[0]!.due - performance.now()));
  };
  const push = (chunk: Buffer | null): void => {
    queue.push({ due: performance.now() + delayMs, chunk });
    if (timer === undefined) timer = setTimeout(drain, delayMs);
  };
  from.on("data", (chunk: Buffer) => {
    count(chunk.length);
    push(chunk);
  });
  from.on("end", () => push(null));
  from.on("close", () => {
    // A reset (or a destroy) tears the other side down once what arrived before it is delivered.
    if (from.readableEnded) return;
    push(null);
  });
  from.on("error", () => undefined);
  to.on("close", () => {
    if (timer !== undefined) clearTimeout(timer);
    queue.length = 0;
  });
}

/** Starts a proxy (on 127.0.0.1 unless told) to 127.0.0.1:targetPort adding `delayMs` each way. */
export async function startLatencyProxy(targetPort: number, delayMs: number, listenPort = 0, listenHost = "127.0.0.1"): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  let stats: ProxyStats = { connections: 0, bytesUp: 0, bytesDown: 0 };
  const track = (s: Socket): void => {
    sockets.add(s);
    s.setNoDelay(true);
    s.on("close", () => sockets.delete(s));
  };
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort, allowHalfOpen: true });
    track(client);
    track(upstream);
    stats.connections++;
    delayedPipe(client, upstream, delayMs, (n) => (stats.bytesUp += n));
    delayedPipe(upstream, client, delayMs, (n) => (stats.bytesDown += n));
    // Once both directions have ended (or either side is gone) the pair is closed.
    const closeBoth = (): void => {
      if (client.writableEnded && upstream.writableEnded) {
        client.destroySoon();
        upstream.destroySoon();
      }
    };
    client.on("finish", closeBoth);
    upstream.on("finish", closeBoth);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, listenHost, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    get stats() {
      return { ...stats };
    },
    resetStats: () => {
      stats = { connections: 0, bytesUp: 0, bytesDown: 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
