import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, type Program, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { failureOf, mustRun, targetOnSim, type TestTarget } from "./target.ts";

// freebsd:network:Bridge and freebsd:network:Epair through the engine harness against the simulated
// host over SSH: a bridge on a host interface, three epairs joining it, three VNET jails each taking
// one jail end (fed by the epair's jailInterface), a dataset; changed, drifted, rebooted, imported,
// refused and deleted.

const B = "freebsd:network:Bridge";
const E = "freebsd:network:Epair";
const J = "freebsd:jail:Jail";
const D = "freebsd:zfs:Dataset";
let sim: SimHost;
let target: TestTarget;
let stack: Stack;
const launcher = (env: Record<string, string>) => startProvider({ env });
const out = (s: Stack, name: string) => unwrapSecrets(s.resource(name)!.outputs as never) as Record<string, any>;
const run = (command: string) => mustRun(target, command);
const lines = async (command: string) => (await run(command)).trim().split(/\s+/);

/** The diagnostics of a failed deployment, as one text. */

interface Shape {
  bridge?: Record<string, unknown>;
  web?: Record<string, unknown>;
  jails?: boolean;
  without?: string[];
}

/** The stack's program: the bridge, three epairs on it, their jails (fed the jail ends) and a dataset. */
function program(shape: Shape = {}): Program {
  const p: Program = {
    lan: { type: B, inputs: { name: "lan0", members: ["vtnet0"], addresses: ["10.77.0.1/24"], description: "jail lan", ...shape.bridge } as never },
    web: { type: E, inputs: { name: "web", bridge: "lan0", ...shape.web } as never, options: { dependsOn: ["lan"] } },
    db: { type: E, inputs: { name: "db", bridge: "lan0", hostAddresses: ["10.78.0.1/30"] }, options: { dependsOn: ["lan"] } },
    cache: { type: E, inputs: { name: "cache", bridge: "lan0", hostEther: "02:aa:bb:cc:dd:01", jailEther: "02:aa:bb:cc:dd:02" }, options: { dependsOn: ["lan"] } },
    data: { type: D, inputs: { name: "zroot/nj/data" } },
  };
  if (shape.jails) {
    for (const [jail, epair] of [["nj1", "web"], ["nj2", "db"], ["nj3", "cache"]] as const) {
      // What a program passes from the Epair's output to the Jail's input.
      const jailInterface = out(stack, epair)["jailInterface"] as string;
      const options = shape.without?.includes(epair) ? {} : { dependsOn: [epair] };
      p[jail] = { type: J, inputs: { name: jail, path: `/zroot/nj/${jail}`, vnet: true, vnetInterfaces: [jailInterface] }, options };
    }
  }
  for (const name of shape.without ?? []) delete p[name];
  return p;
}

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot/nj");
  // Jail roots with a userland (bsdinstall's base.txz), so the jails' own ifconfig can list their vnet.
  await run("zfs create zroot/nj && for j in nj1 nj2 nj3; do zfs create zroot/nj/$j && tar -xf /usr/freebsd-dist/base.txz -C /zroot/nj/$j; done");
  stack = new Stack(launcher, { config: target.config });
}, 120_000);
afterAll(async () => sim?.stop());

