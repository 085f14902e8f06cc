// jail(8)'s in-memory jails and parameters (usr.sbin/jail/jailp.h, config.c): a parameter is a name,
// flags and a list of strings that may still hold unresolved variables; add_param() merges a new
// statement into a jail the way later definitions override or append to earlier ones.

export const PF_VAR = 0x0001;
export const PF_APPEND = 0x0002;
export const PF_BAD = 0x0004;
export const PF_INTERNAL = 0x0008;
export const PF_BOOL = 0x0010;
export const PF_INT = 0x0020;
export const PF_CONV = 0x0040;
export const PF_REV = 0x0080;
export const PF_IMMUTABLE = 0x0100;
/** Written `name value` (no `=`): how `.include "file";` parses. */
export const PF_NAMEVAL = 0x0200;

export interface CfVar {
  name: string;
  pos: number;
}

export interface CfString {
  s: string;
  vars: CfVar[];
}

export interface CfParam {
  name: string;
  val: CfString[];
  flags: number;
}

export interface CfJail {
  /** Block name from the file; null for a jail given on the command line. */
  name: string | null;
  params: CfParam[];
  /** Parameters jail(8) acts on itself, by intparams key. */
  intparams: Map<string, CfParam>;
  seq: number;
  failed: boolean;
}

/** config.c intparams[]: keys are the names, `@`-keys the conversion-only entries (PF_CONV). */
export const INTPARAMS: Record<string, { name: string | null; flags: number }> = {
  "allow.dying": { name: "allow.dying", flags: PF_INTERNAL | PF_BOOL },
  command: { name: "command", flags: PF_INTERNAL },
  depend: { name: "depend", flags: PF_INTERNAL },
  "exec.clean": { name: "exec.clean", flags: PF_INTERNAL | PF_BOOL },
  "exec.consolelog": { name: "exec.consolelog", flags: PF_INTERNAL },
  "exec.fib": { name: "exec.fib", flags: PF_INTERNAL | PF_INT },
  "exec.jail_user": { name: "exec.jail_user", flags: PF_INTERNAL },
  "exec.poststart": { name: "exec.poststart", flags: PF_INTERNAL },
  "exec.poststop": { name: "exec.poststop", flags: PF_INTERNAL },
  "exec.prepare": { name: "exec.prepare", flags: PF_INTERNAL },
  "exec.prestart": { name: "exec.prestart", flags: PF_INTERNAL },
  "exec.prestop": { name: "exec.prestop", flags: PF_INTERNAL },
  "exec.release": { name: "exec.release", flags: PF_INTERNAL },
  "exec.created": { name: "exec.created", flags: PF_INTERNAL },
  "exec.start": { name: "exec.start", flags: PF_INTERNAL },
  "exec.stop": { name: "exec.stop", flags: PF_INTERNAL },
  "exec.system_jail_user": { name: "exec.system_jail_user", flags: PF_INTERNAL | PF_BOOL },
  "exec.system_user": { name: "exec.system_user", flags: PF_INTERNAL },
  "exec.timeout": { name: "exec.timeout", flags: PF_INTERNAL | PF_INT },
  interface: { name: "interface", flags: PF_INTERNAL },
  ip_hostname: { name: "ip_hostname", flags: PF_INTERNAL | PF_BOOL },
  mount: { name: "mount", flags: PF_INTERNAL | PF_REV },
  "mount.devfs": { name: "mount.devfs", flags: PF_INTERNAL | PF_BOOL },
  "mount.fdescfs": { name: "mount.fdescfs", flags: PF_INTERNAL | PF_BOOL },
  "mount.procfs": { name: "mount.procfs", flags: PF_INTERNAL | PF_BOOL },
  "mount.fstab": { name: "mount.fstab", flags: PF_INTERNAL },
  "stop.timeout": { name: "stop.timeout", flags: PF_INTERNAL | PF_INT },
  "vnet.interface": { name: "vnet.interface", flags: PF_INTERNAL },
  "@ip4": { name: "ip4.addr", flags: PF_INTERNAL | PF_CONV | PF_REV },
  "@ip6": { name: "ip6.addr", flags: PF_INTERNAL | PF_CONV | PF_REV },
  "@fstab": { name: "mount.fstab", flags: PF_INTERNAL | PF_CONV | PF_REV },
  "@op": { name: null, flags: PF_CONV },
  "allow.chflags": { name: "allow.chflags", flags: 0 },
  "allow.mount": { name: "allow.mount", flags: 0 },
  "allow.raw_sockets": { name: "allow.raw_sockets", flags: 0 },
  "allow.set_hostname": { name: "allow.set_hostname", flags: 0 },
  "allow.socket_af": { name: "allow.socket_af", flags: 0 },
  "allow.sysvipc": { name: "allow.sysvipc", flags: 0 },
  devfs_ruleset: { name: "devfs_ruleset", flags: 0 },
  "host.hostname": { name: "host.hostname", flags: 0 },
  "ip4.addr": { name: "ip4.addr", flags: 0 },
  "ip6.addr": { name: "ip6.addr", flags: 0 },
  jid: { name: "jid", flags: PF_IMMUTABLE },
  name: { name: "name", flags: PF_IMMUTABLE },
  path: { name: "path", flags: 0 },
  persist: { name: "persist", flags: 0 },
  securelevel: { name: "securelevel", flags: 0 },
  vnet: { name: "vnet", flags: 0 },
};

