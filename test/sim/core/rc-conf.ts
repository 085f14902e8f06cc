// The simulator's one rc.conf(5) reader, reading as rc and sysrc(8) do: the files are sh(1) scripts
// sourced in a clean environment, /etc/defaults/rc.conf first, then source_rc_confs (rc_conf_files,
// or sysrc's -f files), then for a service /etc/rc.conf.d/<name> (rc.subr's load_rc_config). Values
// are what sh expands, so `jail_list="$jail_list www"` works as on FreeBSD, and the last assignment
// wins. Without /etc/defaults/rc.conf, load_rc_config sources /etc/rc.conf alone; sysrc reads nothing.
//
// `root` is the file system to read as `/`. Inside a host's sandbox that is the host itself (sh runs
// directly); any other root (a host's STATE/root from outside, a jail's root) is read by sh in a
// small bwrap sandbox of its own, with Debian's sh and that root's files at `/`.

import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { rcConfScript, type RcScriptOptions } from "./rc-conf-script.ts";

export const RC_DEFAULTS = "/etc/defaults/rc.conf";

export interface RcReadOptions extends RcScriptOptions {
  /** The root to read as `/`, as a path where this process runs (default "/": the host, inside its sandbox). */
  root?: string;
}

/** checkyesno (rc.subr): YES/TRUE/ON/1 are true, NO/FALSE/OFF/0 false, anything else false with a warning. */
export function checkyesno(name: string, value: string | undefined, warn?: (message: string) => void): boolean {
  if (/^(yes|true|on|1)$/i.test(value ?? "")) return true;
  if (!/^(no|false|off|0)$/i.test(value ?? "")) warn?.(`$${name} is not set properly - see rc.conf(5).`);
  return false;
}

/** The values of some variables after rc's sourcing; unset ones are absent from the map. */
export function readRcVars(names: string[], o: RcReadOptions = {}): Map<string, string> {
  const valid = names.filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  const body = valid.map((n) => `if [ "\${${n}+set}" ]; then printf '%s\\0%s\\0' ${n} "$${n}"; fi`).join("\n");
  return parsePairs(runSh(rcConfScript(o, body), o.root));
}

/** Every variable set by the sourcing (the names a script starting from an empty environment gains). */
export function readAllRcVars(o: RcReadOptions = {}): Map<string, string> {
  const names = "set | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p'";
  const body = [`for __v in $(${names}); do case " $__base " in *" $__v "*) continue;; esac;`,
    `  case $__v in __v|__f|__base) continue;; esac; eval "printf '%s\\\\0%s\\\\0' $__v \\"\\$$__v\\""; done`].join("\n");
  const text = `__base=$(${names} | tr '\\n' ' ')\n${rcConfScript(o, body)}`;
  return parsePairs(runSh(text, o.root));
}

/** `sh -n FILE`: true when the file parses; the shell's complaint goes to stderr. */
export function shSyntaxOk(file: string): boolean {
  const res = spawnSync("/bin/sh", ["-n", file], { stdio: ["ignore", "ignore", "inherit"] });
  return res.status === 0;
}

function parsePairs(out: string): Map<string, string> {
  const parts = out.split("\0");
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) map.set(parts[i]!, parts[i + 1]!);
  return map;
}

const SH_ENV = { PATH: "/sbin:/bin:/usr/sbin:/usr/bin" };

function runSh(text: string, root = "/"): string {
  const [cmd, args] = isOwnRoot(root) ? ["/bin/sh", ["-c", text]] : ["bwrap", [...readerSandbox(root), "/bin/sh", "-c", text]];
  const res = spawnSync(cmd, args, { env: SH_ENV, cwd: "/", encoding: "utf8", maxBuffer: 16 << 20 });
  return res.stdout ?? "";
}

/** True when `root` is this process's own `/` (the same directory, whatever path reaches it). */
function isOwnRoot(root: string): boolean {
  if (root === "/") return true;
  try {
    const a = statSync(root);
    const b = statSync("/");
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/** Directories the reader's sandbox takes from the real machine (sh and its libraries), not from root. */
const OWN = new Set(["bin", "lib", "lib64", "dev", "proc", "usr"]);
const OWN_USR = new Set(["bin", "lib", "lib64"]);

/** bwrap arguments showing `root`'s files at `/`, with Debian's /usr/bin/dash as /bin/sh. */
function readerSandbox(root: string): string[] {
  const args = ["--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-net"];
  const add = (outside: string, inside: string): void => {
    const st = lstatSync(outside);
    // A symlink is recreated as it is (an absolute one points into the sandbox, as in the root).
    if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(outside), inside);
    else args.push("--ro-bind", outside, inside);
  };
  const entries = (dir: string): string[] => (existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).sort() : []);
  for (const e of entries(root)) if (!OWN.has(e)) add(join(root, e), `/${e}`);
  for (const e of entries(join(root, "usr"))) if (!OWN_USR.has(e)) add(join(root, "usr", e), `/usr/${e}`);
  args.push("--ro-bind", "/usr/bin", "/usr/bin", "--ro-bind", "/usr/lib", "/usr/lib");
  if (existsSync("/usr/lib64")) args.push("--ro-bind", "/usr/lib64", "/usr/lib64", "--symlink", "usr/lib64", "/lib64");
  args.push("--symlink", "usr/lib", "/lib", "--symlink", "/usr/bin/dash", "/bin/sh", "--dev", "/dev", "--chdir", "/", "--");
  return args;
}
