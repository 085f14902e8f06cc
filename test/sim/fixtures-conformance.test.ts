// The simulator held against the parser fixtures in test/fixtures, so that parser and simulator
// cannot drift apart unnoticed: for each fixture the same state is built on a simulated host, the
// command the provider runs is run over SSH, and the output must have the fixture's format line by
// line (fields, separators, ordering, value forms). Only host-specific values (guids, txgs, sizes,
// dates, cpuset ids, a new jail's hostid/hostuuid) may differ, and those must keep their form. Both
// texts are then read with the provider's parser to show they read alike. (A test may import the
// provider's parsers; the simulator itself never does.)
//
// Where a fixture was written by hand and differs from what FreeBSD prints, the test says so in
// `fixtureFix` and holds the simulator to FreeBSD.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseJailConf, type ConfBlock, type ConfParam, type ConfString } from "../../provider/src/freebsd/jail-conf.ts";
import { parseJailParamNames } from "../../provider/src/freebsd/jail-commands.ts";
import { parseJls } from "../../provider/src/freebsd/jls.ts";
import { parseSysrcAll, parseSysrcAssignments } from "../../provider/src/freebsd/sysrc.ts";
import { parseIfconfig } from "../../provider/src/freebsd/ifconfig-output.ts";
import { parseSnapshotList, parseZfsGet, parseZpoolList } from "../../provider/src/freebsd/zfs-output.ts";
import type { SimHost } from "./host.ts";
import type { JailRecord } from "./jail/model.ts";
import { useSimHost, type TestClient } from "./ssh-client.ts";

let host: SimHost;
let ssh: TestClient;
useSimHost((h, s) => {
  host = h;
  ssh = s;
}, { pools: [{ name: "tank" }] });

