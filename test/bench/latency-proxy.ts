import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";

// A TCP proxy on loopback that delays every chunk by a fixed time in each direction, in order:
// this kernel has no netem, and benchmarks need a network with a round-trip time.

/** Pipes `from` into `to`, each chunk delivered `delayMs` after it arrived, order kept. */
function delayedPipe(from: Socket, to: Socket, delayMs: number): void {
  let last = 0;
  from.on("data", (chunk: Buffer) => {
    const due = Math.max(Date.now() + delayMs, last);
    last = due;
    setTimeout(() => to.write(chunk), due - Date.now());
  });
  from.on("end", () => setTimeout(() => to.end(), Math.max(0, last - Date.now()) + delayMs));
  from.on("error", () => to.destroy());
}

/** Starts a proxy to 127.0.0.1:targetPort adding `delayMs` each way; resolves with its port. */
export async function startLatencyProxy(targetPort: number, delayMs: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    }
    delayedPipe(client, upstream, delayMs);
    delayedPipe(upstream, client, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
