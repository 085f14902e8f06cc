import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSecret, secret, type ProviderClient, type Value, type ValueMap } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun } from "../lifecycle/target.ts";
import { configuredProvider, PROVIDER_URN, urnOf } from "./provider.ts";

// Secrets (issue 13): representative operations with every kind of secret input (an encrypted private
// key and its passphrase, a password, a bastion's key and passphrase, a replica source's credentials,
// a command's secret environment, a secret property), on success paths and on failure paths whose
// messages would echo a secret (a script printing it to stderr, a wrong passphrase, a wrong password,
// a key that is no key). Then everything the provider emitted is scanned: the engine's log calls, the
// plugin's stderr, every error message, every output that is not a wrapped secret, and the command lines
// the host saw (the tool log). No secret text appears in any of them.

const tag = randomBytes(4).toString("hex");
const S = {
  passphrase: `pp-${tag}-host`,
  bastionPassphrase: `pp-${tag}-bastion`,
  sourcePassphrase: `pp-${tag}-source`,
  password: `pw-${tag}-root`,
  wrongPassword: `pw-${tag}-wrong`,
  wrongPassphrase: `pp-${tag}-wrong`,
  token: `tok-${tag}-env`,
  property: `prop-${tag}-value`,
  notAKey: `-----BEGIN OPENSSH PRIVATE KEY-----\nnotakey${tag}notakey\n-----END OPENSSH PRIVATE KEY-----\n`,
};
let sim: SimHost;
let encryptedKey: string; // the host's key under S.passphrase
let bastionKey: string; // the same key under S.bastionPassphrase
let sourceKey: string; // and under S.sourcePassphrase
let base: Record<string, Value>;
const providers: ProviderClient[] = [];
const errors: string[] = [];
const outputs: Value[] = [];

/** The texts that must never show: every secret value, and each line of the keys' bodies. */
function secretTexts(): string[] {
  const keyLines = [sim.privateKey, encryptedKey, bastionKey, sourceKey, S.notAKey].flatMap((k) => k.split("\n")).filter((l) => l.length >= 16 && !l.startsWith("-----"));
  return [...Object.values(S).filter((v) => !v.startsWith("-----")), `notakey${tag}`, ...keyLines];
}

