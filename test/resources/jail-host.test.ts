import { describe, expect, it } from "vitest";
import { hostView, planCreate, planDelete, planUpdate, read } from "./host-view.ts";
import { jail } from "../../provider/src/resources/jail/index.ts";
import { jailParamsOf } from "../../provider/src/resources/jail/params.ts";
import { renderJail } from "../../provider/src/resources/jail/plan.ts";
import { jailInputs, type JailInputs } from "../../provider/src/resources/jail/schema.ts";
import { action, argvs, confd, ctx, hosted, inputs, inventory } from "./jail-fixtures.ts";

// freebsd:jail:Jail against what a real host shows and what a careful user hits first (issue 7):
// pure plans and reads over hand-built inventories.

describe("addresses as the kernel keeps them (item 8)", () => {
  const spelled = inputs({ hostname: "web.example", ip4: ["lo0|10.0.0.5/24"] });
  const inv = hosted({ [confd]: renderJail(spelled, ctx.urn) }, { "host.hostname": "web.example", "ip4.addr": ["10.0.0.5"] });

  it("keeps the user's spelling when jls prints the same address bare", () => {
    expect(read(jail, inv, "web", { inputs: spelled }, ctx)!.inputs.ip4).toEqual(["lo0|10.0.0.5/24"]);
    expect(planUpdate(jail, read(jail, inv, "web", { inputs: spelled }, ctx)!, spelled, inv, ctx)).toEqual([]);
  });

  it("changes the hostname with jail -m, not a restart, when the addresses are only spelled differently", () => {
    const plan = argvs(planUpdate(jail, read(jail, inv, "web")!, { ...spelled, hostname: "www.example" }, inv, ctx)).map(action);
    expect(plan.at(-1)).toEqual(["jail", "-m", "jid=3", "host.hostname=www.example"]);
    expect(plan.some((a) => a.includes("onestop"))).toBe(false);
  });

  it.each([
    [{ ip4: ["10.0.0.5/24"] }, { "ip4.addr": ["10.0.0.5"] }],
    [{ ip6: ["2001:DB8:0::5"] }, { "ip6.addr": ["2001:db8::5"] }],
    [{ ip4: ["10.0.0.9", "10.0.0.10", "10.0.0.2"] }, { "ip4.addr": ["10.0.0.9", "10.0.0.2", "10.0.0.10"] }],
  ])("plans nothing for %j when jls prints %j", (over, shown) => {
    const desired = inputs(over);
    const host = hosted({ [confd]: renderJail(desired, ctx.urn) }, shown);
    expect(planUpdate(jail, read(jail, host, "web", { inputs: desired }, ctx)!, desired, host, ctx)).toEqual([]);
  });

  it("gives jail -m the addresses as the kernel keeps them, and restarts for a new interface alias", () => {
    const desired = inputs({ ip4: ["10.0.0.9", "10.0.0.10"] });
    const host = hosted({ [confd]: renderJail(desired, ctx.urn) }, { "ip4.addr": ["10.0.0.9", "10.0.0.10"] });
    const current = read(jail, host, "web", { inputs: desired }, ctx)!;
    expect(argvs(planUpdate(jail, current, inputs({ ip4: ["10.0.0.9/24", "10.0.0.3"] }), host, ctx)).at(-1))
      .toEqual(["jail", "-m", "jid=3", "ip4.addr=10.0.0.9,10.0.0.3"]);
    expect(argvs(planUpdate(jail, current, inputs({ ip4: ["10.0.0.9", "lo0|10.0.0.3"] }), host, ctx)).map(action).at(-1))
      .toEqual(["service", "jail", "onestart", "web"]);
  });
});

