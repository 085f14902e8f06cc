// The kernel side of RCTL (sys/kern/kern_rctl.c): rules live in racct containers keyed by subject
// (process, uid, login class name, jail name), parsed with rctl_string_to_rule, added, matched,
// removed and printed as the rctl syscalls do. Kept in kernel.json, so a reboot drops every rule,
// and a jail's rules stay (keyed by name) after the jail is gone.

import type { KernelState } from "../core/types.ts";
import { kernelInt64, strsep, strtoul } from "./numbers.ts";
import { ACTIONS, lookupName, resourceDef, RESOURCES, SUBJECTS, SyscallError, type Subject } from "./vocab.ts";

export interface StoredRule {
  resource: string;
  action: string;
  /** Kernel units (seconds and percent times 1000000), decimal. */
  amount: string;
  per: Subject;
  seq: number;
}

/** One racct container holding rules: a process (id = pid), uidinfo (uid), loginclass or prison_racct (name). */
export interface Container {
  subject: Subject;
  id: string;
  /** Creation order; containers are listed newest first (LIST_INSERT_HEAD). */
  seq: number;
  /** Processes: start time, so a reused pid does not inherit rules. */
  start?: number;
  rules: StoredRule[];
}

export interface RctlState {
  seq: number;
  containers: Container[];
}

/** A rule or filter as rctl_string_to_rule leaves it; undefined fields match anything. */
export interface KRule {
  subject?: Subject;
  id?: string;
  resource?: string;
  action?: string;
  amount?: bigint;
  per?: Subject;
}

/** A process the kernel can find (pfind) and what its credentials point at. */
export interface ProcInfo {
  pid: number;
  start: number;
  uid: number;
  loginclass: string;
  jail: string;
}

export interface ProcTable {
  find(pid: number): ProcInfo | undefined;
}

const RCTL_MAX_INBUFSIZE = 4 * 1024;
const MAXLOGNAME = 33;
const MAXHOSTNAMELEN = 256;

/** The RCTL state inside the kernel model (created on first use). */
export function rctlState(kernel: KernelState): RctlState {
  if (!kernel.rctl) kernel.rctl = { seq: 0, containers: [] };
  return kernel.rctl;
}

/** racct_enable: the kern.racct.enable loader tunable as the kernel read it at boot. */
export function racctEnabled(kernel: KernelState): boolean {
  return (kernel.sysctls?.["kern.racct.enable"] ?? "0") !== "0";
}

/** Drops rules of processes that have exited (their racct went with them). */
export function pruneExited(st: RctlState, procs: ProcTable): void {
  st.containers = st.containers.filter((c) => c.subject !== "process" || procs.find(Number(c.id))?.start === c.start);
}

/** rctl_read_inbuf + rctl_string_to_rule: parses a rule or filter, throwing the syscall's errno. */
export function parseKernelRule(input: string, procs: ProcTable): KRule {
  if (input.length + 1 > RCTL_MAX_INBUFSIZE) throw new SyscallError("E2BIG");
  const cur = { rest: input as string | null };
  const subjectStr = strsep(cur, ":");
  const idStr = strsep(cur, ":");
  const resourceStr = strsep(cur, ":");
  const actionStr = strsep(cur, "=/");
  const amountStr = strsep(cur, "/");
  const perStr = cur.rest;
  const rule: KRule = {};
  if (subjectStr) rule.subject = lookup(SUBJECTS, subjectStr);
  if (idStr) rule.id = subjectId(rule.subject, idStr, procs);
  if (resourceStr) rule.resource = lookup(RESOURCES.map((d) => d.name), resourceStr);
  if (actionStr) rule.action = lookup(ACTIONS, actionStr);
  if (amountStr) {
    const v = kernelInt64(amountStr);
    if (typeof v === "string") throw new SyscallError(v);
    let amount = v;
    // RACCT_IS_IN_MILLIONS: stored times 1000000, ERANGE when that overflows int64.
    if (rule.resource && resourceDef(rule.resource).millions) {
      if (amount > ((1n << 63n) - 1n) / 1000000n) throw new SyscallError("ERANGE");
      amount *= 1000000n;
    }
    rule.amount = amount;
  }
  if (perStr) rule.per = lookup(SUBJECTS, perStr) as Subject;
  return rule;
}

function lookup<T extends string>(table: readonly T[], name: string): T {
  const found = lookupName(table, name);
  if (found === undefined) throw new SyscallError("EINVAL");
  return found as T;
}

function subjectId(subject: Subject | undefined, str: string, procs: ProcTable): string {
  switch (subject) {
    case undefined:
      throw new SyscallError("EINVAL");
    case "process": {
      const { value, used } = strtoul(str, 10);
      if (used !== str.length) throw new SyscallError("EINVAL");
      // pfind(): only live processes.
      const pid = Number(BigInt.asIntN(32, value));
      if (!procs.find(pid)) throw new SyscallError("ESRCH");
      return String(pid);
    }
    case "user": {
      // str2id: strtoul over the whole string, no range check; uifind takes a uid_t printed back with %d.
      const { value, used } = strtoul(str, 10);
      if (used !== str.length) throw new SyscallError("EINVAL");
      return String(Number(BigInt.asIntN(32, value)));
    }
    case "loginclass":
      if (str.length >= MAXLOGNAME) throw new SyscallError("ENAMETOOLONG");
      return str;
    case "jail":
      if (str.length >= MAXHOSTNAMELEN) throw new SyscallError("ENAMETOOLONG");
      return str;
  }
}