describe("a bridge on a host interface and three epairs on it", () => {
  it("are created live and in rc.conf, and read back", async () => {
    const r = await stack.up(program());
    for (const name of ["lan", "web", "db", "cache", "data"]) expect(r.steps[name]!.op).toBe("create");
    const lan = await run("ifconfig -f inet:cidr lan0");
    expect(lan).toContain("\tdescription: jail lan\n");
    expect(lan).toContain("\tinet 10.77.0.1/24 ");
    for (const member of ["vtnet0", "weba", "dba", "cachea"]) expect(lan).toContain(`\tmember: ${member} `);
    expect(out(stack, "web")).toMatchObject({ hostInterface: "weba", jailInterface: "webb", jailInterfaceLocation: "host", bridge: "lan0" });
    expect(out(stack, "cache")["hostEtherAddress"]).toBe("02:aa:bb:cc:dd:01");
    expect(out(stack, "web")["hostEtherAddress"]).toMatch(/^02:([0-9a-f]{2}:){4}0a$/);
    expect(out(stack, "web")["jailEtherAddress"]).toMatch(/^02:([0-9a-f]{2}:){4}0b$/);
    expect((await run("sysrc -n cloned_interfaces")).trim().split(" ").sort()).toEqual(["bridge0", "epair0", "epair1", "epair2"]);
    expect((await run("sysrc -n ifconfig_bridge0_name ifconfig_lan0")).trim().split("\n")).toEqual(["lan0", "addm vtnet0 addm weba addm dba addm cachea up"]);
    const refreshed = await stack.refresh({ skipPreview: true });
    expect(Object.values(refreshed.steps).map((s) => s.op)).toEqual(["same", "same", "same", "same", "same"]);
    // The epairs joined through their own `bridge` input: the bridge reports them apart from its members.
    expect(out(stack, "lan")).toMatchObject({ members: ["vtnet0"], persist: true });
    expect([...out(stack, "lan")["epairMembers"]].sort()).toEqual(["cachea", "dba", "weba"]);
    expect((await stack.up(program())).steps["web"]!.op).toBe("same");
  });

  it("give their jail ends to three VNET jails, and read where each end is", async () => {
    const r = await stack.up(program({ jails: true }));
    for (const name of ["nj1", "nj2", "nj3"]) expect(r.steps[name]!.op).toBe("create");
    expect(await lines("jexec nj1 ifconfig -l")).toContain("webb");
    expect(await lines("ifconfig -l")).not.toContain("webb");
    const refreshed = await stack.refresh({ skipPreview: true });
    expect(Object.values(refreshed.steps).every((s) => s.op === "same")).toBe(true);
    expect(out(stack, "web")).toMatchObject({ jailInterfaceLocation: "jail", jailInterfaceJail: "nj1" });
    expect(out(stack, "cache")["jailEtherAddress"]).toBe("02:aa:bb:cc:dd:02");
  });

  it("refresh every network object, jail and dataset in one exec", async () => {
    sim.resetStats();
    const r = await stack.refresh({ skipPreview: true });
    expect(Object.keys(r.steps)).toHaveLength(8);
    expect(sim.stats.execChannels).toBe(1);
  });
});

/** The program after the changes below: the one the later tests keep applying. */
const changed = (): Program => program({
  jails: true,
  bridge: { addresses: ["10.77.0.1/24", "2001:db8:77::1/64"], description: "lan of the jails" },
  web: { hostAddresses: ["10.79.0.1/24"], description: "web uplink" },
});

describe("changes", () => {
  it("change addresses and descriptions in place, the jails keeping their ends", async () => {
    const jid = (await run("jls -j nj1 jid")).trim();
    const r = await stack.up(changed());
    expect(r.steps["lan"]!.op).toBe("update");
    expect(r.steps["web"]!.op).toBe("update");
    expect(r.steps["lan"]!.diff!.replaces).toEqual([]);
    expect(r.steps["nj1"]!.op).toBe("same");
    const lan = await run("ifconfig -f inet:cidr,inet6:cidr lan0");
    expect(lan).toContain("\tdescription: lan of the jails\n");
    expect(lan).toContain("\tinet6 2001:db8:77::1/64");
    expect((await run("ifconfig -f inet:cidr weba"))).toContain("\tinet 10.79.0.1/24 ");
    expect((await run("sysrc -n ifconfig_lan0_ipv6 ifconfig_lan0_aliases ifconfig_weba_descr")).trim().split("\n"))
      .toEqual(["inet6 2001:db8:77::1/64", "inet 10.77.0.1/24", "web uplink"]);
    expect((await run("jls -j nj1 jid")).trim()).toBe(jid);
    expect(await lines("jexec nj1 ifconfig -l")).toContain("webb");
    const refreshed = await stack.refresh({ skipPreview: true });
    expect(Object.values(refreshed.steps).every((s) => s.op === "same")).toBe(true);
  });
});

