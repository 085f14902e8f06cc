import { command, type Command } from "../core/command.ts";

// cpuset(1) for jails (usr.bin/cpuset/cpuset.c, FreeBSD 14.3). A CPU list is parselist's syntax:
// numbers and ranges separated by commas (`0-3`, `2,4`); `cpuset -l LIST -j JAIL` gives the jail's
// own set that mask (a non-empty subset of the host's CPUs), `cpuset -g -j JAIL` prints
// `jail JID mask: 0, 1` and a `domain policy` line. A jail's set starts as every CPU of its parent
// each time the jail is created: jail(8) has no parameter for it (14.3's cpuset.id is read-only), so
// the jail's file sets it at every start with exec.created, which jail(8) runs on the host right
// after the jail exists and before exec.start runs anything in it, so every process the jail starts
// inherits the mask.

/** The highest CPU number cpuset takes (CPU_SETSIZE of FreeBSD 14 on amd64 and arm64, less one). */
const maxCpu = 1023;

/** The CPUs of a list, sorted and unique; undefined when cpuset would call it malformed. */
export function cpusOf(list: string): number[] | undefined {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(list)) return undefined;
  const cpus = new Set<number>();
  for (const part of list.split(",")) {
    const [a, b] = part.split("-").map(Number) as [number, number | undefined];
    const end = b ?? a;
    if (end < a || end > maxCpu) return undefined;
    for (let c = a; c <= end; c++) cpus.add(c);
  }
  return [...cpus].sort((x, y) => x - y);
}

/** Checks a CPU list written for a jail. */
export function checkCpuList(list: string): string | undefined {
  if (cpusOf(list) === undefined) {
    return `must be a list of CPU numbers and ranges such as 0-3 or 2,4 (ascending ranges, CPUs 0 to ${maxCpu})`;
  }
  return undefined;
}

/** The shortest list of CPUs: ranges of three or more, e.g. `0-3,6`. */
export function formatCpus(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length;) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${cpus[i]}-${cpus[j]}` : cpus.slice(i, j + 1).join(","));
    i = j + 1;
  }
  return parts.join(",");
}

/** Whether two lists name the same CPUs. */
export function sameCpus(a: string, b: string): boolean {
  return cpusOf(a)?.join(",") === cpusOf(b)?.join(",");
}

/** `cpuset -l LIST -j JID`: the running jail's CPUs, now. */
export function cpusetJail(list: string, jid: number): Command {
  return command("cpuset", "-l", list, "-j", String(jid));
}

/** The exec.created command that gives the jail its CPUs at each start (the name: the jid changes). */
export function cpusetCreatedCommand(list: string, jail: string): string {
  return `cpuset -l ${list} -j ${jail}`;
}

/** The CPU list of an exec.created command written by cpusetCreatedCommand for this jail, else undefined. */
export function cpusOfCreatedCommand(cmd: string, jail: string): string | undefined {
  const m = /^cpuset -l (\S+) -j (\S+)$/.exec(cmd.trim());
  return m && m[2] === jail && cpusOf(m[1]!) ? m[1] : undefined;
}

/** `cpuset -g -j NAME` of each jail between markers of the batch token; a jail not running prints nothing. */
export function cpusetJailsScript(token: string, jails: readonly string[]): Command {
  const script = `for j in "$@"; do printf '@@%s jail %s\\n' ${token} "$j"; cpuset -g -j "$j" 2>/dev/null; done`;
  return { argv: ["/bin/sh", "-c", script, "sh", ...jails] };
}

/** The CPUs of each running jail, from what cpusetJailsScript printed; throws on other lines. */
export function parseCpusetJails(token: string, text: string): Map<string, number[]> {
  const masks = new Map<string, number[]>();
  let current: string | undefined;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith(`@@${token} jail `)) current = line.slice(`@@${token} jail `.length);
    else if (current !== undefined && /^jail \d+ mask: /.test(line)) {
      masks.set(current, line.replace(/^jail \d+ mask: /, "").split(", ").filter(Boolean).map(Number));
    } else if (current !== undefined && /^jail \d+ domain policy: /.test(line)) continue;
    else throw new Error(`cpuset -g: unexpected line ${JSON.stringify(line)}`);
  }
  return masks;
}
