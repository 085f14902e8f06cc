import { checkJailName } from "./jail-checks.ts";

// rctl(8)'s vocabulary and rules as FreeBSD 14.3 defines them: subjects, resources with their
// racct_types flags (sys/kern/kern_racct.c), actions (kern_rctl.c actionnames[]), the checks
// rctl_rule_add makes before it takes a rule, and amounts as rctl(8) expands them (expand_number(3),
// 1024-based, one unit letter) and the kernel stores them.

export const rctlSubjects = ["process", "user", "loginclass", "jail"] as const;
export type RctlSubjectType = (typeof rctlSubjects)[number];

/** What a resource counts, which decides the amounts it takes. */
export type RctlUnit = "bytes" | "bytes/s" | "count" | "ops/s" | "seconds" | "percent";

export interface RctlResourceSpec {
  unit: RctlUnit;
  /** RACCT_DENIABLE (memoryuse and pcpu are enforced another way and take deny too: rctl_rule_add). */
  deny: boolean;
  /** RACCT_DECAYING: only these take throttle (pcpu excepted: rctl_rule_add). */
  throttle: boolean;
  /** RACCT_SLOPPY: never accounted per process, so never `/process`. */
  sloppy: boolean;
  description: string;
}

const spec = (unit: RctlUnit, flags: string, description: string): RctlResourceSpec =>
  ({ unit, deny: flags.includes("D"), throttle: flags.includes("T"), sloppy: flags.includes("S"), description });

/** Every resource, in the kernel's order (resourcenames[], also the order of `rctl -u`). */
export const rctlResources: Readonly<Record<string, RctlResourceSpec>> = {
  cputime: spec("seconds", "", "CPU time, in seconds"),
  datasize: spec("bytes", "D", "data size"),
  stacksize: spec("bytes", "D", "stack size"),
  coredumpsize: spec("bytes", "D", "core dump size"),
  memoryuse: spec("bytes", "D", "resident set size"),
  memorylocked: spec("bytes", "D", "locked memory"),
  maxproc: spec("count", "D", "number of processes"),
  openfiles: spec("count", "D", "file descriptor table size"),
  vmemoryuse: spec("bytes", "D", "address space limit"),
  pseudoterminals: spec("count", "DS", "number of PTYs"),
  swapuse: spec("bytes", "DS", "swap space that may be reserved or used"),
  nthr: spec("count", "D", "number of threads"),
  msgqqueued: spec("count", "DS", "number of queued SysV messages"),
  msgqsize: spec("bytes", "DS", "SysV message queue size"),
  nmsgq: spec("count", "DS", "number of SysV message queues"),
  nsem: spec("count", "DS", "number of SysV semaphores"),
  nsemop: spec("count", "D", "number of SysV semaphores modified in a single semop(2) call"),
  nshm: spec("count", "DS", "number of SysV shared memory segments"),
  shmsize: spec("bytes", "DS", "SysV shared memory size"),
  wallclock: spec("seconds", "", "wallclock time, in seconds"),
  pcpu: spec("percent", "D", "%CPU, in percents of a single CPU core"),
  readbps: spec("bytes/s", "T", "filesystem reads, in bytes per second"),
  writebps: spec("bytes/s", "T", "filesystem writes, in bytes per second"),
  readiops: spec("ops/s", "T", "filesystem reads, in operations per second"),
  writeiops: spec("ops/s", "T", "filesystem writes, in operations per second"),
};

export const rctlResourceNames = Object.keys(rctlResources) as [string, ...string[]];

/** Signal actions as rctl(8) lists them (sig + signal name, kern_rctl.c actionnames[]). */
export const rctlSignals = [
  "sighup", "sigint", "sigquit", "sigill", "sigtrap", "sigabrt", "sigemt", "sigfpe", "sigkill", "sigbus", "sigsegv",
  "sigsys", "sigpipe", "sigalrm", "sigterm", "sigurg", "sigstop", "sigtstp", "sigchld", "sigttin", "sigttou", "sigio",
  "sigxcpu", "sigxfsz", "sigvtalrm", "sigprof", "sigwinch", "siginfo", "sigusr1", "sigusr2", "sigthr",
] as const;

