// /etc/rc.d/jail of FreeBSD 14.3 (libexec/rc/rc.d/jail) under rc.subr's run_rc_command: start,
// stop, restart, status and config, with the fast/force/one/quiet prefixes, jail_enable, jail_list,
// the per-jail configuration file lookup and the messages it prints (`Starting jails: www.`).

import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jailMain } from "./jail-main.ts";
import { jlsMain } from "./jls.ts";
import { jailsOf, findJail } from "./model.ts";
import { checkyesno, readRcVars } from "../core/rc-conf.ts";
import { writeFd, type Fds } from "./run-context.ts";
import { pathsOf, withModel } from "./store.ts";
import { sysrcMain } from "./sysrc.ts";

export interface RcOptions {
  fds: Fds;
  env: Record<string, string>;
  cwd: string;
}

const COMMANDS = ["start", "stop", "restart", "rcvar", "enable", "disable", "delete", "enabled", "describe",
  "extracommands", "config", "console", "status"];
const USAGE = `Usage: /etc/rc.d/jail [fast|force|one|quiet](${COMMANDS.join("|")})\n`;

class RcJail {
  private readonly stateDir: string;
  private readonly o: RcOptions;
  private vars: Map<string, string> = new Map();

  constructor(stateDir: string, o: RcOptions) {
    this.stateDir = stateDir;
    this.o = o;
  }

  private out(text: string): void {
    writeFd(this.o.fds.out, text);
  }

  private warn(message: string): void {
    writeFd(this.o.fds.err, `/etc/rc.d/jail: WARNING: ${message}\n`);
  }

  private v(name: string): string {
    return this.vars.get(name) ?? "";
  }

  private startmsg(text: string, newline: boolean): void {
    if (checkyesno("rc_startmsgs", this.vars.get("rc_startmsgs") ?? "YES", () => undefined)) this.out(newline ? `${text}\n` : text);
  }

