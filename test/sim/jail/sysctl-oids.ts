// The jail part of sysctl(8)'s tree: security.jail.jailed for the caller, and the
// security.jail.param.* nodes libjail learns parameter types from (kern_jail.c sysctl_jail_param:
// integers read 0, strings their maximum length, in_addr structs are opaque and show no value).

import { callerJid } from "../core/caller.ts";
import { jailParams, paramOid } from "./params.ts";

export interface JailOid {
  value: string;
  kind: "ro";
  descr: string;
  /** CTLTYPE_STRUCT: listed by -N, but sysctl prints no value for it. */
  opaque?: boolean;
}

/** security.jail.jailed and every security.jail.param OID, in OID order. */
export function jailSysctlOids(): [string, JailOid][] {
  const out: [string, JailOid][] = [["security.jail.jailed", { value: callerJid() ? "1" : "0", kind: "ro", descr: "Process in jail?" }]];
  for (const def of jailParams()) {
    const value = def.kind === "string" ? String(def.maxLen ?? 0) : "0";
    const opaque = def.kind === "ip4" || def.kind === "ip6";
    out.push([paramOid(def), { value, kind: "ro", descr: def.descr, ...(opaque ? { opaque } : {}) }]);
  }
  return out;
}

/** Name order for listings, except that jail parameters keep their OID order. */
export function compareOidNames(a: string, b: string): number {
  const order = new Map(jailParams().map((d, i) => [paramOid(d), i]));
  const ia = order.get(a);
  const ib = order.get(b);
  if (ia !== undefined && ib !== undefined) return ia - ib;
  return a < b ? -1 : a > b ? 1 : 0;
}
