// The delaying proxy: N ms each way, in order, in front of either server (SimHost.port is then the
// proxy's; serverPort stays direct).

import { createServer, createConnection, type AddressInfo, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { startSimHost } from "../host.ts";
import { startLatencyProxy } from "./latency-proxy.ts";
import { openConnection } from "./test-connection.ts";

describe("latency proxy", () => {
  const sockets: Socket[] = [];
  const echo = createServer((s) => {
    sockets.push(s);
    s.pipe(s);
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    echo.close();
  });

  it("delays each direction by N ms and keeps the byte order", async () => {
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const proxy = await startLatencyProxy((echo.address() as AddressInfo).port, 40);
    const sock = createConnection({ host: "127.0.0.1", port: proxy.port });
    await new Promise<void>((resolve) => sock.once("connect", resolve));
    const expected = Array.from({ length: 200 }, (_, i) => `${i};`).join("");
    let got = "";
    const done = new Promise<number>((resolve) => sock.on("data", (d: Buffer) => {
      got += d.toString();
      if (got.length >= expected.length) resolve(performance.now());
    }));
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      sock.write(`${i};`);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    const finished = await done;
    expect(got).toBe(expected);
    expect(finished - started).toBeGreaterThanOrEqual(80);
    // The counters: one connection, every byte once each way (the echo sends back what it got).
    expect(proxy.stats).toEqual({ connections: 1, bytesUp: expected.length, bytesDown: expected.length });
    proxy.resetStats();
    expect(proxy.stats).toEqual({ connections: 0, bytesUp: 0, bytesDown: 0 });
    sock.destroy();
    await proxy.close();
  });

  it.each(["ssh2", "openssh"] as const)("puts N ms each way in front of the %s server", async (server) => {
    const host = await startSimHost({ server, latencyMs: 60 });
    try {
      expect(host.port).not.toBe(host.serverPort);
      const conn = await openConnection(host);
      await conn.run("true");
      const started = performance.now();
      expect(await conn.run("zfs list -H -o name zroot")).toMatchObject({ stdout: "zroot\n", code: 0 });
      // Channel open and exec request each cost a round trip: at least 2 x 60 ms, twice.
      expect(performance.now() - started).toBeGreaterThanOrEqual(240);
      conn.end();
      // The server's own port stays reachable without the proxy (no upper time bound: tests never assert speed).
      const direct = await openConnection({ ...host, port: host.serverPort });
      expect(await direct.run("echo direct")).toMatchObject({ stdout: "direct\n", code: 0 });
      direct.end();
      expect(host.stats.connections).toBe(2);
    } finally {
      await host.stop();
    }
  });
});