export const rctlActions = ["deny", "log", "devctl", "throttle", ...rctlSignals] as const;
export type RctlAction = (typeof rctlActions)[number];

/** Resources whose amounts the kernel keeps in millionths (RACCT_IN_MILLIONS): at most INT64_MAX / 1000000. */
const inMillions = new Set(["cputime", "wallclock", "pcpu"]);

const int64Max = (1n << 63n) - 1n;

/** A rule's subject: its type and id (a jail name, a user name or uid, a login class, a pid). */
export interface RctlSubject {
  type: RctlSubjectType;
  id: string;
}

/** Reads `type:id` as rctl(8) takes a subject (the long names; the provider does not write aliases). */
export function parseRctlSubject(text: string): RctlSubject | undefined {
  const at = text.indexOf(":");
  if (at < 0) return undefined;
  const type = text.slice(0, at) as RctlSubjectType;
  if (!rctlSubjects.includes(type)) return undefined;
  return { type, id: text.slice(at + 1) };
}

/** Checks a subject: `jail:NAME`, `user:NAME`, `loginclass:NAME` or `process:PID`. */
export function checkRctlSubject(text: string): string | undefined {
  const subject = parseRctlSubject(text);
  if (!subject) return "must be jail:NAME, user:NAME, loginclass:NAME or process:PID";
  const { type, id } = subject;
  if (id.length === 0) return `needs the ${type}'s ${type === "process" ? "pid" : "name"} after "${type}:"`;
  // rctl(8) splits rules on ':', '=' and '/' (strsep), so an id may hold none of them.
  if (/[:=/\s]/.test(id)) return "the id must not contain ':', '=', '/' or spaces (rctl splits rules on them)";
  if (type === "jail") {
    const rule = checkJailName(id);
    return rule ? `jail name ${rule}` : undefined;
  }
  if (type === "process") return /^[1-9][0-9]{0,9}$/.test(id) ? undefined : "the pid must be a positive number";
  // MAXLOGNAME (33 with the NUL) bounds login class names (kern_rctl.c: ENAMETOOLONG) and user names.
  if (id.length > 32) return `the ${type} name must be at most 32 characters`;
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(id) ? undefined : `the ${type} name may hold letters, digits, '_', '.' and '-'`;
}

/** Checks that a resource takes an action and `per` (rctl_rule_add's EOPNOTSUPP cases). */
export function checkRctlAction(resource: string, action: string, per?: RctlSubjectType): string | undefined {
  const r = rctlResources[resource];
  if (!r) return `unknown resource ${resource}`;
  if (action === "deny" && !r.deny) return `${resource} cannot be denied (rctl(8): deny is not supported for it); use log, devctl or a signal`;
  if (action === "throttle" && !r.throttle) return "throttle applies only to readbps, writebps, readiops and writeiops";
  if (per === "process" && r.sloppy) return `${resource} is not accounted per process, so it cannot be limited per process`;
  return undefined;
}

/**
 * An amount as the kernel stores it for rctl(8) to print: expand_number(3) (decimal, or 0x/0 prefixed,
 * then one of b k m g t p e in either case, 1024-based), or undefined when it is not one; the kernel
 * takes at most INT64_MAX (times a million for cputime, wallclock and pcpu: ERANGE otherwise).
 */
export function rctlAmountValue(amount: string | number, resource?: string): bigint | undefined {
  const text = String(amount);
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([bBkKmMgGtTpPeE]?)$/.exec(text);
  if (!m) return undefined;
  const digits = m[1]!;
  const base = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith("0") ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  const shift = { "": 0n, b: 0n, k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n }[m[2]!.toLowerCase()]!;
  const value = base << shift;
  const max = resource && inMillions.has(resource) ? int64Max / 1000000n : int64Max;
  return value > max ? undefined : value;
}

