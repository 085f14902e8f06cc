// cpuset(1) of FreeBSD 14.3 (usr.bin/cpuset/cpuset.c: getopt "Ccd:gij:l:n:p:rs:t:x:", -j through
// jail_getid(3), its own parselist with "Malformed list" and "List entry N exceeds maximum of M",
// printaffinity's `WHICH ID mask: 0, 1` then the domain policy line, printsetid's `WHICH ID cpuset
// id: N`) over the kernel's cpusets (sys/kern/kern_cpuset.c): the root set holds every CPU of the
// host, a jail gets its own set when it is created, inheriting its parent's mask, and a new mask must
// be a non-empty subset of the root set (EINVAL, EDEADLK otherwise). Only the jail (-j) and the
// whole-system (no identity) forms are simulated; the others, which act on processes the simulator
// does not have, say so.

import { getopt, getoptMessage } from "../core/getopt.ts";
import type { HostInfo, KernelState } from "../core/types.ts";
import { findJail, type JailRecord } from "../jail/model.ts";
import type { ToolIo } from "./sysctl.ts";

/** CPU_SETSIZE (CPU_MAXSIZE) of FreeBSD 14 on amd64 and arm64. */
const CPU_SETSIZE = 1024;

const USAGE = [
  "usage: cpuset [-l cpu-list] [-n policy:domain-list] [-s setid] cmd ...",
  "       cpuset [-l cpu-list] [-n policy:domain-list] [-s setid] -p pid",
  "       cpuset [-c] [-l cpu-list] [-n policy:domain-list] -C -p pid",
  "       cpuset [-c] [-l cpu-list] [-n policy:domain-list]",
  "              [-j jailid | -p pid | -t tid | -s setid | -x irq]",
  "       cpuset -g [-cir]",
  "              [-d domain | -j jailid | -p pid | -t tid | -s setid | -x irq]",
  "",
].join("\n");

class Exit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** The CPUs of the root set: every CPU the host has. */
function rootMask(host: HostInfo): number[] {
  return Array.from({ length: host.ncpu }, (_, i) => i);
}

/** A jail's mask: its own set's, or its parent's (the root set) until someone changed it. */
export function jailMask(jail: JailRecord, host: HostInfo): number[] {
  return jail.cpus ?? rootMask(host);
}

/** parselist() of cpuset.c: numbers, ranges and commas; "all" (parsecpulist) is the root set. */
function parseList(io: ToolIo, list: string, host: HostInfo): number[] {
  if (list.toLowerCase() === "all") return rootMask(host);
  const set = new Set<number>();
  let state: "none" | "num" | "dash" = "none";
  let cur = 0;
  let last = 0;
  const bad = (): never => {
    io.err.push(`cpuset: Malformed list ${list}\n`);
    throw new Exit(1);
  };
  for (let i = 0; i < list.length;) {
    if (/[0-9]/.test(list[i]!)) {
      const digits = /^[0-9]+/.exec(list.slice(i))![0];
      cur = Number.parseInt(digits, 10);
      if (cur > CPU_SETSIZE) {
        io.err.push(`cpuset: List entry ${cur} exceeds maximum of ${CPU_SETSIZE}\n`);
        throw new Exit(1);
      }
      i += digits.length;
      if (state === "none") {
        last = cur;
        state = "num";
      } else if (state === "dash") {
        for (; last <= cur; last++) set.add(last);
        state = "none";
      } else bad();
      continue;
    }
    const c = list[i]!;
    if (c === ",") {
      if (state === "num") set.add(cur);
      else if (state === "dash") bad();
      state = "none";
    } else if (c === "-") {
      if (state !== "num") bad();
      state = "dash";
    } else bad();
    i++;
  }
  if (state === "num") set.add(cur);
  else if (state === "dash") bad();
  return [...set].sort((a, b) => a - b);
}

/** printset(): the CPUs separated by ", ". */
function printSet(cpus: readonly number[]): string {
  return `${cpus.join(", ")}\n`;
}

/** Runs `cpuset argv...` against the kernel; returns the exit status and whether a mask changed. */
export function cpusetMain(io: ToolIo, argv: string[], kernel: KernelState, host: HostInfo): { code: number; changed: boolean } {
  let changed = false;
  try {
    run(io, argv, kernel, host, () => {
      changed = true;
    });
    return { code: 0, changed };
  } catch (e) {
    if (e instanceof Exit) return { code: e.code, changed };
    throw e;
  }
}

function run(io: ToolIo, argv: string[], kernel: KernelState, host: HostInfo, markChanged: () => void): void {
  const { opts, rest } = getopt(argv, "Ccd:gij:l:n:p:rs:t:x:");
  const flags = new Set<string>();
  let jail: JailRecord | undefined;
  let mask: number[] | undefined;
  const usage = (): never => {
    io.err.push(USAGE);
    throw new Exit(1);
  };
  for (const o of opts) {
    if (o.opt === "?" || o.opt === ":") {
      io.err.push(getoptMessage("cpuset", o));
      usage();
    }
    flags.add(o.opt);
    if (o.opt === "j") {
      // jail_getid(3): a jid or a name; errx prints libjail's jail_errmsg.
      const found = findJail(kernel, o.arg!);
      if (!found.jail) {
        io.err.push(`cpuset: ${found.errmsg}\n`);
        throw new Exit(1);
      }
      jail = found.jail;
    } else if (o.opt === "l") mask = parseList(io, o.arg!, host);
  }
  const ids = ["d", "j", "x", "s", "p", "t"].filter((f) => flags.has(f));
  if (ids.some((f) => f !== "j") || flags.has("n") || flags.has("C") || rest.length > 0 && !flags.has("g")) {
    io.err.push("cpuset: the simulator only models jails' CPU sets (-j) and the root set\n");
    throw new Exit(1);
  }
  const level = flags.has("r") ? " root" : flags.has("c") ? " cpuset" : "";
  const which = jail ? `jail ${jail.jid}` : "pid -1";
  if (flags.has("g")) {
    if (rest.length > 0 || flags.has("l") || ids.length > 1) usage();
    const cpus = flags.has("r") || !jail ? rootMask(host) : jailMask(jail, host);
    if (flags.has("i")) {
      // printsetid: LEVEL_WHICH without -s reads the set's own id (CPU_LEVEL_CPUSET).
      const setid = jail ? Number(jail.params["cpuset.id"]) : 1;
      io.out.push(`${which}${level || " cpuset"} id: ${flags.has("r") ? 0 : setid}\n`);
      return;
    }
    io.out.push(`${which}${level} mask: ${printSet(cpus)}`);
    io.out.push(`${which}${level} domain policy: first-touch mask: 0\n`);
    return;
  }
  if (flags.has("i") || flags.has("r")) usage();
  if (!flags.has("l")) usage();
  if (!jail) usage();
  // cpuset_setaffinity(CPU_WHICH_JAIL): the mask must be a non-empty subset of the root set.
  if (mask!.length === 0) {
    io.err.push("cpuset: setaffinity: Resource deadlock avoided\n");
    throw new Exit(1);
  }
  if (mask!.some((c) => c >= host.ncpu)) {
    io.err.push("cpuset: setaffinity: Invalid argument\n");
    throw new Exit(1);
  }
  jail!.cpus = mask!;
  markChanged();
}
