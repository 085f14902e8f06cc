// sysrc(8) (usr.sbin/sysrc/sysrc and bsdconfig's sysrc.subr): query, set, append/remove list items,
// delete (-x), check (-c), list (-a/-A) rc.conf(5) variables, with its output forms (`name: value`,
// `name: old -> new`, -n, -e `name="value"`, -N, -v, -F) and errors. Runs inside the host sandbox;
// values come from sourcing the files with sh (rc-vars.ts); edits follow f_sysrc_set/f_sysrc_delete.

import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readAllRcVars, readRcVars, RC_DEFAULTS, shSyntaxOk, type RcReadOptions } from "./rc-vars.ts";
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

function rcFiles(o: Opts): string[] {
  const files = o.rcConfs ?? readRcVars(["rc_conf_files"]).get("rc_conf_files") ?? "";
  return files.split(/[ \t\n]+/).filter(Boolean);
}

function readOpts(o: Opts): RcReadOptions {
  return o.rcConfs !== undefined ? { rcConfs: o.rcConfs } : {};
}

/** f_sysrc_find: the file holding the effective last assignment (defaults last), if any. */
function sysrcFind(o: Opts, name: string): string | undefined {
  const varname = /^[0-9A-Za-z_]*/.exec(name)![0];
  if (varname === "" || /^[0-9]/.test(varname)) return undefined;
  const re = new RegExp(`^[ \\t]*${varname}=`, "m");
  for (const file of [...rcFiles(o).reverse(), RC_DEFAULTS]) {
    try {
      if (statSync(file).isFile() && re.test(readFileSync(file, "utf8"))) return file;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** f_sysrc_get: the value, or undefined when the variable is set nowhere (defaults included). */
function sysrcGet(o: Opts, name: string): string | undefined {
  if (!existsSync(RC_DEFAULTS) || /^[0-9]/.test(name) || name === "") return undefined;
  const value = readRcVars([name], readOpts(o)).get(name);
  return value === undefined ? undefined : value.replace(/\n+$/, "");
}

/** The value part of an assignment line, rewritten to the new value as f_sysrc_set's awk does. */
function rewriteLine(line: string, name: string, value: string): string | undefined {
  const m = new RegExp(`^[ \\t]*${name}=`).exec(line)!;
  const head = m[0];
  let rest = line.slice(head.length);
  let t1 = rest.slice(0, 1);
  let t2 = t1;
  if (/[`$\\]/.test(t1)) return undefined;
  if (t1 === "'") {
    rest = rest.replace(/^'[^']*/, "");
    if (rest.length === 0) t2 = "";
    rest = rest.replace(/^'/, "");
  } else if (t1 === '"') {
    rest = rest.replace(/^"(.*\\\\+")*[^"]*/, "");
    if (rest.length === 0) t2 = "";
    rest = rest.replace(/^"/, "");
  } else if (/[^ \t;]/.test(t1)) {
    t1 = t2 = '"';
    rest = rest.replace(/^[^ \t]*/, "");
  } else if (/[ \t;]/.test(t1)) {
    t1 = t2 = '"';
  }
  return `${head}${t1}${value}${t2}${rest}`;
}

/** f_sysrc_set: edits the last assignment in place, or appends to the first rc.conf file. */
function sysrcSet(o: Opts, name: string, value: string): boolean {
  let file = sysrcFind(o, name);
  if (file === RC_DEFAULTS || file === undefined) {
    const first = rcFiles(o)[0];
    if (!first) return false;
    appendFileSync(first, `${name}="${value}"\n`);
    return true;
  }
  // Why: sysrc rewrites via `tail -r | awk | tail -r` through $(...), which leaves one final newline.
  const lines = readFileSync(file, "utf8").replace(/\n+$/, "").split("\n");
  const re = new RegExp(`^[ \\t]*${name}=`);
  let changed = false;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!re.test(lines[i]!)) continue;
    const next = rewriteLine(lines[i]!, name, value);
    if (next !== undefined) {
      lines[i] = next;
      changed = true;
    }
    break;
  }
  if (!changed) lines.push(`${name}="${value}"`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  file = undefined;
  return true;
}

/** f_sysrc_delete: removes every assignment from each of the files. */
function sysrcDelete(o: Opts, name: string): boolean {
  const re = new RegExp(`^[ \\t]*${name}=`);
  for (const file of rcFiles(o)) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8");
    const kept = text.split("\n").filter((l) => !re.test(l));
    if (kept.length !== text.split("\n").length) writeFileSync(file, kept.join("\n"));
  }
  return true;
}

/** f_sysrc_desc: the comment after the variable's default in /etc/defaults/rc.conf. */
function sysrcDesc(name: string): string {
  if (!existsSync(RC_DEFAULTS)) return "";
  const lines = readFileSync(RC_DEFAULTS, "utf8").split("\n");
  const at = lines.findIndex((l) => new RegExp(`^[ \\t]*${name}=`).test(l));
  if (at < 0) return "";
  let buf = lines[at]!.replace(/^[^#]*(#[ \t]*)?/, "");
  for (const l of lines.slice(at + 1)) {
    if (!/^[ \t]*#/.test(l) || /^[ \t]*#?[A-Za-z_][A-Za-z0-9_]*=/.test(l) || /^[ \t]*$/.test(l)) break;
    buf += ` ${l.replace(/(.*#)*[ \t]*/, "")}`;
  }
  return buf.trim();
}

function listItems(before: string, words: string, mode: "APPEND" | "REMOVE"): string {
  const first = words.slice(0, 1);
  const custom = first !== "" && !/[ \t\nA-Za-z0-9]/.test(first);
  const delim = custom ? first : " ";
  const split = (s: string): string[] => (custom ? s.split(delim) : s.split(/[ \t\n]+/)).filter((x) => x !== "");
  if (mode === "APPEND") {
    let next = before;
    for (const a of split(words)) if (!split(before).includes(a)) next += delim + a;
    return next.startsWith(delim) ? next.slice(delim.length) : next;
  }
  const remove = split(words);
  return split(before).filter((b) => !remove.includes(b)).join(delim);
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
      // Why: sysrc reports unknown variables with echo, i.e. on standard output.
      if (!o.ignoreUnknowns && !o.quiet) out.text += `${PGM}: unknown variable '${name}'\n`;
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
