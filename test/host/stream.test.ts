import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "freebsd-sim";
import { providerConfigSchema } from "../../provider/src/core/config.ts";
import { TimeoutError, TransportError } from "../../provider/src/core/errors.ts";
import { SshConnection } from "../../provider/src/host/connection.ts";
import { quoteArgv } from "../../provider/src/host/quote.ts";
import { HostSession } from "../../provider/src/host/session.ts";
import { pipeStream, type PipeEnd } from "../../provider/src/host/stream.ts";

// The streaming exec between two hosts (host/stream.ts) against two simulated hosts: a stream piped
// from one connection's command into another's, progress as it passes, and what cancellation, the
// deadline, a lost connection and a failing receiver do. Whenever the sender stops, the receiver gets
// the end of its input (never a killed channel), so a `zfs receive -s` keeps what it got.

let src: SimHost;
let dst: SimHost;
let from: SshConnection;
let to: SshConnection;
const MiB = 1024 * 1024;

const connectionTo = (sim: SimHost) =>
  new SshConnection(providerConfigSchema.parse({ host: sim.host, port: sim.port, privateKey: sim.privateKey, hostKey: sim.hostKeyFingerprint }));
const send = (snap: string): PipeEnd => ({ connection: from, line: quoteArgv(["zfs", "send", snap]) });
const recv = (ds: string, ...flags: string[]): PipeEnd => ({ connection: to, line: quoteArgv(["zfs", "receive", ...flags, ds]) });
const token = async (ds: string) => (await dst.exec(`zfs get -H -o value receive_resume_token ${ds}`)).stdout.trim();

beforeAll(async () => {
  [src, dst] = await Promise.all([startSimHost({ pools: [{ name: "tank" }] }), startSimHost({ pools: [{ name: "backup" }] })]);
  await src.exec("zfs create tank/a");
  src.fillDataset("tank/a", 48 * MiB);
  await src.exec("zfs snapshot tank/a@s");
  from = connectionTo(src);
  to = connectionTo(dst);
});

afterAll(async () => {
  from?.close();
  to?.close();
  await Promise.all([src?.stop(), dst?.stop()]);
});

describe("pipeStream", () => {
  it("pipes a stream from one host's command into another's, reporting bytes as they pass", async () => {
    const seen: number[] = [];
    const out = await pipeStream(send("tank/a@s"), recv("backup/a", "-s", "-u"), { onProgress: (b) => seen.push(b) });
    expect(out.source).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(out.sink).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(out.bytes).toBeGreaterThan(48 * MiB);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.at(-1)).toBe(out.bytes);
    expect(seen.every((b, i) => i === 0 || b > seen[i - 1]!)).toBe(true);
    expect((await dst.exec("zfs list -H -t snapshot -o name backup/a")).stdout).toBe("backup/a@s\n");
  });

  it("on cancel, stops the sender and ends the receiver's input: a resumable receive keeps what it got", async () => {
    const ctl = new AbortController();
    const run = pipeStream(send("tank/a@s"), recv("backup/c", "-s", "-u"), { signal: ctl.signal, onProgress: (b) => b > 8 * MiB && ctl.abort() });
    await expect(run).rejects.toThrow(TransportError);
    await expect(run).rejects.toThrow(/transfer cancelled after \d+ bytes/);
    expect(await token("backup/c")).toMatch(/^1-[0-9a-f]+-/);
  });

  it("at the deadline, throws TimeoutError after the same clean stop", async () => {
    // A stream far longer than the deadline at any speed this machine reaches (~100 MiB/s at best).
    await src.exec("zfs create tank/big");
    src.fillDataset("tank/big", 1024 * MiB);
    await src.exec("zfs snapshot tank/big@s");
    const run = pipeStream(send("tank/big@s"), recv("backup/d", "-s", "-u"), { deadline: Date.now() + 1500 });
    await expect(run).rejects.toThrow(TimeoutError);
    expect(await token("backup/d")).toMatch(/^1-/);
  });

  it("a receiver that never answers ends at the deadline, even when the whole stream was sent before it", async () => {
    // Small enough to leave the sender at once (it fits the channel's window); the receiving exec hangs.
    await src.exec("zfs create tank/small && zfs snapshot tank/small@s");
    dst.faults.stallCommand(/'receive'/);
    const started = Date.now();
    const run = pipeStream(send("tank/small@s"), recv("backup/small", "-s", "-u"), { deadline: started + 1500 });
    await expect(run).rejects.toThrow(TimeoutError);
    await expect(run).rejects.toThrow(/the operation's deadline passed while the receiving command ran, after \d+ bytes; its channel was closed/);
    // Not the minute a receiver otherwise gets to finish after its input ended.
    expect(Date.now() - started).toBeLessThan(5000);
    dst.faults.clear();
  });

  it("HostSession.pipeTo runs both sides under timeout(1): the host stops a receive that hangs, and says so", async () => {
    const config = (sim: SimHost) => providerConfigSchema.parse({ host: sim.host, port: sim.port, privateKey: sim.privateKey, hostKey: sim.hostKeyFingerprint });
    const [source, replica] = [new HostSession(config(src)), new HostSession(config(dst))];
    dst.faults.stallTool(/^zfs receive/);
    const started = Date.now();
    const run = source.pipeTo(replica, { argv: ["zfs", "send", "tank/small@s"] }, { argv: ["zfs", "receive", "-s", "-u", "backup/small2"] }, { deadline: started + 2000 });
    await expect(run).rejects.toThrow(TimeoutError);
    await expect(run).rejects.toThrow(/the operation's deadline passed while `zfs receive -s -u backup\/small2` ran; it was stopped on the host/);
    expect(Date.now() - started).toBeLessThan(5000);
    dst.faults.clear();
    source.close();
    replica.close();
  });

  it("reports a sending connection lost mid-stream as that host's TransportError; the receiver still gets EOF", async () => {
    src.faults.dropAfterBytes(6 * MiB);
    const run = pipeStream(send("tank/a@s"), recv("backup/e", "-s", "-u"), {});
    await expect(run).rejects.toThrow(new RegExp(`^root@127\\.0\\.0\\.1:${src.port}: connection lost during the transfer, after \\d+ bytes$`));
    expect(await token("backup/e")).toMatch(/^1-/);
  });

  it("returns both exit statuses when the receiver refuses the stream (the sender is stopped)", async () => {
    const out = await pipeStream(send("tank/a@s"), recv("backup/a"), {});
    expect(out.sink.code).toBe(1);
    expect(out.sink.stderr).toBe("cannot receive new filesystem stream: destination 'backup/a' exists\nmust specify -F to overwrite it\n");
    expect(out.bytes).toBeLessThan(48 * MiB);
  });
});
