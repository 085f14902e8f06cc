// The one table of the tools the simulator implements: each tool's name, where its wrapper lives
// inside the host, how it meets the state lock, and its entry. host/rootfs.ts writes a wrapper at
// each path, host/sandbox.ts and jail/exec.ts bind the ones over Debian's /usr/bin, and tools/run.ts
// (the program every wrapper execs) looks the tool up here. Entries load on demand, so a tool pays
// only for its own modules and importing the table costs nothing.

import { env as processEnv } from "node:process";
import { join } from "node:path";
import type { StatePaths } from "../core/paths.ts";
import type { ZfsCtx } from "../zfs/context.ts";

/** A tool run under the state lock on the loaded model; returns its exit status. */
export interface ModelTool {
  main(ctx: ZfsCtx, args: string[]): number;
  /** True when the invocation only reads the model (a shared lock suffices). */
  readOnly(args: string[]): boolean;
}

/** A tool that never takes the state lock and writes its own output. */
export type StandaloneTool = (args: string[], paths: StatePaths) => number;

/** A tool that runs other programs: it locks only around its model changes and writes its own stdio. */
export type SelfRunTool = (stateDir: string, args: string[]) => number | Promise<number>;

export type ToolSpec = { name: string; path: string } & (
  | { locking: "model"; load(): Promise<ModelTool> }
  | { locking: "none"; load(): Promise<StandaloneTool> }
  | { locking: "self"; load(): Promise<SelfRunTool> });

function envOf(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) out[k] = v;
  return out;
}

const STDIO = { in: 0, out: 1, err: 2 };

