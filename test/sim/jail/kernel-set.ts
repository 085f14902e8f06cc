// jail_set(2) and jail_remove(2) on the model, with the kernel's checks and error messages
// (sys/kern/kern_jail.c kern_jail_set: errmsg strings, or an errno that libjail turns into
// "jail_set: <strerror>").

import { existsSync, realpathSync } from "node:fs";
import type { DiskState, KernelState } from "../core/types.ts";
import { hostPath, type StatePaths } from "../core/paths.ts";
import { JAIL_FILESYSTEMS, jailParams, type ParamDef } from "./params.ts";
import { SYS_DISABLE, SYS_INHERIT, SYS_NEW, type JailValue } from "./values.ts";
import { addJail, dropJail, jailById, jailByName, jailTable, nextCpuset, nextJid, type JailRecord } from "./model.ts";
import { onJailRenamed, releaseVnetInterfaces } from "./net-hooks.ts";
import { callerJid } from "../core/caller.ts";
import { forgetJailMarker, writeJailMarker } from "./caller.ts";
import { kernelAddressList } from "./ip-lists.ts";

/** One parameter handed to jail_set: booleans as 0/1 after `no` inversion, jailsys as numbers. */
export interface SetItem {
  def: ParamDef;
  value: JailValue;
}

export interface SetResult {
  jid?: number;
  /** libjail's jail_errmsg on failure. */
  errmsg?: string;
  /** The update cleared persist on a jail without processes, so it is gone. */
  removed?: boolean;
}

const EINVAL = "jail_set: Invalid argument";
const EPERM = "jail_set: Operation not permitted";
const ENAMETOOLONG = "jail_set: File name too long";

/** kern.hostuuid and kern.hostid of the simulated machine, derived from its boot pool's guid. */
export function hostIdentity(disk: DiskState): { uuid: string; hostid: number } {
  const pool = disk.pools["zroot"] ?? Object.values(disk.pools)[0];
  const hex = BigInt(pool?.guid ?? "1").toString(16).padStart(16, "0").repeat(2).slice(0, 32);
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { uuid, hostid: Number.parseInt(hex.slice(0, 8), 16) };
}

/** The running host name (kern.hostname). */
export function hostHostname(kernel: KernelState): string {
  return kernel.sysctls?.["kern.hostname"] ?? kernel.hostname ?? "";
}

function defaults(disk: DiskState, kernel: KernelState, jid: number, vnet: boolean): Record<string, JailValue> {
  const id = hostIdentity(disk);
  const v: Record<string, JailValue> = {
    jid, parent: 0, name: String(jid), path: "/", securelevel: -1, osreldate: disk.host.osreldate,
    osrelease: disk.host.osrelease, enforce_statfs: 2, devfs_ruleset: 0, persist: 0, vnet: SYS_INHERIT, dying: 0,
    "children.cur": 0, "children.max": 0, host: SYS_NEW, "host.hostname": hostHostname(kernel),
    "host.domainname": "", "host.hostuuid": id.uuid, "host.hostid": id.hostid, "cpuset.id": nextCpuset(kernel),
    // Why: a new non-vnet jail that names no addresses gets its own, empty, address list (inferred).
    ip4: vnet ? SYS_INHERIT : SYS_DISABLE, "ip4.addr": [], "ip4.saddrsel": 1,
    ip6: vnet ? SYS_INHERIT : SYS_DISABLE, "ip6.addr": [], "ip6.saddrsel": 1,
    sysvmsg: SYS_DISABLE, sysvsem: SYS_DISABLE, sysvshm: SYS_DISABLE, zfs: SYS_INHERIT, "zfs.mount_snapshot": 0,
  };
  for (const d of jailParams()) {
    if (d.name.startsWith("allow.")) v[d.name] = 0;
    // Why: meta and env (15.0, kern_jailmeta.c) read as empty strings until set.
    if (d.name === "meta" || d.name === "env") v[d.name] = "";
  }
  // Why: kern_jail.c jail_default_allow = SET_HOSTNAME | RESERVED_PORTS | UNPRIV_DEBUG | SUSER.
  for (const a of ["set_hostname", "reserved_ports", "unprivileged_proc_debug", "suser"]) v[`allow.${a}`] = 1;
  for (const fs of JAIL_FILESYSTEMS) v[`allow.mount.${fs}`] = 0;
  return v;
}

function checkValue(def: ParamDef, value: JailValue): string | undefined {
  if (def.kind === "jailsys" && (typeof value !== "number" || value < 0 || value > 2)) return EINVAL;
  if (def.kind === "string" && def.maxLen !== undefined && String(value).length >= def.maxLen) {
    return def.name === "osrelease" ? "osrelease string too long" : ENAMETOOLONG;
  }
  switch (def.name) {
    case "enforce_statfs": return Number(value) < 0 || Number(value) > 2 ? EINVAL : undefined;
    case "devfs_ruleset": return Number(value) < 0 || Number(value) > 65535 ? EINVAL : undefined;
    case "children.max": return Number(value) < 0 ? EINVAL : undefined;
    // Why: a jail's securelevel cannot go below its parent's (the host runs at -1).
    case "securelevel": return Number(value) < -1 ? EPERM : undefined;
    case "osreldate": return Number(value) === 0 ? "osreldate cannot be 0" : undefined;
    default: return undefined;
  }
}