describe("a jail with no jail.conf entry (item 9)", () => {
  // What jls -n reports of `jail -c name=web path=/usr/jails/web host.hostname=web.example ip4.addr=10.0.0.5 persist allow.raw_sockets`.
  const jls = {
    parent: 0, securelevel: -1, enforce_statfs: 2, devfs_ruleset: 0, persist: true, dying: false, "children.cur": 0, "children.max": 0,
    "cpuset.id": 4, host: "new", "host.hostname": "web.example", "host.domainname": "", "host.hostuuid": "00000000-1111", "host.hostid": 12,
    osrelease: "14.3-RELEASE", osreldate: 1403000, vnet: "inherit", ip4: "new", "ip4.addr": ["10.0.0.5"], "ip4.saddrsel": true,
    ip6: "disable", "ip6.addr": [], "ip6.saddrsel": true, sysvmsg: "disable", sysvsem: "disable", sysvshm: "disable", zfs: "inherit",
    "zfs.mount_snapshot": 0, "allow.set_hostname": true, "allow.raw_sockets": true, "allow.mount": false, "allow.suser": true,
    "allow.reserved_ports": true, "allow.unprivileged_proc_debug": true, "allow.mount.zfs": false,
  };
  const inv = hosted({}, jls);

  it("imports inputs the schema takes: only the parameters that say something", () => {
    const found = read(jail, inv, "web")!;
    expect(jailInputs.safeParse(found.inputs).error?.issues ?? []).toEqual([]);
    expect(found.inputs).toEqual({
      name: "web", path: "/usr/jails/web", hostname: "web.example", ip4: ["10.0.0.5"], persist: true, vnet: false,
      allow: { raw_sockets: true }, running: true, autostart: true,
    });
  });

  it("says in the preview of its first change where its definition will be written, and restarts nothing", () => {
    const current = read(jail, inv, "web")!;
    const news = { ...current.inputs, hostname: "www.example" } as JailInputs;
    expect(jail.describeUpdate!(current, news)).toEqual([expect.stringMatching(/writes the definition of jail web to \/etc\/jail\.conf\.d\/web\.conf: it has no jail\.conf entry/)]);
    const plan = argvs(planUpdate(jail, current, news, inv, ctx)).map(action);
    expect(plan.map((a) => a[0])).toEqual(["/bin/sh", "/bin/sh", "jail"]);
    expect(plan.at(-1)).toEqual(["jail", "-m", "jid=3", "host.hostname=www.example"]);
  });
});

describe("/etc/jail.NAME.conf (item 10)", () => {
  const perJail = "/etc/jail.web.conf";
  const own = renderJail(inputs({}), ctx.urn);

  it("reads a jail defined there, and keeps it there on a change, the rest of the file as it was", () => {
    const text = "# web, by hand\nweb {\n  path = /usr/jails/web;\n  persist;\n}\n";
    const inv = hosted({ [perJail]: text });
    const current = read(jail, inv, "web")!;
    expect(current.state.configFile).toBe(perJail);
    const plan = planUpdate(jail, current, { ...current.inputs, hostname: "w" }, inv, ctx);
    const write = plan.find((c) => c.argv.at(-1) === perJail)!;
    expect(write.stdin).toBe(text + renderJail({ ...current.inputs, hostname: "w" }, ctx.urn));
    expect(plan.some((c) => c.argv.at(-1) === confd)).toBe(false);
  });

  it.each([
    [{ [perJail]: "web { path = /x; persist; }\n", [confd]: own }],
    [{ [perJail]: "web { path = /x; persist; }\n", "/etc/jail.conf": "web { path = /y; }\n" }],
    [{ [confd]: renderJail(inputs({}), "urn:pulumi:other::p::freebsd:jail:Jail::web"), "/etc/jail.conf": "web { path = /y; }\n" }],
  ])("refuses to manage a jail defined in two places, naming both, and a refresh says so", (files) => {
    const inv = hosted(files);
    const names = Object.keys(files).sort();
    const warnings: string[] = [];
    const current = read(jail, inv, "web", undefined, { ...ctx, warn: (m) => warnings.push(m) })!;
    expect(warnings).toEqual([expect.stringMatching(/defined in two places/)]);
    for (const f of names) expect(warnings[0]).toContain(f);
    for (const plan of [() => planUpdate(jail, current, inputs({}), inv, ctx), () => planDelete(jail, current, inv, ctx), () => planCreate(jail, inputs({}), inv, ctx)]) {
      expect(plan).toThrow(/defined in two places/);
      for (const f of names) expect(plan).toThrow(f);
    }
  });

  it("refuses a jail.NAME.conf that rc.d/jail would read instead of the jail's own file", () => {
    const inv = hosted({ [perJail]: "# nothing here\n" });
    expect(() => planCreate(jail, inputs({}), inv, ctx)).toThrow(/\/etc\/jail\.web\.conf exists but does not define jail web/);
  });

  it("finishes its own move out of /etc/jail.conf when it was interrupted, instead of refusing it", () => {
    const main = "other { path = /o; }\nweb {\n  path = /usr/jails/web;\n  persist;\n}\n";
    const inv = hosted({ [confd]: own, "/etc/jail.conf": main });
    const current = read(jail, inv, "web", undefined, ctx)!;
    expect(current.state.configFile).toBe(confd);
    const plan = planUpdate(jail, current, inputs({ running: false }), inv, ctx);
    expect(plan.map((c) => c.argv.at(-1))).toEqual(["/usr/jails/web", "/etc/jail.conf"]);
    expect(plan[1]!.stdin).toBe(main + "other { path = /o; }\n");
    expect(planDelete(jail, current, inv, ctx).map((c) => c.argv.at(-1))).toEqual(["jail_list-=web", confd, "/etc/jail.conf"]);
  });
});

