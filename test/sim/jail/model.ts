// Running jails are kernel state (db/kernel.json, dropped at reboot): one record per prison with every
// parameter's value, plus what the kernel ties to it (datasets attached by `zfs jail`, interfaces moved
// into its vnet). Lookups follow jail_getid(3): all digits is a jid, anything else a name.

import type { KernelState } from "../core/types.ts";
import type { JailValue } from "./values.ts";

export interface JailRecord {
  jid: number;
  /** Every parameter of the catalogue (params.ts) by name. */
  params: Record<string, JailValue>;
  /** Datasets attached with `zfs jail` (zone_dataset_attach); dropped with the jail. */
  datasets: string[];
  /** Interfaces moved into the jail's vnet; returned to the host when it goes. */
  vnetInterfaces: string[];
  created: number;
  /** The jail's own CPU set when cpuset(1) changed it; absent: its parent's, every CPU (tools/cpuset.ts). */
  cpus?: number[];
}

/** The kernel's prisons: KernelState.jails. */
export interface JailTable {
  list: JailRecord[];
  /** lastprid: the last jid handed out since boot. */
  lastJid: number;
}

/** The kernel's jail table (created empty on first use). */
export function jailTable(kernel: KernelState): JailTable {
  if (!kernel.jails) kernel.jails = { list: [], lastJid: 0 };
  return kernel.jails;
}

/** Running jails in jid order. */
export function jailsOf(kernel: KernelState): JailRecord[] {
  return [...jailTable(kernel).list].sort((a, b) => a.jid - b.jid);
}

/** The jail with a jid, if running. */
export function jailById(kernel: KernelState, jid: number): JailRecord | undefined {
  return jailTable(kernel).list.find((j) => j.jid === jid);
}

/** The jail with a name, if running. */
export function jailByName(kernel: KernelState, name: string): JailRecord | undefined {
  return jailTable(kernel).list.find((j) => j.params["name"] === name);
}

/** jail_getid(3): a jid (all digits, non-zero) or a name; the jail and, when missing, libjail's errmsg. */
export function findJail(kernel: KernelState, key: string): { jail?: JailRecord; errmsg: string } {
  const n = /^\d+$/.test(key) ? Number(key) : 0;
  if (n > 0) {
    const jail = jailById(kernel, n);
    return { jail, errmsg: `jail ${n} not found` };
  }
  return { jail: jailByName(kernel, key), errmsg: `jail "${key}" not found` };
}

/** The next jid: lastprid + 1, skipping jids in use (kern_jail.c get_next_prid). */
export function nextJid(kernel: KernelState): number {
  const table = jailTable(kernel);
  let jid = table.lastJid;
  do {
    jid = jid >= 999999 ? 1 : jid + 1;
  } while (jailById(kernel, jid));
  return jid;
}

/** The lowest cpuset id no jail uses (0 and 1 belong to the host). */
export function nextCpuset(kernel: KernelState): number {
  const used = new Set(jailTable(kernel).list.map((j) => j.params["cpuset.id"]));
  let id = 2;
  while (used.has(id)) id++;
  return id;
}

/** Adds a created jail to the table. */
export function addJail(kernel: KernelState, jail: JailRecord): void {
  const table = jailTable(kernel);
  table.list.push(jail);
  table.lastJid = jail.jid;
}

/** Drops a jail from the table. */
export function dropJail(kernel: KernelState, jid: number): void {
  const table = jailTable(kernel);
  table.list = table.list.filter((j) => j.jid !== jid);
}

/** The jail whose root a path (inside the host) is, or lies below; the deepest one wins. */
export function jailOfPath(kernel: KernelState, path: string): JailRecord | undefined {
  let best: JailRecord | undefined;
  for (const j of jailTable(kernel).list) {
    const root = String(j.params["path"]);
    const inside = root === "/" || path === root || path.startsWith(`${root}/`);
    if (inside && (!best || root.length > String(best.params["path"]).length)) best = j;
  }
  return best;
}
