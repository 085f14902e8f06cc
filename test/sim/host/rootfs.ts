// The host's root file system skeleton: FreeBSD's directory layout, a minimal /etc, and the tool
// wrappers of tools/table.ts (/sbin/zfs, /sbin/zpool, ...; uname and tar overlay Debian's /usr/bin).

import { chmodSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SANDBOX_LIB, SANDBOX_NODE, type StatePaths } from "../core/paths.ts";
import { readRcVars } from "../core/rc-conf.ts";
import { TOOLS } from "../tools/table.ts";
import { installGnuTar } from "../tools/tar.ts";
import { linkDebianPrograms } from "./debian-programs.ts";
import { writeJailBaseFiles } from "../jail/base-files.ts";
import { majorOf, releaseFacts } from "../release/releases.ts";
import { PKG_REPOS_15 } from "../release/pkg-conf.ts";

/** FreeBSD /bin utilities provided by Debian's /usr/bin through symlinks. */
const BIN_LINKS = ["cat", "chflags", "chmod", "cp", "date", "dd", "df", "echo", "expr", "hostname", "kill", "ln", "ls",
  "mkdir", "mv", "ps", "pwd", "realpath", "rm", "rmdir", "sleep", "stty", "sync", "test", "[", "pkill", "pgrep"];

/** The sh wrapper that runs one simulated tool with node. */
export function wrapperScript(tool: string): string {
  return "#!/bin/sh\n"
    + `exec ${SANDBOX_NODE} ${SANDBOX_LIB}/tools/run.js ${tool} "$@"\n`;
}

/** Directory holding wrappers bound over Debian's read-only /usr/bin (outside root/). */
export function overlayDir(paths: StatePaths): string {
  return join(paths.state, "overlay");
}

function writeFile(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode });
  chmodSync(path, mode);
}

function link(target: string, path: string): void {
  try {
    lstatSync(path);
  } catch {
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(target, path);
  }
}

/** (Re)writes the tool wrappers; run at every start so a state dir follows the simulator's code. */
export function writeWrappers(paths: StatePaths): void {
  for (const [tool, where] of Object.entries(TOOLS)) {
    const dest = where.startsWith("/usr/bin/") ? join(overlayDir(paths), tool) : join(paths.root, where);
    writeFile(dest, wrapperScript(tool), 0o755);
  }
  installGnuTar(paths);
  linkDebianPrograms(paths);
  writeJailBaseFiles(paths);
}

/** Creates the directory skeleton, /etc and the symlinks of a fresh host. */
export function writeRootfs(paths: StatePaths, hostname: string, release = "14.3-RELEASE"): void {
  const r = (p: string): string => join(paths.root, p);
  for (const d of ["bin", "sbin", "boot/kernel", "dev", "proc", "root", "etc/rc.conf.d", "etc/jail.conf.d",
    "etc/ssh", "usr/bin", "usr/lib", "usr/lib64", "usr/sbin", "usr/share", "usr/libexec/freebsd-sim",
    "usr/local/bin", "usr/local/sbin", "usr/local/etc", "var/db", "var/run", "var/cache", "var/empty", "mnt", "media"]) {
    mkdirSync(r(d), { recursive: true });
  }
  link("usr/lib", r("lib"));
  link("usr/lib64", r("lib64"));
  link("/usr/bin/dash", r("bin/sh"));
  for (const name of BIN_LINKS) link(`/usr/bin/${name}`, r(`bin/${name}`));
  writeFile(r("etc/rc.conf"), [
    `hostname="${hostname}"`, 'keymap="us.kbd"', 'ifconfig_vtnet0="DHCP"', 'sshd_enable="YES"',
    'ntpd_enable="YES"', 'moused_nondefault_enable="NO"', 'dumpdev="AUTO"', 'zfs_enable="YES"', "",
  ].join("\n"));
  writeFile(r("etc/passwd"), [
    "root:*:0:0:Charlie &:/root:/bin/sh", "toor:*:0:0:Bourne-again Superuser:/root:",
    "daemon:*:1:1:Owner of many system processes:/root:/usr/sbin/nologin",
    "operator:*:2:5:System &:/:/usr/sbin/nologin", "bin:*:3:7:Binaries Commands and Source:/:/usr/sbin/nologin",
    "nobody:*:65534:65534:Unprivileged user:/nonexistent:/usr/sbin/nologin", "",
  ].join("\n"));
  writeFile(r("etc/master.passwd"), "root::0:0::0:0:Charlie &:/root:/bin/sh\n", 0o600);
  writeFile(r("etc/group"), ["wheel:*:0:root", "daemon:*:1:", "kmem:*:2:", "sys:*:3:", "tty:*:4:",
    "operator:*:5:root", "bin:*:7:", "staff:*:20:", "nogroup:*:65533:", "nobody:*:65534:", ""].join("\n"));
  writeFile(r("etc/hosts"), `::1\t\t\tlocalhost localhost.my.domain\n127.0.0.1\t\tlocalhost localhost.my.domain\n`);
  writeFile(r("etc/fstab"), "# Device\t\tMountpoint\tFStype\tOptions\t\tDump\tPass#\n/dev/ada0p3\t\tnone\tswap\tsw\t\t0\t0\n");
  writeFile(r("etc/shells"), "/bin/sh\n/bin/csh\n/bin/tcsh\n");
  writeFile(r("etc/resolv.conf"), "nameserver 127.0.0.1\n");
  writeFile(r("etc/rctl.conf"), "# $FreeBSD$\n#\n# see rctl.conf(5) and rctl(8)\n#\n");
  writeFile(r("etc/sysctl.conf"), "# $FreeBSD$\n#\n#  This file is read when going to multi-user and its contents piped thru\n#  ``sysctl'' to adjust kernel values.  ``man 5 sysctl.conf'' for details.\n#\n");
  writeFile(r("boot/loader.conf"), 'kern.geom.label.disk_ident.enable="0"\nkern.geom.label.gptid.enable="0"\nzfs_load="YES"\n');
  writeFile(r("boot/kernel/kernel"), `\x7fELF\n@(#)${releaseFacts(release).kernVersion}\n`, 0o555);
  if (majorOf(release) >= 15) writeFile(r("etc/pkg/FreeBSD.conf"), PKG_REPOS_15);
  writeFile(r("root/.profile"), "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin:~/bin\nexport PATH\nHOME=/root\nexport HOME\nTERM=${TERM:-xterm}\nexport TERM\n");
  writeJailBaseFiles(paths, release);
}

/** The hostname rc.conf sets (rc.d/hostname's load_rc_config: rc.conf sourced with sh, last assignment wins). */
export function configuredHostname(paths: StatePaths): string {
  return readRcVars(["hostname"], { root: paths.root, service: "hostname" }).get("hostname") ?? "";
}