/** Checks an amount for a resource: unit letters only for sizes and byte rates, percent and counts plain. */
export function checkRctlAmount(resource: string, amount: string | number): string | undefined {
  const r = rctlResources[resource];
  if (!r) return undefined;
  const text = String(amount);
  if (typeof amount === "number" && (!Number.isSafeInteger(amount) || amount < 0)) return "must be a whole number, 0 or more";
  const sized = r.unit === "bytes" || r.unit === "bytes/s";
  if (!sized && !/^[0-9]+$/.test(text)) return `must be a whole number of ${unitWords[r.unit]} (no unit letter)`;
  if (rctlAmountValue(text, resource) === undefined) {
    return sized
      ? "must be a whole number of bytes, optionally with one of rctl's unit letters k, m, g, t, p, e (1024-based), e.g. 512m"
      : "is too large for the kernel (at most INT64_MAX, or INT64_MAX/1000000 for cputime, wallclock and pcpu)";
  }
  return undefined;
}

const unitWords: Record<RctlUnit, string> = {
  bytes: "bytes", "bytes/s": "bytes per second", count: "items", "ops/s": "operations per second", seconds: "seconds", percent: "percent of one CPU",
};

/** The amount in rctl's shortest exact spelling: the largest unit letter that divides a size, upper case. */
export function humanRctlAmount(resource: string, value: bigint): string {
  const r = rctlResources[resource];
  if (!r || (r.unit !== "bytes" && r.unit !== "bytes/s") || value === 0n) return value.toString();
  for (const [letter, shift] of [["E", 60n], ["P", 50n], ["T", 40n], ["G", 30n], ["M", 20n], ["K", 10n]] as const) {
    if (value % (1n << shift) === 0n) return `${value >> shift}${letter}`;
  }
  return value.toString();
}

/** One rule: subject, resource, action, amount (as written, or as the kernel prints it) and per. */
export interface RctlRule {
  subject: RctlSubject;
  resource: string;
  action: string;
  amount: string;
  /** Only when it differs from the subject's type (the kernel prints it only then). */
  per?: RctlSubjectType;
}

/** The rule without its amount, `subject:id:resource:action[/per]`: what names one rule among a subject's. */
export function rctlRuleKey(rule: Omit<RctlRule, "amount">): string {
  const per = rule.per && rule.per !== rule.subject.type ? `/${rule.per}` : "";
  return `${rule.subject.type}:${rule.subject.id}:${rule.resource}:${rule.action}${per}`;
}

/** The rule as rctl(8) -a and /etc/rctl.conf take it: `subject:id:resource:action=amount[/per]`. */
export function rctlRuleText(rule: RctlRule): string {
  const per = rule.per && rule.per !== rule.subject.type ? `/${rule.per}` : "";
  return `${rule.subject.type}:${rule.subject.id}:${rule.resource}:${rule.action}=${rule.amount}${per}`;
}

/**
 * Reads a rule as rctl(8) prints it or a person writes it (`subject:id:resource:action=amount[/per]`),
 * or a key without the amount; undefined when it is neither.
 */
export function parseRctlRule(text: string): (Omit<RctlRule, "amount"> & { amount?: string }) | undefined {
  const m = /^([a-z]+):([^:]+):([a-z]+):([a-z]+)(?:=([^/]+))?(?:\/([a-z]+))?$/.exec(text.trim());
  if (!m) return undefined;
  const subject = parseRctlSubject(`${m[1]}:${m[2]}`);
  if (!subject || !(m[3]! in rctlResources) || !(rctlActions as readonly string[]).includes(m[4]!)) return undefined;
  const per = m[6] as RctlSubjectType | undefined;
  if (per !== undefined && !rctlSubjects.includes(per)) return undefined;
  return {
    subject, resource: m[3]!, action: m[4]!,
    ...(m[5] !== undefined ? { amount: m[5] } : {}),
    ...(per !== undefined && per !== subject.type ? { per } : {}),
  };
}