/** A new, empty jail. */
export function newCfJail(name: string | null, seq = 0): CfJail {
  return { name, params: [], intparams: new Map(), seq, failed: false };
}

/** equalopts(): names equal with or without a `no` on their last components. */
export function equalOpts(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith("no") && a.slice(2) === b) return true;
  if (b.startsWith("no") && a === b.slice(2)) return true;
  let o1 = a;
  let o2 = b;
  for (let dot = o1.indexOf("."); dot >= 0; dot = o1.indexOf(".")) {
    const head = o1.slice(0, dot + 1);
    if (!o2.startsWith(head)) break;
    o1 = o1.slice(dot + 1);
    o2 = o2.slice(dot + 1);
    if (o1.startsWith("no") && o1.slice(2) === o2) return true;
    if (o2.startsWith("no") && o1 === o2.slice(2)) return true;
  }
  return false;
}

/** A string without variables. */
export function plain(s: string): CfString {
  return { s, vars: [] };
}

/** add_param(): adds or merges a parameter; returns an error line (jail_warnx text) or undefined. */
export function addParam(j: CfJail, src: CfParam | null, ipnum: string | null, value?: string | null): string | undefined {
  let name: string;
  let flags: number;
  const nss: CfString[] = [];
  if (src) {
    name = src.name;
    flags = src.flags;
    for (const s of src.val) nss.push({ s: s.s, vars: s.vars.map((v) => ({ ...v })) });
  } else {
    flags = PF_APPEND;
    let v = value ?? null;
    if (ipnum !== null) {
      name = INTPARAMS[ipnum]!.name ?? "";
      flags |= INTPARAMS[ipnum]!.flags;
    } else {
      const text = v ?? "";
      const eq = text.indexOf("=");
      name = eq < 0 ? text : text.slice(0, eq);
      v = eq < 0 ? null : text.slice(eq + 1);
    }
    if (v !== null) nss.push(plain(v));
  }
  const dp = ipnum !== null ? j.intparams.get(ipnum)
    : j.params.find((p) => !(p.flags & PF_CONV) && equalOpts(p.name, name));
  if (dp) {
    if ((flags ^ dp.flags) & PF_VAR) return fail(j, `variable "$${name}" cannot have the same name as a parameter.`);
    if (dp.flags & PF_IMMUTABLE) return fail(j, `cannot redefine parameter "${dp.name}".`);
    if (dp.name !== name) dp.name = name;
    if (!(flags & PF_APPEND) || nss.length === 0) dp.val = [];
    dp.val.push(...nss);
    dp.flags |= flags;
    return undefined;
  }
  const np: CfParam = { name, val: nss, flags };
  j.params.push(np);
  if (ipnum !== null) {
    j.intparams.set(ipnum, np);
    return undefined;
  }
  for (const [key, ip] of Object.entries(INTPARAMS)) {
    if (ip.flags & PF_CONV || ip.name === null || !equalOpts(name, ip.name)) continue;
    if (flags & PF_VAR) return fail(j, `variable "$${name}" cannot have the same name as a parameter.`);
    j.intparams.set(key, np);
    np.flags |= ip.flags;
    break;
  }
  return undefined;
}

function fail(j: CfJail, message: string): string {
  j.failed = true;
  return message;
}

/** bool_param(): true when the (possibly `no`-prefixed) parameter is set and true. */
export function boolParam(p: CfParam | undefined): boolean {
  if (!p) return false;
  const dot = p.name.lastIndexOf(".");
  const negated = p.name.slice(dot + 1).startsWith("no");
  const last = p.val.at(-1)?.s;
  const truthy = last === undefined || last.toLowerCase() === "true" || (Number.parseInt(last.trim(), 10) || 0) !== 0;
  return negated !== truthy;
}

/** int_param(): the last value as strtol reads it, if there is one. */
export function intParam(p: CfParam | undefined): number | undefined {
  const last = p?.val.at(-1)?.s;
  return last === undefined ? undefined : Number.parseInt(last.trim(), 10) || 0;
}

/** string_param(): the last value, if any. */
export function stringParam(p: CfParam | undefined): string | undefined {
  return p?.val.at(-1)?.s;
}

/** wild_jail_name(): contains a `*` component. */
export function isWildName(name: string): boolean {
  for (let at = name.indexOf("*"); at >= 0; at = name.indexOf("*", at + 1)) {
    if ((at === 0 || name[at - 1] === ".") && (at + 1 === name.length || name[at + 1] === ".")) return true;
  }
  return false;
}

/** wild_jail_match(): a non-final `*` matches one component, a final one any number. */
export function wildMatch(jname: string, wname: string): boolean {
  const jc = jname.split(".");
  const wc = wname.split(".");
  let i = 0;
  for (; i < jc.length - 1 && i < wc.length - 1; i++) {
    if (jc[i] !== wc[i] && wc[i] !== "*") return false;
  }
  const jrest = jc.slice(i).join(".");
  const wrest = wc.slice(i).join(".");
  return jrest === wrest || wrest === "*";
}
