// Layout of a host's state directory and where its parts appear inside the sandbox.
//
// STATE/
//   root/                 the host's filesystem; the sandbox's `/`
//   stash/<guid>/         contents of datasets while unmounted, and snapshot copies
//   stash/under-<guid>/   what a mount hid when it covered a non-empty directory
//   db/disk.json          pools and datasets (persistent, "on disk")
//   db/kernel.json        runtime state: mounts (later jails, interfaces, rctl); a reboot drops it
//   db/lock               flock(2) lock serialising every tool's load -> mutate -> save
//   log/commands.jsonl    one JSON argv array per tool invocation
//   log/sessions.jsonl    OpenSSH lane: one line per exec; log/sshd.log its sshd's log (transport/)
//   transport/            fault plan (faults.json), OpenSSH lane's sshd_config and ForceCommand
//   ssh/                  host key, authorized_keys, client key (hidden from the sandbox)
//   lib/                  the simulator's code as stripped JavaScript (see host/code-cache.ts)
//   overlay/              wrappers bound over Debian's read-only /usr/bin (uname)
//
// Inside the sandbox STATE is bound read-write at SANDBOX_STATE and its ssh/ is masked. Tools move
// dataset directories between STATE/root and STATE/stash through that one bind mount, because
// rename(2) across two bind mounts fails with EXDEV even on the same file system.

import { join } from "node:path";

/** Where the simulator's code, node and state appear inside the sandbox. */
export const SANDBOX_LIBEXEC = "/usr/libexec/freebsd-sim";
export const SANDBOX_LIB = `${SANDBOX_LIBEXEC}/lib`;
export const SANDBOX_NODE = `${SANDBOX_LIBEXEC}/node`;
export const SANDBOX_STATE = `${SANDBOX_LIBEXEC}/state`;

export interface StatePaths {
  state: string;
  root: string;
  stash: string;
  db: string;
  disk: string;
  kernel: string;
  lock: string;
  log: string;
  commandLog: string;
  ssh: string;
  lib: string;
}

/** Paths of the parts of a state directory. */
export function statePaths(state: string): StatePaths {
  const db = join(state, "db");
  const log = join(state, "log");
  return {
    state,
    root: join(state, "root"),
    stash: join(state, "stash"),
    db,
    disk: join(db, "disk.json"),
    kernel: join(db, "kernel.json"),
    lock: join(db, "lock"),
    log,
    commandLog: join(log, "commands.jsonl"),
    ssh: join(state, "ssh"),
    lib: join(state, "lib"),
  };
}

/** Maps a path inside the host (`/zroot/a`) to the real path under STATE/root. */
export function hostPath(paths: StatePaths, inside: string): string {
  return inside === "/" ? paths.root : join(paths.root, inside);
}
