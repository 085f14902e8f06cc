// What jail(8) does to a jail's parameters before acting (usr.sbin/jail/config.c): check_intparams()
// validates its own boolean/integer parameters, splits `IF|addr/mask opts` addresses into an
// ifconfig step plus the bare address, and reads mount.fstab files; import_params() turns the rest
// into kernel parameters through libjail (unknown names and bad values are reported per jail).

import { existsSync, readFileSync } from "node:fs";
import { addParam, PF_BOOL, PF_INT, PF_INTERNAL, stringParam, type CfJail } from "./cfjail.ts";
import { lookupParam } from "./params.ts";
import { importValue, strtolWhole } from "./values.ts";
import type { SetItem } from "./kernel-set.ts";

/** check_intparams(): returns the warning lines (a non-empty list fails the jail). */
export function checkIntparams(j: CfJail, hostFile: (path: string) => string): string[] {
  const errors: string[] = [];
  for (const p of j.params) {
    const val = p.val.at(-1)?.s;
    if (val === undefined || !(p.flags & (PF_BOOL | PF_INT))) continue;
    if (p.flags & PF_BOOL) {
      const lower = val.toLowerCase();
      if (lower !== "false" && lower !== "true" && strtolWhole(val) === undefined) {
        errors.push(`${p.name}: unknown boolean value "${val}"`);
      }
    } else if (val === "" || strtolWhole(val) === undefined) {
      errors.push(`${p.name}: non-integer value "${val}"`);
    }
  }
  const defif = stringParam(j.intparams.get("interface")) !== undefined;
  for (const family of ["ip4", "ip6"] as const) {
    const p = j.intparams.get(`${family}.addr`);
    if (!p) continue;
    for (const s of p.val) {
      // Why: `IF|addr/mask opts` becomes an ifconfig alias step; the kernel only sees the address.
      if (s.s.includes("|") || defif) addParam(j, null, `@${family}`, s.s);
      let bare = s.s.includes("|") ? s.s.slice(s.s.indexOf("|") + 1) : s.s;
      if (bare.includes("/")) bare = bare.slice(0, bare.indexOf("/"));
      if (bare.includes(" ")) bare = bare.slice(0, bare.indexOf(" "));
      s.s = bare;
    }
  }
  const fstab = j.intparams.get("mount.fstab");
  for (const s of fstab?.val ?? []) {
    if (s.s === "") continue;
    const real = hostFile(s.s);
    if (!existsSync(real)) {
      errors.push(`mount.fstab: ${s.s}: No such file or directory`);
      continue;
    }
    for (const line of readFileSync(real, "utf8").split("\n")) {
      const hash = line.indexOf("#");
      addParam(j, null, "@fstab", hash >= 0 ? line.slice(0, hash) : line);
    }
  }
  if (errors.length) j.failed = true;
  return errors;
}

/** import_params(): the kernel parameters to set, or the warning lines when any is unknown or bad. */
export function importParams(j: CfJail): { items: SetItem[]; errors: string[] } {
  const items: SetItem[] = [];
  const errors: string[] = [];
  for (const p of j.params) {
    if (p.flags & PF_INTERNAL) continue;
    const ref = lookupParam(p.name);
    if (!ref) {
      errors.push(`unknown parameter: ${p.name}`);
      continue;
    }
    const isArray = ref.def.kind === "ip4" || ref.def.kind === "ip6";
    // Why: scalars keep only the last value; arrays are joined with commas for jailparam_import.
    const text = p.val.length === 0 ? null : isArray ? p.val.map((s) => s.s).join(",") : p.val.at(-1)!.s;
    const imported = importValue(ref.def, p.name, text);
    if ("error" in imported) {
      errors.push(imported.error);
      continue;
    }
    let value = imported.value;
    if (ref.negated && typeof value === "number") value = value ? 0 : 1;
    items.push({ def: ref.def, value });
  }
  if (errors.length) j.failed = true;
  return { items, errors };
}
