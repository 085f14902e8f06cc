import { command, type Command } from "../core/command.ts";

// `ifconfig -f inet:cidr,inet6:cidr -a` (FreeBSD 14.x, sbin/ifconfig/ifconfig_netlink.c status_nl,
// af_inet.c in_status_nl, af_inet6.c in6_status_nl, af_link.c, ifbridge.c bridge_status, ifgroup.c).
// Each interface is a header line `NAME: flags=HEX<...> metric N mtu N` and tab-indented attribute
// lines. The parser reads the attributes it needs by their key and never relies on their order
// (releases differ: nd6 before media on 13, addresses before the bridge block on 14); keyed lines it
// does not need (options=, media:, status:, nd6 options=, the bridge's id/maxage lines...) are skipped,
// and a line of any other shape is refused. `-f` fixes the address format whatever IFCONFIG_FORMAT says.

/** An IPv4 or IPv6 address with its prefix length, as the kernel keeps it. */
export interface IfAddress {
  family: "inet" | "inet6";
  /** Dotted quad, or IPv6 in canonical text without a zone. */
  addr: string;
  plen: number;
}

/** One interface as ifconfig prints it. */
export interface IfStatus {
  name: string;
  /** Flag names of the header (UP, BROADCAST, PROMISC...). */
  flags: string[];
  mtu: number;
  description?: string;
  /** The Ethernet address, lower case. */
  ether?: string;
  /** IPv4 and IPv6 addresses, link-local (fe80::/10 with a zone) left out, in the order printed. */
  addresses: IfAddress[];
  /** Interface groups besides `all` (the cloner's: `bridge`, `epair`, `lo`; and `group` additions). */
  groups: string[];
  /** Bridges: the member interfaces, in the kernel's list order (newest first). */
  members: string[];
}

/** Whether ifconfig reports the interface up (IFF_UP). */
export function isUp(status: IfStatus): boolean {
  return status.flags.includes("UP");
}

/** Whether the interface is an if_bridge(4) (a renamed bridge keeps its cloner's group). */
export function isBridge(status: IfStatus): boolean {
  return status.groups.includes("bridge");
}

/** Whether the interface is one end of an epair(4). */
export function isEpair(status: IfStatus): boolean {
  return status.groups.includes("epair");
}

/** `ifconfig -f inet:cidr,inet6:cidr -a`: every interface of the caller's vnet with CIDR addresses. */
export function ifconfigAll(): Command {
  return command("ifconfig", "-f", "inet:cidr,inet6:cidr", "-a");
}

const header = /^([^\s:]+): flags=([0-9a-f]+)(?:<([^>]*)>)? metric (-?\d+) mtu (\d+)$/;

/** Parses the status blocks of `ifconfigAll()` into interfaces by name; throws on lines of another shape. */
export function parseIfconfig(text: string): Map<string, IfStatus> {
  const interfaces = new Map<string, IfStatus>();
  let current: IfStatus | undefined;
  let lastKey = "";
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const h = header.exec(line);
    if (h) {
      current = { name: h[1]!, flags: h[3] ? h[3].split(",") : [], mtu: Number(h[5]), addresses: [], groups: [], members: [] };
      if (interfaces.has(current.name)) throw new Error(`ifconfig listed ${current.name} twice`);
      interfaces.set(current.name, current);
      lastKey = "";
      continue;
    }
    if (!current) throw new Error(`unexpected ifconfig line before any interface: ${JSON.stringify(line)}`);
    if (!line.startsWith("\t")) {
      // A description holding a newline goes on over lines of its own (ifconfig prints it raw).
      if (lastKey !== "description") throw new Error(`unexpected ifconfig line: ${JSON.stringify(line)}`);
      current.description += `\n${line}`;
      continue;
    }
    lastKey = readAttribute(current, line.slice(1));
  }
  return interfaces;
}

/** Reads one attribute line (without its tab) into the interface; returns its key. */
function readAttribute(status: IfStatus, body: string): string {
  if (body.startsWith("description: ")) {
    status.description = body.slice("description: ".length);
    return "description";
  }
  const [key = "", ...rest] = body.split(" ");
  switch (key) {
    case "ether":
      if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(rest[0] ?? "")) throw new Error(`unexpected ifconfig ether line: ${JSON.stringify(body)}`);
      status.ether = rest[0];
      break;
    case "inet":
      status.addresses.push(readInet(body, rest));
      break;
    case "inet6": {
      const address = readInet6(body, rest);
      if (address) status.addresses.push(address);
      break;
    }
    case "groups:":
      status.groups = rest.filter((g) => g !== "");
      break;
    case "member:":
      if (!rest[0]) throw new Error(`unexpected ifconfig member line: ${JSON.stringify(body)}`);
      status.members.push(rest[0]);
      break;
  }
  return key;
}

/** `inet 10.0.0.1/24 [broadcast 10.0.0.255]` (af_inet.c with -f inet:cidr). */
function readInet(line: string, words: string[]): IfAddress {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(words[0] ?? "");
  if (!m) throw new Error(`unexpected ifconfig inet line: ${JSON.stringify(line)}`);
  return { family: "inet", addr: m[1]!, plen: Number(m[2]) };
}

/** `inet6 ADDR[%zone]/PLEN [flags] [scopeid 0xN]` (af_inet6.c with -f inet6:cidr); link-local ones give nothing. */
function readInet6(line: string, words: string[]): IfAddress | undefined {
  const m = /^([0-9a-f:.]+)(%[^/]+)?\/(\d{1,3})$/.exec(words[0] ?? "");
  if (!m) throw new Error(`unexpected ifconfig inet6 line: ${JSON.stringify(line)}`);
  // The kernel assigns link-local addresses itself (in6_ifattach); getnameinfo adds their %zone.
  if (m[2] !== undefined || /^fe[89ab]/.test(m[1]!)) return undefined;
  return { family: "inet6", addr: m[1]!, plen: Number(m[3]) };
}
