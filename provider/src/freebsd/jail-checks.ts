import { isIPv4, isIPv6 } from "node:net";
import { checkKernelAddresses } from "./jail-addresses.ts";
import {
  isListType, jailParamSpec, stripNo,
  type JailListItem, type JailParamSpec, type JailValue,
} from "./jail-params.ts";

// Rules of jail names and parameter values, checked before a host is touched. Each returns the
// broken rule as a sentence, or undefined when the input is valid.

/**
 * Longest jail name the provider accepts: the kernel allows 255 bytes (MAXHOSTNAMELEN with the NUL),
 * but rc.d/jail builds file names from it (/var/run/jail_NAME.id, /etc/jail.conf.d/NAME.conf, mktemp
 * templates), which must stay inside NAME_MAX (255).
 */
export const maxJailNameLength = 200;

/** Parameter names: dot-separated lowercase words, which jail.conf's lexer reads as one bare token. */
const paramNamePattern = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;

/** Checks the name of a jail the provider manages (a top-level jail on the host). */
export function checkJailName(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name.length > maxJailNameLength) return `must be at most ${maxJailNameLength} characters (it has ${name.length})`;
  // jls -j, jexec and jail -r read an all-digit argument as a jid; the kernel refuses a numeric name
  // unless it equals the jid (kern_jail.c: "name cannot be numeric (unless it is the jid)").
  if (/^[0-9]+$/.test(name)) return "must not be all digits: jail(8), jls(8) and jexec(8) read that as a jid";
  // kern_jail.c reads `a.b` as jail b inside jail a; rc.d/jail rewrites '.' to '_' (`tr /. _`) before it
  // looks for /etc/jail.conf.d/NAME.conf, so a dotted name would never be found by `service jail`.
  if (name.includes(".")) return "must not contain '.': the kernel reads `a.b` as jail `b` inside jail `a`";
  // rc.d/jail expands names unquoted (`echo $_j`, jail_list is split on spaces) and uses them in paths.
  const bad = /[^A-Za-z0-9_-]/.exec(name);
  if (bad) return `invalid character ${JSON.stringify(bad[0])}: only letters, digits, '_' and '-' are allowed`;
  if (name.startsWith("-")) return "must not begin with '-' (jexec, jls and service would read it as an option)";
  return undefined;
}

/** Checks a parameter name: the grammar, names jail(8) does not list, and those the provider keeps to itself. */
export function checkJailParameterName(name: string): string | undefined {
  if (name.length > 128) return "must be at most 128 characters";
  if (!paramNamePattern.test(name)) return "must be lowercase words of letters, digits and '_' separated by '.'";
  if (name === "name") return "is the jail's name itself; it comes from the resource, as jail.conf(5) takes it from the block";
  const spec = jailParamSpec(name);
  if (spec?.update === "read-only") return "is read-only: the kernel reports it and nothing sets it";
  const base = stripNo(name);
  if (!spec && base !== undefined && jailParamSpec(base)?.type === "boolean") {
    return `is the \`no\` form of ${base}; set ${base} to false instead`;
  }
  if (!spec) return "is not a jail(8) parameter of FreeBSD 14 (see jail(8) for the list)";
  return undefined;
}

/** Checks one parameter and its value against the catalogue; a name jail(8) does not list is refused. */
export function checkJailParameter(name: string, value: JailValue): string | undefined {
  return checkJailParameterName(name) ?? checkValue(jailParamSpec(name)!, value);
}

/** Checks a whole parameter list: every parameter, repeats, and the rules that join parameters. */
export function checkJailParameters(params: ReadonlyArray<readonly [string, JailValue]>): string | undefined {
  const seen = new Map<string, JailValue>();
  for (const [name, value] of params) {
    const rule = checkJailParameter(name, value);
    if (rule) return `${name}: ${rule}`;
    if (seen.has(name)) return `${name}: is given twice`;
    seen.set(name, value);
  }
  // kern_jail.c refuses addresses on a vnet jail: "vnet jails cannot have IP address restrictions".
  if (seen.get("vnet") === "new" && (seen.has("ip4.addr") || seen.has("ip6.addr"))) {
    return "ip4.addr/ip6.addr: a vnet jail cannot have IP address restrictions (the kernel refuses them)";
  }
  // command.c moves vnet.interface into the jail with `ifconfig IF vnet JID`, which needs its own stack.
  if (seen.has("vnet.interface") && seen.get("vnet") !== "new") return "vnet.interface: needs vnet = new";
  // command.c: "mount.devfs: no path" (likewise fdescfs and procfs), they mount under the jail's path.
  for (const mount of ["mount.devfs", "mount.fdescfs", "mount.procfs"]) {
    if (seen.get(mount) === true && !seen.has("path")) return `${mount}: needs path, under which it mounts`;
  }
  return undefined;
}

/** Checks text that goes into jail.conf or an argv: C strings end at NUL; lone surrogates are not text. */
export function checkText(text: string, maxBytes: number): string | undefined {
  if (text.includes("\0")) return "must not contain a NUL character";
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) return "must be valid Unicode text";
  const bytes = Buffer.byteLength(text, "utf8");
  return bytes > maxBytes ? `must be at most ${maxBytes} bytes (it has ${bytes})` : undefined;
}