const raw = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
/** A fixture without its `#` header lines. */
const fixture = (name: string): string => raw(name).replace(/^(#.*\n)+/, "");

async function run(command: string): Promise<string> {
  const r = await ssh.run(command);
  expect(r.stderr, command).toBe("");
  expect(r.code, command).toBe(0);
  return r.stdout;
}

const DIGITS = /^\d+$/;

/** Holds TAB-separated lines field by field: equal, or both of a host-specific field's form. */
function expectLines(sim: string, fix: string, split: (line: string) => string[], hostSpecific: (row: string[], col: number) => boolean): void {
  const simLines = sim.split("\n");
  const fixLines = fix.split("\n");
  expect(simLines.length, "line count").toBe(fixLines.length);
  fixLines.forEach((f, i) => {
    const want = split(f);
    const got = split(simLines[i]!);
    expect(got.length, `fields of line ${i + 1}: ${simLines[i]}`).toBe(want.length);
    want.forEach((w, c) => {
      if (hostSpecific(want, c)) expect(got[c], `line ${i + 1} field ${c + 1}`).toMatch(DIGITS);
      else expect(got[c], `line ${i + 1} field ${c + 1}`).toBe(w);
    });
  });
}

/** `zfs get -H` fields: name, property, value (which may hold TABs), source. */
const zfsGetFields = (line: string): string[] => {
  if (line === "") return [];
  const parts = line.split("\t");
  return [parts[0]!, parts[1]!, parts.slice(2, -1).join("\t"), parts.at(-1)!];
};

/** Values that are the host's own: ids, dates and sizes. */
const HOST_ZFS_PROPS = new Set(["creation", "used", "available", "referenced", "guid", "refreservation"]);

describe("zfs and zpool fixtures", () => {
  it("builds the fixtures' datasets", async () => {
    await run("zfs create -o quota=10737418240 -o com.example:note=\"$(printf 'two\\twords')\" zroot/jails");
    await run("zfs create -V 1G zroot/vol");
    await run("zfs snapshot zroot/jails@base && zfs clone zroot/jails@base zroot/clone1 && zfs clone zroot/jails@base zroot/clone2");
    await run("zfs snapshot zroot/vol@s1 && zfs hold keep zroot/vol@s1");
  });

  it("zfs-get-all.txt: the same lines for the same properties, and the provider reads them alike", async () => {
    const fix = fixture("zfs-get-all.txt");
    const rows = fix.split("\n").filter(Boolean).map(zfsGetFields);
    let sim = "";
    // zfs get prints a dataset's properties in the order the list names them (zfs_main.c, zprop_get_list).
    for (const name of [...new Set(rows.map((r) => r[0]!))]) {
      const props = rows.filter((r) => r[0] === name).map((r) => r[1]!);
      sim += await run(`zfs get -H -p -o name,property,value,source ${props.join(",")} ${name}`);
    }
    expectLines(sim, fix, zfsGetFields, (row, col) => col === 2 && HOST_ZFS_PROPS.has(row[1]!));
    const [want, got] = [parseZfsGet(fix), parseZfsGet(sim)];
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, ds] of want) {
      for (const [prop, v] of Object.entries(ds.properties)) {
        const mine = got.get(name)!.properties[prop]!;
        expect(mine.source, `${name} ${prop}`).toBe(v.source);
        if (!HOST_ZFS_PROPS.has(prop)) expect(mine.value, `${name} ${prop}`).toBe(v.value);
      }
    }
  });

  it("zfs-get-all.txt: the provider's own `zfs get ... all` holds every fixture line but a volume's mountpoint", async () => {
    const all = parseZfsGet(await run("zfs get -H -p -o name,property,value,source -t filesystem,volume all"));
    for (const [name, ds] of parseZfsGet(fixture("zfs-get-all.txt"))) {
      for (const [prop, v] of Object.entries(ds.properties)) {
        // Why: `zfs get all` skips what zfs_prop_get refuses for the type (get_callback's pl_all), and
        // mountpoint is a filesystem property; the fixture's `zroot/vol mountpoint - -` line is what
        // naming the property prints, as the test above does.
        if (name === "zroot/vol" && prop === "mountpoint") {
          expect(all.get(name)!.properties[prop]).toBeUndefined();
          continue;
        }
        expect(all.get(name)!.properties[prop]?.source, `${name} ${prop}`).toBe(v.source);
      }
    }
  });

  it("zfs-list-snapshots.txt: the provider's snapshot listing, clones as a comma list, holds counted", async () => {
    const fix = fixture("zfs-list-snapshots.txt");
    const sim = await run("zfs list -H -p -t snapshot -o name,guid,createtxg,creation,used,referenced,clones,userrefs");
    // Clones come in the order of the origin's next-clones ZAP (no order to hold), so as sets.
    const sortClones = (line: string): string[] => {
      const f = line === "" ? [] : line.split("\t");
      if (f.length === 8) f[6] = f[6]!.split(",").sort().join(",");
      return f;
    };
    expectLines(sim, fix, sortClones, (_row, col) => col >= 1 && col <= 5);
    const [want, got] = [parseSnapshotList(fix), parseSnapshotList(sim)];
    expect([...got.keys()]).toEqual([...want.keys()]);
    for (const [name, s] of want) {
      expect({ ...got.get(name)!, clones: [...got.get(name)!.clones].sort() }).toMatchObject({ dataset: s.dataset, clones: s.clones, userrefs: s.userrefs });
    }
  });

  it("zpool-list.txt: one line per pool, exact sizes, health; pools in name order", async () => {
    host.withState((disk) => {
      // A pool with a faulted vdev, as the kernel would report it.
      disk.pools["tank"]!.health = "DEGRADED";
    });
    const fix = fixture("zpool-list.txt");
    const sim = await run("zpool list -H -p -o name,size,allocated,free,health");
    // Why: zpool list walks pools sorted by name (zpool_iter.c's pool list AVL tree, pool_list_compare);
    // the hand-written fixture lists zroot before tank, so the lines are held by pool name.
    const byName = (text: string): string => text.split("\n").filter(Boolean).sort().join("\n") + "\n";
    expect(sim.split("\n").filter(Boolean).map((l) => l.split("\t")[0])).toEqual(["tank", "zroot"]);
    expectLines(byName(sim), byName(fix), (l) => (l === "" ? [] : l.split("\t")), (_row, col) => col === 2 || col === 3);
    const want = parseZpoolList(fix);
    const got = new Map(parseZpoolList(sim).map((p) => [p.name, p]));
    for (const p of want) expect(got.get(p.name)).toMatchObject({ name: p.name, size: p.size, health: p.health });
  });
});

