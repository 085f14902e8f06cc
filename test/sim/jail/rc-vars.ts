// rc.conf(5) variables as rc and sysrc(8) read them: by sourcing the files with sh(1) in a clean
// environment, /etc/defaults/rc.conf first, then source_rc_confs (rc_conf_files, or RC_CONFS), then
// for a service /etc/rc.conf.d/<name> (load_rc_config). Values are what sh expands, so
// `jail_list="$jail_list www"` works as on FreeBSD. Runs inside the host sandbox.

import { spawnSync } from "node:child_process";

export const RC_DEFAULTS = "/etc/defaults/rc.conf";

export interface RcReadOptions {
  /** sysrc -f: the files to source instead of rc_conf_files (defaults are still read first). */
  rcConfs?: string;
  /** load_rc_config NAME: also /etc/rc.conf.d/NAME (a file, or a directory of files). */
  service?: string;
  /** sysrc -a: forget what the defaults set (except rc_conf_files) before sourcing the files. */
  purgeDefaults?: boolean;
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

function script(o: RcReadOptions, body: string): string {
  const lines = [
    `. ${shQuote(RC_DEFAULTS)} >/dev/null 2>&1`,
    o.purgeDefaults
      ? "for __v in $(set | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p'); do case $__v in "
        + "rc_conf_files|IFS|PATH|PPID|PWD|OPTIND|PS1|PS2|PS4|HOME|__v|__base) ;; *) unset $__v 2>/dev/null;; esac; done"
      : ":",
    o.rcConfs !== undefined ? `rc_conf_files=${shQuote(o.rcConfs)}` : ":",
    "source_rc_confs >/dev/null 2>&1",
    o.service
      ? `if [ -d /etc/rc.conf.d/${o.service} ]; then for __f in /etc/rc.conf.d/${o.service}/*; do [ -r "$__f" ] && . "$__f"; done; `
        + `elif [ -r /etc/rc.conf.d/${o.service} ]; then . /etc/rc.conf.d/${o.service}; fi`
      : ":",
    body,
  ];
  return lines.join("\n");
}

function runSh(text: string): string {
  const res = spawnSync("/bin/sh", ["-c", text], {
    env: { PATH: "/sbin:/bin:/usr/sbin:/usr/bin" }, cwd: "/", encoding: "utf8", maxBuffer: 16 << 20,
  });
  return res.stdout ?? "";
}

/** The values of some variables after rc's sourcing; unset ones are absent from the map. */
export function readRcVars(names: string[], o: RcReadOptions = {}): Map<string, string> {
  const valid = names.filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  const body = valid.map((n) => `if [ "\${${n}+set}" ]; then printf '%s\\0%s\\0' ${n} "$${n}"; fi`).join("\n");
  return parsePairs(runSh(script(o, body)));
}

/** Every variable set after the sourcing (the names a script starting from an empty environment gains). */
export function readAllRcVars(o: RcReadOptions = {}): Map<string, string> {
  const names = "set | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p'";
  const body = [`for __v in $(${names}); do case " $__base " in *" $__v "*) continue;; esac;`,
    `  case $__v in __v|__f|__base) continue;; esac; eval "printf '%s\\\\0%s\\\\0' $__v \\"\\$$__v\\""; done`].join("\n");
  const text = `__base=$(${names} | tr '\\n' ' ')\n${script(o, body)}`;
  return parsePairs(runSh(text));
}

function parsePairs(out: string): Map<string, string> {
  const parts = out.split("\0");
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) map.set(parts[i]!, parts[i + 1]!);
  return map;
}

/** `sh -n FILE`: true when the file parses; the shell's complaint goes to stderr. */
export function shSyntaxOk(file: string): boolean {
  const res = spawnSync("/bin/sh", ["-n", file], { stdio: ["ignore", "ignore", "inherit"] });
  return res.status === 0;
}