/** Narrows a value to a list. */
export function isList(value: JailValue): value is readonly string[] {
  return Array.isArray(value);
}

function checkValue(spec: JailParamSpec, value: JailValue): string | undefined {
  // jail(8) runs each value of an exec.* parameter as one command; a single string is a list of one.
  if (spec.type === "command-list" && typeof value === "string") return checkValue(spec, [value]);
  if (isListType(spec.type) !== isList(value)) {
    return isList(value) ? "takes one value, not a list" : "takes a list of values";
  }
  switch (spec.type) {
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be true or false";
    case "integer": {
      if (typeof value !== "number" || !Number.isSafeInteger(value)) return "must be a whole number";
      const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = spec;
      return value < min || value > max ? `must be between ${min} and ${max}` : undefined;
    }
    case "jailsys": {
      const choices = spec.choices ?? [];
      return typeof value === "string" && (choices as readonly string[]).includes(value)
        ? undefined : `must be one of ${choices.join(" | ")}`;
    }
    case "string":
      if (typeof value !== "string") return "must be a string";
      if (spec.absolutePath && !value.startsWith("/")) return "must be an absolute path";
      return checkText(value, spec.maxBytes ?? 1023);
  }
  const items = value as readonly string[];
  if (items.length === 0) return "must have at least one value (leave the parameter out instead)";
  for (const item of items) {
    if (typeof item !== "string") return "must be a list of strings";
    const rule = spec.type === "ip4-list" ? checkAddress(item, 4)
      : spec.type === "ip6-list" ? checkAddress(item, 6)
      : checkItem(spec.type === "command-list" ? "text" : spec.item ?? "text", item);
    if (rule) return `${JSON.stringify(item)}: ${rule}`;
  }
  // security.jail.jail_max_af_ips defaults to 255 addresses per family.
  if (spec.type.startsWith("ip") && items.length > 255) return "must have at most 255 addresses";
  if (spec.type === "ip4-list" || spec.type === "ip6-list") return checkKernelAddresses(items, spec.type === "ip4-list" ? 4 : 6);
  return undefined;
}

function checkItem(kind: JailListItem, item: string): string | undefined {
  if (item.length === 0) return "must not be empty";
  switch (kind) {
    case "interface":
      return checkInterfaceName(item);
    case "jail-name":
      return checkJailName(item);
    case "path":
      return item.startsWith("/") ? checkText(item, 1023) : "must be an absolute path";
    case "fstab-line":
      // command.c splits a mount line into device, mount point, type and options; fewer than three
      // fields fail with "missing information".
      return item.trim().split(/[ \t\f\v\r\n]+/).length < 3
        ? "must be an fstab(5) line with at least a device, a mount point and a type" : checkText(item, 4095);
    case "text":
      return checkText(item, 65535);
  }
}

/** IFNAMSIZ is 16 with the NUL; names are letters and digits with '_', '.', '-' (vlan `em0.10`). */
function checkInterfaceName(name: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/.test(name) ? undefined : "must be an interface name (at most 15 characters)";
}

/**
 * Checks one ip4.addr/ip6.addr entry in jail(8)'s extended form `[iface|]address[/mask][ ifconfig args]`
 * (config.c check_intparams strips the extras before the kernel sees the address).
 */
function checkAddress(entry: string, family: 4 | 6): string | undefined {
  // import_params joins list values with ',' and libjail splits them again on ','.
  if (entry.includes(",")) return "must not contain ',' (it separates addresses)";
  let rest = entry;
  const bar = rest.indexOf("|");
  if (bar >= 0) {
    const rule = checkInterfaceName(rest.slice(0, bar));
    if (rule) return `the interface before '|' ${rule}`;
    rest = rest.slice(bar + 1);
  }
  const space = rest.indexOf(" ");
  if (space >= 0) {
    if (!/^[A-Za-z0-9_.:-]+( [A-Za-z0-9_.:-]+)*$/.test(rest.slice(space + 1))) {
      return "ifconfig arguments after the address must be words separated by single spaces";
    }
    rest = rest.slice(0, space);
  }
  const slash = rest.indexOf("/");
  const address = slash >= 0 ? rest.slice(0, slash) : rest;
  const mask = slash >= 0 ? rest.slice(slash + 1) : undefined;
  if (family === 4) {
    if (!isIPv4(address)) return "is not an IPv4 address";
    if (mask !== undefined && !(isIPv4(mask) || (/^\d{1,2}$/.test(mask) && Number(mask) <= 32))) {
      return "the netmask must be a prefix length 0-32 or a dotted netmask";
    }
  } else {
    // inet_pton(3) takes no zone index (`%em0`); Node's isIPv6 would.
    if (!isIPv6(address) || address.includes("%")) return "is not an IPv6 address";
    if (mask !== undefined && !(/^\d{1,3}$/.test(mask) && Number(mask) <= 128)) return "the prefix length must be 0-128";
  }
  return undefined;
}
