// An ssh2 client connection for the transport tests that, unlike ssh-client.ts, reports how a
// command ended when the connection goes away under it (dropped, stalled) and when it closed.

import ssh2 from "ssh2";

export interface Outcome {
  stdout: string;
  stderr: string;
  /** Exit status; null when none arrived (connection dropped, channel closed first). */
  code: number | null;
  /** Set when the channel could not be opened or the exec request failed. */
  error?: string;
}

export interface TestConnection {
  client: ssh2.Client;
  /** Resolves when the connection is gone. */
  closed: Promise<void>;
  isClosed(): boolean;
  run(command: string, stdin?: string): Promise<Outcome>;
  end(): void;
}

/** Connects as root with the host's key. */
export async function openConnection(t: { host: string; port: number; user: string; privateKey: string }): Promise<TestConnection> {
  const client = new ssh2.Client();
  let gone = false;
  const closed = new Promise<void>((resolve) => client.on("close", () => {
    gone = true;
    resolve();
  }));
  await new Promise<void>((resolve, reject) => {
    client.once("ready", () => {
      client.setNoDelay(true);
      resolve();
    });
    client.on("error", (e) => reject(e));
    client.connect({ host: t.host, port: t.port, username: t.user, privateKey: t.privateKey, readyTimeout: 20_000 });
  });
  return {
    client,
    closed,
    isClosed: () => gone,
    end: () => client.end(),
    run: (command, stdin) => new Promise((resolve) => {
      const out: Outcome = { stdout: "", stderr: "", code: null };
      try {
        client.exec(command, (err, stream) => {
          if (err) return resolve({ ...out, error: err.message });
          stream.on("data", (d: Buffer) => { out.stdout += d.toString(); });
          stream.stderr.on("data", (d: Buffer) => { out.stderr += d.toString(); });
          stream.on("exit", (c: number | null) => { out.code = c; });
          stream.on("close", () => resolve(out));
          stream.end(stdin ?? "");
        });
      } catch (e) {
        resolve({ ...out, error: (e as Error).message });
      }
    }),
  };
}
