// A small ssh2 client for the simulator's tests: connect as root with the host's client key, run
// commands on exec channels, and report the host key the server presented.

import { createHash } from "node:crypto";
import ssh2 from "ssh2";
import { afterAll, beforeAll } from "vitest";
import { startSimHost, type SimHost, type SimHostOptions } from "./host.ts";

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface TestClient {
  run(command: string, stdin?: string): Promise<RunResult>;
  /** Runs a command with binary standard input and output (a zfs stream). */
  runBytes(command: string, stdin?: Buffer): Promise<{ stdout: Buffer; stderr: string; code: number }>;
  /** SHA256 fingerprint of the host key the server presented, as OpenSSH prints it. */
  seenFingerprint: string;
  end(): void;
}

/** Connects to a simulated host over SSH. */
export async function connect(host: SimHost, privateKey = host.privateKey): Promise<TestClient> {
  const client = new ssh2.Client();
  let seenFingerprint = "";
  await new Promise<void>((resolve, reject) => {
    client.on("ready", () => {
      client.setNoDelay(true);
      resolve();
    });
    client.on("error", reject);
    client.connect({
      host: host.host,
      port: host.port,
      username: host.user,
      privateKey,
      hostVerifier: (key: Buffer) => {
        seenFingerprint = `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
        return true;
      },
    });
  });
  return {
    seenFingerprint,
    end: () => client.end(),
    run: (command, stdin) => new Promise((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = "";
        let stderr = "";
        let code = -1;
        stream.on("data", (d: Buffer) => { stdout += d.toString(); });
        stream.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
        stream.on("exit", (c: number | null) => { code = c ?? -1; });
        stream.on("close", () => resolve({ stdout, stderr, code }));
        stream.end(stdin ?? "");
      });
    }),
    runBytes: (command, stdin) => new Promise((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) return reject(err);
        const out: Buffer[] = [];
        let stderr = "";
        let code = -1;
        stream.on("data", (d: Buffer) => out.push(d));
        stream.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
        stream.on("exit", (c: number | null) => { code = c ?? -1; });
        stream.on("close", () => resolve({ stdout: Buffer.concat(out), stderr, code }));
        stream.end(stdin ?? Buffer.alloc(0));
      });
    }),
  };
}

/**
 * Starts a simulated host and an SSH client to it before a test file's tests and stops both after;
 * `use` hands them to the file's own variables.
 */
export function useSimHost(use: (host: SimHost, ssh: TestClient) => void, opts?: SimHostOptions): void {
  let host: SimHost | undefined;
  let ssh: TestClient | undefined;
  beforeAll(async () => {
    host = await startSimHost(opts);
    ssh = await connect(host);
    use(host, ssh);
  });
  afterAll(async () => {
    ssh?.end();
    await host?.stop();
  });
}
