// sysctl(8), minimal: reading oids and subtrees (-n, -N, -a, -q, -i), writing the few writable ones,
// and refusing read-only oids and loader tunables with FreeBSD's messages.

import { getopt, getoptMessage } from "../core/getopt.ts";
import { hostname } from "node:os";
import type { DiskState, KernelState } from "../core/types.ts";
import { compareOidNames, jailSysctlOids } from "../jail/sysctl-oids.ts";

export interface ToolIo {
  out: string[];
  err: string[];
}

interface Oid {
  value: string;
  kind: "ro" | "rw" | "tunable";
  descr: string;
  /** A struct without a formatter: listed by -N, no value printed. */
  opaque?: boolean;
}

function oids(disk: DiskState, kernel: KernelState): Map<string, Oid> {
  const h = disk.host;
  const ro = (value: string | number, descr: string): Oid => ({ value: String(value), kind: "ro", descr });
  const boot = kernel.bootTime;
  const table: [string, Oid][] = [
    ["kern.ostype", ro("FreeBSD", "Operating system type")],
    ["kern.osrelease", ro(h.osrelease, "Operating system release")],
    ["kern.osrevision", ro(199506, "Operating system revision")],
    ["kern.version", ro(`${h.kernVersion}\n`, "Kernel version")],
    ["kern.osreldate", ro(h.osreldate, "Kernel release date")],
    ["kern.hostname", { value: hostname(), kind: "rw", descr: "Hostname" }],
    ["kern.securelevel", ro(-1, "Current secure level")],
    ["kern.boottime", ro(`{ sec = ${boot}, usec = 0 } ${new Date(boot * 1000).toUTCString()}`, "System boottime")],
    ["kern.features.vimage", ro(1, "VIMAGE kernel virtualization")],
    ["kern.features.racct", ro(1, "Resource Accounting")],
    ["kern.racct.enable", { value: kernel.sysctls?.["kern.racct.enable"] ?? "0", kind: "tunable",
      descr: "Enable RACCT/RCTL" }],
    ...racctOids(kernel),
    ["hw.machine", ro(h.machine, "Machine class")],
    ["hw.model", ro("Intel(R) Xeon(R) CPU @ 2.20GHz", "Machine model")],
    ["hw.ncpu", ro(h.ncpu, "Number of active CPUs")],
    ["hw.physmem", ro(h.physmem, "Amount of physical memory (in bytes)")],
    ["hw.realmem", ro(h.physmem + 134217728, "Amount of memory (in bytes) reported by the firmware")],
    ["hw.pagesize", ro(4096, "System memory page size")],
    ["hw.machine_arch", ro(h.machine, "System architecture")],
    ["security.jail.jailed", ro(0, "Process in jail?")],
    ["security.jail.enforce_statfs", ro(2, "Processes in jail cannot see all mounted file systems (deprecated)")],
    ...jailSysctlOids(),
    ["vfs.zfs.version.module", ro("2.2.7-FreeBSD_ge269af1b3", "OpenZFS module version")],
  ];
  const map = new Map(table);
  for (const [k, v] of Object.entries(kernel.sysctls ?? {})) {
    const o = map.get(k);
    if (o && o.kind === "rw") o.value = v;
  }
  return map;
}

/** kern.features.rctl and kern.racct.rctl.* (kern_rctl.c); the throttle knobs keep their -1 (printed
 * unsigned) until rctl_init() sets the defaults, which it only does with racct enabled. */
function racctOids(kernel: KernelState): [string, Oid][] {
  const on = (kernel.sysctls?.["kern.racct.enable"] ?? "0") !== "0";
  const unset = (v: number): string => String(on ? v : 4294967295);
  const rw = (value: string, descr: string): Oid => ({ value, kind: "rw", descr });
  return [
    ["kern.features.rctl", { value: "1", kind: "ro", descr: "Resource Limits" }],
    ["kern.racct.pcpu_threshold", rw("100", "Processes with higher %cpu usage than this value can be throttled.")],
    ["kern.racct.rctl.maxbufsize", rw("16777216", "Maximum output buffer size")],
    ["kern.racct.rctl.log_rate_limit", rw("10", "Maximum number of log messages per second")],
    ["kern.racct.rctl.devctl_rate_limit", rw("10", "Maximum number of devctl messages per second")],
    ["kern.racct.rctl.throttle_min", rw(unset(1), "Shortest throttling duration, in hz")],
    ["kern.racct.rctl.throttle_max", rw(unset(2000), "Longest throttling duration, in hz")],
    ["kern.racct.rctl.throttle_pct", rw(unset(100), "Throttling penalty for process consumption, in percent")],
    ["kern.racct.rctl.throttle_pct2", rw(unset(100), "Throttling penalty for container consumption, in percent")],
  ];
}

