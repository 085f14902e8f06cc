// The jail(8) parameters of FreeBSD 14.x: their value types, whether a running jail takes a change
// through `jail -m`, and whether jail(8) keeps them to itself (pseudo-parameters). Sources:
// sys/kern/kern_jail.c (SYSCTL_JAIL_PARAM declarations, CTLFLAG_RDTUN = create-only), lib/libjail/jail.c
// (value import), usr.sbin/jail/config.c (the intparams table: pseudo-parameters and their flags),
// jail(8). The host's own list (`sysctl -N security.jail.param`) decides which kernel parameters exist.

/** A parameter value as the provider holds it. Lists are arrays (an exec.* command may also be one string); booleans are true/false. */
export type JailValue = string | number | boolean | readonly string[];

/** The three values of a "jailsys" parameter (libjail's jailsys_values: disable, new, inherit). */
export type JailSysValue = "new" | "inherit" | "disable";

/** How a parameter's value is written. */
export type JailParamType =
  | "string" | "integer" | "boolean" | "jailsys"
  | "ip4-list" | "ip6-list" | "command-list" | "string-list";

/**
 * When a change reaches a running jail: `live` through `jail -m`; `restart` only by recreating it
 * (CTLFLAG_RDTUN kernel parameters, and pseudo-parameters jail(8) acts on at creation);
 * `next-stop` from the next removal on, by rewriting the file alone; `read-only` never.
 */
export type JailParamUpdate = "live" | "restart" | "next-stop" | "read-only";

/** The checks a list's items get. */
export type JailListItem = "text" | "interface" | "jail-name" | "fstab-line" | "path";

export interface JailParamSpec {
  readonly type: JailParamType;
  /** `kernel` parameters reach jail_set(2); `pseudo` ones are used by jail(8) only. */
  readonly kind: "kernel" | "pseudo";
  readonly update: JailParamUpdate;
  /** jailsys values the kernel accepts for this parameter. */
  readonly choices?: readonly JailSysValue[];
  readonly min?: number;
  readonly max?: number;
  /** Longest value in bytes, without the NUL the kernel counts. */
  readonly maxBytes?: number;
  readonly absolutePath?: boolean;
  readonly item?: JailListItem;
  /** Present only when this kernel module or option is (the host's sysctl list is the truth). */
  readonly module?: string;
}

const newInherit = ["new", "inherit"] as const;
const allSys = ["new", "inherit", "disable"] as const;
/** JAIL_MAX in sys/jail.h: the largest jid and children.max. */
const jailMax = 999999;

const kernel = (type: JailParamType, update: JailParamUpdate, more: Partial<JailParamSpec> = {}): JailParamSpec =>
  ({ type, kind: "kernel", update, ...more });
const pseudo = (type: JailParamType, update: JailParamUpdate, more: Partial<JailParamSpec> = {}): JailParamSpec =>
  ({ type, kind: "pseudo", update, ...more });
const flag = (module?: string): JailParamSpec => kernel("boolean", "live", module ? { module } : {});