/** What libxo really ends a JSON document with: the depth-1 close adds "\n" (xo_do_close_container), then
 * xo_finish_h writes "}\n". The fixtures put the last brace on the same line. */
const fixtureFix = (text: string): string => text.replace(/\}\}\n$/, "}\n}\n");

describe("jail fixtures", () => {
  it("jls-none.txt: jls --libxo json -n with no jails", async () => {
    const fix = fixture("jail/jls-none.txt");
    const sim = await run("jls --libxo json -n");
    expect(sim).toBe(fixtureFix(fix));
    expect(parseJls(sim)).toEqual(parseJls(fix));
  });

  it("jls-all.txt: every parameter of www, db and tools in jls's order, as libxo writes them", async () => {
    await run("mkdir -p /jails/www /jails/db '/jails/tö☃ls \\ dir'");
    await run("jail -c name=www jid=1 path=/jails/www host.hostname=www.example.org ip4.addr=10.0.0.5,10.0.0.6"
      + " ip6.addr=2001:db8::5 persist securelevel=2 devfs_ruleset=4 allow.noset_hostname allow.nounprivileged_proc_debug"
      + " osrelease=14.2-RELEASE osreldate=1402000");
    await run("jail -c name=db jid=3 path=/jails/db vnet persist securelevel=-1 devfs_ruleset=5 enforce_statfs=1"
      + " sysvmsg=new sysvsem=new sysvshm=new zfs=new allow.mlock allow.mount allow.mount.nullfs allow.mount.tmpfs"
      + " allow.mount.zfs allow.raw_sockets allow.noset_hostname allow.nounprivileged_proc_debug children.max=2"
      + " host.domainname=example.org host.hostid=3141592653 host.hostuuid=5ac4f9e2-1d2b-11ef-9a61-0800271c3a4e"
      + " \"host.hostname=$(printf 'db \"primary\"\\tnode')\" zfs.mount_snapshot=1 osrelease=14.2-RELEASE osreldate=1402000");
    await run("jail -c name=tools jid=7 'path=/jails/tö☃ls \\ dir' persist devfs_ruleset=4 securelevel=3 ip4=disable"
      + " ip6=disable allow.nosuser allow.nounprivileged_proc_debug ip6.nosaddrsel osrelease=14.1-RELEASE-p5"
      + " osreldate=1401000 \"host.hostname=$(printf 'tools\\nsecond line')\"");
    // tools runs without persist: a process keeps it alive, which the simulator's jails do not have.
    host.withState((_d, kernel) => {
      (kernel.jails!.list.find((j: JailRecord) => j.jid === 7)!).params["persist"] = 0;
    });
    const fix = fixture("jail/jls-all.txt");
    const sim = await run("jls --libxo json -n");
    // cpuset.id is the kernel's allocation; a jail that did not set host.hostid/hostuuid copies the host's.
    const own = (text: string): string => text
      .replace(/"cpuset\.id":"\d+"/g, '"cpuset.id":"N"')
      .replace(/("jid":"(?:1|7)"[^{}]*?)"host\.hostid":"\d+"/g, '$1"host.hostid":"N"')
      .replace(/("jid":"(?:1|7)"[^{}]*?)"host\.hostuuid":"[0-9a-f-]{36}"/g, '$1"host.hostuuid":"U"');
    expect(own(sim)).toBe(own(fixtureFix(fix)));
    const neutral = (jails: ReturnType<typeof parseJls>) => jails.map((j) => ({
      ...j, params: { ...j.params, "cpuset.id": 0, ...(j.jid === 3 ? {} : { "host.hostid": 0, "host.hostuuid": "" }) } }));
    expect(neutral(parseJls(sim))).toEqual(neutral(parseJls(fix)));
  });

  it("sysctl-jail-param.txt: one OID per line, the same parameters (registration order is not held)", async () => {
    const fix = fixture("jail/sysctl-jail-param.txt");
    const sim = await run("sysctl -N security.jail.param");
    expect(sim.endsWith("\n")).toBe(true);
    expect(sim.split("\n").sort()).toEqual(fix.split("\n").sort());
    const names = (text: string) => parseJailParamNames(text).sort((a, b) => a.name.localeCompare(b.name));
    expect(names(sim)).toEqual(names(fix));
  });

  it("sysrc-e.txt and sysrc-a.txt: sysrc -e and sysrc -a over the same rc.conf", async () => {
    await run("printf '%s\\n' 'clear_tmp_enable=\"YES\"' 'hostname=\"host1.example.org\"' 'ifconfig_em0=\"DHCP\"'"
      + " 'jail_enable=\"YES\"' 'jail_list=\"www db\"' 'sshd_enable=\"YES\"' 'zfs_enable=\"YES\"' 'zpool_reguid=\"\"' > /etc/rc.conf");
    const all = await run("sysrc -a");
    expect(all).toBe(fixture("jail/sysrc-a.txt"));
    expect(parseSysrcAssignments(all)).toEqual(parseSysrcAssignments(fixture("jail/sysrc-a.txt")));
    await run("sysrc jail_list='www db tools' >/dev/null");
    const e = await run("sysrc -e jail_enable jail_list jail_parallel_start");
    expect(e).toBe(fixture("jail/sysrc-e.txt"));
    expect(parseSysrcAssignments(e)).toEqual(parseSysrcAssignments(fixture("jail/sysrc-e.txt")));
  });

  it("jail.conf: jail(8) reads the file's jails as the provider's parser does", async () => {
    const text = raw("jail/jail.conf");
    await run(`cat > /etc/jail.conf <<'EOF'\n${text}EOF\ntouch /etc/jail.local.conf`);
    const US = "\x1f";
    const exhibited = new Map((await run(`jail -e "$(printf '\\037')"`)).split("\n").filter(Boolean).map((line) => {
      const [first, ...params] = line.split(US);
      return [first!.replace(/^name=/, ""), new Map(params.map(exhibitParam))] as const;
    }));
    const conf = parseJailConf(text);
    const named = conf.jails.filter((j) => !j.wildcard);
    expect([...exhibited.keys()]).toEqual(named.map((j) => j.name));
    for (const jail of named) expect(exhibited.get(jail.name), jail.name).toEqual(effectiveParams(conf.globals, conf.jails, jail));
  });
});

