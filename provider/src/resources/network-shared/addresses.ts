import type { Command } from "../../core/command.ts";
import { addAddress, removeAddress } from "../../freebsd/ifconfig-commands.ts";
import type { IfAddress } from "../../freebsd/ifconfig-output.ts";
import { formatAddress, parseInterfaceAddress } from "../../freebsd/interface-names.ts";

// Interface addresses between the inputs (as users write them) and the kernel (as ifconfig prints
// them): compared as the kernel keeps them, spelled as the user wrote them where they mean the same.

/** Parsed addresses of checked inputs. */
export function parsedAddresses(texts: readonly string[]): IfAddress[] {
  return texts.map((t) => {
    const a = parseInterfaceAddress(t);
    if (!a) throw new Error(`unchecked interface address ${JSON.stringify(t)}`);
    return a;
  });
}

/** The addresses the host has, spelled like the known inputs where they are the same address. */
export function spelledAddresses(live: readonly IfAddress[], known: unknown): string[] {
  const written = new Map<string, string>();
  for (const t of Array.isArray(known) ? known : []) {
    const a = typeof t === "string" ? parseInterfaceAddress(t) : undefined;
    if (a) written.set(formatAddress(a), t as string);
  }
  const order = [...written.keys()];
  const spelled = live.map((a) => written.get(formatAddress(a)) ?? formatAddress(a));
  // The known order first (the kernel's order says nothing a user chose), then the rest as listed.
  const rank = (t: string) => {
    const a = parseInterfaceAddress(t);
    const i = a ? order.indexOf(formatAddress(a)) : -1;
    return i < 0 ? order.length : i;
  };
  return spelled.map((t, i) => [t, i] as const).sort((x, y) => rank(x[0]) - rank(y[0]) || x[1] - y[1]).map(([t]) => t);
}

/** Commands that bring an interface's addresses from `live` to `wanted`: removals first, then additions. */
export function addressCommands(ifname: string, live: readonly IfAddress[], wanted: readonly IfAddress[]): Command[] {
  const has = (list: readonly IfAddress[], a: IfAddress) => list.some((b) => formatAddress(b) === formatAddress(a));
  // An address with another prefix length is removed and added again (in6_update_ifa refuses the change).
  const remove = live.filter((a) => !has(wanted, a)).map((a) => removeAddress(ifname, a));
  const add = wanted.filter((a) => !has(live, a)).map((a) => addAddress(ifname, a));
  return [...remove, ...add];
}
