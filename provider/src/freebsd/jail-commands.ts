import { command, type Command } from "../core/command.ts";
import { ValidationError } from "../core/errors.ts";
import { checkJailName, checkJailParameter, isList } from "./jail-checks.ts";
import { jailParamSpec, noName, type JailValue } from "./jail-params.ts";

// Command lines of jail(8), jexec(8), service(8) with rc.d/jail, and sysctl(8) for the parameter list.
// Argv elements reach the tools as they are (host/quote.ts quotes them for the shell), so a value needs
// no quoting of its own; what matters is how each tool splits an element (usr.sbin/jail/jail.c).

/** What `service jail` is asked to do. */
export type JailServiceAction = "start" | "stop" | "restart";

/**
 * `service jail ACTION NAME`. rc.d/jail reads /etc/jail.NAME.conf, else /etc/jail.conf.d/NAME.conf, else
 * /etc/jail.conf. With `one`, the `onestart` form works while jail_enable is not YES (rc.subr otherwise
 * prints "Cannot 'start' jail" and exits 0 without doing anything).
 */
export function serviceJail(action: JailServiceAction, name: string, options: { one?: boolean } = {}): Command {
  assertValid("name", checkJailName(name));
  return command("service", "jail", `${options.one ? "one" : ""}${action}`, name);
}

// rc.d/jail exits 0 whether or not a jail started or stopped: it prints ` cannot start jail "NAME": `
// and jail(8)'s output instead (libexec/rc/rc.d/jail jail_start, freebsd-cli.md 1.7). So the checked
// forms ask jls in the same command and fail with what rc.d/jail printed. $1 is the jail's name, $2
// its exec.consolelog file (or empty), whose last lines are added when the jail did not start.
const startScript = [
  'out=$(service jail onestart "$1" 2>&1)',
  'jls -j "$1" jid >/dev/null 2>&1 && exit 0',
  "printf 'jail %s did not start: %s\\n' \"$1\" \"$out\" >&2",
  'if [ -n "$2" ] && [ -f "$2" ]; then printf \'last lines of %s:\\n\' "$2" >&2; tail -n 20 "$2" >&2; fi',
  "exit 1",
].join("\n");

const stopScript = [
  'out=$(service jail onestop "$1" 2>&1)',
  'jls -j "$1" jid >/dev/null 2>&1 || exit 0',
  "printf 'jail %s is still running after service jail onestop: %s\\n' \"$1\" \"$out\" >&2",
  "exit 1",
].join("\n");

/** `service jail onestart NAME`, failing unless jls then finds the jail running (see startScript). */
export function startJailChecked(name: string, consoleLog = ""): Command {
  assertValid("name", checkJailName(name));
  return { argv: ["/bin/sh", "-c", startScript, "sh", name, consoleLog] };
}

/** `service jail onestop NAME`, failing when jls still finds the jail running. */
export function stopJailChecked(name: string): Command {
  assertValid("name", checkJailName(name));
  return { argv: ["/bin/sh", "-c", stopScript, "sh", name] };
}

/**
 * `jail -m jid=N param=value ...`. jail.c splits each element at its first `=` (config.c add_param):
 * the rest is the value, spaces and `=` included; `ip4.addr=`/`ip6.addr=` values are split at commas,
 * and an empty one clears the list. Booleans are written `name` / `noname` as in jail.conf.
 * Only kernel parameters a running jail accepts are allowed: jail -m ignores pseudo-parameters and
 * refuses create-only ones ("path cannot be changed after creation").
 */
export function jailModify(jid: number, params: ReadonlyArray<readonly [string, JailValue]>): Command {
  if (!Number.isSafeInteger(jid) || jid < 1) throw new ValidationError("jid", "must be a positive whole number");
  if (params.length === 0) throw new ValidationError("params", "must change at least one parameter");
  const argv = ["jail", "-m", `jid=${jid}`];
  for (const [name, value] of params) {
    const spec = jailParamSpec(name);
    if (spec?.kind === "pseudo") throw new ValidationError(name, "is used by jail(8) only when it creates or removes the jail; jail -m ignores it");
    if (spec?.update === "restart") throw new ValidationError(name, "can only be set when the jail is created");
    // command.c adds the aliases of `iface|address` entries only while it creates the jail.
    if (isList(value) && value.some((entry) => entry.includes("|"))) {
      throw new ValidationError(name, "jail -m does not add interface aliases; `iface|address` entries need a restart");
    }
    const clearing = isList(value) && value.length === 0 && (name === "ip4.addr" || name === "ip6.addr");
    const rule = clearing ? undefined : checkJailParameter(name, value);
    if (rule) throw new ValidationError(name, rule);
    argv.push(jailArgument(name, value));
  }
  return { argv };
}

