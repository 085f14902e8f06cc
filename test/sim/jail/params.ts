// The kernel's jail parameters on FreeBSD 14.3 GENERIC with zfs.ko: the security.jail.param sysctl
// tree that libjail reads types from (sys/kern/kern_jail.c SYSCTL_JAIL_PARAM*, sys/kern/sysv_*.c,
// OpenZFS zfs_vfsops.c, and allow.mount.<fs> added by prison_add_vfs for each jail-friendly file
// system). Order is OID registration order as `sysctl -N security.jail.param` walks it.

/** libjail's view of a parameter's type (the sysctl format string). */
export type ParamKind = "int" | "ulong" | "bool" | "jailsys" | "string" | "ip4" | "ip6";

export interface ParamDef {
  /** Parameter name as jail(8)/jls(8) spell it (`host` for the node described by `host.`). */
  name: string;
  kind: ParamKind;
  /** CTLFLAG_RW, CTLFLAG_RD (read-only) or CTLFLAG_RDTUN (settable only at creation). */
  access: "rw" | "rd" | "rdtun";
  /** Described by an empty-named child of a node: the sysctl name ends in `.`. */
  node?: boolean;
  /** Maximum length including the NUL (string parameters report it as their sysctl value). */
  maxLen?: number;
  descr: string;
}

import { hostRelease } from "../core/store.ts";

const MAXHOSTNAMELEN = 256;
const MAXPATHLEN = 1024;
const HOSTUUIDLEN = 64;
const OSRELEASELEN = 32;

const p = (name: string, kind: ParamKind, access: ParamDef["access"], descr: string, more: Partial<ParamDef> = {}): ParamDef =>
  ({ name, kind, access, descr, ...more });
const allow = (name: string, descr: string): ParamDef => p(`allow.${name}`, "bool", "rw", descr);

/** File systems registered as jail-friendly at boot (allow.mount.<fs>), in registration order (inferred). */
export const JAIL_FILESYSTEMS = ["devfs", "fdescfs", "nullfs", "procfs", "tmpfs", "zfs"];

/** Every parameter of 14.3 in OID order. */
export const PARAMS: readonly ParamDef[] = [
  p("jid", "int", "rdtun", "Jail ID"),
  p("parent", "int", "rd", "Jail parent ID"),
  p("name", "string", "rw", "Jail name", { maxLen: MAXHOSTNAMELEN }),
  p("path", "string", "rdtun", "Jail root path", { maxLen: MAXPATHLEN }),
  p("securelevel", "int", "rw", "Jail secure level"),
  p("osreldate", "int", "rdtun", "Jail value for kern.osreldate and uname -K"),
  p("osrelease", "string", "rdtun", "Jail value for kern.osrelease and uname -r", { maxLen: OSRELEASELEN }),
  p("enforce_statfs", "int", "rw", "Jail cannot see all mounted file systems"),
  p("devfs_ruleset", "int", "rw", "Ruleset for in-jail devfs mounts"),
  p("persist", "bool", "rw", "Jail persistence"),
  p("vnet", "jailsys", "rdtun", "Virtual network stack"),
  p("dying", "bool", "rd", "Jail is in the process of shutting down"),
  p("children.cur", "int", "rd", "Current number of child jails"),
  p("children.max", "int", "rw", "Maximum number of child jails"),
  p("host", "jailsys", "rw", "Jail host info", { node: true }),
  p("host.hostname", "string", "rw", "Jail hostname", { maxLen: MAXHOSTNAMELEN }),
  p("host.domainname", "string", "rw", "Jail NIS domainname", { maxLen: MAXHOSTNAMELEN }),
  p("host.hostuuid", "string", "rw", "Jail host UUID", { maxLen: HOSTUUIDLEN }),
  p("host.hostid", "ulong", "rw", "Jail host ID"),
  p("cpuset.id", "int", "rd", "Jail cpuset ID"),
  p("ip4", "jailsys", "rdtun", "Jail IPv4 address virtualization", { node: true }),
  p("ip4.addr", "ip4", "rw", "Jail IPv4 addresses"),
  p("ip4.saddrsel", "bool", "rw", "Do (not) use IPv4 source address selection rather than the primary jail IPv4 address."),
  p("ip6", "jailsys", "rdtun", "Jail IPv6 address virtualization", { node: true }),
  p("ip6.addr", "ip6", "rw", "Jail IPv6 addresses"),
  p("ip6.saddrsel", "bool", "rw", "Do (not) use IPv6 source address selection rather than the primary jail IPv6 address."),
  allow("set_hostname", "Jail may set hostname"),
  allow("sysvipc", "Jail may use SYSV IPC"),
  allow("raw_sockets", "Jail may create raw sockets"),
  allow("chflags", "Jail may alter system file flags"),
  allow("quotas", "Jail may set file quotas"),
  allow("socket_af", "Jail may create sockets other than just UNIX/IPv4/IPv6/route"),
  allow("mlock", "Jail may lock (unlock) physical pages in memory"),
  allow("reserved_ports", "Jail may bind sockets to reserved ports"),
  allow("read_msgbuf", "Jail may read the kernel message buffer"),
  allow("unprivileged_proc_debug", "Unprivileged processes may use process debugging facilities"),
  allow("suser", "Processes in jail with uid 0 have privilege"),
  allow("nfsd", "Mountd/nfsd may run in the jail"),
  allow("extattr", "Jail may set system-level filesystem extended attributes"),
  allow("adjtime", "Jail may adjust system time"),
  allow("settime", "Jail may set system time"),
  p("allow.mount", "bool", "rw", "Jail may mount/unmount jail-friendly file systems in general", { node: true }),
  ...JAIL_FILESYSTEMS.map((fs) => allow(`mount.${fs}`, `Jail may mount the ${fs} file system`)),
  p("sysvmsg", "jailsys", "rw", "SYSV message queues", { node: true }),
  p("sysvsem", "jailsys", "rw", "SYSV semaphores", { node: true }),
  p("sysvshm", "jailsys", "rw", "SYSV shared memory", { node: true }),
  p("zfs", "jailsys", "rw", "Jail ZFS parameters", { node: true }),
  p("zfs.mount_snapshot", "int", "rw", "Allow mounting snapshots in the .zfs directory for unjailed datasets"),
];

