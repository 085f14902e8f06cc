import { describe, expect, it } from "vitest";
import { planCreate, planDelete, planUpdate, read } from "./host-view.ts";
import { quiet } from "./host-view.ts";
import { parseJailConf } from "../../provider/src/freebsd/jail-conf.ts";
import { jail } from "../../provider/src/resources/jail/index.ts";
import { jailParamsOf } from "../../provider/src/resources/jail/params.ts";
import { renderJail } from "../../provider/src/resources/jail/plan.ts";
import { jailInputs } from "../../provider/src/resources/jail/schema.ts";
import { action, argvs, inputs, inventory } from "./jail-fixtures.ts";

// Diff rules and command plans of freebsd:jail:Jail: pure functions of inputs and an inventory.

describe("inputs", () => {
  it.each([
    [{ name: "1234" }, "name", /all digits/],
    [{ name: "a.b" }, "name", /'\.'/],
    [{ name: "we b" }, "name", /invalid character/],
    [{ path: "relative" }, "path", /absolute/],
    [{ vnet: true, ip4: ["10.0.0.1"] }, "ip4", /VNET/],
    [{ vnetInterfaces: ["epair0b"] }, "vnetInterfaces", /needs vnet/],
    [{ parameters: { "bogus;x": 1 } }, "parameters.bogus;x", /lowercase words/],
    [{ allow: { "raw_sockets;": true } }, "allow.raw_sockets;", /lowercase words/],
    [{ securelevel: 7 }, "securelevel", /3/],
  ])("refuses %j at %s", (over, path, rule) => {
    const result = jailInputs.safeParse({ name: "web", path: "/j", ...over });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join(".") === path);
    expect(issue?.message, JSON.stringify(result.error!.issues)).toMatch(rule);
  });
});

describe("parameters", () => {
  it("writes typed inputs as jail(8) parameters, delegation included", () => {
    const params = jailParamsOf(inputs({ hostname: "web.example", ip4: ["10.0.0.5/24"], allow: { raw_sockets: true }, datasets: ["zroot/data"] }));
    expect(params).toEqual([
      ["path", "/usr/jails/web"], ["ip4.addr", ["10.0.0.5/24"]], ["host.hostname", "web.example"], ["persist", true],
      ["allow.raw_sockets", true], ["allow.mount", true], ["allow.mount.zfs", true], ["enforce_statfs", 1],
      ["exec.created", ["zfs jail web zroot/data"]],
    ]);
  });

  it("reads back the inputs it wrote from the file it wrote, hostile values included", () => {
    const hostile = "x'; exec.start = \"rm -rf /\"; y${z} `id` $(id)\n}";
    const given = inputs({ hostname: hostile, exec: { start: hostile }, allow: { raw_sockets: true }, datasets: ["zroot/data"] });
    const text = renderJail(given);
    const conf = parseJailConf(text);
    expect(conf.jails).toHaveLength(1);
    const inv = inventory({ files: new Map([["/etc/jail.conf.d/web.conf", text]]) });
    const found = read(jail, inv, "web")!;
    expect(found.inputs).toEqual({ ...given, running: false, autostart: false });
  });
});

describe("a command-list parameter given as one string", () => {
  it("reads back in its input's spelling (jail.conf parses it as a list), a list staying a list", () => {
    const prepare = "test -x /usr/jails/web/bin/sh || tar -xf /usr/freebsd-dist/base.txz -C /usr/jails/web";
    for (const value of [prepare, [prepare, "true"]]) {
      const given = inputs({ parameters: { "exec.prepare": value } });
      const inv = inventory({ files: new Map([["/etc/jail.conf.d/web.conf", renderJail(given)]]) });
      const found = read(jail, inv, "web", { inputs: given as never })!;
      expect(found.inputs.parameters).toEqual({ "exec.prepare": value });
    }
  });
});

