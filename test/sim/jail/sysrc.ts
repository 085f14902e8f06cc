// sysrc(8) (usr.sbin/sysrc/sysrc and bsdconfig's sysrc.subr): query, set, append/remove list items,
// delete (-x), check (-c), list (-a/-A) rc.conf(5) variables, with its output forms (`name: value`,
// `name: old -> new`, -n, -e `name="value"`, -N, -v, -F) and errors. Runs inside the host sandbox;
// values come from sourcing the files with sh (rc-vars.ts), edits are done by sysrc-files.ts.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readAllRcVars, RC_DEFAULTS, shSyntaxOk } from "../core/rc-conf.ts";
import { listItems, rcFiles, readOpts, sysrcDelete, sysrcDesc, sysrcFind, sysrcGet, sysrcSet } from "./sysrc-files.ts";
import { writeFd, type Fds } from "./run-context.ts";
import { jailSandboxArgv } from "./exec.ts";
import { findJail } from "./model.ts";
import { pathsOf, withModel } from "./store.ts";
import { SANDBOX_LIB, SANDBOX_NODE } from "../core/paths.ts";

const PGM = "sysrc";

interface Opts {
  showAll: 0 | 1 | 2;
  check: boolean;
  describe: boolean;
  rcConfs?: string;
  showEquals: boolean;
  showFile: boolean;
  ignoreUnknowns: boolean;
  jail?: string;
  showName: boolean;
  showValue: boolean;
  quiet: boolean;
  verbose: boolean;
  del: 0 | 1 | 2;
}

class Out {
  text = "";
  err = "";
}

/** Runs `sysrc argv...`; returns the exit status. */
export function sysrcMain(stateDir: string, argv: string[], fds: Fds): number {
  const out = new Out();
  const code = run(stateDir, argv, out, fds);
  writeFd(fds.out, out.text);
  writeFd(fds.err, out.err);
  return code;
}

function usage(out: Out): number {
  out.err += `Usage: ${PGM} [OPTIONS] name[[+|-]=value] ...\nTry \`${PGM} --help' for more information.\n`;
  return 1;
}

function run(stateDir: string, argv: string[], out: Out, fds: Fds): number {
  if (argv.length === 0) return usage(out);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--help") return usage(out);
    if (argv[i] === "--version") {
      out.text += "6.3 Mar-4,2015\n";
      return 1;
    }
    if (/^-[fRj]$/.test(argv[i]!)) i++;
  }
  const o: Opts = { showAll: 0, check: false, describe: false, showEquals: false, showFile: false,
    ignoreUnknowns: false, showName: true, showValue: true, quiet: false, verbose: false, del: 0 };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") { i++; break; }
    if (!a.startsWith("-") || a === "-") break;
    for (let k = 1; k < a.length; k++) {
      const c = a[k]!;
      const takeArg = (): string | undefined => {
        const v = k + 1 < a.length ? a.slice(k + 1) : argv[++i];
        k = a.length;
        return v;
      };
      switch (c) {
        case "a": o.showAll = o.showAll || 1; break;
        case "A": o.showAll = 2; break;
        case "c": o.check = true; break;
        case "d": o.describe = true; break;
        case "D": o.rcConfs = ""; break;
        case "e": o.showEquals = true; break;
        case "f": {
          const v = takeArg();
          if (v === undefined) return usage(out);
          o.rcConfs = `${o.rcConfs ?? ""}${o.rcConfs ? " " : ""}${v}`;
          break;
        }
        case "F": o.showFile = true; break;
        case "h": return usage(out);
        case "i": o.ignoreUnknowns = true; break;
        case "j": {
          const v = takeArg();
          if (!v) { out.err += `${PGM}: Missing or null argument to \`-j' flag\n`; return 1; }
          o.jail = v;
          break;
        }
        case "n": o.showName = false; break;
        case "N": o.showValue = false; break;
        case "q": o.quiet = true; o.verbose = false; break;
        case "R": takeArg(); out.err += `${PGM}: -R is not simulated\n`; return 1;
        case "v": o.verbose = true; o.quiet = false; break;
        case "x": o.del = o.del || 1; break;
        case "X": o.del = 2; break;
        default:
          out.err += `Illegal option -${c}\n`;
          return usage(out);
      }
    }
  }
  const args = argv.slice(i);
  if (args.length === 0 && !o.showAll) return usage(out);
  if (o.jail !== undefined) return inJail(stateDir, o.jail, argv.filter((a, n) => !(a === "-j" || argv[n - 1] === "-j")), out, fds);
  const files = o.rcConfs !== undefined ? o.rcConfs.split(/[ \t\n]+/).filter(Boolean) : [RC_DEFAULTS, ...rcFiles(o)];
  for (const f of files) {
    if (existsSync(f) && !shSyntaxOk(f)) {
      out.err += `${PGM}: Exiting due to previous syntax errors\n`;
      return 1;
    }
  }
  if (o.del && o.showAll && o.del !== 2) {
    out.err += `${PGM}: \`-x' option incompatible with \`-a'/\`-A' options (use \`-X' to override)\n`;
    return 1;
  }
  if (o.check && o.showAll) {
    out.err += `${PGM}: \`-c' option incompatible with \`-a'/\`-A' options\n`;
    return 1;
  }
  if (o.showFile) o.showEquals = false;
  if (!o.showName) o.showEquals = false;
  if (!o.showValue) {
    o.showName = true;
    o.showEquals = false;
  }
  const sep = o.showEquals ? '="' : ": ";
  const close = o.showEquals ? '"' : "";
  if (o.showAll) return showAll(o, out, sep, close);
  let status = 0;
  for (const arg of args) {
    let name = arg.includes("=") ? arg.slice(0, arg.indexOf("=")) : arg;
    let mode: "APPEND" | "REMOVE" | "ASSIGN" = "ASSIGN";
    if (name.endsWith("+")) { mode = "APPEND"; name = name.slice(0, -1); }
    else if (name.endsWith("-")) { mode = "REMOVE"; name = name.slice(0, -1); }
    if (o.describe) out.text += `${name}: ${sysrcDesc(name)}\n`;
    if (arg.includes("=")) {
      const given = arg.slice(arg.indexOf("=") + 1);
      if (o.verbose && !o.check) {
        let file = sysrcFind(o, name);
        if (file === RC_DEFAULTS || file === undefined) file = rcFiles(o)[0] ?? "";
        out.text += o.showEquals ? `: ${file}; ` : `${file}: `;
      }
      if (o.del) {
        if (!sysrcDelete(o, name)) status = 1;
        continue;
      }
      if (o.check) {
        const value = sysrcGet(o, name);
        if (value === undefined) {
          status = 1;
          if (o.verbose) out.text += `${name}: not currently set\n`;
        } else if (value !== given) {
          status = 1;
          if (o.verbose) out.text += `${sysrcFind(o, name) ?? ""}: ${name}: would change from \`${value}' to \`${given}'\n`;
        } else if (o.verbose) {
          out.text += `${sysrcFind(o, name) ?? ""}: ${name}: already set to \`${value}'\n`;
        }
        continue;
      }
      const current = sysrcGet(o, name) ?? "";
      const next = mode === "ASSIGN" ? given : listItems(current, given, mode);
      const before = o.showFile ? sysrcFind(o, name) ?? "" : current;
      if (!o.showValue) {
        out.text += `${name}\n`;
        sysrcSet(o, name, next);
        continue;
      }
      if (!sysrcSet(o, name, next)) {
        status = 1;
        continue;
      }
      const after = o.showFile ? sysrcFind(o, name) ?? "" : sysrcGet(o, name) ?? "";
      out.text += `${o.showName ? `${name}${sep}` : ""}${before}${o.showEquals ? '" #' : ""} -> ${o.showEquals ? '"' : ""}${after}${close}\n`;
      continue;
    }
    const value = sysrcGet(o, name);
    if (value === undefined) {
      // Why: FreeBSD 12.0 and later report unknown variables with f_err, on standard error (the 6.3-era
      // script used echo); Ansible's community.general.sysrc and FreeBSD 12+ transcripts agree.
      if (!o.ignoreUnknowns && !o.quiet) out.err += `${PGM}: unknown variable '${name}'\n`;
      status = 1;
      continue;
    }
    if (o.check || o.describe) continue;
    if (o.del) {
      if (!sysrcDelete(o, name)) status = 1;
      continue;
    }
    if (o.showFile) {
      out.text += `${o.showName ? `${name}: ` : ""}${sysrcFind(o, name) ?? ""}\n`;
      continue;
    }
    if (o.verbose) out.text += o.showEquals ? `: ${sysrcFind(o, name) ?? ""}; ` : `${sysrcFind(o, name) ?? ""}: `;
    out.text += o.showValue ? `${o.showName ? `${name}${sep}` : ""}${value}${close}\n` : `${name}\n`;
  }
  return status;
}

