import { z } from "zod";
import { parseJailConf } from "../freebsd/jail-conf.ts";
import { readJailParams } from "../freebsd/jail-conf-values.ts";
import { want } from "../inventory/section.ts";
import type { HostView } from "../inventory/view.ts";
import { findJail } from "../resources/jail/read.ts";
import { hostFacts } from "../sections/host.ts";
import { jailFiles, runningJails } from "../sections/jails.ts";
import { rctlRules } from "../sections/rctl.ts";
import { pools } from "../sections/zfs.ts";
import type { FunctionDefinition } from "./contract.ts";

// freebsd:index:getHost: what a host is and has, from the same batched read as every resource.

const pool = z.object({
  name: z.string().describe("The pool's name."),
  size: z.number().describe("Size in bytes (`zpool list -p`)."),
  free: z.number().describe("Free bytes."),
  health: z.string().describe("`ONLINE`, `DEGRADED`, `FAULTED`, ..."),
}).meta({ pulumiType: "freebsd:index:HostPool" });

const iface = z.object({
  name: z.string().describe("The interface's name, e.g. `em0`, `bridge0`, `epair0b`."),
  kind: z.string().describe("Its cloner group (`epair`, `bridge`, `lo`, `vlan`, ...), `ethernet` for hardware, else `other`."),
  addresses: z.array(z.string()).describe("inet and inet6 addresses with their prefix length, as the host's ifconfig lists them."),
  location: z.string().describe("Where it lives: `host`, or `jail:NAME` for an interface a running VNET jail took at start (its addresses are inside the jail and not listed)."),
}).meta({ pulumiType: "freebsd:index:HostInterface" });

const jailFact = z.object({
  name: z.string().describe("The jail's name."),
  jid: z.number().optional().describe("Its jid while it runs."),
  path: z.string().describe("Its root directory."),
  running: z.boolean().describe("Whether it runs."),
}).meta({ pulumiType: "freebsd:index:HostJail" });

const outputs = z.object({
  kernelVersion: z.string().describe("The installed kernel's release (`freebsd-version -k`), e.g. `14.3-RELEASE-p2`."),
  userlandVersion: z.string().describe("The userland's release (`freebsd-version -u`)."),
  architecture: z.string().describe("`hw.machine_arch`, e.g. `amd64` or `aarch64`."),
  cpuCount: z.number().int().describe("`hw.ncpu`: CPUs a jail's `cpus` can name, 0 to cpuCount-1."),
  memoryBytes: z.number().describe("`hw.physmem`: physical memory in bytes."),
  racctEnabled: z.boolean().describe("Whether the kernel accounts resources (`kern.racct.enable`), which rctl:Limit needs."),
  pools: z.array(pool).describe("Imported ZFS pools."),
  interfaces: z.array(iface).describe("Network interfaces of the host and of its running VNET jails."),
  jails: z.array(jailFact).describe("Jails running or defined in the files rc.d/jail reads, by name."),
});

const inputs = z.strictObject({});

/** The jails defined in any jail.conf file, by name, with their path. */
function definedJails(view: HostView): Map<string, string> {
  const defined = new Map<string, string>();
  for (const name of [...view.get(jailFiles).names()].sort()) {
    const text = view.get(jailFiles).get(name)!;
    const conf = view.derive(`jail.conf ${name}`, () => parseJailConf(text));
    for (const block of conf.jails) {
      if (block.wildcard || defined.has(block.name)) continue;
      const path = readJailParams([...conf.globals, ...block.params]).find(([p]) => p === "path")?.[1];
      defined.set(block.name, typeof path === "string" ? path : "");
    }
  }
  return defined;
}

/** Interfaces on the host, then those running VNET jails took at start (their vnet.interface). */
function interfacesOf(view: HostView): z.output<typeof iface>[] {
  const host = view.get(hostFacts).interfaces.map((i) => ({ name: i.name, kind: i.kind, addresses: i.addresses, location: "host" }));
  const seen = new Set(host.map((i) => i.name));
  const inJails = view.get(runningJails).filter((j) => j.params["vnet"] === "new").flatMap((j) => {
    const taken = findJail(view, j.name)?.params.find(([p]) => p === "vnet.interface")?.[1];
    const names = Array.isArray(taken) ? taken : typeof taken === "string" ? [taken] : [];
    // An interface inside a jail is known by name only: an epair's side (epairNb, or a name given with
    // `ifconfig name`) or another the jail was given; the host's ifconfig cannot see into its vnet.
    return names.filter((n) => !seen.has(n)).map((n) => ({ name: n, kind: /^epair\d+[ab]$/.test(n) ? "epair" : "other", addresses: [], location: `jail:${j.name}` }));
  });
  return [...host, ...inJails];
}

/** freebsd:index:getHost: versions, machine, pools, interfaces, jails and racct. */
export const getHost: FunctionDefinition<z.output<typeof inputs>, z.output<typeof outputs>> = {
  token: "freebsd:index:getHost",
  description: "The facts of the configured host: kernel and userland versions, architecture, CPUs, memory, pools, interfaces and where each lives, jails, and whether racct is on. Read in the same single round trip as the stack's resources.",
  inputs,
  outputs,
  reads: () => [want(hostFacts), want(pools), want(runningJails), want(jailFiles), want(rctlRules)],
  result: (view) => {
    const facts = view.get(hostFacts);
    const running = view.get(runningJails);
    const defined = definedJails(view);
    const jails = [
      ...running.map((j) => ({ name: j.name, jid: j.jid, path: String(j.params["path"] ?? ""), running: true })),
      ...[...defined].filter(([name]) => !running.some((j) => j.name === name)).map(([name, path]) => ({ name, path, running: false })),
    ];
    return {
      kernelVersion: facts.kernelVersion, userlandVersion: facts.userlandVersion, architecture: facts.architecture,
      cpuCount: facts.cpuCount, memoryBytes: facts.memoryBytes,
      racctEnabled: view.get(rctlRules).racct === "enabled",
      pools: view.get(pools).map((p) => ({ name: p.name, size: p.size, free: p.free, health: p.health })),
      interfaces: interfacesOf(view),
      jails,
    };
  },
};
