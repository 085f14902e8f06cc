// The userland a simulated release installs: the host's own tools (its /bin, /sbin and /usr/sbin
// wrappers and links), /etc basics and rc scripts that start nothing, with the release's own
// bin/freebsd-version (release/freebsd-version.ts). The same tree is cut into distribution sets
// (release/dist-sets.ts) and into pkgbase packages (release/pkgbase.ts).

import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { StatePaths } from "../core/paths.ts";
import { freebsdVersionScript } from "./freebsd-version.ts";

const DIRS = ["bin", "sbin", "etc/defaults", "etc/rc.d", "etc/rc.conf.d", "dev", "proc", "root", "tmp", "usr/bin",
  "usr/lib", "usr/lib64", "usr/sbin", "usr/share", "usr/libexec/freebsd-sim", "usr/local/bin", "usr/local/etc",
  "var/db", "var/log", "var/run", "var/tmp", "var/empty"];

function write(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

/** Writes the userland of `version` into the empty directory `dir`, from the host's own files. */
export function stageUserland(paths: StatePaths, dir: string, version: string): void {
  for (const d of DIRS) mkdirSync(join(dir, d), { recursive: true });
  symlinkSync("usr/lib", join(dir, "lib"));
  symlinkSync("usr/lib64", join(dir, "lib64"));
  for (const d of ["bin", "sbin", "usr/sbin"]) cpSync(join(paths.root, d), join(dir, d), { recursive: true, verbatimSymlinks: true });
  for (const f of ["etc/passwd", "etc/group", "etc/master.passwd", "etc/shells", "etc/defaults/rc.conf"]) {
    if (existsSync(join(paths.root, f))) cpSync(join(paths.root, f), join(dir, f));
  }
  // The host's freebsd-version is a simulated tool reporting the host; a release's reports itself.
  rmSync(join(dir, "bin/freebsd-version"), { force: true });
  write(join(dir, "bin/freebsd-version"), freebsdVersionScript(version), 0o555);
  write(join(dir, "etc/hosts"), "::1\t\t\tlocalhost localhost.my.domain\n127.0.0.1\t\tlocalhost localhost.my.domain\n");
  write(join(dir, "etc/rc"), "#!/bin/sh\n# The simulated base system starts no daemons.\nexit 0\n");
  write(join(dir, "etc/rc.shutdown"), "#!/bin/sh\nexit 0\n");
  write(join(dir, "etc/rc.conf"), "");
  chmodSync(join(dir, "tmp"), 0o1777);
}

/** The kernel file of a release: enough for freebsd-version -k (its `@(#)FreeBSD ...` version string). */
export function kernelFileText(version: string): string {
  return `\x7fELF\n@(#)FreeBSD ${version} releng/${version.replace(/-.*/, "")}-n0-000000000000 GENERIC\n`;
}
