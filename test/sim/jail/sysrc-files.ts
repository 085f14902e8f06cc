// sysrc's file side (bsdconfig's sysrc.subr): finding the file with a variable's last assignment,
// reading values by sourcing with sh, setting in place (f_sysrc_set's awk: quotes and trailing
// comments kept, otherwise appended to the first rc.conf file), deleting, describing from the
// defaults' comments, and the list arithmetic of `+=`/`-=`.

import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readRcVars, RC_DEFAULTS, type RcReadOptions } from "../core/rc-conf.ts";

/** The files sysrc works on: RC_CONFS (-f), else rc_conf_files. */
export interface SysrcFiles {
  rcConfs?: string;
}

/** rc_conf_files (or the -f files) as a list. */
export function rcFiles(o: SysrcFiles): string[] {
  const files = o.rcConfs ?? readRcVars(["rc_conf_files"], { how: "sysrc" }).get("rc_conf_files") ?? "";
  return files.split(/[ \t\n]+/).filter(Boolean);
}

/** The sourcing options for sh. */
export function readOpts(o: SysrcFiles): RcReadOptions {
  return o.rcConfs !== undefined ? { how: "sysrc", rcConfs: o.rcConfs } : { how: "sysrc" };
}

/** f_sysrc_find: the file holding the effective last assignment (defaults last), if any. */
export function sysrcFind(o: SysrcFiles, name: string): string | undefined {
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
export function sysrcGet(o: SysrcFiles, name: string): string | undefined {
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
export function sysrcSet(o: SysrcFiles, name: string, value: string): boolean {
  const file = sysrcFind(o, name);
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
  return true;
}

/** f_sysrc_delete: removes every assignment from each of the files. */
export function sysrcDelete(o: SysrcFiles, name: string): boolean {
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
export function sysrcDesc(name: string): string {
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

/** `+=` adds missing items, `-=` removes them; a leading non-alphanumeric character is the separator. */
export function listItems(before: string, words: string, mode: "APPEND" | "REMOVE"): string {
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