/** One `name=value` (or boolean `name`, `nameno`) item of `jail -e`: the parameter and its values. */
function exhibitParam(item: string): [string, string[]] {
  const at = item.indexOf("=");
  if (at < 0) return [item, []];
  const values: string[] = [];
  for (const m of item.slice(at + 1).matchAll(/"((?:[^"\\]|\\.)*)"|([^,]+)/g)) values.push(m[1] ?? m[2]!);
  return [item.slice(0, at), values];
}

/** jail.conf(5): globals, then matching wildcard blocks, then the jail's own block; `=` sets, `+=` appends. */
function effectiveParams(globals: ConfParam[], blocks: ConfBlock[], jail: ConfBlock): Map<string, string[]> {
  const vars = new Map<string, string>([["name", jail.name]]);
  const out = new Map<string, string[]>();
  const matches = (pattern: string) => pattern === "*" || new RegExp(`^${pattern.replace(/\./g, "\\.").replace(/\*/g, ".*")}$`).test(jail.name);
  const apply = (p: ConfParam): void => {
    const values = p.values.map((v) => expand(v, vars, out));
    if (p.variable) vars.set(p.name, values.join(","));
    else if (p.boolean) out.set(p.boolean.value ? p.boolean.name : p.name, []);
    else out.set(p.name, p.operator === "+=" ? [...(out.get(p.name) ?? []), ...values] : values);
  };
  globals.forEach(apply);
  for (const b of blocks) if (b.wildcard && matches(b.name)) b.params.forEach(apply);
  jail.params.forEach(apply);
  return out;
}

