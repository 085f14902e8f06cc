import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, type ProviderClient, Stack, type ValueMap, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { mustRun, targetOnSim, type TestTarget } from "./target.ts";

// The functions (Invoke) over gRPC against the simulated host: getHost's facts, getDataset and
// getJail read as their resources read, and an Invoke sharing one exec with a refresh of limits,
// jails and datasets.

const J = "freebsd:jail:Jail";
const D = "freebsd:zfs:Dataset";
const L = "freebsd:rctl:Limit";
let sim: SimHost;
let target: TestTarget;
let p: ProviderClient;
const launcher = (env: Record<string, string>) => startProvider({ env });

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot");
  await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
  sim.reboot();
  p = await startProvider({});
  await p.handshake();
  const urn = "urn:pulumi:test::proj::pulumi:providers:freebsd::default";
  const checked = await p.checkConfig({ urn, olds: {}, news: target.config as ValueMap, allowUnknowns: false });
  await p.configure({ urn, id: "0", inputs: checked.inputs! });
});
afterAll(async () => {
  await p?.kill();
  await sim?.stop();
});

const invoke = async (tok: string, args: ValueMap = {}) => {
  const r = await p.invoke({ tok, args });
  return { ...r, return: unwrapSecrets(r.return as never) as Record<string, any> };
};

describe("freebsd:index:getHost", () => {
  it("returns versions, machine, pools, interfaces and where they live, jails and racct", async () => {
    await mustRun(target, [
      "zfs create -p zroot/jails/v", "zfs create -p zroot/jails/s", "zfs create -p zroot/jails/off",
      "ifconfig epair create >/dev/null && ifconfig bridge create >/dev/null && ifconfig bridge0 inet 192.0.2.1/24",
      "printf 'v {\\n  path = /zroot/jails/v;\\n  vnet;\\n  vnet.interface = epair0b;\\n  persist;\\n}\\n' > /etc/jail.conf.d/v.conf",
      "printf 'off {\\n  path = /zroot/jails/off;\\n  persist;\\n}\\n' > /etc/jail.conf.d/off.conf",
      "service jail onestart v >/dev/null", "jail -c name=s path=/zroot/jails/s persist",
    ].join(" && "));
    const r = await invoke("freebsd:index:getHost");
    expect(r.failures).toEqual([]);
    const h = r.return;
    expect(h).toMatchObject({
      kernelVersion: "14.3-RELEASE", userlandVersion: "14.3-RELEASE", architecture: "amd64", cpuCount: 4,
      memoryBytes: 8589934592, racctEnabled: true,
    });
    expect(h["pools"]).toEqual([expect.objectContaining({ name: "zroot", health: "ONLINE" })]);
    expect(h["pools"][0].size).toBeGreaterThan(h["pools"][0].free);
    const ifs = new Map((h["interfaces"] as any[]).map((i) => [i.name, i]));
    expect(ifs.get("lo0")).toMatchObject({ kind: "lo", location: "host", addresses: ["127.0.0.1/8", "::1/128", "fe80::1/64"] });
    expect(ifs.get("bridge0")).toMatchObject({ kind: "bridge", location: "host", addresses: ["192.0.2.1/24"] });
    expect(ifs.get("epair0a")).toMatchObject({ kind: "epair", location: "host" });
    expect(ifs.get("epair0b")).toMatchObject({ kind: "epair", location: "jail:v" });
    expect(ifs.get("vtnet0")).toMatchObject({ kind: "ethernet", location: "host" });
    const jails = new Map((h["jails"] as any[]).map((j) => [j.name, j]));
    expect(jails.get("v")).toMatchObject({ path: "/zroot/jails/v", running: true });
    expect(jails.get("v").jid).toBeGreaterThan(0);
    expect(jails.get("s")).toMatchObject({ path: "/zroot/jails/s", running: true });
    expect(jails.get("off")).toEqual({ name: "off", path: "/zroot/jails/off", running: false });
  });

  it("refuses arguments it does not take", async () => {
    const r = await p.invoke({ tok: "freebsd:index:getHost", args: { bogus: 1 } });
    expect(r.failures.map((f) => f.reason).join()).toMatch(/bogus/);
    await expect(p.invoke({ tok: "freebsd:index:nope", args: {} })).rejects.toThrow(/unknown function freebsd:index:nope/);
  });
});

describe("getDataset and getJail", () => {
  it("read one object by name as the resources read it", async () => {
    const ds = await invoke("freebsd:zfs:getDataset", { name: "zroot/jails/v" });
    expect(ds.return).toMatchObject({ name: "zroot/jails/v", type: "filesystem" });
    expect(ds.return["guid"]).toMatch(/^[0-9]+$/);
    const j = await invoke("freebsd:jail:getJail", { name: "v" });
    expect(j.return).toMatchObject({ name: "v", path: "/zroot/jails/v", vnet: true, vnetInterfaces: ["epair0b"], running: true, configFile: "/etc/jail.conf.d/v.conf" });
    expect(j.return["jid"]).toBeGreaterThan(0);
  });

  it("say which object is missing", async () => {
    await expect(p.invoke({ tok: "freebsd:jail:getJail", args: { name: "nosuch" } })).rejects.toThrow(/has no jail nosuch/);
    await expect(p.invoke({ tok: "freebsd:zfs:getDataset", args: { name: "zroot/nosuch" } })).rejects.toThrow(/has no dataset zroot\/nosuch/);
    const bad = await p.invoke({ tok: "freebsd:jail:getJail", args: { name: "a.b" } });
    expect(bad.failures[0]!.property).toBe("name");
  });
});

describe("one exec", () => {
  it("getHost and a refresh of limits, jails and datasets share one exec channel", async () => {
    const stack = new Stack(launcher, { config: target.config });
    await stack.up({
      root: { type: D, inputs: { name: "zroot/jails/w", createParents: true } },
      w: { type: J, inputs: { name: "w", path: "/zroot/jails/w" } },
      mem: { type: L, inputs: { subject: "jail:w", resource: "memoryuse", action: "deny", amount: "256m" } },
      cpu: { type: L, inputs: { subject: "jail:w", resource: "pcpu", action: "deny", amount: "25" } },
    });
    const reads = stack.state.resources.filter((r) => r.type !== "pulumi:providers:freebsd");
    sim.resetStats();
    const [host, ...found] = await Promise.all([
      invoke("freebsd:index:getHost"),
      ...reads.map((r) => p.read({ urn: r.urn, id: r.id, properties: r.outputs, inputs: r.inputs })),
    ]);
    expect(sim.stats.execChannels).toBe(1);
    expect(host!.return["jails"].map((j: any) => j.name)).toContain("w");
    expect(found.map((f: any) => f.id)).toEqual(reads.map((r) => r.id));
    await stack.destroy();
  });
});
