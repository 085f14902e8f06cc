import type { Command } from "../core/command.ts";

// The facts of a host in one script: freebsd-version(1) -ku (installed kernel, then userland: its
// lines always come in the order k, r, u), sysctl(8) of the machine's architecture, CPU count and
// physical memory (`name: value` lines), and ifconfig(8) -a (FreeBSD 14.3's status format: an
// `IFNAME: flags=...` line per interface, then tab-indented lines such as `inet ADDR netmask
// 0xffffff00`, `inet6 ADDR%SCOPE prefixlen N`, `ether MAC`, `groups: NAME...`).

/** One interface as ifconfig -a shows it. */
export interface InterfaceSummary {
  name: string;
  /** The cloner group (`epair`, `bridge`, `lo`, `vlan`, `tap`, ...), `ethernet` for hardware with a MAC, else `other`. */
  kind: string;
  /** inet `ADDR/PREFIX` and inet6 `ADDR/PREFIX` (scope dropped), in the order listed. */
  addresses: string[];
  up: boolean;
}

export interface HostFacts {
  kernelVersion: string;
  userlandVersion: string;
  architecture: string;
  cpuCount: number;
  memoryBytes: number;
  interfaces: InterfaceSummary[];
}

const sysctls = ["hw.machine_arch", "hw.ncpu", "hw.physmem"];

/** The script printing the facts between markers of the batch token. */
export function hostFactsScript(token: string): Command {
  const script = [
    `printf '@@%s version\\n' ${token}`, "freebsd-version -ku || exit",
    `printf '@@%s sysctl\\n' ${token}`, `sysctl ${sysctls.join(" ")} || exit`,
    `printf '@@%s ifconfig\\n' ${token}`, "ifconfig -a",
  ].join("\n");
  return { argv: ["/bin/sh", "-c", script] };
}

/** Parses what hostFactsScript printed; throws on output of another shape. */
export function parseHostFacts(token: string, text: string): HostFacts {
  const parts = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.replace(/\n$/, "").split("\n")) {
    const m = /^@@(\S+) (version|sysctl|ifconfig)$/.exec(line);
    if (m && m[1] === token) parts.set(m[2]!, (current = []));
    else if (current) current.push(line);
    else throw new Error(`host facts: unexpected line ${JSON.stringify(line)}`);
  }
  const versions = parts.get("version") ?? [];
  if (versions.length !== 2) throw new Error(`freebsd-version -ku printed ${versions.length} lines, not 2`);
  const values = new Map((parts.get("sysctl") ?? []).map((l) => {
    const at = l.indexOf(": ");
    if (at < 0) throw new Error(`sysctl: unexpected line ${JSON.stringify(l)}`);
    return [l.slice(0, at), l.slice(at + 2)] as const;
  }));
  const number = (name: string): number => {
    const v = values.get(name);
    if (v === undefined || !/^[0-9]+$/.test(v)) throw new Error(`sysctl ${name}: expected a number, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  return {
    kernelVersion: versions[0]!, userlandVersion: versions[1]!,
    architecture: values.get("hw.machine_arch") ?? "", cpuCount: number("hw.ncpu"), memoryBytes: number("hw.physmem"),
    interfaces: parseIfconfigSummary(parts.get("ifconfig") ?? []),
  };
}

/** The prefix length of an IPv4 netmask as ifconfig prints it (`0xffffff00`). */
function prefixOfMask(mask: string): number {
  const bits = Number.parseInt(mask.replace(/^0x/, ""), 16);
  return bits.toString(2).replace(/0+$/, "").length;
}

/** Interfaces, kinds and addresses from ifconfig -a's lines. */
export function parseIfconfigSummary(lines: readonly string[]): InterfaceSummary[] {
  const list: Array<InterfaceSummary & { ether: boolean }> = [];
  let cur: (InterfaceSummary & { ether: boolean }) | undefined;
  for (const line of lines) {
    const head = /^([^\s:]+): flags=[0-9a-f]+<([^>]*)>/.exec(line);
    if (head) {
      cur = { name: head[1]!, kind: "other", addresses: [], up: head[2]!.split(",").includes("UP"), ether: false };
      list.push(cur);
      continue;
    }
    if (!cur || !line.startsWith("\t")) throw new Error(`ifconfig: unexpected line ${JSON.stringify(line)}`);
    const words = line.trim().split(/\s+/);
    if (words[0] === "inet" && words[2] === "netmask") cur.addresses.push(`${words[1]}/${prefixOfMask(words[3]!)}`);
    else if (words[0] === "inet6" && words[2] === "prefixlen") cur.addresses.push(`${words[1]!.replace(/%.*$/, "")}/${words[3]}`);
    else if (words[0] === "ether") cur.ether = true;
    else if (words[0] === "groups:") cur.kind = words[1] ?? cur.kind;
  }
  return list.map(({ ether, ...i }) => (i.kind === "other" && ether ? { ...i, kind: "ethernet" } : i));
}
