// The sh text the rc.conf reader runs: what rc.subr's load_rc_config and bsdconfig's sysrc.subr
// (f_sysrc_get) do before they look at a variable (libexec/rc/rc.subr, usr.sbin/bsdconfig/share/sysrc.subr).

export interface RcScriptOptions {
  /** sysrc -f: the files to source instead of rc_conf_files (defaults are still read first). */
  rcConfs?: string;
  /** load_rc_config NAME: also /etc/rc.conf.d/NAME (a file, or a directory of files); several in order. */
  service?: string | string[];
  /** sysrc -a: forget what the defaults set (except rc_conf_files) before sourcing the files. */
  purgeDefaults?: boolean;
  /** "rc" (load_rc_config: without the defaults file, /etc/rc.conf alone) or "sysrc" (nothing without it). */
  how?: "rc" | "sysrc";
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

const PURGE = "for __v in $(set | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p'); do case $__v in "
  + "rc_conf_files|IFS|PATH|PPID|PWD|OPTIND|PS1|PS2|PS4|HOME|__v|__base) ;; *) unset $__v 2>/dev/null;; esac; done";

/** The sourcing, then `body` (which prints what the caller wants to know). */
export function rcConfScript(o: RcScriptOptions, body: string): string {
  // Why: `.` of a missing file makes a non-interactive sh exit, so each source is guarded by -r as rc.subr does.
  const noDefaults = o.how === "sysrc" ? "exit 0" : "if [ -r /etc/rc.conf ]; then . /etc/rc.conf >/dev/null 2>&1; fi";
  const services = o.service === undefined ? [] : typeof o.service === "string" ? [o.service] : o.service;
  const service = services.map((name) =>
    `if [ -d /etc/rc.conf.d/${name} ]; then for __f in /etc/rc.conf.d/${name}/*; do [ -r "$__f" ] && . "$__f" >/dev/null 2>&1; done; `
      + `elif [ -r /etc/rc.conf.d/${name} ]; then . /etc/rc.conf.d/${name} >/dev/null 2>&1; fi`).join("\n") || ":";
  return [
    "if [ -r /etc/defaults/rc.conf ]; then",
    "  . /etc/defaults/rc.conf >/dev/null 2>&1",
    `  ${o.purgeDefaults ? PURGE : ":"}`,
    `  ${o.rcConfs !== undefined ? `rc_conf_files=${shQuote(o.rcConfs)}` : ":"}`,
    "  source_rc_confs >/dev/null 2>&1",
    "else",
    `  ${noDefaults}`,
    "fi",
    service,
    body,
  ].join("\n");
}
