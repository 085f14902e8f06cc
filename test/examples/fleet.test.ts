import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { utils } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimHost, type SimHost } from "freebsd-sim";
import { secret, unwrapSecrets, type ResourceState } from "pulumi-engine-harness";
import { ProgramRunError, type ProgramStack } from "../engine/program/program-stack.ts";
import { hostSnapshot, mustExec, programStack, root, snapshotChanges, startHost } from "./program-host.ts";

// examples/fleet end to end through the program runner against two simulated hosts, "east" and
// "west", listed in the stack's config and reached with one deploy key: preview, up (the tenant layout
// on each host through its own explicit provider, alpha's data replicated from east to west), a
// refresh with no drift, a new snapshot listed in config taken on east and sent to west's replica,
// destroy leaving both hosts as they were.

let east: SimHost;
let west: SimHost;
let keys: string;
let stack: ProgramStack;
let before: Record<string, string>[];
const resource = (name: string): ResourceState => stack.state.stack.resources.find((r) => r.name === name)!;
const ops = (steps: { op: string; type: string }[]) => steps.filter((s) => !s.type.startsWith("pulumi:providers:")).map((s) => s.op);
const changed = (steps: { op: string; type: string; name: string }[]) =>
  steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.name}`).sort();
const guid = async (host: SimHost, name: string) => (await mustExec(host, `zfs get -H -p -o value guid ${name}`)).trim();

beforeAll(async () => {
  east = await startHost({ racct: true });
  // One deploy key for the fleet: east's client key, authorized on west too.
  const key = utils.parseKey(east.privateKey);
  if (key instanceof Error) throw key;
  keys = mkdtempSync(join(tmpdir(), "fleet-keys-"));
  writeFileSync(join(keys, "authorized_keys"), `${key.type} ${key.getPublicSSH().toString("base64")} fleet\n`);
  west = await startWest(join(keys, "authorized_keys"));
  before = await Promise.all([hostSnapshot(east), hostSnapshot(west)]);
  const hosts = [east, west].map((h, i) => ({ name: ["east", "west"][i], host: h.host, port: h.port, hostKey: h.hostKeyFingerprint }));
  stack = programStack({
    dir: `${root}/examples/fleet`,
    config: { hosts: JSON.stringify(hosts), privateKey: secret(east.privateKey), releaseMirror: "/usr/freebsd-dist" },
  });
}, 120_000);
afterAll(async () => {
  await Promise.all([east?.stop(), west?.stop()]);
  if (keys) rmSync(keys, { recursive: true, force: true });
});

/** West, with racct on and the fleet key authorized besides its own. */
async function startWest(authorizedKeysFile: string): Promise<SimHost> {
  const host = await startSimHost({ authorizedKeysFile });
  await mustExec(host, "echo kern.racct.enable=1 >> /boot/loader.conf");
  host.reboot();
  return host;
}

describe("examples/fleet through the program runner", () => {
  it("previews every create on both hosts and changes neither", async () => {
    const p = await stack.preview();
    // The stack, ten resources per host, and the snapshot, the replicas' parent and the replica.
    expect(ops(p.steps)).toEqual(Array(24).fill("create"));
    expect(p.steps.filter((s) => s.type === "pulumi:providers:freebsd").map((s) => s.name).sort()).toEqual(["east", "west"]);
    expect(snapshotChanges(before[0]!, await hostSnapshot(east))).toEqual({});
    expect(snapshotChanges(before[1]!, await hostSnapshot(west))).toEqual({});
  }, 120_000);

  it("up lays the tenants out on each host through its own provider and replicates alpha's data from east to west", async () => {
    await stack.up({ skipPreview: true });
    for (const host of [east, west]) {
      expect((await mustExec(host, "jls name path")).trim().split("\n")).toEqual(["alpha /usr/jails/tenants/alpha", "beta /usr/jails/tenants/beta"]);
      expect((await mustExec(host, "rctl")).trim().split("\n").sort()).toEqual(["jail:alpha:memoryuse:deny=536870912", "jail:beta:memoryuse:deny=1073741824"]);
      expect(await mustExec(host, "zfs get -H -o value origin,quota zroot/tenants/beta")).toBe("zroot/tenants/14.3-RELEASE@base\n10G\n");
      expect(await mustExec(host, "zfs get -H -o value mountpoint,mounted zroot/tenants/alpha/data")).toBe("/usr/jails/tenants/alpha/data\nyes\n");
    }
    for (const r of stack.state.stack.resources.filter((r) => !r.type.startsWith("pulumi:"))) {
      expect(r.provider).toMatch(new RegExp(`::pulumi:providers:freebsd::${r.name.split("-")[0]}::`));
    }
    expect((await east.exec("zfs list zroot/replicas")).code).not.toBe(0);
    expect(await mustExec(west, "zfs list -H -t all -o name -r zroot/replicas")).toBe("zroot/replicas\nzroot/replicas/east-alpha\nzroot/replicas/east-alpha@initial\n");
    expect(await guid(west, "zroot/replicas/east-alpha@initial")).toBe(await guid(east, "zroot/tenants/alpha/data@initial"));
    expect(unwrapSecrets(stack.outputs["replica"]!)).toEqual({ dataset: "zroot/replicas/east-alpha", snapshot: "initial", snapshots: 1 });
    expect(unwrapSecrets(stack.outputs["tenantJails"]!)).toEqual({
      east: { alpha: "/usr/jails/tenants/alpha", beta: "/usr/jails/tenants/beta" },
      west: { alpha: "/usr/jails/tenants/alpha", beta: "/usr/jails/tenants/beta" },
    });
    // The deploy key is in the state only encrypted: in config, in both providers' inputs and in the replica's source.
    const text = readFileSync(stack.stateFile, "utf8");
    for (const line of east.privateKey.split("\n").filter((l) => l.length > 20)) expect(text).not.toContain(line);
    expect(text).not.toContain(key64(east.privateKey));
  }, 300_000);

  it("refreshes both hosts with no drift", async () => {
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps.filter((s) => s.op !== "same")).toEqual([]);
  }, 120_000);

  it("a snapshot added to config is taken on east and sent to west's replica, nothing else touched", async () => {
    await mustExec(east, "jexec alpha sh -c 'echo \"order 1\" > /data/orders'");
    stack.setConfig("snapshots", JSON.stringify(["initial", "hourly-1"]));
    const u = await stack.up();
    for (const pass of [u.preview!, u]) expect(changed(pass.steps)).toEqual(["create east-alpha-data-hourly-1", "update west-east-alpha-replica"]);
    expect(await mustExec(west, "zfs list -H -t snapshot -o name -r zroot/replicas")).toBe("zroot/replicas/east-alpha@initial\nzroot/replicas/east-alpha@hourly-1\n");
    expect(await guid(west, "zroot/replicas/east-alpha@hourly-1")).toBe(await guid(east, "zroot/tenants/alpha/data@hourly-1"));
    expect(resource("west-east-alpha-replica").outputs).toMatchObject({ snapshot: "hourly-1", snapshots: 2, state: "ok" });
    // What alpha wrote on east is in the replica (received unmounted, -u: mounted here to look).
    expect(await mustExec(west, "zfs mount zroot/replicas/east-alpha && cat /zroot/replicas/east-alpha/orders")).toBe("order 1\n");
  }, 300_000);

  it("refuses to destroy a tenant's data holding files until destroyData is applied (issue 13)", async () => {
    const err = (await stack.destroy({ skipPreview: true }).catch((e: unknown) => e)) as ProgramRunError;
    expect(err).toBeInstanceOf(ProgramRunError);
    const text = err.result.diagnostics.map((d) => d.message).join("\n");
    expect(text).toMatch(/refusing to destroy zroot\/tenants\/alpha\/data on .*: it holds files \(\/usr\/jails\/tenants\/alpha\/data\/orders\); nothing was destroyed/);
    expect(await mustExec(east, "cat /usr/jails/tenants/alpha/data/orders")).toBe("order 1\n");
    expect(stack.state.stack.resources.map((r) => r.name)).toContain("east-alpha-data");
  }, 300_000);

  it("destroys everything, the replica included, leaving both hosts as they were", async () => {
    stack.setConfig("destroyData", "true");
    await stack.up({ skipPreview: true });
    await stack.destroy({ skipPreview: true });
    expect(stack.state.stack.resources).toEqual([]);
    expect(snapshotChanges(before[0]!, await hostSnapshot(east))).toEqual({});
    expect(snapshotChanges(before[1]!, await hostSnapshot(west))).toEqual({});
  }, 300_000);
});

/** The body of an OpenSSH private key on one line, as a state file could hold it unencrypted. */
function key64(pem: string): string {
  return pem.split("\n").filter((l) => !l.startsWith("-----")).join("");
}
