import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentSocket, retryPause } from "../../provider/src/host/dial.ts";
import { checkConfig, resolveConfig } from "../../provider/src/protocol/config.ts";
import { Provider } from "../../provider/src/protocol/provider.ts";
import { Secret, Unknown } from "../../provider/src/protocol/values.ts";

const quiet = { log: () => undefined } as never;
const diffConfig = (olds: Record<string, unknown>, news: Record<string, unknown>) => new Provider(quiet, {}).diffConfig(olds, news);

describe("checkConfig", () => {
  it("decodes string-typed config to its schema types and keeps version", () => {
    const r = checkConfig({ host: "h", port: "2222", insecureIgnoreHostKey: "true", maxSessions: "4", version: "0.1.0", user: "true" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ host: "h", port: 2222, insecureIgnoreHostKey: true, maxSessions: 4, version: "0.1.0", user: "true" });
  });
  it("names the key and the rule for bad values and unknown keys", () => {
    const r = checkConfig({ port: "99999", become: "su", hots: "x" });
    expect(r.failures.map((f) => f.property).sort()).toEqual(["become", "hots", "port"]);
    expect(r.failures.find((f) => f.property === "port")!.reason).toMatch(/freebsd:port: .*65535/);
    expect(r.failures.find((f) => f.property === "hots")!.reason).toMatch(/unknown configuration key freebsd:hots/);
    expect(r.failures.find((f) => f.property === "maxSessions")).toBeUndefined();
    expect(checkConfig({ maxSessions: "10" }).failures[0]!.reason).toMatch(/maxSessions/);
  });
  it("returns the credentials wrapped as secrets, whatever name they came under", () => {
    const r = checkConfig({ host: "h", privateKey: "K", privateKeyPassword: "P", password: "W" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ host: "h", privateKey: new Secret("K"), privateKeyPassphrase: new Secret("P"), password: new Secret("W") });
  });
});

describe("pulumi-command's names (aliases)", () => {
  it("stores each alias under this provider's name, in the state's one canonical form", () => {
    const r = checkConfig({ host: "h", agentSocketPath: "/run/agent", perDialTimeout: "15", dialErrorLimit: "-1" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ host: "h", agent: "/run/agent", connectTimeout: 15, dialErrorLimit: -1 });
  });
  it("accepts an alias and its canonical name set to the same value", () => {
    const r = checkConfig({ host: "h", agent: "/a", agentSocketPath: "/a" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ host: "h", agent: "/a" });
  });
  it("refuses both set to different values, naming both and never the values", () => {
    const r = checkConfig({ host: "h", privateKeyPassphrase: "one-s3cret", privateKeyPassword: "two-s3cret", connectTimeout: "5", perDialTimeout: "9" });
    expect(r.failures.map((f) => f.property).sort()).toEqual(["perDialTimeout", "privateKeyPassword"]);
    const reason = r.failures.find((f) => f.property === "privateKeyPassword")!.reason;
    expect(reason).toMatch(/freebsd:privateKeyPassword: set beside freebsd:privateKeyPassphrase, to a different value/);
    expect(JSON.stringify(r.failures)).not.toContain("s3cret");
  });
  it("refuses pulumi-command's perDialTimeout 0 (no limit) and a dialErrorLimit below -1", () => {
    const r = checkConfig({ perDialTimeout: "0", dialErrorLimit: "-2" });
    expect(r.failures.map((f) => f.property).sort()).toEqual(["dialErrorLimit", "perDialTimeout"]);
  });
  it("leaves an unknown alias for the preview and stores it under its canonical name", () => {
    const r = checkConfig({ host: "h", privateKeyPassword: Unknown });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ host: "h", privateKeyPassphrase: new Secret(Unknown) });
  });
});

describe("the bastion (proxy)", () => {
  const proxy = { host: "bastion", user: "jump", privateKey: "BK", privateKeyPassword: "BP", password: "BW", hostKey: "SHA256:x" };

  it("decodes it from its JSON text, keeps it as given under canonical names, its credentials secret", () => {
    const r = checkConfig({ host: "h", proxy: JSON.stringify(proxy) });
    expect(r.failures).toEqual([]);
    expect(r.inputs["proxy"]).toEqual({
      host: "bastion", user: "jump", privateKey: new Secret("BK"), privateKeyPassphrase: new Secret("BP"), password: new Secret("BW"), hostKey: "SHA256:x",
    });
  });
  it("decodes the bastion's numbers and flags given as text, as `pulumi config set --path` stores them", () => {
    const r = checkConfig({ host: "h", proxy: JSON.stringify({ host: "b", port: "2222", insecureIgnoreHostKey: "true", dialErrorLimit: "-1", user: "42" }) });
    expect(r.failures).toEqual([]);
    expect(r.inputs["proxy"]).toEqual({ host: "b", port: 2222, insecureIgnoreHostKey: true, dialErrorLimit: -1, user: "42" });
  });
  it("names the bastion's own keys in its failures", () => {
    const r = checkConfig({ host: "h", proxy: JSON.stringify({ host: "b", port: 0, become: "sudo" }) });
    expect(r.failures.map((f) => f.property)).toEqual(["proxy"]);
    expect(r.failures[0]!.reason).toMatch(/freebsd:proxy\.port: /);
    expect(r.failures[0]!.reason).toMatch(/become/); // a bastion runs no commands: become is not one of its keys
    const both = checkConfig({ host: "h", proxy: JSON.stringify({ host: "b", agent: "/a", agentSocketPath: "/b", connectTimeout: 20, perDialTimeout: 20 }) });
    expect(both.failures.map((f) => f.reason)).toEqual([
      "freebsd:proxy.agentSocketPath: set beside freebsd:proxy.agent, to a different value (agentSocketPath is pulumi-command's name for agent): set only one of them",
    ]);
    // A default is no conflict: perDialTimeout alone is the bastion's connectTimeout.
    expect(checkConfig({ host: "h", proxy: JSON.stringify({ host: "b", perDialTimeout: 10 }) }).inputs["proxy"]).toEqual({ host: "b", connectTimeout: 10 });
  });
  it("fills the bastion's defaults and canonical names at Configure", () => {
    const r = resolveConfig({ host: "h", privateKey: new Secret("K"), proxy: { host: "b", privateKeyPassword: new Secret("BP") } }, {});
    expect(r).toEqual({ config: expect.objectContaining({
      proxy: { host: "b", port: 22, user: "root", privateKeyPassphrase: "BP", insecureIgnoreHostKey: false, connectTimeout: 20, dialErrorLimit: 10 },
    }) });
  });
});