function ipClash(kernel: KernelState, self: number, family: "ip4" | "ip6", addrs: string[]): boolean {
  if (addrs.length === 0) return false;
  for (const other of jailTable(kernel).list) {
    if (other.jid === self || other.params["vnet"] === SYS_NEW) continue;
    const theirs = other.params[`${family}.addr`] as string[];
    // Why: jails may share an address only when each of them has that single address (prison_ip_conflict_check).
    if (theirs.some((a) => addrs.includes(a)) && (theirs.length > 1 || addrs.length > 1)) return true;
  }
  return false;
}

function resolvePath(paths: StatePaths, path: string): string {
  const real = hostPath(paths, path);
  if (!existsSync(real)) return path;
  const inside = realpathSync(real).slice(paths.root.length);
  return inside === "" ? "/" : inside;
}

/** jail_set(JAIL_CREATE or JAIL_UPDATE). */
export function jailSet(paths: StatePaths, disk: DiskState, kernel: KernelState, items: SetItem[],
  op: "create" | "update", now: number): SetResult {
  const given = new Map(items.map((i) => [i.def.name, i.value]));
  const jidGiven = Number(given.get("jid") ?? 0);
  const name = given.has("name") ? String(given.get("name")) : undefined;
  if (jidGiven < 0) return { errmsg: EINVAL };
  const creator = callerJid();
  if (creator && op === "create") {
    // Why: a jail may create children only up to children.max; the simulator has no nested jails.
    const me = jailById(kernel, creator);
    return { errmsg: me && Number(me.params["children.max"]) > 0 ? EPERM : "prison limit exceeded" };
  }
  let target: JailRecord | undefined;
  if (jidGiven !== 0) {
    target = jailById(kernel, jidGiven);
    if (target && op === "create") return { errmsg: `jail ${jidGiven} already exists` };
    if (!target && op === "update") return { errmsg: `jail ${jidGiven} not found` };
  }
  if (name !== undefined) {
    if (name.includes(".")) {
      const parent = name.slice(0, name.lastIndexOf("."));
      // Why: a dotted name makes a child of the jail named by its prefix; the simulator has only top-level jails.
      return { errmsg: jailByName(kernel, parent) ? "prison limit exceeded" : `jail "${parent}" not found` };
    }
    const selfJid = target?.jid ?? jidGiven;
    if (/^\d+$/.test(name) && (selfJid === 0 || Number(name) !== selfJid)) {
      return { errmsg: "name cannot be numeric (unless it is the jid)" };
    }
    const named = jailByName(kernel, name);
    if (jidGiven === 0) {
      if (named && op === "create") return { errmsg: `jail "${name}" already exists` };
      if (!named && op === "update") return { errmsg: `jail "${name}" not found` };
      target = named;
    } else if (named && named !== target) {
      return { errmsg: `jail "${name}" already exists` };
    }
  }
  if (op === "update" && !target) return { errmsg: "no jail specified" };
  if (op === "create" && !given.get("persist")) return { errmsg: "new jail must persist or attach" };

  const vnet = op === "create" ? given.get("vnet") === SYS_NEW : target!.params["vnet"] === SYS_NEW;
  const jid = target?.jid ?? (jidGiven || nextJid(kernel));
  const values = op === "create" ? defaults(disk, kernel, jid, vnet) : { ...target!.params };
  for (const { def, value } of items) {
    if (def.name === "jid") continue;
    if (def.access === "rd" || (op === "update" && def.access === "rdtun")) return { errmsg: EINVAL };
    const bad = checkValue(def, value);
    if (bad) return { errmsg: bad };
    values[def.name] = def.name === "path" ? resolvePath(paths, String(value)) : value;
    if (def.name === "ip4.addr" || def.name === "ip6.addr") {
      const family = def.name.slice(0, 3) as "ip4" | "ip6";
      if (vnet && (value as string[]).length > 0) return { errmsg: "vnet jails cannot have IP address restrictions" };
      const stored = kernelAddressList(value as string[], family);
      if (!stored) return { errmsg: EINVAL };
      values[def.name] = stored;
      if (!given.has(family)) values[family] = (value as string[]).length > 0 ? SYS_NEW : SYS_DISABLE;
    }
  }
  if (name === undefined && op === "create") values["name"] = String(jid);
  for (const family of ["ip4", "ip6"] as const) {
    if (ipClash(kernel, jid, family, values[`${family}.addr`] as string[])) {
      return { errmsg: `${family === "ip4" ? "IPv4" : "IPv6"} addresses clash` };
    }
  }
  if (op === "create") {
    addJail(kernel, { jid, params: values, datasets: [], vnetInterfaces: [], created: now });
    writeJailMarker(paths, jid);
    return { jid };
  }
  const renamed = target!.params["name"] !== values["name"];
  target!.params = values;
  if (renamed) onJailRenamed(kernel, target!);
  // Why: clearing persist on a jail with no processes lets it die at once (prison_deref).
  if (!values["persist"]) {
    jailRemove(paths, kernel, jid);
    return { jid, removed: true };
  }
  return { jid };
}

/** jail_remove(2): the jail goes, with its dataset attachments; vnet interfaces return to the host. */
export function jailRemove(paths: StatePaths, kernel: KernelState, jid: number): boolean {
  const jail = jailById(kernel, jid);
  if (!jail) return false;
  releaseVnetInterfaces(kernel, jail);
  dropJail(kernel, jid);
  forgetJailMarker(paths, jid);
  return true;
}
