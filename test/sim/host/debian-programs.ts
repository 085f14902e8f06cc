// Programs the host gets from Debian at FreeBSD's paths, as symlinks into the read-only /usr the
// sandbox binds: Python 3 where the ports tree installs it (what Ansible runs its modules with) and
// sftp-server where FreeBSD's sshd_config names it.

import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { StatePaths } from "../core/paths.ts";

/** Debian's Python 3 (a symlink to python3.X), if installed. */
const DEBIAN_PYTHON = "/usr/bin/python3";
/** Debian's sftp-server (package openssh-sftp-server, a dependency of openssh-server). */
const DEBIAN_SFTP_SERVER = "/usr/lib/openssh/sftp-server";

function relink(target: string, path: string): void {
  try {
    if (lstatSync(path).isSymbolicLink() && readlinkSync(path) === target) return;
    rmSync(path);
  } catch {
    mkdirSync(dirname(path), { recursive: true });
  }
  symlinkSync(target, path);
}

/** (Re)creates the links at every start, so they follow Debian's current python3.X. */
export function linkDebianPrograms(paths: StatePaths): void {
  const r = (p: string): string => join(paths.root, p);
  // The python311 port installs /usr/local/bin/python3.11 and the python3 port links python3 to it;
  // /usr/local/bin/python3 is the interpreter a FreeBSD inventory names (ansible_python_interpreter).
  // A symlink (not a bind mount) lets Python find its stdlib from the resolved /usr/bin/python3.X.
  if (existsSync(DEBIAN_PYTHON)) {
    const real = realpathSync(DEBIAN_PYTHON);
    relink(real, r(`usr/local/bin/${basename(real)}`));
    relink(basename(real), r("usr/local/bin/python3"));
  }
  // FreeBSD's /etc/ssh/sshd_config: `Subsystem sftp /usr/libexec/sftp-server`.
  relink(DEBIAN_SFTP_SERVER, r("usr/libexec/sftp-server"));
}