/** One `name=value` argument of a jail(8) command line. */
export function jailArgument(name: string, value: JailValue): string {
  if (typeof value === "boolean") return value ? name : noName(name);
  return `${name}=${isList(value) ? value.join(",") : String(value)}`;
}

/**
 * `jail [-f FILE] -r NAME`. Without `-f`, jail(8) reads /etc/jail.conf when it exists, so the stop
 * commands and unmounts of a jail defined in /etc/jail.conf.d/NAME.conf are found only with `-f`.
 */
export function jailRemove(name: string, options: { configFile?: string } = {}): Command {
  assertValid("name", checkJailName(name));
  if (options.configFile === undefined) return command("jail", "-r", name);
  if (!options.configFile.startsWith("/")) throw new ValidationError("configFile", "must be an absolute path");
  return command("jail", "-f", options.configFile, "-r", name);
}

/** Who jexec runs the command as: `-u` looks the user up on the host, `-U` inside the jail. */
export interface JexecOptions {
  hostUser?: string;
  jailUser?: string;
  /** `-l`: a clean login environment. */
  clean?: boolean;
}

/** `jexec [-l] [-u user | -U user] NAME command...`; the jail by name (never all digits) or by jid. */
export function jexec(jail: string | number, argv: readonly string[], options: JexecOptions = {}): Command {
  if (typeof jail === "number") {
    if (!Number.isSafeInteger(jail) || jail < 1) throw new ValidationError("jail", "must be a positive jid");
  } else assertValid("jail", checkJailName(jail));
  if (argv.length === 0) throw new ValidationError("argv", "must name a command (jexec without one starts a login shell)");
  if (options.hostUser !== undefined && options.jailUser !== undefined) {
    throw new ValidationError("user", "give either the host user or the jail user");
  }
  const out = ["jexec"];
  if (options.clean) out.push("-l");
  const user = options.hostUser ?? options.jailUser;
  if (user !== undefined) {
    // MAXLOGNAME is 33 with the NUL; a leading '-' would read as an option.
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/.test(user)) throw new ValidationError("user", "must be a user name");
    out.push(options.hostUser !== undefined ? "-u" : "-U", user);
  }
  return { argv: [...out, String(jail), ...argv] };
}

/** `sysctl -N security.jail.param`: the names of every jail parameter this host's kernel has. */
export function sysctlJailParams(): Command {
  return command("sysctl", "-N", "security.jail.param");
}

/** A kernel jail parameter the host has; `node` when it also heads others (`allow.mount` of `allow.mount.*`). */
export interface HostJailParam {
  name: string;
  node: boolean;
}

const sysctlPrefix = "security.jail.param.";

/**
 * Parses `sysctl -N security.jail.param`: one OID name per line. A name ending in `.` is the empty-named
 * child that describes a node which is itself a parameter (libjail jailparam_all strips that dot).
 */
export function parseJailParamNames(text: string): HostJailParam[] {
  const params: HostJailParam[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (!line.startsWith(sysctlPrefix) || line.length === sysctlPrefix.length) {
      throw new Error(`unexpected sysctl line: ${JSON.stringify(line)}`);
    }
    const rest = line.slice(sysctlPrefix.length);
    const node = rest.endsWith(".");
    const name = node ? rest.slice(0, -1) : rest;
    if (!/^[a-z0-9_]+(\.[a-z0-9_]+)*$/.test(name)) throw new Error(`unexpected sysctl line: ${JSON.stringify(line)}`);
    params.push({ name, node });
  }
  return params;
}

function assertValid(property: string, rule: string | undefined): void {
  if (rule) throw new ValidationError(property, rule);
}
