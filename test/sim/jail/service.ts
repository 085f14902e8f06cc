// service(8) (usr.sbin/service/service.sh): runs an rc.d script with a command, lists scripts (-l)
// and enabled services (-e). /etc/rc.d/jail runs in-process (rc-jail.ts); other executable scripts
// are run as programs; a missing one gets service's "does not exist" message.

import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync, readFileSync } from "node:fs";
import { rcJailMain, type RcOptions } from "./rc-jail.ts";
import { checkyesno, readRcVars } from "../core/rc-conf.ts";
import { writeFd } from "./run-context.ts";

const LOCAL_STARTUP = "/usr/local/etc/rc.d";

function usage(o: RcOptions): void {
  writeFd(o.fds.out, "\nUsage:\nservice -e\nservice -R\nservice [-v] -l | -r\nservice [-v] <rc.d script> start|stop|etc.\n"
    + "service -h\n\n-e\tShow services that are enabled\n-R\tStop and start enabled /usr/local/etc/rc.d services\n"
    + "-l\tList all scripts in /etc/rc.d and /usr/local/etc/rc.d\n-r\tShow the results of boot time rcorder\n"
    + "-v\tVerbose\n\n");
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function scripts(): string[] {
  const out: string[] = [];
  for (const dir of ["/etc/rc.d", LOCAL_STARTUP]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) out.push(`${dir}/${f}`);
  }
  return out;
}

/** The rcvar an rc.d script declares (`rcvar="name_enable"`), if any. */
function rcvarOf(file: string): string | undefined {
  if (file === "/etc/rc.d/jail") return "jail_enable";
  try {
    return /^rcvar=["']?([A-Za-z0-9_]+)/m.exec(readFileSync(file, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** Runs `service argv...`; returns the exit status. */
export function serviceMain(stateDir: string, argv: string[], o: RcOptions): number {
  let i = 0;
  let enabled = false;
  let list = false;
  let verbose = false;
  for (; i < argv.length && /^-[a-zA-Z]+$/.test(argv[i]!); i++) {
    for (const c of argv[i]!.slice(1)) {
      if (c === "e") enabled = true;
      else if (c === "l") list = true;
      else if (c === "v") verbose = true;
      else if (c === "h") {
        usage(o);
        return 0;
      } else if (c === "r" || c === "R") list = list || c === "r";
      else {
        writeFd(o.fds.err, `service: Illegal option -${c}\n`);
        usage(o);
        return 1;
      }
    }
  }
  if (enabled) {
    const files = scripts().filter((f) => executable(f));
    const rcvars = files.map(rcvarOf);
    const values = readRcVars(rcvars.filter((v): v is string => v !== undefined));
    files.forEach((f, n) => {
      const v = rcvars[n];
      if (v && checkyesno(v, values.get(v))) writeFd(o.fds.out, `${f}\n`);
    });
    return 0;
  }
  if (list) {
    for (const dir of ["/etc/rc.d", LOCAL_STARTUP]) {
      if (verbose) writeFd(o.fds.out, `From ${dir}:\n`);
      if (existsSync(dir)) for (const f of readdirSync(dir).sort()) writeFd(o.fds.out, `${f}\n`);
    }
    return 0;
  }
  const rest = argv.slice(i);
  if (rest.length < 2) {
    usage(o);
    return 1;
  }
  const [script, ...args] = rest as [string, ...string[]];
  for (const dir of ["/etc/rc.d", LOCAL_STARTUP]) {
    const path = `${dir}/${script}`;
    if (!executable(path)) continue;
    if (verbose) writeFd(o.fds.out, `${script} is located in ${dir}\n`);
    if (path === "/etc/rc.d/jail") return rcJailMain(stateDir, args, o);
    const res = spawnSync(path, args, { stdio: [o.fds.in, o.fds.out, o.fds.err], cwd: "/",
      env: { HOME: "/", PATH: "/sbin:/bin:/usr/sbin:/usr/bin" } });
    return res.status ?? 1;
  }
  writeFd(o.fds.out, `${script} does not exist in /etc/rc.d or the local startup\ndirectories (${LOCAL_STARTUP})\n`);
  return 1;
}
