import { catFiles, parseCatFiles } from "../freebsd/files.ts";
import { ifconfigAll, parseIfconfig, type IfStatus } from "../freebsd/ifconfig-output.ts";
import { isNetifVar, type RcVars } from "../freebsd/netif-conf.ts";
import { parseSysrcAll, sysrcShowAll } from "../freebsd/sysrc.ts";
import { parseVnetIfconfig, vnetIfconfigAll, type VnetJail } from "../freebsd/vnet-interfaces.ts";
import type { Section, SectionOutput } from "../inventory/section.ts";

// The network sections: the host's interfaces, the rc.conf variables rc.d/netif builds them from at
// boot, the provider's ownership markers, and the interfaces inside running VNET jails. Each is read
// whole: ifconfig lists one named interface per call and fails for a missing one, rc.conf variables
// are named after units only the file itself tells, and which jail holds an interface is what is
// being asked. On a host they are tens of lines each.

/** Where the provider records which resource created an interface: one file per interface, holding the URN. */
export const markerDirectory = "/var/db/pulumi-freebsd/interfaces";

function succeeded(what: string, out: SectionOutput): string {
  if (out.code !== 0) throw new Error(`${what} exited ${out.code}: ${out.stderr.trim() || "(no stderr)"}`);
  return out.stdout;
}

/** Every interface of the host's vnet (`ifconfig -a`). */
export const hostInterfaces: Section<Map<string, IfStatus>> = {
  key: "net.ifconfig",
  command: () => ifconfigAll(),
  parse: (out) => parseIfconfig(succeeded("ifconfig", out)),
};

/** The rc.conf variables rc.d/netif reads (`sysrc -a -e`, kept to cloned_interfaces, ifconfig_* and create_args_*). */
export const netifVars: Section<RcVars> = {
  key: "net.rcconf",
  command: () => sysrcShowAll(),
  parse: (out) => new Map([...parseSysrcAll(succeeded("sysrc", out))].filter(([name]) => isNetifVar(name))),
};

/** The provider's markers by interface name: the URN of the resource that created it. */
export const interfaceMarkers: Section<Map<string, string>> = {
  key: "net.markers",
  command: (_scope, token) => catFiles(token, [`${markerDirectory}/*`]),
  parse: (out, _scope, token) => {
    const files = parseCatFiles(token, succeeded("reading markers", out));
    return new Map([...files].map(([path, text]) => [path.slice(markerDirectory.length + 1), text.trim()]));
  },
};

/** The interfaces inside every running VNET jail (`jexec JID ifconfig -a`). */
export const vnetJails: Section<VnetJail[]> = {
  key: "net.vnets",
  command: (_scope, token) => vnetIfconfigAll(token),
  parse: (out, _scope, token) => parseVnetIfconfig(token, succeeded("listing VNET jail interfaces", out)),
};
