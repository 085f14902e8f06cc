import { command, type Command } from "../core/command.ts";
import type { IfAddress } from "./ifconfig-output.ts";
import { clonerUnit, formatAddress } from "./interface-names.ts";

// ifconfig(8) command lines for bridges and epairs (sbin/ifconfig ifconfig.c, ifclone.c, ifbridge.c,
// af_inet.c, af_inet6.c, af_link.c; FreeBSD 14.3). Every value is an argv word; the only shell text is
// fixed scripts that take names as positional parameters.

/**
 * Creates a bridge named `name`: `ifconfig bridgeN create` for the kernel's own form, else a new unit
 * renamed at once (`ifconfig bridge create` prints the name it chose). A rename that fails destroys the
 * new interface again, so nothing is left under the kernel's name.
 */
export function createBridge(name: string): Command {
  if (clonerUnit(name)?.cloner === "bridge") return command("ifconfig", name, "create");
  const script = [
    "n=$(ifconfig bridge create) || exit",
    'ifconfig "$n" name "$1" >/dev/null || { ifconfig "$n" destroy; exit 1; }',
  ].join("\n");
  return { argv: ["/bin/sh", "-c", script, "sh", name] };
}

/**
 * Creates an epair whose ends are `host` and `jail`: `ifconfig epairN create` for the kernel's own
 * form (epairNa, epairNb), else a new unit whose ends are renamed (`ifconfig epair create` prints the a
 * end; the b end has the same name ending in b). A rename that fails destroys the pair (both ends go).
 */
export function createEpair(name: string, host: string, jail: string): Command {
  if (clonerUnit(name)?.cloner === "epair") return command("ifconfig", name, "create");
  const script = [
    "a=$(ifconfig epair create) || exit",
    'b="${a%a}b"',
    'ifconfig "$a" name "$1" >/dev/null || { ifconfig "$a" destroy; exit 1; }',
    'ifconfig "$b" name "$2" >/dev/null || { ifconfig "$1" destroy; exit 1; }',
  ].join("\n");
  return { argv: ["/bin/sh", "-c", script, "sh", host, jail] };
}

/** `ifconfig NAME destroy`: a cloned interface goes (an epair with both ends, wherever the other is). */
export function destroyInterface(name: string): Command {
  return command("ifconfig", name, "destroy");
}

/** `ifconfig NAME ether MAC`: sets the link-level address (af_link.c, SIOCSIFLLADDR). */
export function setEther(name: string, mac: string): Command {
  return command("ifconfig", name, "ether", mac);
}

/** `ifconfig NAME mtu N`. */
export function setMtu(name: string, mtu: number): Command {
  return command("ifconfig", name, "mtu", String(mtu));
}

/** The kernel's limit on an interface description: net.ifdescr_maxlen, 1024 bytes with the terminating NUL. */
export const maxDescriptionBytes = 1023;

/** Why a description cannot be set (SIOCSIFDESCR fails with ENAMETOOLONG past the limit), or undefined. */
export function checkDescription(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, "utf8");
  return bytes > maxDescriptionBytes
    ? `must be at most ${maxDescriptionBytes} bytes (the kernel's net.ifdescr_maxlen is 1024 with the NUL); it has ${bytes}`
    : undefined;
}

/** `ifconfig NAME description TEXT`, or `-description` to clear it. */
export function setDescription(name: string, text: string | undefined): Command {
  return text === undefined || text === "" ? command("ifconfig", name, "-description") : command("ifconfig", name, "description", text);
}

/** `ifconfig NAME up` or `down`. */
export function setUp(name: string, up: boolean): Command {
  return command("ifconfig", name, up ? "up" : "down");
}

/** `ifconfig NAME inet|inet6 ADDR/PLEN alias`: adds an address, keeping the others. */
export function addAddress(name: string, a: IfAddress): Command {
  return command("ifconfig", name, a.family, formatAddress(a), "alias");
}

/** `ifconfig NAME inet|inet6 ADDR -alias`: removes one address. */
export function removeAddress(name: string, a: IfAddress): Command {
  return command("ifconfig", name, a.family, a.addr, "-alias");
}

/** `ifconfig BRIDGE addm MEMBER` (ifbridge.c BRDGADD). */
export function addMember(bridge: string, member: string): Command {
  return command("ifconfig", bridge, "addm", member);
}

/** `ifconfig BRIDGE deletem MEMBER` (ifbridge.c BRDGDEL). */
export function removeMember(bridge: string, member: string): Command {
  return command("ifconfig", bridge, "deletem", member);
}