/** Every jail(8) parameter of FreeBSD 14.x by name. */
export const jailParams: Readonly<Record<string, JailParamSpec>> = {
  // kern_jail.c core parameters. Names are MAXHOSTNAMELEN (256) and paths MAXPATHLEN (1024) with the NUL.
  jid: kernel("integer", "restart", { min: 1, max: jailMax }),
  name: kernel("string", "live", { maxBytes: 255 }),
  path: kernel("string", "restart", { maxBytes: 1023, absolutePath: true }),
  securelevel: kernel("integer", "live", { min: -1, max: 3 }),
  enforce_statfs: kernel("integer", "live", { min: 0, max: 2 }),
  devfs_ruleset: kernel("integer", "live", { min: 0, max: 65535 }),
  persist: flag(),
  vnet: kernel("jailsys", "restart", { choices: newInherit, module: "VIMAGE" }),
  dying: kernel("boolean", "read-only"),
  parent: kernel("integer", "read-only"),
  "children.max": kernel("integer", "live", { min: 0, max: jailMax }),
  "children.cur": kernel("integer", "read-only"),
  "cpuset.id": kernel("integer", "read-only"),
  host: kernel("jailsys", "live", { choices: newInherit }),
  "host.hostname": kernel("string", "live", { maxBytes: 255 }),
  "host.domainname": kernel("string", "live", { maxBytes: 255 }),
  // HOSTUUIDLEN is 64 with the NUL; host.hostid is an unsigned long ("LU").
  "host.hostuuid": kernel("string", "live", { maxBytes: 63 }),
  "host.hostid": kernel("integer", "live", { min: 0, max: Number.MAX_SAFE_INTEGER }),
  ip4: kernel("jailsys", "restart", { choices: allSys }),
  "ip4.addr": kernel("ip4-list", "live"),
  "ip4.saddrsel": flag(),
  ip6: kernel("jailsys", "restart", { choices: allSys }),
  "ip6.addr": kernel("ip6-list", "live"),
  "ip6.saddrsel": flag(),
  // OSRELEASELEN is 32 with the NUL; osreldate must be non-zero.
  osrelease: kernel("string", "restart", { maxBytes: 31 }),
  osreldate: kernel("integer", "restart", { min: 1, max: 2147483647 }),
  "allow.set_hostname": flag(), "allow.sysvipc": flag(), "allow.raw_sockets": flag(),
  "allow.chflags": flag(), "allow.mount": flag(), "allow.quotas": flag(), "allow.socket_af": flag(),
  "allow.mlock": flag(), "allow.reserved_ports": flag(), "allow.read_msgbuf": flag(),
  "allow.unprivileged_proc_debug": flag(), "allow.suser": flag(), "allow.nfsd": flag(),
  "allow.extattr": flag(), "allow.adjtime": flag(), "allow.settime": flag(),
  // Added by file system and other modules when they are loaded.
  "allow.mount.devfs": flag("devfs"), "allow.mount.fdescfs": flag("fdescfs"),
  "allow.mount.fusefs": flag("fusefs"), "allow.mount.nullfs": flag("nullfs"),
  "allow.mount.procfs": flag("procfs"), "allow.mount.linprocfs": flag("linprocfs"),
  "allow.mount.linsysfs": flag("linsysfs"), "allow.mount.tmpfs": flag("tmpfs"),
  "allow.mount.zfs": flag("zfs"), "allow.vmm": flag("vmm"),
  sysvmsg: kernel("jailsys", "live", { choices: allSys, module: "sysvmsg" }),
  sysvsem: kernel("jailsys", "live", { choices: allSys, module: "sysvsem" }),
  sysvshm: kernel("jailsys", "live", { choices: allSys, module: "sysvshm" }),
  // LINUX_MAX_UTSNAME is 65 with the NUL.
  linux: kernel("jailsys", "live", { choices: newInherit, module: "linux" }),
  "linux.osname": kernel("string", "live", { maxBytes: 64, module: "linux" }),
  "linux.osrelease": kernel("string", "live", { maxBytes: 64, module: "linux" }),
  "linux.oss_version": kernel("integer", "live", { min: 0, max: 2147483647, module: "linux" }),
  // OpenZFS zfs_vfsops.c: zfs_jailparam_check accepts zfs=new|inherit and mount_snapshot 0|1.
  zfs: kernel("jailsys", "live", { choices: newInherit, module: "zfs" }),
  "zfs.mount_snapshot": kernel("integer", "live", { min: 0, max: 1, module: "zfs" }),

  // config.c intparams: commands and set-up that jail(8) performs itself (command.c runs them).
  "exec.prepare": pseudo("command-list", "restart"),
  "exec.prestart": pseudo("command-list", "restart"),
  "exec.created": pseudo("command-list", "restart"),
  "exec.start": pseudo("command-list", "restart"),
  command: pseudo("command-list", "restart"),
  "exec.poststart": pseudo("command-list", "restart"),
  "exec.prestop": pseudo("command-list", "next-stop"),
  "exec.stop": pseudo("command-list", "next-stop"),
  "exec.poststop": pseudo("command-list", "next-stop"),
  "exec.release": pseudo("command-list", "next-stop"),
  "exec.clean": pseudo("boolean", "next-stop"),
  "exec.jail_user": pseudo("string", "next-stop", { maxBytes: 32 }),
  "exec.system_jail_user": pseudo("boolean", "next-stop"),
  "exec.system_user": pseudo("string", "next-stop", { maxBytes: 32 }),
  "exec.timeout": pseudo("integer", "next-stop", { min: 0, max: 2147483647 }),
  "exec.consolelog": pseudo("string", "next-stop", { maxBytes: 1023, absolutePath: true }),
  "exec.fib": pseudo("integer", "next-stop", { min: 0, max: 65535 }),
  "stop.timeout": pseudo("integer", "next-stop", { min: 0, max: 2147483647 }),
  // Mounts and aliases are made at creation and undone at removal from the same values, so a change
  // on a running jail would leave the removal undoing something that was never done.
  interface: pseudo("string", "restart", { maxBytes: 15 }),
  "vnet.interface": pseudo("string-list", "restart", { item: "interface" }),
  ip_hostname: pseudo("boolean", "restart"),
  mount: pseudo("string-list", "restart", { item: "fstab-line" }),
  // config.c intparams gives mount.fstab no PF_REV and jail(8) documents it as "an fstab(5) format
  // file": one file name (check_intparams opens each value given, but a file holds one name).
  "mount.fstab": pseudo("string", "restart", { maxBytes: 1023, absolutePath: true }),
  "mount.devfs": pseudo("boolean", "restart"),
  "mount.fdescfs": pseudo("boolean", "restart"),
  "mount.procfs": pseudo("boolean", "restart"),
  "allow.dying": pseudo("boolean", "next-stop"),
  depend: pseudo("string-list", "next-stop", { item: "jail-name" }),
};

