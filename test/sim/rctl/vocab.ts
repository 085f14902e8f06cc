// rctl(8)/racct vocabulary as sys/kern/kern_rctl.c and kern_racct.c define it: subjects, resources
// with their racct_types flags, actions, and the strerror(3) texts rctl prints after warn(3).

/** Subject names in kernel order (subjectnames[]); also the `per` vocabulary. */
export const SUBJECTS = ["process", "user", "loginclass", "jail"] as const;
export type Subject = (typeof SUBJECTS)[number];

interface ResourceDef {
  name: string;
  /** RACCT_DENIABLE */
  deniable: boolean;
  /** RACCT_DECAYING: throttle is only allowed on these. */
  decaying: boolean;
  /** RACCT_SLOPPY: never per-process, left out of process usage. */
  sloppy: boolean;
  /** RACCT_IN_MILLIONS: the kernel keeps amount * 1000000 (cputime, wallclock, pcpu). */
  millions: boolean;
}

const r = (name: string, flags: string): ResourceDef => ({
  name, deniable: flags.includes("D"), decaying: flags.includes("Y"), sloppy: flags.includes("S"), millions: flags.includes("M"),
});

/** resourcenames[] in kernel order (the order of `rctl -u`), flags from racct_types[] (kern_racct.c). */
export const RESOURCES: ResourceDef[] = [
  r("cputime", "M"), r("datasize", "D"), r("stacksize", "D"), r("coredumpsize", "D"), r("memoryuse", ""),
  r("memorylocked", "D"), r("maxproc", "D"), r("openfiles", "D"), r("vmemoryuse", "D"), r("pseudoterminals", "DS"),
  r("swapuse", "DS"), r("nthr", "D"), r("msgqqueued", "DS"), r("msgqsize", "DS"), r("nmsgq", "DS"), r("nsem", "DS"),
  r("nsemop", "D"), r("nshm", "DS"), r("shmsize", "DS"), r("wallclock", "M"), r("pcpu", "DYM"), r("readbps", "Y"),
  r("writebps", "Y"), r("readiops", "Y"), r("writeiops", "Y"),
];

/** actionnames[]: the signal actions (values equal to signal numbers), then deny, log, devctl, throttle. */
export const ACTIONS = ["sighup", "sigint", "sigquit", "sigill", "sigtrap", "sigabrt", "sigemt", "sigfpe", "sigkill",
  "sigbus", "sigsegv", "sigsys", "sigpipe", "sigalrm", "sigterm", "sigurg", "sigstop", "sigtstp", "sigchld", "sigttin",
  "sigttou", "sigio", "sigxcpu", "sigxfsz", "sigvtalrm", "sigprof", "sigwinch", "siginfo", "sigusr1", "sigusr2",
  "sigthr", "deny", "log", "devctl", "throttle"];

/** str2value: case-insensitive lookup (strcasecmp), returning the canonical name. */
export function lookupName(table: readonly string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return table.find((t) => t === lower);
}

/** The resource definition of a canonical resource name. */
export function resourceDef(name: string): ResourceDef {
  return RESOURCES.find((d) => d.name === name)!;
}

/** FreeBSD errno values the rctl syscalls return, and strerror(3) of each. */
export const ERRNO = {
  EPERM: "Operation not permitted",
  ESRCH: "No such process",
  E2BIG: "Argument list too long",
  EINVAL: "Invalid argument",
  ERANGE: "Result too large",
  EOPNOTSUPP: "Operation not supported",
  ENAMETOOLONG: "File name too long",
  ENOSYS: "Function not implemented",
} as const;
export type Errno = keyof typeof ERRNO;

/** Thrown by the simulated syscalls. */
export class SyscallError extends Error {
  readonly errno: Errno;
  constructor(errno: Errno) {
    super(ERRNO[errno]);
    this.errno = errno;
  }
}