describe("planCreate", () => {
  it("checks the path, delegates, writes the file, enables it at boot and starts it", () => {
    const plan = planCreate(jail, inputs({ datasets: ["zroot/data"] }), inventory());
    expect(argvs(plan).map((a) => action(a).slice(0, 3))).toEqual([
      ["/bin/sh", "-c", expect.stringContaining("path: $1 is not a directory")],
      ["zfs", "set", "jailed=on"],
      ["/bin/sh", "-c", expect.stringContaining("mktemp")],
      ["sysrc", "jail_enable=YES"],
      ["sysrc", "jail_list+=web"],
      ["service", "jail", "onestart"],
    ]);
    // Every write and every sysrc edit runs under the host lock; the new file must not exist yet.
    expect(plan.slice(2, 5).every((c) => c.argv[0] === "lockf")).toBe(true);
    expect(plan[2]!.argv.slice(-2)).toEqual(["absent", "/etc/jail.conf.d/web.conf"]);
    expect(plan[2]!.stdin).toMatch(/^web {$/m);
  });

  it("refuses a parameter the host's kernel lacks, naming it", () => {
    expect(() => planCreate(jail, inputs({ parameters: { "allow.nfsd": true } }), inventory())).toThrow(/h has no jail parameter allow.nfsd/);
  });

  it("refuses a jail that exists, and a dataset that does not", () => {
    const inv = inventory({ files: new Map([["/etc/jail.conf", "web { path = /x; }\n"]]) });
    expect(() => planCreate(jail, inputs({}), inv)).toThrow(/already exists .* \/etc\/jail.conf.*pulumi import/);
    expect(() => planCreate(jail, inputs({ datasets: ["zroot/nope"] }), inventory())).toThrow(/no filesystem zroot\/nope/);
  });
});

describe("planUpdate", () => {
  const running = (text: string, live: Record<string, unknown>) =>
    inventory({
      files: new Map([["/etc/jail.conf.d/web.conf", text]]),
      jails: [{ jid: 3, name: "web", params: { jid: 3, name: "web", ...live } as never }],
      rc: new Map([["jail_enable", "YES"], ["jail_list", "web"]]),
    });

  it("changes a live parameter with jail -m, keeping the jid", () => {
    const before = inputs({ allow: { raw_sockets: false } });
    const inv = running(renderJail(before), { "allow.raw_sockets": false, path: "/usr/jails/web" });
    const current = read(jail, inv, "web")!;
    const plan = planUpdate(jail, current, { ...before, allow: { raw_sockets: true } }, inv);
    expect(argvs(plan).at(-1)).toEqual(["jail", "-m", "jid=3", "allow.raw_sockets"]);
    expect(argvs(plan).some((a) => a.includes("restart") || a.includes("onerestart"))).toBe(false);
  });

  it("restarts for a parameter jail -m cannot change, and says so", () => {
    const before = inputs({});
    const inv = running(renderJail(before), { path: "/usr/jails/web" });
    const current = read(jail, inv, "web")!;
    const news = { ...before, path: "/usr/jails/web2" };
    // Stopped with the old file, then the new file, then a checked start (issue 7 item 16).
    const plan = argvs(planUpdate(jail, current, news, inv)).map(action);
    expect(plan.map((a) => a.slice(0, 3))).toEqual([
      ["service", "jail", "onestop"], ["/bin/sh", "-c", expect.stringContaining("path: $1")],
      ["/bin/sh", "-c", expect.stringContaining("mktemp")], ["service", "jail", "onestart"],
    ]);
    expect(jail.describeUpdate!(current, news)).toEqual([expect.stringMatching(/restarts jail web: path cannot be changed/)]);
  });

  it("converges a live change made behind its back (jail -m) with jail -m", () => {
    const desired = inputs({ allow: { raw_sockets: false } });
    const inv = running(renderJail(desired, quiet.urn), { "allow.raw_sockets": true, path: "/usr/jails/web" });
    const current = read(jail, inv, "web", { inputs: desired })!;
    expect(current.inputs.allow).toEqual({ raw_sockets: true });
    expect(argvs(planUpdate(jail, current, desired, inv))).toEqual([["jail", "-m", "jid=3", "allow.noraw_sockets"]]);
  });

  it("reports a hand-edited file over the running jail's live value", () => {
    const desired = inputs({ hostname: "web.example" });
    const edited = renderJail(desired).replace("web.example", "hacked.example");
    const inv = running(edited, { "host.hostname": "web.example", path: "/usr/jails/web" });
    const current = read(jail, inv, "web", { inputs: desired })!;
    expect(current.inputs.hostname).toBe("hacked.example");
    const plan = planUpdate(jail, current, desired, inv);
    expect(plan.map((c) => c.argv.at(-1))).toContain("/etc/jail.conf.d/web.conf");
    expect(plan.some((c) => c.argv[0] === "jail" || c.argv.includes("onerestart"))).toBe(false);
  });

  it("moves a jail out of /etc/jail.conf on its first change, keeping the rest byte for byte", () => {
    const main = "# hosts\nexec.clean;\n\n# the db\ndb { path = /db; persist; }\nweb {\n  path = \"/usr/jails/web\";\n  persist;\n}\n# tail\n";
    const inv = inventory({ files: new Map([["/etc/jail.conf", main]]) });
    const current = read(jail, inv, "web")!;
    expect(current.state.configFile).toBe("/etc/jail.conf");
    const news = { ...current.inputs, hostname: "web" };
    const plan = planUpdate(jail, current, news, inv);
    const rewrite = plan.find((c) => c.argv.at(-1) === "/etc/jail.conf")!;
    // Written only if /etc/jail.conf still holds what was read: its text comes first on stdin.
    expect(rewrite.argv.at(-2)).toBe(String(Buffer.byteLength(main)));
    expect(rewrite.stdin).toBe(main + "# hosts\nexec.clean;\n\n# the db\ndb { path = /db; persist; }\n# tail\n");
    expect(jail.describeUpdate!(current, news)[0]).toMatch(/moves the definition of jail web from \/etc\/jail.conf/);
  });
});

describe("planDelete", () => {
  it("stops the jail, removes its file and its jail_list entry, and leaves its root alone", () => {
    const inv = inventory({
      files: new Map([["/etc/jail.conf.d/web.conf", renderJail(inputs({}))]]),
      jails: [{ jid: 3, name: "web", params: { jid: 3, name: "web" } as never }],
      rc: new Map([["jail_enable", "YES"], ["jail_list", "db web"]]),
    });
    // The file goes last, so a delete interrupted before it still finds the jail and finishes.
    const plan = planDelete(jail, read(jail, inv, "web")!, inv);
    expect(argvs(plan).map(action)).toEqual([
      ["service", "jail", "onestop", "web"],
      ["sysrc", "jail_list-=web"],
      ["/bin/sh", "-c", expect.stringContaining("rm -f"), "sh", "/etc/jail.conf.d/web.conf"],
    ]);
    expect(plan.slice(1).every((c) => c.argv[0] === "lockf")).toBe(true);
  });
});