/** Every simulated tool. */
export const TOOL_TABLE: readonly ToolSpec[] = [
  { name: "zfs", path: "/sbin/zfs", locking: "model", load: async () => {
    const { READ_ONLY, zfsMain } = await import("../zfs/main.ts");
    return { main: zfsMain, readOnly: (a) => READ_ONLY.has(a[0] ?? "") || (a[0] === "mount" && a.length === 1) };
  } },
  { name: "zpool", path: "/sbin/zpool", locking: "model", load: async () => {
    const { ZPOOL_READ_ONLY, zpoolMain } = await import("../zpool/main.ts");
    return { main: zpoolMain, readOnly: (a) => ZPOOL_READ_ONLY.has(a[0] ?? "") };
  } },
  { name: "sysctl", path: "/sbin/sysctl", locking: "model", load: async () => {
    const { sysctlMain } = await import("./sysctl.ts");
    return {
      main: (ctx, a) => {
        const r = sysctlMain(ctx.io, a, ctx.disk, ctx.kernel);
        ctx.dirtyKernel = r.changed;
        return r.code;
      },
      readOnly: (a) => !a.some((x) => x.includes("=")),
    };
  } },
  { name: "ifconfig", path: "/sbin/ifconfig", locking: "model", load: async () => {
    const [{ ifconfigReadOnly }, { ifconfigTool }] = await Promise.all([import("../net/ifconfig.ts"), import("../net/host-net.ts")]);
    return { main: (ctx, a) => ifconfigTool(ctx, a), readOnly: ifconfigReadOnly };
  } },
  { name: "freebsd-version", path: "/bin/freebsd-version", locking: "model", load: async () => {
    const { freebsdVersionMain } = await import("./version.ts");
    return { main: (ctx, a) => freebsdVersionMain(ctx.io, a, ctx.disk.host, join(ctx.paths.root, "boot/kernel/kernel")), readOnly: () => true };
  } },
  { name: "uname", path: "/usr/bin/uname", locking: "model", load: async () => {
    const { unameMain } = await import("./version.ts");
    return { main: (ctx, a) => unameMain(ctx.io, a, ctx.disk.host), readOnly: () => true };
  } },
  // FreeBSD keeps rctl, lockf and fetch in /usr/bin, but a wrapper can only be bound over a file that
  // Debian's read-only /usr/bin already has (bwrap cannot create mount points in it): /usr/sbin it is.
  { name: "rctl", path: "/usr/sbin/rctl", locking: "model", load: async () => {
    const [{ rctlMain }, { readAccounts }, { sandboxProcs }] = await Promise.all([
      import("../rctl/main.ts"), import("../rctl/userland.ts"), import("../rctl/usage.ts")]);
    return {
      main: (ctx, a) => {
        const r = rctlMain(ctx.io, a, { kernel: ctx.kernel, accounts: readAccounts(ctx.paths.root), procs: sandboxProcs() });
        ctx.dirtyKernel = r.changed;
        return r.code;
      },
      readOnly: (a) => !a.some((x) => /^-[hlnu]*[ar]/.test(x)),
    };
  } },
  // cpuset(1) lives in /usr/bin on FreeBSD; Debian's /usr/bin has no file to bind it over.
  { name: "cpuset", path: "/usr/sbin/cpuset", locking: "model", load: async () => {
    const { cpusetMain } = await import("./cpuset.ts");
    return {
      main: (ctx, a) => {
        const r = cpusetMain(ctx.io, a, ctx.kernel, ctx.disk.host);
        ctx.dirtyKernel = r.changed;
        return r.code;
      },
      readOnly: (a) => a.some((x) => /^-[a-z]*g/.test(x)),
    };
  } },
  // lockf(1) runs other commands (which may be zfs itself); fetch(1) and tar(1) only move files around.
  { name: "lockf", path: "/usr/sbin/lockf", locking: "none", load: async () => (await import("./lockf.ts")).lockfMain },
  { name: "fetch", path: "/usr/sbin/fetch", locking: "none", load: async () => (await import("./fetch.ts")).fetchMain },
  { name: "tar", path: "/usr/bin/tar", locking: "none", load: async () => (await import("./tar.ts")).tarMain },
  // sha256(1) is sbin/md5 linked as /sbin/sha256; pkg(8) is the package's /usr/local/sbin/pkg (the
  // base system's /usr/sbin/pkg only bootstraps it), with pkgbase on 15.0 (release/pkgbase.ts).
  { name: "sha256", path: "/sbin/sha256", locking: "none", load: async () => (await import("./sha256.ts")).sha256Main },
  { name: "pkg", path: "/usr/local/sbin/pkg", locking: "none", load: async () => (await import("../release/pkg.ts")).pkgMain },
  // jail(8) and its companions, in /usr/sbin as on FreeBSD; rc.d/jail is the rc script itself.
  { name: "jail", path: "/usr/sbin/jail", locking: "self", load: async () => {
    const { jailMain } = await import("../jail/jail-main.ts");
    return (stateDir, a) => jailMain(a, { stateDir, fds: STDIO, env: envOf(), cwd: process.cwd() });
  } },
  { name: "jls", path: "/usr/sbin/jls", locking: "self", load: async () => {
    const [{ jlsMain }, { pathsOf, withModel }, { writeFd }] = await Promise.all([
      import("../jail/jls.ts"), import("../jail/store.ts"), import("../jail/run-context.ts")]);
    return (stateDir, a) => {
      const res = withModel(pathsOf(stateDir), false, (_d, kernel) => jlsMain(a, kernel));
      writeFd(1, res.stdout);
      writeFd(2, res.stderr);
      return res.code;
    };
  } },
  { name: "jexec", path: "/usr/sbin/jexec", locking: "self", load: async () => {
    const { jexecMain } = await import("../jail/jexec.ts");
    return (stateDir, a) => jexecMain(stateDir, a, envOf());
  } },
  { name: "sysrc", path: "/usr/sbin/sysrc", locking: "self", load: async () => {
    const { sysrcMain } = await import("../jail/sysrc.ts");
    return (stateDir, a) => sysrcMain(stateDir, a, STDIO);
  } },
  { name: "service", path: "/usr/sbin/service", locking: "self", load: async () => {
    const { serviceMain } = await import("../jail/service.ts");
    return (stateDir, a) => serviceMain(stateDir, a, { fds: STDIO, env: envOf(), cwd: process.cwd() });
  } },
  { name: "rc.d/jail", path: "/etc/rc.d/jail", locking: "self", load: async () => {
    const { rcJailMain } = await import("../jail/rc-jail.ts");
    return (stateDir, a) => rcJailMain(stateDir, a, { fds: STDIO, env: envOf(), cwd: process.cwd() });
  } },
];

/** The table's entry for a tool name. */
export function findTool(name: string): ToolSpec | undefined {
  return TOOL_TABLE.find((t) => t.name === name);
}

/** Tool name -> its path inside the host, derived from the table. */
export const TOOLS: Readonly<Record<string, string>> = Object.fromEntries(TOOL_TABLE.map((t) => [t.name, t.path]));