/** Runs sysctl; returns the exit status. */
export function sysctlMain(io: ToolIo, argv: string[], disk: DiskState, kernel: KernelState): { code: number; changed: boolean } {
  let names = false;
  let valuesOnly = false;
  let quiet = false;
  let ignore = false;
  let all = false;
  let descr = false;
  // getopt(3) with sbin/sysctl's "AaB:bdef:hiNnoqtTWxX"; -B and -f take an argument (not simulated).
  const { opts, rest } = getopt(argv, ":AaB:bdef:hiNnoqtTWxX");
  for (const o of opts) {
    const c = o.opt;
    if (c === "N") names = true;
    else if (c === "n") valuesOnly = true;
    else if (c === "q") quiet = true;
    else if (c === "i") ignore = true;
    else if (c === "a" || c === "A" || c === "X") all = true;
    else if (c === "d") descr = true;
    else if (c === "?" || c === ":") {
      io.err.push(getoptMessage("sysctl", o));
      io.err.push("usage: sysctl [-bdehiNnoqTtWx] [ -B <bufsize> ] [-f filename] name[=value] ...\n"
        + "       sysctl [-bdehNnoqTtWx] [ -B <bufsize> ] -a\n");
      return { code: 1, changed: false };
    }
  }
  const table = oids(disk, kernel);
  const show = (name: string, o: Oid): void => {
    if (o.opaque && !names && !descr) return;
    if (names) io.out.push(`${name}\n`);
    else if (descr) io.out.push(valuesOnly ? `${o.descr}\n` : `${name}: ${o.descr}\n`);
    else io.out.push(valuesOnly ? `${o.value}\n` : `${name}: ${o.value}\n`);
  };
  const args = rest;
  if (all || args.length === 0) {
    if (!all) {
      io.err.push("usage: sysctl [-bdehiNnoqTtWx] [ -B <bufsize> ] [-f filename] name[=value] ...\n"
        + "       sysctl [-bdehNnoqTtWx] [ -B <bufsize> ] -a\n");
      return { code: 1, changed: false };
    }
    for (const [n, o] of [...table].sort(([a], [b]) => compareOidNames(a, b))) show(n, o);
    return { code: 0, changed: false };
  }
  let code = 0;
  let changed = false;
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const exact = table.get(name);
    const below = [...table].filter(([n]) => n.startsWith(`${name}.`)).sort(([a], [b]) => compareOidNames(a, b));
    if (!exact && below.length === 0) {
      if (ignore) continue;
      if (!quiet) io.err.push(`sysctl: unknown oid '${name}'\n`);
      code = 1;
      continue;
    }
    if (eq < 0) {
      if (exact) show(name, exact);
      else for (const [n, o] of below) show(n, o);
      continue;
    }
    if (!exact || exact.kind === "ro") {
      io.err.push(`sysctl: oid '${name}' is read only\n`);
      code = 1;
    } else if (exact.kind === "tunable") {
      io.err.push(`sysctl: oid '${name}' is a read only tunable\n`);
      io.err.push("sysctl: Tunable values are set in /boot/loader.conf\n");
      code = 1;
    } else {
      const value = arg.slice(eq + 1);
      io.out.push(valuesOnly ? `${exact.value} -> ${value}\n` : `${name}: ${exact.value} -> ${value}\n`);
      kernel.sysctls = { ...(kernel.sysctls ?? {}), [name]: value };
      changed = true;
    }
  }
  return { code, changed };
}