/** A value with its $variables put in (jail.conf variables, else the jail's own parameters). */
function expand(v: ConfString, vars: Map<string, string>, params: Map<string, string[]>): string {
  let text = v.text;
  for (const ref of [...v.variables].sort((a, b) => b.offset - a.offset)) {
    const value = vars.get(ref.name) ?? params.get(ref.name)?.join(",") ?? "";
    text = text.slice(0, ref.offset) + value + text.slice(ref.offset);
  }
  return text;
}

/** The status blocks of an ifconfig listing by interface name. */
function blocks(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of text.split(/\n(?=\S)/)) out.set(block.slice(0, block.indexOf(":")), block.replace(/\n$/, ""));
  return out;
}

describe("network fixtures", () => {
  it("ifconfig-a.txt: the loopback, the renamed bridge and epair ends line by line, and the provider reads them alike", async () => {
    // The fixture's host NIC is an em(4); the simulator's is vtnet0, renamed em0 here. Its driver lines
    // (options, media, the bridge path cost that follows the link speed) are the driver's own; the
    // bridge's MAC (ether_gen_addr) and the members' ports (if_index) are the host's.
    await run("ifconfig vtnet0 name em0 >/dev/null && ifconfig em0 inet 192.0.2.10/24 && ifconfig em0 inet6 2001:db8::10/64 alias"
      + " && ifconfig bridge create name lan0 >/dev/null && a=$(ifconfig epair create) && ifconfig $a name weba >/dev/null"
      + " && ifconfig ${a%a}b name webb >/dev/null && ifconfig weba ether 02:5c:e8:1f:07:0a && ifconfig weba description 'web uplink'"
      + " && ifconfig webb ether 02:5c:e8:1f:07:0b && ifconfig weba inet 10.79.0.1/24 && ifconfig lan0 addm em0 && ifconfig lan0 addm weba"
      + " && ifconfig lan0 description 'jail lan: web, db' && ifconfig lan0 inet 10.77.0.1/24 && ifconfig lan0 inet6 2001:db8:77::1/64 alias"
      + " && ifconfig lan0 up");
    const sim = await run("ifconfig -f inet:cidr,inet6:cidr -a");
    const fix = fixture("net/ifconfig-a.txt");
    const [simBlocks, fixBlocks] = [blocks(sim), blocks(fix)];
    expect([...simBlocks.keys()]).toEqual([...fixBlocks.keys()]);
    const bridgeMac = (text: string) => text.replace(/\tether 58:9c:fc:10:[0-9a-f]{2}:[0-9a-f]{2}\n/, "\tether 58:9c:fc:10:xx:xx\n")
      .replace(/path cost 20000$/m, "path cost 2000")
      // A member's port is its if_index, which the jails of the tests above have moved on.
      .replace(/ifmaxaddr 0 port \d+ /g, "ifmaxaddr 0 port N ");
    for (const name of ["lo0", "lan0", "weba", "webb"]) expect(bridgeMac(simBlocks.get(name)!), name).toBe(bridgeMac(fixBlocks.get(name)!));
    const [simParsed, fixParsed] = [parseIfconfig(sim), parseIfconfig(fix)];
    for (const name of ["em0", "lo0", "weba", "webb"]) expect(simParsed.get(name), name).toEqual({ ...fixParsed.get(name)!, ether: simParsed.get(name)!.ether });
    expect({ ...simParsed.get("lan0")!, ether: "" }).toEqual({ ...fixParsed.get("lan0")!, ether: "" });
  });

  it("sysrc-a-e.txt: sysrc -a -e over the same rc.conf, a value on two lines included", async () => {
    const fix = fixture("net/sysrc-a-e.txt");
    await run(`cat > /etc/rc.conf <<'EOF'\n${fix}EOF`);
    const all = await run("sysrc -a -e");
    expect(all).toBe(fix);
    expect(parseSysrcAll(all)).toEqual(parseSysrcAll(fix));
  });
});
