// jail(8) of FreeBSD 14.3 (usr.sbin/jail/jail.c main): options, the four command-line styles
// (config file, jail on the command line, remove, and the old `path hostname ip command` form),
// which jails to act on (state.c start_state), dependencies, and the exit status.

import { readFileSync } from "node:fs";
import { hostPath } from "../core/paths.ts";
import { addParam, newCfJail, isWildName, type CfJail } from "./cfjail.ts";
import { parseJailConf } from "./conf-parser.ts";
import { resolveJails } from "./conf-resolve.ts";
import { getopt } from "../core/getopt.ts";
import { warnx, writeFd, type Fds, type JailRun } from "./run-context.ts";
import { pathsOf } from "./store.ts";
import { showJails } from "./show.ts";
import { checkDepends, execute, selectJails } from "./jail-select.ts";

const CONF_FILE = "/etc/jail.conf";
const USAGE = "usage: jail [-dhilqv] [-J jid_file] [-u username] [-U username]\n"
  + "            -[cmr] param=value ... [command=command ...]\n"
  + "       jail [-dqv] [-f file] -[cmr] [jail]\n"
  + "       jail [-qv] [-f file] -[rR] ['*' | jail ...]\n"
  + "       jail [-dhilqv] [-J jid_file] [-u username] [-U username]\n"
  + "            [-n jailname] [-s securelevel]\n"
  + "            path hostname [ip[,...]] command ...\n"
  + "       jail [-f file] -e separator\n";

class Exit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

export interface JailMainOptions {
  stateDir: string;
  fds: Fds;
  env: Record<string, string>;
  cwd: string;
}

/** Runs `jail argv...`; returns the exit status. */
export function jailMain(argv: string[], o: JailMainOptions): number {
  const run: JailRun = {
    paths: pathsOf(o.stateDir), fds: o.fds, verbose: 0, iflag: false, noteRemove: false, env: o.env, cwd: o.cwd,
    now: () => Math.floor(Date.now() / 1000), error: 0,
  };
  try {
    return main(run, argv);
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
}

function usage(run: JailRun): never {
  writeFd(run.fds.err, USAGE);
  throw new Exit(1);
}

function main(run: JailRun, argv: string[]): number {
  let start = false, set = false, stop = false, show = false, dflag = false, rflagR = false, docf = true;
  let cfname = CONF_FILE;
  let jidFile: string | undefined;
  let separator = "\t";
  const cmdline: CfJail[] = [];
  const anon = (): CfJail => {
    if (cmdline.length === 0) cmdline.push(newCfJail(null));
    return cmdline[0]!;
  };
  const addAnon = (ip: string | null, v?: string | null): void => {
    const e = addParam(anon(), null, ip, v);
    if (e) warnx(run, e);
  };
  const { opts, rest } = getopt(argv, ":cde:f:hiJ:lmn:p:qrRs:u:U:v");
  for (const o of opts) {
    switch (o.opt) {
      case "?":
        writeFd(run.fds.err, `jail: illegal option -- ${o.optopt}\n`);
        usage(run);
      case ":":
        writeFd(run.fds.err, `jail: option requires an argument -- ${o.optopt}\n`);
        usage(run);
      case "c": start = true; break;
      case "d": dflag = true; break;
      case "e": show = true; separator = o.arg!; break;
      case "f": cfname = o.arg!; break;
      case "h": addAnon("ip_hostname"); docf = false; break;
      case "i": run.iflag = true; run.verbose = -1; break;
      case "J": jidFile = o.arg; break;
      case "l": addAnon("exec.clean"); docf = false; break;
      case "m": set = true; break;
      case "n": addAnon("name", o.arg); docf = false; break;
      case "p": break;
      case "q": run.verbose = -1; break;
      case "r": stop = true; break;
      case "R": stop = true; rflagR = true; break;
      case "s": addAnon("securelevel", o.arg); docf = false; break;
      case "u": addAnon("exec.jail_user", o.arg); addAnon("exec.system_jail_user"); docf = false; break;
      case "U": addAnon("exec.jail_user", o.arg); addAnon("exec.system_jail_user", "false"); docf = false; break;
      case "v": run.verbose = 1; break;
    }
  }
  let jails: CfJail[] = cmdline;
  const loadConfig = (): void => {
    jails = loadConf(run, cfname);
  };
  if (!start && !set && !stop && !show) {
    if (rest.length < 4 || !rest[0]!.startsWith("/")) usage(run);
    docf = false;
    addAnon("path", rest[0]);
    addAnon("host.hostname", rest[1]);
    for (const ip of rest[2] ? rest[2].split(",") : []) addAnon(ip.includes(":") ? "ip6.addr" : "ip4.addr", ip);
    for (const word of rest.slice(3)) addAnon("command", word);
    // Why: the old form emulates the security.jail.*_allowed sysctl defaults of the host.
    for (const p of ["allow.set_hostname", "allow.sysvipc=false", "allow.raw_sockets=false", "allow.chflags=false",
      "allow.mount=false", "allow.socket_af=false"]) {
      const [name, value] = p.split("=") as [string, string | undefined];
      addAnon(name, value ?? null);
    }
    start = true;
  } else if (show || (stop && !start && !set)) {
    if (show) {
      loadConfig();
      showJails(run, jails, separator);
      return 0;
    }
    if (!docf || rest.length === 0) usage(run);
    if (!rflagR && rest.some((a) => a.includes("="))) usage(run);
    docf = !rflagR && (cfname === "-" || existsHost(run, cfname));
    if (docf) loadConfig();
    run.noteRemove = docf || rest.length > 1 || isWildName(rest[0]!);
  } else if (rest.length > 1 || (rest.length === 1 && rest[0]!.includes("="))) {
    if (rflagR) usage(run);
    docf = false;
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i]!;
      if (a === "command" || a.startsWith("command=")) {
        if (a.startsWith("command=")) addAnon("command", a.slice(8));
        for (i++; i < rest.length; i++) addAnon("command", rest[i]!);
      } else if (a.startsWith("ip4.addr=") || a.startsWith("ip6.addr=")) {
        for (const v of a.slice(9).split(",")) addAnon(a.slice(0, 8), v);
      } else addAnon(null, a);
    }
    jails = cmdline;
  } else {
    if (rflagR || !docf) usage(run);
    loadConfig();
  }
  if (dflag) for (const j of jails) addParam(j, null, "allow.dying");
  const ops = selectJails(run, jails, rest, docf, { start, set, stop }, rflagR);
  if (ops === undefined) return 1;
  checkDepends(run, jails, ops, docf);
  execute(run, ops, jails, jidFile);
  return run.error;
}

function existsHost(run: JailRun, path: string): boolean {
  try {
    readFileSync(hostPath(run.paths, path.startsWith("/") ? path : `${run.cwd}/${path}`));
    return true;
  } catch {
    return false;
  }
}

function loadConf(run: JailRun, cfname: string): CfJail[] {
  const stdin = cfname === "-" ? readFileSync(run.fds.in, "utf8") : undefined;
  const parsed = parseJailConf(cfname, (p) => hostPath(run.paths, p.startsWith("/") ? p : `${run.cwd}/${p}`), stdin);
  if (parsed.errors.length) {
    for (const e of parsed.errors) warnx(run, e);
    throw new Exit(1);
  }
  return resolveJails(parsed.jails, (line) => warnx(run, line));
}
