import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, secret, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim } from "./target.ts";

// The provider's memory while a replica's stream passes through it: the plugin runs with a 64 MiB
// heap limit (NODE_OPTIONS), and a 384 MiB stream (six times that) goes from one simulated host to
// the other through it. Its resident set is sampled from /proc during the transfer and must stay
// flat: well under the stream's size, and within a bound of where it started.

const R = "freebsd:zfs:Replica";
const streamMiB = 384;
const heapMiB = 64;

/** The resident set of a process in KiB, from /proc (undefined once it is gone). */
function rssKiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

describe("zfs:Replica memory", () => {
  let src: SimHost;
  let dst: SimHost;

  beforeAll(async () => {
    [src, dst] = await Promise.all([startSimHost({ pools: [{ name: "tank" }] }), startSimHost({ pools: [{ name: "backup" }] })]);
    await mustRun(targetOnSim(src, "tank"), "zfs create tank/big");
    src.fillDataset("tank/big", streamMiB * 1024 * 1024);
    await mustRun(targetOnSim(src, "tank"), "zfs snapshot tank/big@full");
  });
  afterAll(async () => {
    await Promise.all([src?.stop(), dst?.stop()]);
  });

  it(`keeps the plugin's RSS flat while a ${streamMiB} MiB stream passes through it with a ${heapMiB} MiB heap`, async () => {
    const stack = new Stack((env) => startProvider({ env: { ...env, NODE_OPTIONS: `--max-old-space-size=${heapMiB}` } }), {
      config: targetOnSim(dst, "backup").config,
    });
    const samples: Array<{ t: number; pid: number; kib: number }> = [];
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const pid = stack.providers.at(-1)?.plugin?.pid;
        const kib = pid === undefined ? undefined : rssKiB(pid);
        if (pid !== undefined && kib !== undefined) samples.push({ t: Date.now(), pid, kib });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const started = Date.now();
    try {
      await stack.up({
        big: {
          type: R,
          inputs: {
            source: { host: src.host, port: src.port, privateKey: secret(src.privateKey), hostKey: src.hostKeyFingerprint },
            sourceDataset: "tank/big", dataset: "backup/big",
          } as never,
        },
      }, { skipPreview: true });
    } finally {
      done = true;
      await sampler;
    }
    const seconds = (Date.now() - started) / 1000;
    const out = unwrapSecrets(stack.resource("big")!.outputs as never) as Record<string, unknown>;
    expect(out).toMatchObject({ snapshot: "full", state: "ok" });
    expect(await mustRun(targetOnSim(dst, "backup"), "zfs get -H -p -o value referenced backup/big@full"))
      .toBe(await mustRun(targetOnSim(src, "tank"), "zfs get -H -p -o value referenced tank/big@full"));
    // The transfer's own progress lines (one every 2 s) prove the stream was in flight while sampled.
    const progress = stack.logs("info").filter((l) => / of about /.test(l.message));
    expect(progress.length).toBeGreaterThan(0);
    const pid = stack.providers.at(-1)!.plugin!.pid;
    const mine = samples.filter((s) => s.pid === pid).map((s) => s.kib);
    const first = mine[0]!;
    const peak = Math.max(...mine);
    const last = stack.logs("info").map((l) => l.message).find((m) => /tank\/big@full -> backup\/big: .* in [\d.]+ s/.test(m));
    const series = mine.filter((_, i) => i % 10 === 0).map((k) => (k / 1024).toFixed(0)).join(" ");
    console.log(`replica memory: RSS every second (MiB): ${series}`);
    console.log(`replica memory: ${streamMiB} MiB stream, heap limit ${heapMiB} MiB, ${mine.length} samples: RSS first ${(first / 1024).toFixed(1)} MiB, ` +
      `peak ${(peak / 1024).toFixed(1)} MiB, up took ${seconds.toFixed(1)} s; ${last ?? ""}`);
    // Flat: the peak stays far below the stream and within 96 MiB of the plugin's resident set at start,
    // and the second half of the run (another 190 MiB through) adds next to nothing to the first half's peak.
    const half = Math.floor(mine.length / 2);
    const growth = (Math.max(...mine.slice(half)) - Math.max(...mine.slice(0, half))) / 1024;
    console.log(`replica memory: second half of the run added ${growth.toFixed(1)} MiB to the first half's peak`);
    expect(peak / 1024).toBeLessThan(streamMiB / 2);
    expect((peak - first) / 1024).toBeLessThan(96);
    expect(growth).toBeLessThan(24);
  }, 600_000);
});
