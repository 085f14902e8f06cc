import { cpusetJailsScript, parseCpusetJails } from "../freebsd/cpuset.ts";
import { catFilePaths, catFiles, parseCatFiles } from "../freebsd/files.ts";
import { parseJailParamNames, sysctlJailParams } from "../freebsd/jail-commands.ts";
import { jlsAll, parseJls, type JlsJail } from "../freebsd/jls.ts";
import { parseSysrcAssignments, sysrcShow } from "../freebsd/sysrc.ts";
import { Named } from "../inventory/named.ts";
import type { Section, SectionOutput } from "../inventory/section.ts";

// The jail sections: running jails (jls), the files jails are defined in, the rc.conf variables rc
// starts them by, and the jail parameters the host's kernel has.

/** Every file rc.d/jail may read a definition from (parse_options), for reads of all of them. */
export const jailConfGlobs = ["/etc/jail.conf", "/etc/jail.*.conf", "/etc/jail.conf.d/*.conf"] as const;

function succeeded(what: string, out: SectionOutput): string {
  if (out.code !== 0) throw new Error(`${what} exited ${out.code}: ${out.stderr.trim() || "(no stderr)"}`);
  return out.stdout;
}

/** Every running jail with every parameter (`jls --libxo json -n`): a host runs tens to hundreds. */
export const runningJails: Section<JlsJail[]> = {
  key: "jail.jls",
  command: () => jlsAll(),
  parse: (out) => parseJls(succeeded("jls", out)),
};

/** Files by path, byte for byte: the named ones, or every jail.conf file rc.d/jail may read. */
export const jailFiles: Section<Named<string>> = {
  key: "jail.files",
  command: (scope, token) => (scope === "all" ? catFiles(token, jailConfGlobs) : catFilePaths(token, [...scope].sort())),
  parse: (out, scope, token) => new Named("file", scope, parseCatFiles(token, succeeded("reading files", out))),
};

/** rc.conf variables as rc reads them (`sysrc -e NAME...`). */
export const rcVars: Section<Map<string, string>> = {
  key: "rc.vars",
  command: (scope) => sysrcShow(scope === "all" ? ["jail_enable", "jail_list"] : [...scope].sort()),
  parse: (out) => parseSysrcAssignments(succeeded("sysrc", out)),
};

/** Names of the jail parameters the host's kernel has (`sysctl -N security.jail.param`). */
export const hostJailParams: Section<Set<string>> = {
  key: "jail.params",
  command: () => sysctlJailParams(),
  parse: (out) => new Set(parseJailParamNames(succeeded("sysctl", out)).map((p) => p.name)),
};

/** The CPUs of the named running jails (`cpuset -g -j NAME`); a jail not running has none. */
export const jailCpusets: Section<Map<string, number[]>> = {
  key: "jail.cpusets",
  command: (scope, token) => cpusetJailsScript(token, scope === "all" ? [] : [...scope].sort()),
  parse: (out, _scope, token) => parseCpusetJails(token, succeeded("cpuset", out)),
};