function showAll(o: Opts, out: Out, sep: string, close: string): number {
  const vars = readAllRcVars({ ...readOpts(o), purgeDefaults: o.showAll === 1 });
  if (o.showAll === 1 && sysrcFind(o, "rc_conf_files") === RC_DEFAULTS) vars.delete("rc_conf_files");
  for (const name of [...vars.keys()].sort()) {
    if (o.describe) {
      out.text += `${name}: ${sysrcDesc(name)}\n`;
      continue;
    }
    if (o.showFile) {
      out.text += `${o.showName ? `${name}: ` : ""}${sysrcFind(o, name) ?? ""}\n`;
      continue;
    }
    if (o.del === 2) {
      sysrcDelete(o, name);
      continue;
    }
    if (o.verbose) out.text += `${sysrcFind(o, name) ?? ""}: `;
    if (!o.showValue) {
      out.text += `${name}\n`;
      continue;
    }
    out.text += `${o.showName ? `${name}${sep}` : ""}${vars.get(name)!.replace(/\n+$/, "")}${close}\n`;
  }
  return 0;
}

/** sysrc -j JAIL: the same command run inside the jail (sysrc pipes itself to `jexec JAIL /bin/sh`). */
function inJail(stateDir: string, key: string, argv: string[], out: Out, fds: Fds): number {
  const view = withModel(pathsOf(stateDir), false, (_d, kernel) => {
    const jail = findJail(kernel, key).jail;
    if (!jail) return undefined;
    const root = String(jail.params["path"]);
    const mounts = kernel.mounts.filter((m) => root === "/" || m.path.startsWith(`${root}/`));
    return { jid: jail.jid, root, hostname: String(jail.params["host.hostname"]), mounts };
  });
  if (!view) {
    out.err += `jexec: ${/^\d+$/.test(key) ? `jail ${key} not found` : `jail "${key}" not found`}\n`;
    return 1;
  }
  writeFd(fds.out, out.text);
  out.text = "";
  const res = spawnSync("bwrap", jailSandboxArgv(view, [SANDBOX_NODE, `${SANDBOX_LIB}/tools/run.js`, "sysrc", ...argv],
    { PATH: "/sbin:/bin:/usr/sbin:/usr/bin" }, "/"), { stdio: [fds.in, fds.out, fds.err] });
  return res.status ?? 1;
}