/** The spec of a parameter, or undefined when the catalogue does not know it. */
export function jailParamSpec(name: string): JailParamSpec | undefined {
  return Object.hasOwn(jailParams, name) ? jailParams[name] : undefined;
}

/** True for parameters jail(8) keeps to itself (never passed to the kernel, ignored by `jail -m`). */
export function isPseudoParam(name: string): boolean {
  return jailParamSpec(name)?.kind === "pseudo";
}

/** True for list-valued parameters. */
export function isListType(type: JailParamType): boolean {
  return type.endsWith("-list");
}

/** The `no` form of a boolean name: `no` before the last component, as libjail's noname() writes it. */
export function noName(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? `no${name}` : `${name.slice(0, dot + 1)}no${name.slice(dot + 1)}`;
}

/** The name without the `no` of its last component, or undefined when it has none (libjail nononame()). */
export function stripNo(name: string): string | undefined {
  const dot = name.lastIndexOf(".");
  const last = name.slice(dot + 1);
  return last.startsWith("no") && last.length > 2 ? `${name.slice(0, dot + 1)}${last.slice(2)}` : undefined;
}

/**
 * Why a change to the jail's addresses needs a restart, or undefined when `jail -m` applies it.
 * jail(8) adds and removes the interface aliases of `iface|addr` entries (and of every address when
 * `interface` is set) only while it creates or removes the jail (command.c, IP__IP4_IFADDR).
 */
export function addressChangeNeedsRestart(params: ReadonlyArray<readonly [string, JailValue]>): string | undefined {
  for (const [name, value] of params) {
    if (name === "interface") return "jail(8) adds the addresses to `interface` only when it creates the jail";
    if ((name === "ip4.addr" || name === "ip6.addr") && typeof value === "object" && value.some((a) => a.includes("|"))) {
      return `jail(8) adds the aliases of \`iface|address\` entries in ${name} only when it creates the jail`;
    }
  }
  return undefined;
}