describe("drift", () => {
  it("an address removed, a member removed and an epair destroyed show on refresh, and up restores them", async () => {
    const dbMac = out(stack, "db")["hostEtherAddress"];
    await run("ifconfig lan0 inet 10.77.0.1 -alias && ifconfig lan0 deletem vtnet0 && ifconfig dba destroy");
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps["lan"]!.op).toBe("update");
    expect(r.steps["db"]!.op).toBe("update");
    expect(r.steps["web"]!.op).toBe("same");
    expect(out(stack, "lan")).toMatchObject({ members: [], addresses: ["2001:db8:77::1/64"] });
    expect(out(stack, "db")).toMatchObject({ up: false, hostAddresses: [], jailInterfaceLocation: "absent", persist: true });
    const up = await stack.up(changed());
    expect(up.steps["lan"]!.op).toBe("update");
    expect(up.steps["db"]!.op).toBe("update");
    const lan = await run("ifconfig -f inet:cidr lan0");
    expect(lan).toContain("\tinet 10.77.0.1/24 ");
    expect(lan).toContain("\tmember: vtnet0 ");
    expect(lan).toContain("\tmember: dba ");
    expect(out(stack, "db")["hostEtherAddress"]).toBe(dbMac);
    // Made again on the host: rc.d/jail moves it into nj2 when the jail next starts (the reboot below).
    expect(out(stack, "db")["jailInterfaceLocation"]).toBe("host");
    const refreshed = await stack.refresh({ skipPreview: true });
    expect(Object.values(refreshed.steps).every((s) => s.op === "same")).toBe(true);
  });
});

describe("a bridge destroyed by hand", () => {
  it("shows on refresh, and up makes it again with its members and the epairs' ends", async () => {
    await run("ifconfig lan0 destroy");
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps["lan"]!.op).toBe("update");
    expect(out(stack, "lan")).toMatchObject({ up: false, members: [], persist: true });
    expect(r.steps["web"]!.op).toBe("update");
    const up = await stack.up(changed());
    expect(up.steps["lan"]!.op).toBe("update");
    const lan = await run("ifconfig lan0");
    for (const member of ["vtnet0", "weba", "dba", "cachea"]) expect(lan).toContain(`\tmember: ${member} `);
    const refreshed = await stack.refresh({ skipPreview: true });
    expect(Object.values(refreshed.steps).every((step) => step.op === "same")).toBe(true);
  });
});

describe("reboot", () => {
  it("brings the bridge and the epairs back, each jail end in its jail with its MAC, and a refresh shows no drift", async () => {
    const macs = Object.fromEntries(["web", "db", "cache"].map((e) => [e, [out(stack, e)["hostEtherAddress"], out(stack, e)["jailEtherAddress"]]]));
    sim.reboot();
    expect(await lines("ifconfig -l")).toEqual(expect.arrayContaining(["lan0", "weba", "dba", "cachea"]));
    for (const [jail, end] of [["nj1", "webb"], ["nj2", "dbb"], ["nj3", "cacheb"]]) {
      expect(await lines(`jexec ${jail} ifconfig -l`)).toContain(end);
    }
    const lan = await run("ifconfig -f inet:cidr,inet6:cidr lan0");
    for (const member of ["vtnet0", "weba", "dba", "cachea"]) expect(lan).toContain(`\tmember: ${member} `);
    expect(lan).toContain("\tinet 10.77.0.1/24 ");
    expect(lan).toContain("\tinet6 2001:db8:77::1/64");
    const r = await stack.refresh({ skipPreview: true });
    expect(Object.fromEntries(Object.entries(r.steps).map(([n, s]) => [n, s.op]))).toEqual(
      Object.fromEntries(Object.keys(r.steps).map((n) => [n, "same"])),
    );
    for (const [epair, [host, jail]] of Object.entries(macs)) {
      expect(out(stack, epair)).toMatchObject({ hostEtherAddress: host, jailEtherAddress: jail, jailInterfaceLocation: "jail" });
    }
    expect(out(stack, "db")["jailInterfaceJail"]).toBe("nj2");
  });
});