describe("delegated datasets with a space (item 11) and mount.fstab (item 12)", () => {
  it("writes zfs jail quoted and reads the dataset back", () => {
    const given = inputs({ datasets: ["zroot/a b"] });
    const text = renderJail(given);
    expect(text).toContain(`exec.created = 'zfs jail web \\'zroot/a b\\'';`);
    const inv = inventory({ files: new Map([[confd, text]]) });
    expect(read(jail, inv, "web")!.inputs.datasets).toEqual(["zroot/a b"]);
  });

  it("takes mountFstab as one file", () => {
    const given = inputs({ mountFstab: "/etc/fstab.web" });
    expect(jailParamsOf(given)).toContainEqual(["mount.fstab", "/etc/fstab.web"]);
    expect(jailInputs.safeParse({ name: "web", path: "/j", mountFstab: "fstab.web" }).error?.issues[0]?.message).toMatch(/absolute/);
  });
});

describe("a jail that does not start (item 14), a VNET jail (item 15), a failed restart (item 16)", () => {
  it("starts with a check that it runs, naming its console log", () => {
    const plan = planCreate(jail, inputs({ exec: { consolelog: "/var/log/jail_web.log" } }), inventory(), ctx);
    expect(plan.at(-1)!.argv.slice(3)).toEqual(["sh", "web", "/var/log/jail_web.log"]);
    expect(plan.at(-1)!.argv[2]).toMatch(/jls -j "\$1" jid/);
  });

  it("does not look on the host for the interface a running VNET jail holds", () => {
    const desired = inputs({ vnet: true, vnetInterfaces: ["epair0b"] });
    const inv = hosted({ [confd]: renderJail(desired, ctx.urn) }, { vnet: "new" });
    const plan = planUpdate(jail, read(jail, inv, "web")!, { ...desired, allow: { raw_sockets: true } }, inv, ctx);
    expect(plan.some((c) => c.argv[2]?.includes("ifconfig"))).toBe(false);
    const added = planUpdate(jail, read(jail, inv, "web")!, { ...desired, vnetInterfaces: ["epair0b", "epair1b"] }, inv, ctx);
    expect(added.filter((c) => c.argv[2]?.includes("ifconfig")).map((c) => c.argv.at(-1))).toEqual(["epair1b"]);
  });

  it("reports what the running jail runs with, when its file says otherwise than was applied", () => {
    const desired = inputs({ osrelease: "14.2-RELEASE" });
    const inv = hosted({ [confd]: renderJail(desired, ctx.urn) }, { osrelease: "14.3-RELEASE" });
    const current = read(jail, inv, "web", { inputs: desired }, ctx)!;
    expect(current.inputs.osrelease).toBe("14.3-RELEASE");
    expect(argvs(planUpdate(jail, current, desired, inv, ctx)).map(action)).toEqual([
      ["service", "jail", "onestop", "web"], ["service", "jail", "onestart", "web"],
    ]);
  });
});

describe("Check (item 18) and secrets (item 20)", () => {
  it.each([
    [{ parameters: { "bogus.param": 1 } }, "parameters.bogus.param"],
    [{ allow: { bogus: true } }, "allow.bogus"],
  ])("refuses a parameter jail(8) does not list: %j", (over, path) => {
    const issues = jailInputs.safeParse({ name: "web", path: "/j", ...over }).error?.issues ?? [];
    expect(issues.find((i) => i.path.join(".") === path)?.message).toMatch(/not a jail\(8\) parameter/);
  });

  it("makes config and the kernel's copy in live secret with the input", () => {
    expect(jail.derivedSecrets!(["hostname"])).toEqual([["config"], ["live", "host.hostname"]]);
    expect(jail.derivedSecrets!(["exec", "start"])).toEqual([["config"]]);
    expect(jail.derivedSecrets!(["parameters", "allow.mlock"])).toEqual([["config"], ["live", "allow.mlock"]]);
    expect(jail.derivedSecrets!(["allow"])).toEqual([["config"], ["live"]]);
  });
});

describe("a create that lost its answer (item 5)", () => {
  it("adopts its own jail, found by the URN in its file, and refuses a stranger's", () => {
    const desired = inputs({ hostname: "web.example" });
    const inv = hosted({ [confd]: renderJail(desired, ctx.urn) });
    expect(argvs(planCreate(jail, desired, inv, ctx)).map(action)).toEqual([["service", "jail", "onestart", "web"]]);
    const other = { ...ctx, urn: "urn:pulumi:other::proj::freebsd:jail:Jail::web" };
    expect(() => planCreate(jail, desired, inv, other)).toThrow(/already exists .* written for urn:pulumi:test::proj::freebsd:jail:Jail::web/);
    expect(jail.claim(hostView(inv), desired, other).kind).toBe("other");
    expect(jail.claim(hostView(inv), desired, ctx).kind).toBe("own");
  });
});
