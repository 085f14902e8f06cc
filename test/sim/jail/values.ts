// Parameter values as libjail converts them (lib/libjail/jail.c jailparam_import/jailparam_export):
// text from jail(8) or jls(8) in, typed values kept by the simulated kernel, text out.

import type { ParamDef } from "./params.ts";

/** A kernel-side value: numbers for integers, booleans (0/1) and jailsys (0 disable, 1 new, 2 inherit). */
export type JailValue = number | string | string[];

/** libjail's jailsys_values order: the stored number is the index. */
export const JAILSYS = ["disable", "new", "inherit"] as const;
export const SYS_DISABLE = 0;
export const SYS_NEW = 1;
export const SYS_INHERIT = 2;

/** strtol over the whole text in base 10 (leading blanks and a sign allowed); undefined if it stops early. */
export function strtolWhole(text: string): number | undefined {
  if (text === "") return 0;
  const m = /^[ \t\n\v\f\r]*[+-]?\d+$/.exec(text);
  return m ? Number.parseInt(text.trim(), 10) : undefined;
}

/** strtol's value of the leading number of a text (0 when there is none), as jail(8)'s bool_param uses it. */
export function strtolPrefix(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return m ? Number.parseInt(m[1]!, 10) : 0;
}

/** inet_pton(AF_INET): four decimal octets without leading zeros. */
export function parseIp4(text: string): string | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith("0")) || Number(part) > 255) return undefined;
  }
  return text;
}

/** The eight 16-bit groups of an IPv6 address (inet_pton), or undefined. */
export function groupsOf6(text: string): number[] | undefined {
  let body = text;
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.slice(lastColon + 1).includes(".")) {
    // A dotted IPv4 tail stands for the last two groups.
    const ip4 = parseIp4(text.slice(lastColon + 1));
    if (!ip4) return undefined;
    const o = ip4.split(".").map(Number);
    body = `${text.slice(0, lastColon + 1)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const parse = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    for (const g of s.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return undefined;
  if (halves.length === 1) return left.length === 8 ? left : undefined;
  if (left.length + right.length >= 8) return undefined;
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** inet_pton(AF_INET6) then inet_ntop: the canonical text of an IPv6 address, or undefined. */
export function parseIp6(text: string): string | undefined {
  const g = groupsOf6(text);
  if (!g || g.length !== 8) return undefined;
  // Why: inet_ntop6 (lib/libc/inet/inet_ntop.c) prints a dotted tail when the longest zero run is the
  // first five groups before ffff (::ffff:a.b.c.d) or exactly the first six (::a.b.c.d); its case of a
  // seven-group run never fires, since group 6 is then inside the run, so ::2 stays ::2.
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const compat = g.slice(0, 6).every((x) => x === 0) && g[6] !== 0;
  if (mapped || compat) {
    const v4 = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
    return mapped ? `::ffff:${v4}` : `::${v4}`;
  }
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestLen < 2) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** jailparam_import(): the typed value of a text (null = given without a value), or libjail's errmsg. */
export function importValue(def: ParamDef, name: string, text: string | null): { value: JailValue } | { error: string } {
  switch (def.kind) {
    case "string":
      return { value: text ?? "" };
    case "bool": {
      if (text === null) return { value: 1 };
      const lower = text.toLowerCase();
      if (lower === "false" || lower === "true") return { value: lower === "true" ? 1 : 0 };
      const n = strtolWhole(text);
      if (n === undefined || text === "") return { error: `${name}: unknown boolean value "${text}"` };
      return { value: n === 0 ? 0 : 1 };
    }
    case "jailsys": {
      // Why: libjail lets a bare jailsys parameter (or an empty value) mean "new".
      if (text === null || text === "") return { value: SYS_NEW };
      const at = JAILSYS.findIndex((v) => v === text.toLowerCase());
      if (at >= 0) return { value: at };
      const n = strtolWhole(text);
      if (n === undefined) return { error: `${name}: unknown jailsys value "${text}"` };
      return { value: n };
    }
    case "int":
    case "ulong": {
      const n = strtolWhole(text ?? "");
      if (n === undefined) return { error: `${name}: non-integer value "${text}"` };
      return { value: n };
    }
    case "ip4":
    case "ip6": {
      if (text === null || text === "" || text === "-") return { value: [] };
      const out: string[] = [];
      for (const part of text.split(",")) {
        const addr = def.kind === "ip4" ? parseIp4(part) : parseIp6(part);
        if (!addr) return { error: `${name}: not an ${def.kind === "ip4" ? "IPv4" : "IPv6"} address: ${part}` };
        out.push(addr);
      }
      return { value: out };
    }
  }
}

/** jailparam_export(): the text jls prints for a value. */
export function exportValue(def: ParamDef, value: JailValue): string {
  if (Array.isArray(value)) return value.join(",");
  if (def.kind === "bool" && typeof value === "number" && value >= 0 && value < 2) return value ? "true" : "false";
  if (def.kind === "jailsys" && typeof value === "number" && value >= 0 && value < 3) return JAILSYS[value]!;
  return String(value);
}
