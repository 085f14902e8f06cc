import type { Command } from "../core/command.ts";
import { parseIfconfig, type IfStatus } from "./ifconfig-output.ts";

// The interfaces inside running VNET jails. The host's ifconfig sees only its own vnet; an interface
// moved into a jail (`ifconfig IF vnet J`, or vnet.interface when the jail starts) is listed by an
// ifconfig running in that jail: `jexec JID /sbin/ifconfig` (jexec(8); the jail's own ifconfig, so a
// jail without a userland cannot be looked into, which is reported rather than taken for "empty").
// Jails come from `jls jid vnet name` (jls(8) parameter mode: values separated by spaces, jailsys
// values as words, `new` for a jail with its own vnet).

/** One running VNET jail and what its ifconfig listed, or why it could not be looked into. */
export interface VnetJail {
  jid: number;
  name: string;
  /** Its interfaces, or undefined when its ifconfig could not run (no /sbin/ifconfig in its root). */
  interfaces?: Map<string, IfStatus>;
  error?: string;
}

/** Lists the interfaces of every running VNET jail between markers of the batch token. */
export function vnetIfconfigAll(token: string): Command {
  // The token is hex (host/batch.ts); jail names are printed last so a read of the rest is exact.
  const script = [
    'jls jid vnet name | while read -r jid vnet name; do',
    '  [ "$vnet" = new ] || continue',
    `  printf '@@%s jail %s %s\\n' ${token} "$jid" "$name"`,
    '  jexec "$jid" /sbin/ifconfig -f inet:cidr,inet6:cidr -a 2>/dev/null; s=$?',
    `  printf '\\n@@%s status %s\\n' ${token} "$s"`,
    'done',
  ].join("\n");
  return { argv: ["/bin/sh", "-c", script] };
}

/** Parses the output of vnetIfconfigAll. */
export function parseVnetIfconfig(token: string, text: string): VnetJail[] {
  const jails: VnetJail[] = [];
  const head = new RegExp(`^@@${token} jail (\\d+) (.*)$`);
  const tail = new RegExp(`\\n@@${token} status (\\d+)\\n`, "y");
  let at = 0;
  while (at < text.length) {
    const lineEnd = text.indexOf("\n", at);
    const m = head.exec(text.slice(at, lineEnd < 0 ? undefined : lineEnd));
    if (!m || lineEnd < 0) throw new Error(`unexpected vnet interface listing at offset ${at}`);
    const start = lineEnd + 1;
    const end = text.indexOf(`\n@@${token} status `, lineEnd);
    if (end < 0) throw new Error(`the interface listing of jail ${m[2]} is cut short`);
    tail.lastIndex = end;
    const t = tail.exec(text);
    if (!t) throw new Error(`unexpected end of the interface listing of jail ${m[2]}`);
    const body = text.slice(start, end);
    const jail: VnetJail = { jid: Number(m[1]), name: m[2]! };
    if (t[1] === "0") jail.interfaces = parseIfconfig(body);
    else jail.error = `jexec ${m[1]} /sbin/ifconfig exited ${t[1]} (a jail without a userland has no ifconfig to list its interfaces)`;
    jails.push(jail);
    at = end + t[0].length;
  }
  return jails;
}

/** The running VNET jail an interface is in, if a listing shows it. */
export function jailHolding(jails: readonly VnetJail[], ifname: string): VnetJail | undefined {
  return jails.find((j) => j.interfaces?.has(ifname));
}
