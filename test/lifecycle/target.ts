import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Client } from "ssh2";
import { expect } from "vitest";
import { DeploymentError, secret, unwrapSecrets, type ConfigValue, type Stack } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";

// Where lifecycle tests run: the simulated FreeBSD host by default, or a real FreeBSD host when
// FREEBSD_TEST_HOST is set (FREEBSD_TEST_PORT, FREEBSD_TEST_USER, FREEBSD_TEST_KEY = key file,
// FREEBSD_TEST_HOST_KEY = pinned key or fingerprint, FREEBSD_TEST_POOL = a pool to work under).

export interface TestTarget {
  kind: "sim" | "real";
  /** Stack config as `pulumi config set` would store it. */
  config: Record<string, ConfigValue>;
  /** A dataset prefix the tests own, e.g. `zroot/t-1a2b3c`; the target creates it. */
  prefix: string;
  /** Runs a shell command on the host out of band, as an administrator would. */
  exec(command: string): Promise<{ stdout: string; stderr: string; code: number }>;
  /** The simulated host, when the target is one (exec-channel counts, tool logs). */
  sim?: SimHost;
  stop(): Promise<void>;
}

export const realHost = process.env["FREEBSD_TEST_HOST"];

/** Starts a target: the simulated host, or the real one named by FREEBSD_TEST_HOST. */
export async function startTarget(kind: "sim" | "real" = "sim"): Promise<TestTarget> {
  if (kind === "sim") return startSim();
  if (!realHost) throw new Error("FREEBSD_TEST_HOST is not set");
  return startReal(realHost);
}

async function startSim(): Promise<TestTarget> {
  const target = targetOnSim(await startSimHost(), `zroot/t-${randomBytes(3).toString("hex")}`);
  await mustRun(target, `zfs create ${target.prefix}`);
  return target;
}

/** A target on a running simulated host, working under `prefix` (not created here). */
export function targetOnSim(sim: SimHost, prefix: string): TestTarget {
  return {
    kind: "sim",
    sim,
    prefix,
    config: {
      host: sim.host,
      port: String(sim.port),
      user: sim.user,
      privateKey: secret(sim.privateKey),
      hostKey: sim.hostKeyFingerprint,
    },
    exec: (command) => sim.exec(command),
    stop: () => sim.stop(),
  };
}

async function startReal(host: string): Promise<TestTarget> {
  const port = Number(process.env["FREEBSD_TEST_PORT"] ?? 22);
  const user = process.env["FREEBSD_TEST_USER"] ?? "root";
  const key = readFileSync(process.env["FREEBSD_TEST_KEY"] ?? `${process.env["HOME"]}/.ssh/id_ed25519`, "utf8");
  const hostKey = process.env["FREEBSD_TEST_HOST_KEY"];
  const pool = process.env["FREEBSD_TEST_POOL"] ?? "zroot";
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once("ready", () => resolve()).once("error", reject).connect({ host, port, username: user, privateKey: key });
  });
  const prefix = `${pool}/t-${randomBytes(3).toString("hex")}`;
  const target: TestTarget = {
    kind: "real",
    prefix,
    config: {
      host, port: String(port), user, privateKey: secret(key),
      ...(hostKey ? { hostKey } : { insecureIgnoreHostKey: "true" }),
    },
    exec: (command) => execOver(client, command),
    stop: async () => {
      await execOver(client, `zfs destroy -r ${prefix}`);
      client.end();
    },
  };
  await mustRun(target, `zfs create ${prefix}`);
  return target;
}

function execOver(client: Client, command: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = "";
      let stderr = "";
      let code = -1;
      stream.on("data", (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      stream.on("exit", (c: number) => (code = c));
      stream.on("close", () => resolve({ stdout, stderr, code }));
    });
  });
}

/** Runs a command out of band and fails the test if it fails. */
export async function mustRun(target: TestTarget, command: string): Promise<string> {
  const r = await target.exec(command);
  if (r.code !== 0) throw new Error(`\`${command}\` exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** One property of a dataset as the host reports it: [value, source]. */
export async function hostProperty(target: TestTarget, dataset: string, property: string): Promise<[string, string]> {
  const out = await mustRun(target, `zfs get -H -p -o value,source ${property} ${dataset}`);
  const [value, source] = out.replace(/\n$/, "").split("\t");
  return [value ?? "", source ?? ""];
}

/** Whether a dataset exists on the host. */
export async function datasetExists(target: TestTarget, dataset: string): Promise<boolean> {
  return (await target.exec(`zfs list -H -o name ${dataset}`)).code === 0;
}

/** A deployment that must fail: its error and diagnostics (Check failures are diagnostics), as one text. */
export async function failureOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DeploymentError);
  const d = err as DeploymentError;
  return [d.message, ...d.result.diagnostics.map((x) => x.message)].join("\n");
}

/** A resource's outputs, secrets unwrapped. */
export function outputsOf(s: Stack, name: string): Record<string, any> {
  return unwrapSecrets(s.resource(name)!.outputs as never) as Record<string, any>;
}
