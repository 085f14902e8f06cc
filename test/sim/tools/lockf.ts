// lockf(1) as FreeBSD 14.x has it (usr.bin/lockf/lockf.c): `lockf [-knsw] [-t seconds] file command
// [arguments]` and `lockf [-s] [-t seconds] fd`. Locks are real flock(2) locks, taken through
// util-linux flock(1) on our descriptor, so they exclude other lockf runs on the same host. Exit
// statuses are sysexits(3): 64 usage, 69 -n and no file, 73 cannot open, 75 already locked, 70
// command killed by a signal.

import { getopt, getoptMessage } from "../core/getopt.ts";
import { closeSync, constants, openSync, unlinkSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { strerror, writeFd } from "./proc-io.ts";

const EX_USAGE = 64;
const EX_UNAVAILABLE = 69;
const EX_SOFTWARE = 70;
const EX_CANTCREAT = 73;
const EX_TEMPFAIL = 75;
const FLOCK = "/usr/bin/flock";

class Exit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

function die(code: number, msg: string): never {
  writeFd(2, msg);
  throw new Exit(code);
}

function usage(): never {
  die(EX_USAGE, "usage: lockf [-knsw] [-t seconds] file command [arguments]\n       lockf [-s] [-t seconds] fd\n");
}

/** flock(fd, LOCK_EX), non-blocking or waiting at most `seconds` (undefined: forever); true when held. */
function flockFd(fd: number, wait: number | "nonblock" | undefined): boolean {
  const args = ["-x"];
  if (wait === "nonblock") args.push("-n");
  else if (wait !== undefined) args.push("-w", String(Math.max(wait, 0.001)));
  const res = spawnSync(FLOCK, [...args, "3"], { stdio: ["ignore", "ignore", "ignore", fd] });
  return res.status === 0;
}

/** Runs lockf; returns its exit status. */
export function lockfMain(argv: string[]): number {
  try {
    return run(argv);
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
}

function run(argv: string[]): number {
  let keep = false;
  let silent = false;
  let create = true;
  let write = false;
  let waitsec = -1;
  const { opts, rest } = getopt(argv, ":knst:w");
  for (const o of opts) {
    if (o.opt === "k") keep = true;
    else if (o.opt === "n") create = false;
    else if (o.opt === "s") silent = true;
    else if (o.opt === "w") write = true;
    else if (o.opt === "t") {
      const value = o.arg!;
      // strtonum(optarg, 0, UINT_MAX): decimal only.
      if (!/^[+]?\d+$/.test(value.trim()) || Number(value) > 4294967295) die(EX_USAGE, `lockf: invalid timeout "${value}"\n`);
      waitsec = Number(value);
    } else {
      // opterr is on in lockf: libc prints the complaint before usage().
      writeFd(2, getoptMessage("lockf", o));
      usage();
    }
  }
  if (rest.length === 0) usage();
  const lockname = rest[0]!;
  const command = rest.slice(1);
  let fd = -1;
  let fdlock = false;
  if (command.length === 0 && !lockname.startsWith("/")) fdlock = true;
  else {
    const m = /^\/dev\/fd\/(-?\d+)$/.exec(lockname);
    if (m) {
      fdlock = true;
      fd = Number(m[1]);
    } else if (command.length === 0) {
      writeFd(2, `Expected fd, got '${lockname}'\n`);
      usage();
    }
  }
  if (fdlock && fd < 0) {
    if (!/^-?\d+$/.test(lockname)) {
      writeFd(2, `Expected fd, got '${lockname}'\n`);
      usage();
    }
    fd = Number(lockname);
    if (fd < 0 || fd > 2147483647) {
      writeFd(2, `fd '${fd}' out of range\n`);
      usage();
    }
  }
  const deadline = waitsec > 0 ? Date.now() + waitsec * 1000 : undefined;
  const remaining = (): number | undefined => (deadline === undefined ? undefined : (deadline - Date.now()) / 1000);
  const flags = (write ? constants.O_WRONLY : constants.O_RDONLY) | (create ? constants.O_CREAT : 0);
  const open = (withCreate: boolean): number => {
    try {
      return openSync(lockname, withCreate ? flags : flags & ~constants.O_CREAT, 0o666);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && !create) {
        if (!silent) writeFd(2, `lockf: ${lockname}: ${strerror(code)}\n`);
        throw new Exit(EX_UNAVAILABLE);
      }
      return die(EX_CANTCREAT, `lockf: cannot open ${lockname}: ${strerror(code)}\n`);
    }
  };
  // acquire_lock: open with O_EXLOCK (the lock taken right after opening here).
  const acquire = (wait: number | "nonblock" | undefined): number => {
    if (fdlock) {
      try {
        return flockFd(fd, wait) ? fd : -1;
      } catch {
        return die(EX_CANTCREAT, `lockf: cannot lock fd ${fd}: Bad file descriptor\n`);
      }
    }
    const f = open(true);
    if (flockFd(f, wait)) return f;
    closeSync(f);
    return -1;
  };
  let lockfd = acquire("nonblock");
  let timedOut = false;
  while (lockfd === -1 && !timedOut && waitsec !== 0) {
    const left = remaining();
    if (left !== undefined && left <= 0) {
      timedOut = true;
      break;
    }
    if (keep || fdlock) {
      lockfd = acquire(left);
      if (lockfd === -1) timedOut = true;
    } else {
      // wait_for_lock: wait on the file as it is (if it exists), then race for it without blocking.
      let w = -1;
      try {
        w = openSync(lockname, constants.O_RDONLY);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
          die(EX_CANTCREAT, `lockf: cannot open ${lockname}: ${strerror((e as NodeJS.ErrnoException).code)}\n`);
        }
      }
      if (w >= 0) {
        if (!flockFd(w, left)) timedOut = true;
        closeSync(w);
      }
      if (!timedOut) lockfd = acquire("nonblock");
    }
  }
  if (lockfd === -1) {
    if (silent) throw new Exit(EX_TEMPFAIL);
    die(EX_TEMPFAIL, `lockf: ${lockname}: already locked\n`);
  }
  if (command.length === 0) return 0;
  const res = spawnSync(command[0]!, command.slice(1), { stdio: "inherit" });
  let status: number;
  if (res.error) {
    writeFd(2, `lockf: ${command[0]}: ${strerror((res.error as NodeJS.ErrnoException).code)}\n`);
    status = 1;
  } else status = res.status ?? EX_SOFTWARE;
  // cleanup(): -k (or an fd lock) just unlocks; otherwise the lock file goes away.
  if (!keep && !fdlock) {
    try {
      unlinkSync(lockname);
    } catch {
      // Already gone.
    }
  }
  if (!fdlock) closeSync(lockfd);
  return status;
}
