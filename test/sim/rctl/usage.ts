// Resource usage for `rctl -u` and the process table rctl's process subjects resolve against. The
// processes of the simulated host are those of the sandbox (its own pid namespace, all root, host
// login class "default", prison0 whose racct name is "0"); their usage comes from Linux's /proc.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { KRule, ProcInfo, ProcTable } from "./kernel.ts";
import { RESOURCES } from "./vocab.ts";
import { SyscallError } from "./vocab.ts";

const HZ = 100;

function uptime(): number {
  return Number.parseFloat(readFileSync("/proc/uptime", "utf8").split(" ")[0]!);
}

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name, which may itself contain spaces.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** The sandbox's processes as pfind() sees them. */
export function sandboxProcs(): ProcTable {
  return {
    find(pid: number): ProcInfo | undefined {
      if (!Number.isInteger(pid) || pid <= 0) return undefined;
      const f = statFields(pid);
      if (!f) return undefined;
      return { pid, start: Number(f[19]), uid: 0, loginclass: "default", jail: "0" };
    },
  };
}

/** No processes at all (the boot path, before anything runs). */
export const NO_PROCS: ProcTable = { find: () => undefined };

function statusKb(pid: number, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function processUsage(pid: number): Record<string, number> {
  const f = statFields(pid) ?? [];
  const cpu = (Number(f[11] ?? 0) + Number(f[12] ?? 0)) / HZ;
  const wall = Math.max(0, uptime() - Number(f[19] ?? 0) / HZ);
  let files = 0;
  try {
    files = readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    // The process went away.
  }
  return {
    cputime: cpu, datasize: statusKb(pid, "VmData"), stacksize: statusKb(pid, "VmStk"), memoryuse: statusKb(pid, "VmRSS"),
    memorylocked: statusKb(pid, "VmLck"), maxproc: 1, openfiles: files, vmemoryuse: statusKb(pid, "VmSize"),
    swapuse: statusKb(pid, "VmSwap"), nthr: Number(f[17] ?? 1), wallclock: wall, pcpu: wall > 0 ? (cpu * 100) / wall : 0,
  };
}

function livePids(): number[] {
  if (!existsSync("/proc")) return [];
  return readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
}

/** sys_rctl_get_racct: `resource=value` for each resource (sloppy ones left out for a process). */
export function racctUsage(filter: KRule, procs: ProcTable): string[] {
  if (filter.subject === undefined || filter.id === undefined) throw new SyscallError("EINVAL");
  let members: number[];
  if (filter.subject === "process") members = [Number(filter.id)];
  else {
    const wanted = (p: ProcInfo): boolean => (filter.subject === "user" ? String(p.uid) === filter.id
      : filter.subject === "loginclass" ? p.loginclass === filter.id : p.jail === filter.id);
    members = procs === NO_PROCS ? [] : livePids().filter((pid) => {
      const p = procs.find(pid);
      return p !== undefined && wanted(p);
    });
  }
  const total: Record<string, number> = {};
  for (const pid of members) for (const [k, v] of Object.entries(processUsage(pid))) total[k] = (total[k] ?? 0) + v;
  const sloppyOk = filter.subject !== "process";
  return RESOURCES.filter((d) => sloppyOk || !d.sloppy).map((d) => `${d.name}=${Math.floor(total[d.name] ?? 0)}`);
}