describe("import", () => {
  it("imports the bridge and an epair by name into another stack, planning nothing after", async () => {
    const s = new Stack(launcher, { config: target.config });
    expect((await s.import("lan", B, "lan0")).steps["lan"]!.op).toBe("import");
    expect((await s.import("web", E, "web")).steps["web"]!.op).toBe("import");
    const mine = changed();
    const r = await s.up({
      lan: { ...mine["lan"]!, options: { protect: false } },
      web: { ...mine["web"]!, options: { protect: false } },
    });
    expect(r.steps["lan"]!.op).toBe("same");
    expect(r.steps["web"]!.op).toBe("same");
  });

  it("imports ones an administrator made by hand, and persists them without replacing them", async () => {
    await run("ifconfig bridge create name hand0 && ifconfig hand0 inet 10.90.0.1/24 up && a=$(ifconfig epair create) " +
      "&& ifconfig $a name handpa && ifconfig ${a%a}b name handpb && ifconfig hand0 addm handpa && ifconfig handpa up");
    const s = new Stack(launcher, { config: target.config });
    await s.import("hb", B, "hand0");
    await s.import("he", E, "handp");
    const imported = (name: string) => unwrapSecrets(s.resource(name)!.inputs as never) as Record<string, unknown>;
    expect(imported("hb")).toEqual({ name: "hand0", members: ["handpa"], addresses: ["10.90.0.1/24"], up: true, persist: false });
    expect(imported("he")).toMatchObject({ name: "handp", bridge: "hand0", up: true, persist: false });
    const asImported = await s.up({
      hb: { type: B, inputs: imported("hb") as never, options: { protect: false } },
      he: { type: E, inputs: imported("he") as never, options: { protect: false } },
    });
    expect(asImported.steps["hb"]!.op).toBe("same");
    expect(asImported.steps["he"]!.op).toBe("same");
    const persisted = await s.up({
      hb: { type: B, inputs: { ...imported("hb"), persist: true } as never },
      he: { type: E, inputs: { ...imported("he"), persist: true } as never },
    });
    expect(persisted.steps["hb"]!.op).toBe("update");
    expect(persisted.steps["hb"]!.diff!.replaces).toEqual([]);
    expect(persisted.steps["he"]!.op).toBe("update");
    expect((await run("sysrc -n ifconfig_hand0")).trim()).toBe("addm handpa up");
    await s.destroy();
    expect(await lines("ifconfig -l")).not.toContain("hand0");
    expect(await lines("ifconfig -l")).not.toContain("handpa");
  });
});

