// jls(8) of FreeBSD 14.3 (usr.sbin/jls/jls.c with libxo): the default table, -N, -v, parameter
// mode (-h, -n, -q, -s, `all`), -j JID|NAME, and --libxo json output.

import { getopt } from "../core/getopt.ts";
import { addNo, allParamsSorted, lookupParam, stripNo, type ParamRef } from "./params.ts";
import { exportValue, SYS_NEW, type JailValue } from "./values.ts";
import { jailsOf, type JailRecord } from "./model.ts";
import { parseXoArgs, XoEmitter } from "./libxo.ts";
import { callerJid } from "../core/caller.ts";
import type { KernelState } from "../core/types.ts";

export interface ToolOutput {
  code: number;
  stdout: string;
  stderr: string;
}

const PRINT_DEFAULT = 1, PRINT_HEADER = 2, PRINT_NAMEVAL = 4, PRINT_QUOTED = 8, PRINT_SKIP = 16,
  PRINT_VERBOSE = 32, PRINT_JAIL_NAME = 64;

interface Wanted {
  ref: ParamRef;
  name: string;
  /** Index of the jailsys parent for -s (host for host.hostname), if it is one. */
  parent?: ParamRef;
}

const pad = (s: string, w: number): string => s.padEnd(w);
const cut = (s: string, w: number): string => s.slice(0, w);

function valueOf(jail: JailRecord, w: ParamRef): JailValue {
  const v = jail.params[w.def.name] ?? "";
  return w.negated && typeof v === "number" ? (v ? 0 : 1) : v;
}

function printParams(xo: XoEmitter, jail: JailRecord, wanted: Wanted[], pflags: number): void {
  let spc = false;
  for (const w of wanted) {
    const { def } = w.ref;
    // Why: -s skips read-only parameters and those under a jailsys parent that is not "new".
    if (pflags & PRINT_SKIP && (def.access === "rd" || (w.parent && valueOf(jail, w.parent) !== SYS_NEW))) continue;
    if (spc) xo.show(" ");
    spc = true;
    const value = valueOf(jail, w.ref);
    if (pflags & PRINT_NAMEVAL && def.kind === "bool") {
      const on = value !== 0;
      const shown = on ? w.name : w.ref.negated ? stripNo(w.name)! : addNo(w.name);
      // Why: jls emits {en:NAME/true} for any JP_NOBOOL name, true or not (print_jail).
      xo.field(w.name, shown, w.ref.negated ? true : on);
      continue;
    }
    if (pflags & PRINT_NAMEVAL) xo.show(`${w.name}=`);
    const isIp = def.kind === "ip4" || def.kind === "ip6";
    if (xo.style.json && isIp) {
      xo.field(w.name, "", value as string[]);
      continue;
    }
    if (isIp && (value as string[]).length === 0) {
      if (pflags & PRINT_QUOTED) xo.show('""');
      else if (!(pflags & PRINT_NAMEVAL)) xo.show("-");
      continue;
    }
    const text = exportValue(def, value);
    if (text === "") {
      xo.field(w.name, '""', "");
      continue;
    }
    const qc = text.includes("'") ? '"' : text.includes('"') ? "'" : text.includes(" ") || text.includes("\t") ? '"' : "";
    const q = pflags & PRINT_QUOTED ? qc : "";
    xo.field(w.name, `${q}${text}${q}`, text);
  }
  xo.show("\n");
}

function printJail(xo: XoEmitter, jail: JailRecord, wanted: Wanted[], pflags: number): void {
  const p = jail.params;
  xo.open("instance", "jail");
  if (pflags & PRINT_VERBOSE) {
    const host = String(p["host.hostname"]);
    const path = String(p["path"]);
    const name = String(p["name"]);
    xo.field("jid", String(jail.jid).padStart(6), jail.jid);
    xo.show("  ");
    xo.field("hostname", pad(cut(host, 29), 29), host);
    xo.show(" ");
    xo.field("path", cut(path, 74), path);
    xo.show("\n        ");
    xo.field("name", pad(cut(name, 29), 29), name);
    xo.show(" ");
    xo.field("state", p["dying"] ? "DYING" : "ACTIVE", p["dying"] ? "DYING" : "ACTIVE");
    xo.show("\n        ");
    xo.field("cpusetid", String(p["cpuset.id"]), Number(p["cpuset.id"]));
    xo.show("\n");
    for (const [key, list] of [["ipv4_addrs", p["ip4.addr"]], ["ipv6_addrs", p["ip6.addr"]]] as const) {
      const addrs = list as string[];
      xo.field(key, addrs.map((a) => `        ${a}\n`).join(""), addrs);
    }
  } else if (pflags & PRINT_DEFAULT) {
    if (pflags & PRINT_JAIL_NAME) {
      xo.show(" ");
      xo.field("name", pad(String(p["name"]), 15), String(p["name"]));
      xo.show(" ");
    } else {
      xo.field("jid", String(jail.jid).padStart(6), jail.jid);
      xo.show("  ");
    }
    const ip = (p["ip4.addr"] as string[])[0] ?? "";
    const host = String(p["host.hostname"]);
    const path = String(p["path"]);
    xo.field("ipv4", pad(cut(ip, 15), 15), ip);
    xo.show(" ");
    xo.field("hostname", pad(cut(host, 29), 29), host);
    xo.show(" ");
    xo.field("path", cut(path, 74), path);
    xo.show("\n");
  } else {
    printParams(xo, jail, wanted, pflags);
  }
  xo.close();
}