/**
 * 15.0's catalogue: 14.3's, with allow.routing, allow.unprivileged_parent_tampering and
 * allow.setaudit among the allow flags (their descriptions are inferred), and meta and env from
 * kern_jailmeta.c (strings of security.jail.meta_maxbufsize = 4096 bytes, "A,keyvalue"; their OIDs
 * registered after kern_jail.c's, before the SysV and ZFS ones: inferred from link order).
 */
export const PARAMS_15: readonly ParamDef[] = (() => {
  const out: ParamDef[] = [];
  for (const d of PARAMS) {
    if (d.name === "sysvmsg") {
      out.push(p("meta", "string", "rw", "Jail meta information hidden from the jail", { maxLen: 4096 }));
      out.push(p("env", "string", "rw", "Jail meta information readable by the jail", { maxLen: 4096 }));
    }
    out.push(d);
    if (d.name === "allow.settime") {
      out.push(allow("routing", "Jail may modify routing tables"));
      out.push(allow("unprivileged_parent_tampering", "Unprivileged parent jail processes may tamper with same-uid processes"));
      out.push(allow("setaudit", "Jail may set and get audit session state"));
    }
  }
  return out;
})();

/** The catalogue of the host's release (core/store.ts hostRelease: 15.x has PARAMS_15). */
export function jailParams(): readonly ParamDef[] {
  return Number((hostRelease() ?? "14").split(".")[0]) >= 15 ? PARAMS_15 : PARAMS;
}

const byName = new Map<readonly ParamDef[], Map<string, ParamDef>>();

function paramNamed(name: string): ParamDef | undefined {
  const params = jailParams();
  let map = byName.get(params);
  if (!map) byName.set(params, (map = new Map(params.map((d) => [d.name, d]))));
  return map.get(name);
}

/** A parameter as named by a caller: its definition and whether it was the `no` form of a boolean. */
export interface ParamRef {
  def: ParamDef;
  /** Spelled `noNAME` (libjail JP_NOBOOL): the value is inverted. */
  negated: boolean;
}

/** libjail's nononame(): `allow.nomount` -> `allow.mount`, undefined when there is no `no`. */
export function stripNo(name: string): string | undefined {
  const dot = name.lastIndexOf(".");
  const last = name.slice(dot + 1);
  if (!last.startsWith("no")) return undefined;
  return dot < 0 ? last.slice(2) : `${name.slice(0, dot)}.${last.slice(2)}`;
}

/** libjail's noname(): `allow.mount` -> `allow.nomount`. */
export function addNo(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? `no${name}` : `${name.slice(0, dot)}.no${name.slice(dot + 1)}`;
}

/** jailparam_type(): finds a parameter, accepting `no` forms of booleans only. */
export function lookupParam(name: string): ParamRef | undefined {
  const def = paramNamed(name);
  if (def) return { def, negated: false };
  const base = stripNo(name);
  const bdef = base === undefined ? undefined : paramNamed(base);
  // Why: a `no` name is accepted only when it strips to a boolean (jailparam_type, JP_NOBOOL).
  if (bdef && bdef.kind === "bool") return { def: bdef, negated: true };
  return undefined;
}

/** The sysctl OID of a parameter (`security.jail.param.host.` for node descriptors). */
export function paramOid(def: ParamDef): string {
  return `security.jail.param.${def.name}${def.node ? "." : ""}`;
}

/** jailparam_all() sorted as jls sorts `all`: top-level names first, then dotted ones, by strcmp. */
export function allParamsSorted(): ParamDef[] {
  return [...jailParams()].sort((a, b) => {
    const ad = a.name.includes(".");
    const bd = b.name.includes(".");
    if (ad !== bd) return ad ? 1 : -1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}