/** rctl_rule_matches: every field the filter defines must be equal. */
function matches(c: Container, r: StoredRule, f: KRule): boolean {
  if (f.subject !== undefined && (c.subject !== f.subject || (f.id !== undefined && c.id !== f.id))) return false;
  if (f.resource !== undefined && r.resource !== f.resource) return false;
  if (f.action !== undefined && r.action !== f.action) return false;
  if (f.amount !== undefined && BigInt(r.amount) !== f.amount) return false;
  return f.per === undefined || r.per === f.per;
}

/** Containers in the order rctl_get_rules walks them: processes, login classes, uids, prisons. */
function walkOrder(st: RctlState): Container[] {
  const group = (s: Subject): Container[] => st.containers.filter((c) => c.subject === s);
  // The container of login class "default" and prison0's ("0") exist from boot: the oldest, so last.
  const age = (c: Container): number => (c.id === "default" && c.subject === "loginclass")
    || (c.id === "0" && c.subject === "jail") ? -1 : c.seq;
  return [
    ...group("process").sort((a, b) => (b.start ?? 0) - (a.start ?? 0) || Number(b.id) - Number(a.id)),
    ...group("loginclass").sort((a, b) => age(b) - age(a)),
    ...group("user").sort((a, b) => Number(a.id) - Number(b.id)),
    ...group("jail").sort((a, b) => age(b) - age(a)),
  ];
}

/** rctl_rule_to_sbuf: `subject:id:resource:action=amount[/per]`, per only when it differs. */
export function ruleText(c: Container, r: StoredRule): string {
  let amount = BigInt(r.amount);
  if (resourceDef(r.resource).millions) amount /= 1000000n;
  return `${c.subject}:${c.id}:${r.resource}:${r.action}=${amount}${r.per !== c.subject ? `/${r.per}` : ""}`;
}

/** sys_rctl_get_rules: every rule matching the filter, newest first within each container. */
export function getRules(st: RctlState, filter: KRule): string[] {
  const lines: string[] = [];
  for (const c of walkOrder(st)) {
    for (const r of [...c.rules].sort((a, b) => b.seq - a.seq)) if (matches(c, r, filter)) lines.push(ruleText(c, r));
  }
  return lines;
}

/** sys_rctl_get_limits: the rules linked to one process (its own, its uid's, login class's and jail's). */
export function getLimits(st: RctlState, filter: KRule, procs: ProcTable): string[] {
  if (filter.subject === undefined) throw new SyscallError("EINVAL");
  if (filter.subject !== "process") throw new SyscallError("EOPNOTSUPP");
  if (filter.id === undefined) throw new SyscallError("EINVAL");
  const p = procs.find(Number(filter.id))!;
  const linked = (c: Container): boolean => (c.subject === "process" && c.id === filter.id)
    || (c.subject === "user" && c.id === String(p.uid)) || (c.subject === "loginclass" && c.id === p.loginclass)
    || (c.subject === "jail" && c.id === p.jail);
  const all = st.containers.filter(linked).flatMap((c) => c.rules.map((r) => ({ c, r })));
  return all.sort((a, b) => b.r.seq - a.r.seq).map(({ c, r }) => ruleText(c, r));
}

/** rctl_rule_remove: drops every matching rule; ESRCH when nothing matched. */
export function removeRules(st: RctlState, filter: KRule, held?: Container): void {
  let found = 0;
  for (const c of st.containers) {
    const keep = c.rules.filter((r) => !matches(c, r, filter));
    found += c.rules.length - keep.length;
    c.rules = keep;
  }
  // A container nobody references any more is freed (prison_racct_free, uifree, loginclass_free);
  // the one a rule being added points at is still held by that rule.
  st.containers = st.containers.filter((c) => c.rules.length > 0 || c === held);
  if (found === 0) throw new SyscallError("ESRCH");
}

/** sys_rctl_add_rule + rctl_rule_add: validation, de-duplication, then linking at the head. */
export function addRule(st: RctlState, rule: KRule, procs: ProcTable): void {
  const per = rule.per ?? rule.subject;
  if (rule.subject === undefined || rule.id === undefined || rule.resource === undefined || rule.action === undefined
    || rule.amount === undefined || per === undefined) throw new SyscallError("EINVAL");
  const def = resourceDef(rule.resource);
  // memoryuse and pcpu are not deniable in the racct sense, but rctl enforces them another way.
  if (rule.action === "deny" && !def.deniable && def.name !== "memoryuse" && def.name !== "pcpu") {
    throw new SyscallError("EOPNOTSUPP");
  }
  if (rule.action === "throttle" && (!def.decaying || def.name === "pcpu")) throw new SyscallError("EOPNOTSUPP");
  if (per === "process" && def.sloppy) throw new SyscallError("EOPNOTSUPP");
  // No duplicates; a deny rule also replaces one that differs only in amount.
  let c = st.containers.find((x) => x.subject === rule.subject && x.id === rule.id);
  if (!c) {
    c = { subject: rule.subject, id: rule.id, seq: ++st.seq, rules: [] };
    if (rule.subject === "process") c.start = procs.find(Number(rule.id))!.start;
    st.containers.push(c);
  }
  const dup: KRule = { ...rule, per, amount: rule.action === "deny" ? undefined : rule.amount };
  try {
    removeRules(st, dup, c);
  } catch {
    // ESRCH: nothing to replace.
  }
  c.rules.push({ resource: rule.resource, action: rule.action, amount: String(rule.amount), per, seq: ++st.seq });
}