/** Runs `jls argv...` against the kernel model. */
export function jlsMain(argv: string[], kernel: KernelState): ToolOutput {
  const xoArgs = parseXoArgs(["jls", ...argv]);
  const xo = new XoEmitter(xoArgs.style, "2");
  let stderr = "";
  const die = (msg: string): ToolOutput => ({ code: 1, stdout: xo.style.json ? "" : xo.finish(), stderr: `${stderr}jls: ${msg}\n` });
  let pflags = 0;
  let jid = 0;
  let jname: string | undefined;
  const { opts, rest } = getopt(xoArgs.rest.slice(1), "adj:hNnqsv");
  for (const o of opts) {
    switch (o.opt) {
      case "a": case "d": break;
      case "j": {
        const n = /^\d+$/.test(o.arg!) ? Number(o.arg) : 0;
        if (n) jid = n;
        else jname = o.arg;
        break;
      }
      case "h": pflags = (pflags & ~(PRINT_SKIP | PRINT_VERBOSE)) | PRINT_HEADER; break;
      case "N": pflags |= PRINT_JAIL_NAME; break;
      case "n": pflags = (pflags & ~PRINT_VERBOSE) | PRINT_NAMEVAL; break;
      case "q": pflags |= PRINT_QUOTED; break;
      case "s": pflags = (pflags & ~(PRINT_HEADER | PRINT_VERBOSE)) | PRINT_NAMEVAL | PRINT_QUOTED | PRINT_SKIP; break;
      case "v": pflags = (pflags & ~(PRINT_HEADER | PRINT_NAMEVAL | PRINT_SKIP)) | PRINT_VERBOSE; break;
      default:
        stderr += `jls: illegal option -- ${o.optopt}\n`;
        return die("usage: jls [-dhNnqv] [-j jail] [param ...]");
    }
  }
  const wanted: Wanted[] = [];
  const add = (name: string): string | undefined => {
    if (name === "all") {
      for (const def of allParamsSorted()) if (!wanted.some((w) => w.name === def.name)) wanted.push({ ref: { def, negated: false }, name: def.name });
      return undefined;
    }
    const ref = lookupParam(name);
    if (!ref) return `unknown parameter: ${name}`;
    if (!wanted.some((w) => w.name === name)) wanted.push({ ref, name });
    return undefined;
  };
  if (rest.length === 0) {
    if (pflags & (PRINT_HEADER | PRINT_NAMEVAL)) add("all");
    else if (!(pflags & PRINT_VERBOSE)) pflags |= PRINT_DEFAULT;
  } else {
    pflags &= ~PRINT_VERBOSE;
    for (const name of rest) {
      const e = add(name);
      if (e) return die(e);
    }
  }
  if (pflags & PRINT_SKIP) {
    for (const w of wanted) {
      const dot = w.name.indexOf(".");
      const parent = dot < 0 ? undefined : lookupParam(w.name.slice(0, dot));
      if (parent && parent.def.kind === "jailsys") w.parent = parent;
    }
  }
  if (pflags & PRINT_VERBOSE) {
    xo.show("   JID  Hostname                      Path\n        Name                          State\n"
      + "        CPUSetID\n        IP Address(es)\n");
  } else if (pflags & PRINT_DEFAULT) {
    xo.show(pflags & PRINT_JAIL_NAME ? ` ${pad("JID", 15)} ${pad("IP Address", 15)} ${pad("Hostname", 29)} Path\n`
      : "   JID  IP Address      Hostname                      Path\n");
  } else if (pflags & PRINT_HEADER) {
    xo.show(`${wanted.map((w) => w.name).join(" ")}\n`);
  }
  // Why: inside a jail only its child jails are visible, and simulated jails have none.
  const visible = callerJid() ? [] : jailsOf(kernel);
  xo.open("container", "jail-information");
  xo.open("list", "jail");
  if (jid || jname !== undefined) {
    const jail = visible.find((j) => (jid ? j.jid === jid : j.params["name"] === jname));
    if (!jail) return die(jid ? `jail ${jid} not found` : `jail "${jname}" not found`);
    printJail(xo, jail, wanted, pflags);
  } else {
    for (const jail of visible) printJail(xo, jail, wanted, pflags);
  }
  xo.close();
  xo.close();
  return { code: 0, stdout: xo.finish(), stderr };
}