beforeAll(async () => {
  sim = await startSimHost({ password: S.password });
  const encrypt = (passphrase: string) => {
    const dir = mkdtempSync(join(tmpdir(), "fz-key-"));
    try {
      writeFileSync(join(dir, "id"), sim.privateKey, { mode: 0o600 });
      execFileSync("ssh-keygen", ["-q", "-p", "-P", "", "-N", passphrase, "-f", join(dir, "id")]);
      return readFileSync(join(dir, "id"), "utf8");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  [encryptedKey, bastionKey, sourceKey] = [encrypt(S.passphrase), encrypt(S.bastionPassphrase), encrypt(S.sourcePassphrase)];
  base = { host: sim.host, port: String(sim.port), user: "root", hostKey: sim.hostKeyFingerprint };
  await mustRun({ exec: (c: string) => sim.exec(c) } as never, [
    "zfs create -p zroot/sec/src && zfs snapshot zroot/sec/src@one",
    "zfs create zroot/sec/root && tar -xf /usr/freebsd-dist/base.txz -C /zroot/sec/root && jail -c name=sec path=/zroot/sec/root persist",
  ].join(" && "));
});
afterAll(async () => {
  for (const p of providers) await p.kill();
  await sim?.stop();
});

async function provider(config: Record<string, Value>): Promise<ProviderClient> {
  const p = await configuredProvider(config as never);
  providers.push(p);
  return p;
}

/** Runs an operation expected to fail and keeps its message for the scan. */
async function failing(op: Promise<unknown>): Promise<string> {
  const e = await op.then(() => undefined, (err: unknown) => err);
  expect(e, "the operation should have failed").toBeInstanceOf(Error);
  const message = String((e as Error).message);
  errors.push(message, JSON.stringify((e as { initFailed?: unknown }).initFailed ?? null));
  return message;
}

async function create(p: ProviderClient, token: string, name: string, inputs: Record<string, Value>) {
  const urn = urnOf(token, name);
  const checked = await p.check({ urn, olds: {}, news: inputs as ValueMap, allowUnknowns: false });
  expect(checked.failures).toEqual([]);
  const made = await p.create({ urn, properties: checked.inputs!, preview: false, timeout: 300 });
  outputs.push(checked.inputs!, made.properties!);
  const read = await p.read({ urn, id: made.id, properties: made.properties!, inputs: checked.inputs! });
  outputs.push(read.properties!, read.inputs!);
  return { urn, id: made.id, inputs: checked.inputs!, outputs: read.properties! };
}

/** Every leaf of a value that is not inside a secret, as text. */
function plainLeaves(v: unknown, out: string[] = []): string[] {
  if (isSecret(v)) return out;
  if (Array.isArray(v)) v.forEach((x) => plainLeaves(x, out));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(k), plainLeaves(x, out);
  else if (v !== undefined) out.push(String(v));
  return out;
}

describe("secret inputs never show in what the provider emits", () => {
  it("an encrypted key and its passphrase, through a bastion with its own: a dataset with a secret property, a command with a secret environment, a replica with the source's credentials", async () => {
    const p = await provider({
      ...base,
      privateKey: secret(encryptedKey),
      privateKeyPassphrase: secret(S.passphrase),
      // The host itself is its own bastion (its sshd forwards to its loopback port), logged in to with the key under another passphrase.
      proxy: JSON.stringify({ host: sim.host, port: sim.port, user: "root", privateKey: bastionKey, privateKeyPassphrase: S.bastionPassphrase, hostKey: sim.hostKeyFingerprint }),
    });
    const ds = await create(p, "freebsd:zfs:Dataset", "ds", { name: "zroot/sec/ds", properties: { "org.fuzz:token": secret(S.property) } });
    expect(isSecret((ds.outputs["properties"] as ValueMap | undefined)?.["org.fuzz:token"]) || isSecret(ds.outputs["properties"])).toBe(true);
    const cmd = await create(p, "freebsd:jail:Command", "cmd", { jail: "sec", create: 'printf "%s" "$TOKEN"', environment: { TOKEN: secret(S.token) } });
    // What the script printed came from a secret: it stays one.
    expect(isSecret(cmd.outputs["stdout"])).toBe(true);
    expect((cmd.outputs["stdout"] as { value: unknown }).value).toBe(S.token);
    const message = await failing(create(p, "freebsd:jail:Command", "leaky", {
      jail: "sec", create: 'echo "token is $TOKEN" >&2; exit 3', environment: { TOKEN: secret(S.token) },
    }));
    expect(message).toContain("token is [secret]");
    const replica = await create(p, "freebsd:zfs:Replica", "rep", {
      source: secret({ ...base, port: sim.port, privateKey: sourceKey, privateKeyPassphrase: S.sourcePassphrase }),
      sourceDataset: "zroot/sec/src", dataset: "zroot/sec/dst",
    });
    expect(replica.id).toBe("zroot/sec/dst");
    for (const r of [replica, cmd, ds]) await p.delete({ urn: r.urn, id: r.id, outputs: r.outputs, inputs: r.inputs });
  });

  it("a password, and failures that would echo one: a wrong password, a wrong passphrase, a key that is no key, a replica source's wrong passphrase", async () => {
    const pw = await provider({ ...base, password: secret(S.password) });
    const ds = await create(pw, "freebsd:zfs:Dataset", "pw", { name: "zroot/sec/pw" });
    await pw.delete({ urn: ds.urn, id: ds.id, outputs: ds.outputs, inputs: ds.inputs });

    const wrongPw = await provider({ ...base, password: secret(S.wrongPassword) });
    await failing(create(wrongPw, "freebsd:zfs:Dataset", "wrong-pw", { name: "zroot/sec/x" }));
    const wrongPass = await provider({ ...base, privateKey: secret(encryptedKey), privateKeyPassphrase: secret(S.wrongPassphrase) });
    await failing(create(wrongPass, "freebsd:zfs:Dataset", "wrong-pp", { name: "zroot/sec/x" }));
    const noKey = await provider({ ...base, privateKey: secret(S.notAKey) });
    await failing(create(noKey, "freebsd:zfs:Dataset", "no-key", { name: "zroot/sec/x" }));
    const good = await provider({ ...base, privateKey: secret(sim.privateKey) });
    await failing(create(good, "freebsd:zfs:Replica", "rep-wrong", {
      source: secret({ ...base, port: sim.port, privateKey: encryptedKey, privateKeyPassphrase: S.wrongPassphrase }),
      sourceDataset: "zroot/sec/src", dataset: "zroot/sec/dst2",
    }));
    // CheckConfig refusing secret settings says why without their values.
    const r = await good.checkConfig({
      urn: PROVIDER_URN, olds: {}, allowUnknowns: false,
      news: { ...base, privateKeyPassword: secret(S.passphrase), privateKeyPassphrase: secret(S.wrongPassphrase) } as ValueMap,
    });
    expect(r.failures.map((f) => f.property)).toEqual(["privateKeyPassword"]);
    errors.push(...r.failures.map((f) => f.reason));
    expect(isSecret(r.inputs?.["privateKeyPassphrase"])).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(10);
  });

  it("appear nowhere: engine log calls, the plugins' stderr, error messages, plain outputs, the host's command lines", async () => {
    const texts = secretTexts();
    const logs = providers.flatMap((p) => p.engine?.logs.map((l) => l.message) ?? []);
    const stderr = providers.map((p) => p.stderr());
    const tools = (await sim.toolLog()).map((argv) => argv.join(" "));
    const leaves = outputs.flatMap((o) => plainLeaves(o));
    // zfs(8) takes a property's value only as an argument: that one secret is on the host's command line by necessity.
    const unavoidable = new Set([S.property]);
    const places: [string, string[]][] = [["engine log", logs], ["plugin stderr", stderr], ["error", errors], ["plain output", leaves],
      ["host command line", tools.map((t) => [...unavoidable].reduce((x, u) => x.replaceAll(u, ""), t))]];
    const found: string[] = [];
    for (const [where, items] of places) {
      for (const item of items) for (const t of texts) if (item.includes(t)) found.push(`${where} holds ${JSON.stringify(t)}: ${JSON.stringify(item).slice(0, 300)}`);
    }
    expect(found.slice(0, 10)).toEqual([]);
    // The scan had something to scan: the plugins logged at debug level, and the host ran the operations.
    expect(logs.some((l) => l.includes("zfs"))).toBe(true);
    expect(tools.some((t) => t.startsWith("zfs receive") || t.startsWith("zfs recv"))).toBe(true);
    expect(tools.some((t) => t.startsWith("jexec"))).toBe(true);
    console.log(`secrets: ${texts.length} secret texts scanned for in ${logs.length} engine log calls, ${stderr.join("").length} bytes of plugin stderr, ${errors.length} error messages, ${leaves.length} plain output values, ${tools.length} host command lines`);
  });
});
