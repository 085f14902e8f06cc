// ifconfig(8) of FreeBSD 14.3 (sbin/ifconfig/ifconfig.c main/args_parse): options, the special cases
// for `create` and `-vnet` on names that do not exist yet, configuring one interface, or listing.

import { getopt } from "../core/getopt.ts";
import { afByName, type AfName } from "./af-addr.ts";
import { applyWords } from "./apply.ts";
import { CLONERS } from "./cloners.ts";
import { listInterfaces, printGroup } from "./listing.ts";
import { errx, IfconfigExit, warnx, type Io, type NetEnv, type Session } from "./session.ts";
import { findIface } from "./state.ts";
import type { Formats } from "./status.ts";
import { IFF_UP, ifFlags } from "./flags.ts";

const OPTIONS = ":G:adf:klmnuvLCg:";

const USAGE = "usage: ifconfig [-f type:format] [-L] [-C] [-g groupname] interface address_family\n"
  + "                [address [dest_address]] [parameters]\n"
  + "       ifconfig interface create\n"
  + "       ifconfig -a [-L] [-C] [-g groupname] [-d] [-m] [-u] [-v] [address_family]\n"
  + "       ifconfig -l [-d] [-u] [address_family]\n"
  + "       ifconfig [-L] [-C] [-g groupname] [-d] [-m] [-u] [-v]\n";

function usage(s: Session): never {
  s.io.err.push(USAGE);
  throw new IfconfigExit(1);
}

function setFormats(s: Session, formats: Formats, spec: string): void {
  for (const category of spec.split(",")) {
    const colon = category.indexOf(":");
    if (colon < 0 || colon === category.length - 1) {
      // The format string itself ends in "\n", so warnx prints an empty line after it.
      warnx(s, `Skipping invalid format specification: ${category}\n`);
      continue;
    }
    const [name, value] = [category.slice(0, colon), category.slice(colon + 1)];
    if (name === "inet") formats.inet = value;
    else if (name === "inet6") formats.inet6 = value;
  }
}

interface Parsed {
  all: boolean;
  namesOnly: boolean;
  upOnly: boolean;
  downOnly: boolean;
  supmedia: boolean;
  matchGroup?: string;
  noGroup?: string;
  formats: Formats;
  rest: string[];
}

function parseArgs(s: Session, argv: string[]): Parsed {
  const p: Parsed = { all: false, namesOnly: false, upOnly: false, downOnly: false, supmedia: false, formats: {},
    rest: [] };
  const { opts, rest } = getopt(argv, OPTIONS);
  for (const o of opts) {
    if (o.opt === "?") {
      s.io.err.push(`ifconfig: illegal option -- ${o.optopt}\n`);
      usage(s);
    }
    if (o.opt === ":") {
      s.io.err.push(`ifconfig: option requires an argument -- ${o.optopt}\n`);
      usage(s);
    }
    if (o.opt === "a") p.all = true;
    else if (o.opt === "d") p.downOnly = true;
    else if (o.opt === "u") p.upOnly = true;
    else if (o.opt === "l") p.namesOnly = true;
    else if (o.opt === "m") p.supmedia = true;
    else if (o.opt === "f") setFormats(s, p.formats, o.arg!);
    else if (o.opt === "G") {
      if (!p.all) usage(s);
      p.noGroup = o.arg;
    } else if (o.opt === "g") {
      // Without -a (so far), -g lists the group's members and exits (ifgroup.c printgroup).
      if (!p.all) {
        printGroup(s, o.arg!);
        throw new IfconfigExit(0);
      }
      p.matchGroup = o.arg;
    } else if (o.opt === "C") {
      s.io.out.push(CLONERS.map((c) => c.name).join(" ") + "\n");
      throw new IfconfigExit(0);
    }
  }
  if (p.namesOnly && (p.all || p.supmedia)) usage(s);
  if (p.upOnly && p.downOnly) usage(s);
  if (!p.namesOnly && rest.length < 1) p.all = true;
  p.rest = rest;
  return p;
}

function listAll(s: Session, p: Parsed): void {
  if (p.rest.length > 1) usage(s);
  let af: AfName | undefined;
  let ether = false;
  if (p.rest.length === 1) {
    af = afByName(p.rest[0]!);
    if (!af) {
      warnx(s, `Address family '${p.rest[0]}' unknown.`);
      usage(s);
    }
    ether = p.rest[0] === "ether";
  }
  listInterfaces(s, { namesOnly: p.namesOnly, upOnly: p.upOnly, downOnly: p.downOnly, matchGroup: p.matchGroup,
    noGroup: p.noGroup, af, ether, formats: p.formats });
}

function oneInterface(s: Session, p: Parsed): void {
  const [ifname, ...words] = p.rest as [string, ...string[]];
  s.ifname = ifname;
  const first = words[0];
  const isCreate = first === "create" || first === "plumb";
  if (!findIface(s.env.net, s.env.vnet, ifname)) {
    if (isCreate) {
      if (ifname.length >= 16) errx(s, `${ifname}: cloning name too long`);
      applyWords(s, words, true, undefined);
      return;
    }
    // `-vnet` names an interface that lives in another vnet, so it cannot be looked up here.
    if (first === "-vnet") {
      if (ifname.length >= 16) errx(s, `${ifname}: interface name too long`);
      applyWords(s, words, false, undefined);
      return;
    }
    errx(s, `interface ${ifname} does not exist`);
  }
  // An existing interface: a lone `create` is an error, otherwise `create` is skipped.
  if (isCreate) {
    if (words.length === 1) errx(s, `interface ${ifname} already exists`);
    words.shift();
  }
  let af: AfName | undefined;
  if (words.length > 0 && afByName(words[0]!)) af = afByName(words.shift()!);
  if (words.length > 0) {
    const ifp = findIface(s.env.net, s.env.vnet, ifname)!;
    const up = (ifFlags(ifp) & IFF_UP) !== 0;
    if (!((p.downOnly && up) || (p.upOnly && !up))) applyWords(s, words, false, af);
    return;
  }
  listInterfaces(s, { ifname, namesOnly: false, upOnly: p.upOnly, downOnly: p.downOnly, af,
    ether: p.rest[1] === "ether", formats: p.formats });
}

/** Runs ifconfig with argv (without the program name); returns the exit status and whether state changed. */
export function runIfconfig(env: NetEnv, io: Io, argv: string[]): { code: number; changed: boolean } {
  const s: Session = { env, io, ifname: "", changed: false };
  let code = 0;
  try {
    const p = parseArgs(s, argv);
    if (p.all || p.namesOnly) listAll(s, p);
    else oneInterface(s, p);
  } catch (e) {
    if (!(e instanceof IfconfigExit)) throw e;
    code = e.code;
  }
  // printifnamemaybe() runs from atexit(), so the new name is printed even after an error.
  if (s.printName) io.out.push(`${s.printName}\n`);
  return { code, changed: s.changed };
}

/** Whether an ifconfig command line only reads state (listings), so a shared lock is enough. */
export function ifconfigReadOnly(argv: string[]): boolean {
  const { opts, rest } = getopt(argv, OPTIONS);
  if (opts.some((o) => o.opt === "a" || o.opt === "l" || o.opt === "C" || o.opt === "g")) return true;
  if (rest.length <= 1) return true;
  return rest.length === 2 && afByName(rest[1]!) !== undefined;
}
