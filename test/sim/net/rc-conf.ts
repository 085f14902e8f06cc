// Reading rc.conf the way rc does: the files are sh(1) scripts sourced in order (defaults, then
// rc_conf_files, then /etc/rc.conf.d/<service>), so the last assignment wins and values may use
// quotes, escapes and ${var} expansion. Commands other than assignments are ignored.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** What /etc/defaults/rc.conf (14.x) sets for the knobs rc.d/netif reads, used when the file is absent. */
const DEFAULTS: Record<string, string> = {
  network_interfaces: "auto",
  cloned_interfaces: "",
  ipv6_network_interfaces: "auto",
  ipv6_activate_all_interfaces: "NO",
  rc_conf_files: "/etc/rc.conf /etc/rc.conf.local",
};

function expand(text: string, i: number, vars: Map<string, string>): { value: string; next: number } {
  // `$name` or `${name}` (also `${name:-word}` and `${name-word}`).
  if (text[i + 1] === "{") {
    const end = text.indexOf("}", i + 2);
    if (end < 0) return { value: "$", next: i + 1 };
    const inner = text.slice(i + 2, end);
    const m = /^(\w+)(:?-)?(.*)$/s.exec(inner);
    if (!m) return { value: "", next: end + 1 };
    const set = vars.get(m[1]!);
    const useDefault = m[2] === ":-" ? !set : m[2] === "-" ? set === undefined : false;
    return { value: useDefault ? m[3]! : set ?? "", next: end + 1 };
  }
  const m = /^\w+/.exec(text.slice(i + 1));
  if (!m) return { value: "$", next: i + 1 };
  return { value: vars.get(m[0]) ?? "", next: i + 1 + m[0].length };
}

/** Reads one shell word starting at i; returns its expanded value and where it ended. */
function readWord(text: string, start: number, vars: Map<string, string>): { word: string; next: number } {
  let word = "";
  let i = start;
  while (i < text.length && !/[\s;&|]/.test(text[i]!)) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && /[$`"\\\n]/.test(text[i + 1] ?? "")) {
          if (text[i + 1] !== "\n") word += text[i + 1];
          i += 2;
        } else if (text[i] === "$") {
          const e = expand(text, i, vars);
          word += e.value;
          i = e.next;
        } else word += text[i++];
      }
      i++;
    } else if (c === "\\") {
      if (text[i + 1] !== "\n") word += text[i + 1] ?? "";
      i += 2;
    } else if (c === "$") {
      const e = expand(text, i, vars);
      word += e.value;
      i = e.next;
    } else {
      word += c;
      i++;
    }
  }
  return { word, next: i };
}

/** Applies the variable assignments of a shell script to vars, in order. */
export function parseShellVars(text: string, vars: Map<string, string>): void {
  let i = 0;
  let commandStart = true;
  while (i < text.length) {
    const c = text[i]!;
    // `&&`, `||`, `|` and `&` end a command as `;` does (and a word never starts with them).
    if (c === "\n" || c === ";" || c === "&" || c === "|") {
      commandStart = true;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const name = /^([A-Za-z_]\w*)=/.exec(text.slice(i, i + 256));
    if (commandStart && name) {
      const { word, next } = readWord(text, i + name[0].length, vars);
      vars.set(name[1]!, word);
      i = next;
      continue;
    }
    // A command word: the rest of the command is not an assignment.
    commandStart = false;
    i = readWord(text, i, vars).next;
  }
}

function sourceFile(path: string, vars: Map<string, string>): void {
  try {
    if (statSync(path).isFile()) parseShellVars(readFileSync(path, "utf8"), vars);
  } catch {
    // rc skips files that do not exist or cannot be read.
  }
}

/** The rc.conf variables a service sees (load_rc_config): defaults, rc_conf_files, rc.conf.d/<service>. */
export function readRcConf(root: string, service = "netif"): Map<string, string> {
  const vars = new Map(Object.entries(DEFAULTS));
  sourceFile(join(root, "etc/defaults/rc.conf"), vars);
  for (const file of (vars.get("rc_conf_files") ?? "").split(/\s+/).filter(Boolean)) sourceFile(join(root, file), vars);
  const dir = join(root, "etc/rc.conf.d", service);
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const entry of readdirSync(dir).sort()) sourceFile(join(dir, entry), vars);
  } else {
    sourceFile(dir, vars);
  }
  return vars;
}