describe("resolveConfig", () => {
  it("takes secrets wrapped, fills defaults and FREEBSD_* environment values, never the agent's socket", () => {
    const r = resolveConfig({ privateKey: new Secret("KEY"), port: "22" }, { FREEBSD_HOST: "10.0.0.1", SSH_AUTH_SOCK: "/s", FREEBSD_AGENT: "/f" });
    expect(r).toEqual({
      config: expect.objectContaining({ host: "10.0.0.1", port: 22, user: "root", privateKey: "KEY", become: "none", maxSessions: 8, dialErrorLimit: 10 }),
    });
    expect((r as { config: Record<string, unknown> }).config["agent"]).toBeUndefined();
  });
  it("does not set a canonical key from the environment beside its alias (no conflict the user did not make)", () => {
    const r = resolveConfig({ host: "h", privateKeyPassword: new Secret("P") }, { FREEBSD_PRIVATE_KEY_PASSPHRASE: "other" });
    expect(r).toEqual({ config: expect.objectContaining({ privateKeyPassphrase: "P" }) });
  });
  it("takes the bastion from FREEBSD_PROXY", () => {
    const r = resolveConfig({ host: "h" }, { FREEBSD_PROXY: JSON.stringify({ host: "b", port: 2222 }) });
    expect(r).toEqual({ config: expect.objectContaining({ proxy: expect.objectContaining({ host: "b", port: 2222 }) }) });
  });
  it("reports a missing host", () => {
    expect(resolveConfig({}, {})).toEqual({ missing: ["host"] });
  });
});

describe("diffConfig", () => {
  it("shows no change when an agent socket recorded from the environment is no longer sent", () => {
    expect(diffConfig({ host: "h", agent: "/tmp/ssh-old/agent.1", version: "0.1.0" }, { host: "h", version: "0.1.0" }).changed).toBe(false);
    expect(diffConfig({ host: "h", proxy: { host: "b", agent: "/tmp/ssh-old/agent.1" } }, { host: "h", proxy: { host: "b" } }).changed).toBe(false);
  });
  it("shows a set agent changed to another: the engine would otherwise configure with the old one", () => {
    const d = diffConfig({ host: "h", agent: "/a" }, { host: "h", agent: "/b" });
    expect(d.changed).toBe(true);
    expect(d.replaces).toEqual([]);
  });
  it("shows no change for a name changed to its alias, and an update (never a replacement) for a new bastion or host", () => {
    expect(diffConfig({ host: "h", connectTimeout: 15 }, { host: "h", perDialTimeout: 15 }).changed).toBe(false);
    for (const news of [{ host: "h", proxy: { host: "b2" } }, { host: "h2", proxy: { host: "b" } }]) {
      const d = diffConfig({ host: "h", proxy: { host: "b" } }, news);
      expect(d.changed).toBe(true);
      expect(d.replaces).toEqual([]);
    }
  });
});

describe("the agent's socket at each dial", () => {
  it("is the one set, else FREEBSD_AGENT, else SSH_AUTH_SOCK; a set socket that is gone gives way to the environment's", () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-"));
    const live = join(dir, "agent.sock");
    writeFileSync(live, "");
    expect(agentSocket(live, { SSH_AUTH_SOCK: "/env" })).toBe(live);
    expect(agentSocket(undefined, { SSH_AUTH_SOCK: "/env", FREEBSD_AGENT: "/mine" })).toBe("/mine");
    expect(agentSocket(undefined, { SSH_AUTH_SOCK: "/env", FREEBSD_AGENT: "" })).toBe("/env");
    expect(agentSocket(join(dir, "gone"), { SSH_AUTH_SOCK: "/env" })).toBe("/env");
    expect(agentSocket(join(dir, "gone"), {})).toBe(join(dir, "gone"));
    expect(agentSocket(undefined, {})).toBeUndefined();
  });
  it("pauses between dials as pulumi-command does: 0.1 s growing by half, at most 5 s", () => {
    expect([1, 2, 3].map(retryPause)).toEqual([100, 150, 225]);
    expect(retryPause(20)).toBe(5_000);
  });
});