describe("refusals", () => {
  it("refuse over-long names at Check, with the longest name that fits", async () => {
    const s = new Stack(launcher, { config: target.config });
    const epair = await failureOf(s.up({ x: { type: E, inputs: { name: "averylongepair1" } } }));
    expect(epair).toMatch(/name: averylongepair1 has 15 characters; it can have at most 14 .*e\.g\. averylongepair\b/);
    expect(epair).toMatch(/its ends averylongepair1a and averylongepair1b must fit in 15 characters/);
    const bridge = await failureOf(s.up({ x: { type: B, inputs: { name: "averylongbridge0" } } }));
    expect(bridge).toMatch(/name: averylongbridge0 has 16 characters; it can have at most 15 .*e\.g\. averylongbridge/);
  });

  it("refuse collisions: within the inputs at Check, with what the host has in the preview, changing nothing", async () => {
    const s = new Stack(launcher, { config: target.config });
    expect(await failureOf(s.up({ x: { type: E, inputs: { name: "web2", bridge: "web2a" } } }))).toMatch(/bridge: names the epair itself/);
    expect(await failureOf(s.up({ x: { type: B, inputs: { name: "lan9", members: ["lan9"] } } }))).toMatch(/members\[0\]: is the bridge itself/);
    const rc = await run("sysrc -a -e");
    const tools = (await sim.toolLog()).length;
    // A bridge under the name of an epair's host end, and a second epair of the same name: refused by
    // the preview, which reads the host, so the up never starts.
    expect(await failureOf(s.preview({ x: { type: B, inputs: { name: "weba" } } }))).toMatch(/already has an interface weba \(an epair end\) \(created by urn:pulumi:.*freebsd:network:Epair::web\)/);
    expect(await failureOf(s.up({ y: { type: E, inputs: { name: "web" } } }))).toMatch(/already has an interface weba .* and an interface webb in the vnet of jail nj1/);
    expect(s.state.resources.filter((r) => r.type !== "pulumi:providers:freebsd")).toEqual([]);
    // Only reads ran on the host: no ifconfig, sysrc or file write.
    const ran = (await sim.toolLog()).slice(tools).map((a) => a.join(" "));
    expect(ran.filter((l) => /^ifconfig \S+ create|^sysrc \S+=|^(mv|install|tee|rm) /.test(l))).toEqual([]);
    expect(await run("sysrc -a -e")).toBe(rc);
    expect(s.state.resources.filter((r) => r.type !== "pulumi:providers:freebsd")).toEqual([]);
  });

  it("refuse to delete an epair whose jail end is inside a running jail, naming the jail", async () => {
    const err = await failureOf(stack.up(program({ jails: true, without: ["web"] })));
    expect(err).toMatch(/refusing to delete epair web .*its jail end webb is in the vnet of running jail nj1/);
    expect(stack.resource("web")).toBeDefined();
    expect(await lines("ifconfig -l")).toContain("weba");
  });
});

describe("delete", () => {
  it("stops the jails first, then destroys the epairs and the bridge and takes them out of rc.conf", async () => {
    await stack.destroy();
    expect(await lines("ifconfig -l")).toEqual(["vtnet0", "lo0"]);
    expect((await run("sysrc -n cloned_interfaces")).trim()).toBe("");
    expect((await target.exec("sysrc -n ifconfig_lan0")).code).toBe(1);
    expect((await run("sysrc -a -e")).split("\n").filter((l) => /^(ifconfig_(lan0|web|db|cache|epair|bridge)|create_args)/.test(l))).toEqual([]);
    expect((await run("ls -A /var/db/pulumi-freebsd/interfaces")).trim()).toBe("");
    // Deleting again what is gone succeeds.
    expect((await stack.destroy()).steps).toEqual({});
  });
});

describe("a parallel stack", () => {
  it("creates the epairs at once, their writes to the bridge's line and to rc.conf never losing each other's", async () => {
    const s = new Stack(launcher, { config: target.config, parallel: true });
    const p = program({ without: ["data"] });
    const r = await s.up(p, { skipPreview: true });
    for (const name of ["lan", "web", "db", "cache"]) expect(r.steps[name]!.op).toBe("create");
    expect((await run("sysrc -n cloned_interfaces")).trim().split(" ").sort()).toEqual(["bridge0", "epair0", "epair1", "epair2"]);
    const line = (await run("sysrc -n ifconfig_lan0")).trim().split(" ");
    for (const end of ["weba", "dba", "cachea"]) expect(line.join(" ")).toContain(`addm ${end}`);
    const names = await Promise.all(["epair0", "epair1", "epair2"].map(async (u) => (await run(`sysrc -n ifconfig_${u}a_name`)).trim()));
    expect(names.sort()).toEqual(["cachea", "dba", "weba"]);
    const refreshed = await s.refresh({ skipPreview: true });
    expect(Object.values(refreshed.steps).every((step) => step.op === "same")).toBe(true);
    await s.destroy({ skipPreview: true });
    expect(await lines("ifconfig -l")).toEqual(["vtnet0", "lo0"]);
    expect((await run("sysrc -n cloned_interfaces")).trim()).toBe("");
  });
});