  /** Runs jail(8) with its output captured like `$command ... >> $_tmp 2>&1`. */
  private jail(args: string[]): { ok: boolean; output: string } {
    const dir = join(tmpdir(), `jail.${process.pid}.${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "out");
    const fd = openSync(file, "w");
    const nul = openSync("/dev/null", "r");
    let code: number;
    try {
      code = jailMain(args, { stateDir: this.stateDir, fds: { in: nul, out: fd, err: fd }, env: this.o.env, cwd: "/" });
    } finally {
      closeSync(fd);
      closeSync(nul);
    }
    const output = readFileSync(file, "utf8");
    rmSync(dir, { recursive: true, force: true });
    return { ok: code === 0, output };
  }

  private running(name: string): number | undefined {
    return withModel(pathsOf(this.stateDir), false, (_d, k) => findJail(k, name).jail?.jid);
  }

  /** parse_options: the configuration file for a jail, or undefined after a warning. */
  private confOf(j: string, jv: string): string | undefined {
    const per = readRcVars([`jail_${jv}_conf`, `jail_${jv}_rootdir`, `jail_${jv}_hostname`], { service: "jail" });
    const jconf = per.get(`jail_${jv}_conf`) || `/etc/jail.${j}.conf`;
    const jconfdir = `/etc/jail.conf.d/${j}.conf`;
    const readable = (f: string): boolean => {
      try {
        readFileSync(f);
        return true;
      } catch {
        return false;
      }
    };
    if (readable(jconf)) return jconf;
    let included = false;
    try {
      included = /^\s*\.include\s*["']?\/etc\/jail\.conf\.d\//m.test(readFileSync(this.v("jail_conf"), "utf8"));
    } catch {
      included = false;
    }
    // Why: jail.conf.d/NAME.conf is used on its own only when jail.conf does not already include it.
    if (readable(jconfdir) && !included) return jconfdir;
    if (readable(this.v("jail_conf"))) return this.v("jail_conf");
    this.warn(`Invalid configuration for ${j} (no jail.conf, no hostname, or no path).  Jail ${j} was ignored.`);
    return undefined;
  }

  private flags(): string[] {
    return this.v("jail_flags").split(/[ \t\n]+/).filter(Boolean);
  }

  start(names: string[]): void {
    if (names.length === 0) return;
    this.startmsg("Starting jails:", false);
    if (names[0] === "_ALL") {
      const args = [...this.flags(), "-f", this.v("jail_conf"), "-c"];
      if (!checkyesno("jail_parallel_start", this.v("jail_parallel_start"), (m) => this.warn(m))) args.push("-p1");
      const res = this.jail(args);
      if (res.ok) {
        for (const jail of withModel(pathsOf(this.stateDir), false, (_d, k) => jailsOf(k))) {
          this.startmsg(` ${jail.params["name"]}`, false);
          writeFileSync(`/var/run/jail_${jail.params["name"]}.id`, `${jail.jid}\n`);
        }
      } else this.out(res.output);
      this.startmsg(".", true);
      return;
    }
    for (const raw of names) {
      const j = raw.replace(/[/.]/g, "_");
      const jv = j.replace(/[^A-Za-z0-9]/g, "_");
      const conf = this.confOf(j, jv);
      if (conf === undefined) continue;
      const res = this.jail([...this.flags(), "-i", "-f", conf, "-c", j]);
      if (res.ok) {
        this.startmsg(` ${j}`, false);
        writeFileSync(`/var/run/jail_${j}.id`, `${this.running(j) ?? ""}\n`);
      } else {
        // Why: startmsg " cannot start jail " "\"NAME\": " is an echo of two words, hence two spaces.
        this.startmsg(` cannot start jail  "${j}": `, true);
        this.out(res.output);
      }
    }
    this.startmsg(".", true);
  }

  stop(names: string[]): void {
    if (names.length === 0) return;
    this.out("Stopping jails:");
    const reverse = checkyesno("jail_reverse_stop", this.v("jail_reverse_stop"), (m) => this.warn(m));
    if (names[0] === "_ALL") {
      let live = withModel(pathsOf(this.stateDir), false, (_d, k) => jailsOf(k)).map((jl) => String(jl.params["name"]));
      if (reverse) live = live.reverse();
      for (const j of live) {
        this.out(` ${j}`);
        const res = this.jail([...this.flags(), "-f", this.v("jail_conf"), "-r", j]);
        if (this.running(j) !== undefined) this.out(res.output);
        else rmSync(`/var/run/jail_${j}.id`, { force: true });
      }
      this.out(".\n");
      return;
    }
    for (const raw of reverse ? [...names].reverse() : names) {
      const j = raw.replace(/[/.]/g, "_");
      const jv = j.replace(/[^A-Za-z0-9]/g, "_");
      const conf = this.confOf(j, jv);
      if (conf === undefined || this.running(j) === undefined) continue;
      this.out(` ${j}`);
      const res = this.jail(["-q", "-f", conf, "-r", j]);
      if (this.running(j) !== undefined) this.out(res.output);
      else rmSync(`/var/run/jail_${j}.id`, { force: true });
    }
    this.out(".\n");
  }

  /** run_rc_command: returns the exit status. */
  run(argv: string[]): number {
    const base = ["jail_enable", "jail_list", "jail_conf", "jail_parallel_start", "jail_reverse_stop", "jail_flags",
      "rc_startmsgs"];
    this.vars = readRcVars(base, { service: "jail" });
    const arg = argv[0] ?? "";
    const m = /^(fast|force|one|quiet)?(.*)$/.exec(arg)!;
    const prefix = m[1] ?? "";
    const cmd = m[2]!;
    if (!COMMANDS.includes(cmd) || argv.length === 0) {
      writeFd(this.o.fds.err, USAGE);
      return 1;
    }
    // Why: with one argument the list is jail_list (or _ALL); with names, reverse stop is off (rc.d/jail).
    let names = argv.slice(1);
    if (argv.length === 1) {
      const list = this.v("jail_list").split(/[ \t\n]+/).filter(Boolean);
      names = list.length ? list : ["_ALL"];
    } else this.vars.set("jail_reverse_stop", "no");
    const quiet = prefix === "fast" || prefix === "quiet";
    const gated = !["rcvar", "enable", "disable", "delete", "describe"].includes(cmd);
    if (gated && prefix !== "one" && prefix !== "force") {
      const enabled = checkyesno("jail_enable", this.vars.get("jail_enable"), (msg) => this.warn(msg));
      if (cmd === "enabled") return enabled ? 0 : 1;
      if (!enabled) {
        if (!quiet) {
          this.out(`Cannot '${cmd}' jail. Set jail_enable to YES in /etc/rc.conf or use 'one${cmd}' instead of '${cmd}'.\n`);
        }
        return 0;
      }
    }
    switch (cmd) {
      case "start": this.start(names); return 0;
      case "stop": this.stop(names); return 0;
      case "restart": this.stop(names); this.start(names); return 0;
      case "status": return this.status();
      case "config":
        for (const raw of names) {
          if (raw === "_ALL") return 0;
          const j = raw.replace(/[/.]/g, "_");
          const conf = this.confOf(j, j.replace(/[^A-Za-z0-9]/g, "_"));
          if (conf !== undefined) this.out(`${j}: parameters are in ${conf}.\n`);
        }
        return 0;
      case "describe": this.out("Manage system jails\n"); return 0;
      case "extracommands": this.out("config console status\n"); return 0;
      case "enabled": return 0;
      case "enable": return sysrcMain(this.stateDir, ["jail_enable=YES"], this.o.fds);
      case "disable": return sysrcMain(this.stateDir, ["jail_enable=NO"], this.o.fds);
      case "delete": return sysrcMain(this.stateDir, ["-x", "jail_enable"], this.o.fds);
      default: return 0;
    }
  }

  private status(): number {
    const res = withModel(pathsOf(this.stateDir), false, (_d, k) => jlsMain(["-N"], k));
    writeFd(this.o.fds.out, res.stdout);
    writeFd(this.o.fds.err, res.stderr);
    return res.code;
  }
}

/** Runs `/etc/rc.d/jail argv...`; returns the exit status. */
export function rcJailMain(stateDir: string, argv: string[], o: RcOptions): number {
  return new RcJail(stateDir, o).run(argv);
}
