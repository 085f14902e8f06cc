import { jailParamSpec, type JailValue } from "../../freebsd/jail-params.ts";
import type { JlsValue } from "../../freebsd/jls.ts";

// The parameters of a jail that has no jail.conf entry (made with `jail -c`, or by a jail manager
// that keeps its configuration elsewhere), taken from jls: only those that say something, so an
// import gives inputs the schema takes and that describe the jail rather than the kernel's defaults.

/**
 * What a new FreeBSD 14 jail gets when its creator does not say (sys/kern/kern_jail.c kern_jail_set
 * and jail_default_allow: set_hostname, reserved_ports, unprivileged_proc_debug and suser; every
 * other allow.* off; securelevel as the host runs, -1 by default).
 */
const kernelDefaults: Readonly<Record<string, JlsValue>> = {
  securelevel: -1, enforce_statfs: 2, devfs_ruleset: 0, "children.max": 0, host: "new", vnet: "inherit",
  "host.domainname": "", "ip4.saddrsel": true, "ip6.saddrsel": true,
  sysvmsg: "disable", sysvsem: "disable", sysvshm: "disable", linux: "inherit", zfs: "inherit", "zfs.mount_snapshot": 0,
  "allow.set_hostname": true, "allow.reserved_ports": true, "allow.unprivileged_proc_debug": true, "allow.suser": true,
};

/**
 * Copied from the host into every jail that does not set them (kern_jail.c: osrelease, osreldate,
 * hostuuid and hostid come from the parent). The inventory has no host values to compare with, so
 * they are left to their defaults: a hand-set osrelease is lost at the jail's next start unless the
 * program sets it.
 */
const copiedFromHost = new Set(["osrelease", "osreldate", "host.hostuuid", "host.hostid"]);

/** The value a parameter has when nobody set it, where it is the same on every host. */
function defaultOf(name: string): JlsValue | undefined {
  if (name in kernelDefaults) return kernelDefaults[name];
  return name.startsWith("allow.") ? false : undefined;
}

/** Whether jls's value of one parameter says something about this jail. */
function saysSomething(name: string, value: JlsValue, all: Readonly<Record<string, JlsValue>>): boolean {
  const spec = jailParamSpec(name);
  if (!spec || spec.kind !== "kernel" || spec.update === "read-only") return false;
  if (name === "name" || name === "jid" || copiedFromHost.has(name)) return false;
  // ip4/ip6 follow from the addresses ("new" with some, "disable" without) unless unrestricted ("inherit");
  // a VNET jail has its own stack and inherits both.
  if (name === "ip4" || name === "ip6") return value === "inherit" && all["vnet"] !== "new";
  if ((name === "ip4.addr" || name === "ip6.addr") && Array.isArray(value)) return value.length > 0;
  // linux.* describe an environment of the jail's own only with linux = new.
  if (name.startsWith("linux.")) return all["linux"] === "new";
  const fallback = defaultOf(name);
  return fallback === undefined || String(fallback) !== String(value);
}

/** The parameters of a running jail worth writing into its file, path first, in jls's order. */
export function liveOnlyParams(live: Readonly<Record<string, JlsValue>>): Array<[string, JailValue]> {
  const params: Array<[string, JailValue]> = [];
  if (typeof live["path"] === "string") params.push(["path", live["path"]]);
  for (const [name, value] of Object.entries(live)) {
    if (name !== "path" && saysSomething(name, value, live)) params.push([name, value]);
  }
  return params;
}
