// The mount steps of a jail's start and stop (usr.sbin/jail/command.c): `mount` and mount.fstab
// lines, mount.devfs/fdescfs/procfs at $path/dev, $path/dev/fd and $path/proc, with check_path()'s
// refusal of relative paths and symlinks below the jail path. jail(8) runs mount(8) for these; the
// simulator records them in the kernel's mount table (where they make datasets busy) instead.

import { existsSync, lstatSync } from "node:fs";
import { stringParam, type CfParam } from "./cfjail.ts";
import { hostFile, jailNote, jailWarn, markFailed, type JailOp, type JailRun } from "./run-context.ts";
import { withModel } from "./store.ts";

/** check_path(): an absolute path without symlinks below the jail path; a mount of a type when unmounting. */
export function checkPath(run: JailRun, op: JailOp, pname: string, path: string, isFile: boolean, umountType?: string): boolean {
  if (!path.startsWith("/")) {
    jailWarn(run, op.j, `${pname}: ${path}: not an absolute pathname`);
    return false;
  }
  const jailPath = stringParam(op.j.intparams.get("path")) ?? "";
  if (path.startsWith(`${jailPath}/`)) {
    const parts = path.slice(jailPath.length + 1).split("/");
    let cur = jailPath;
    for (let i = 0; i < parts.length; i++) {
      cur = `${cur}/${parts[i]}`;
      let st;
      try {
        st = lstatSync(hostFile(run, cur));
      } catch {
        if (isFile && i === parts.length - 1) break;
        jailWarn(run, op.j, `${pname}: ${cur}: No such file or directory`);
        return false;
      }
      if (st.isSymbolicLink()) {
        jailWarn(run, op.j, `${pname}: ${cur} is a symbolic link`);
        return false;
      }
    }
  }
  if (umountType === undefined) return true;
  if (!existsSync(hostFile(run, path))) {
    jailWarn(run, op.j, `${pname}: ${path}: No such file or directory`);
    return false;
  }
  const mounts = withModel(run.paths, false, (_d, k) => k.mounts.filter((m) => m.path === path));
  if (mounts.length === 0) {
    jailWarn(run, op.j, `${pname}: ${path}: not a mount point`);
    return false;
  }
  if (mounts.at(-1)!.fstype !== umountType) {
    jailWarn(run, op.j, `${pname}: ${path}: not a ${umountType} mount`);
    return false;
  }
  return true;
}

function mountModel(run: JailRun, op: JailOp, comline: string, mount: { fstype: string; special: string; path: string },
  down: boolean): void {
  // Why: jail(8) runs mount(8)/umount(8) for these; -v shows the command it would have run.
  if (run.verbose > 0) jailNote(run, op.j, `run command: ${comline}\n`);
  const { fstype, special, path } = mount;
  withModel(run.paths, true, (_d, kernel) => {
    if (!down) {
      kernel.mounts.push({ fstype, special, path });
      return;
    }
    for (let i = kernel.mounts.length - 1; i >= 0; i--) {
      if (kernel.mounts[i]!.path === path) {
        kernel.mounts.splice(i, 1);
        return;
      }
    }
  });
}

/** Runs a mount step; returns -1 after reporting a failure. */
export function runMountStep(run: JailRun, op: JailOp, param: string, value: string, p: CfParam | undefined,
  down: boolean): number {
  const j = op.j;
  switch (param) {
    case "mount":
    case "@fstab": {
      const f = value.split(/[ \t\f\v\r\n]+/).filter(Boolean).slice(0, 4);
      if (f.length === 0) return 0;
      const pname = p?.name ?? param;
      if (f.length < 3) {
        jailWarn(run, j, `${pname}: ${value}: missing information`);
        markFailed(run, op);
        return -1;
      }
      if (!checkPath(run, op, pname, f[1]!, false, down ? f[2] : undefined)) {
        markFailed(run, op);
        return -1;
      }
      if (!down && f[2] === "nullfs" && !existsSync(hostFile(run, f[0]!))) {
        // Why: mount_nullfs(8) fails on a missing source, then jail(8) reports the mount command.
        const comline = ["/sbin/mount", "-t", f[2], ...(f[3] ? ["-o", f[3]] : []), f[0], f[1]].join(" ");
        jailWarn(run, j, `${comline}: failed`);
        markFailed(run, op);
        return -1;
      }
      const comline = down ? `/sbin/umount -t ${f[2]} ${f[1]}`
        : ["/sbin/mount", "-t", f[2]!, ...(f[3] ? ["-o", f[3]] : []), f[0]!, f[1]!].join(" ");
      mountModel(run, op, comline, { fstype: f[2]!, special: f[0]!, path: f[1]! }, down);
      return 0;
    }
    case "mount.devfs":
    case "mount.fdescfs":
    case "mount.procfs": {
      const path = stringParam(j.intparams.get("path"));
      if (path === undefined) {
        jailWarn(run, j, `${param}: no path`);
        markFailed(run, op);
        return -1;
      }
      const fstype = param.slice(6);
      const where = `${path}${fstype === "devfs" ? "/dev" : fstype === "fdescfs" ? "/dev/fd" : "/proc"}`;
      if (!checkPath(run, op, param, where, false, down ? fstype : undefined)) {
        markFailed(run, op);
        return -1;
      }
      const ruleset = fstype === "devfs" ? ` -oruleset=${stringParam(j.intparams.get("devfs_ruleset")) ?? "4"}` : "";
      const comline = down ? `/sbin/umount ${where}` : `/sbin/mount -t ${fstype}${ruleset} . ${where}`;
      mountModel(run, op, comline, { fstype, special: fstype, path: where }, down);
      return 0;
    }
    default:
      return 0;
  }
}
