// freebsd-version(1) and uname(1) as FreeBSD 14.3 prints them. freebsd-version is a sh script on
// FreeBSD (its options are sh getopts, not libc getopt), so it keeps its own loop.

import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { getopt, getoptMessage } from "../core/getopt.ts";
import type { HostInfo } from "../core/types.ts";
import type { ToolIo } from "./sysctl.ts";

/** freebsd-version [-kru] [-j jail]: lines always in the order k, r, u, j; default -u. */
export function freebsdVersionMain(io: ToolIo, argv: string[], host: HostInfo, kernelFile: string): number {
  const want = new Set<string>();
  const jails: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-") {
      io.err.push("usage: freebsd-version [-kru] [-j jail]\n");
      return 1;
    }
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j]!;
      if ("kru".includes(c)) want.add(c);
      else if (c === "j") {
        const rest = arg.slice(j + 1) || argv[++i];
        if (!rest) {
          io.err.push("usage: freebsd-version [-kru] [-j jail]\n");
          return 1;
        }
        jails.push(rest);
        break;
      } else {
        io.err.push("usage: freebsd-version [-kru] [-j jail]\n");
        return 1;
      }
    }
  }
  if (want.size === 0 && jails.length === 0) want.add("u");
  if (want.has("k")) {
    const m = existsSync(kernelFile) ? /@\(#\)FreeBSD (\S+)/.exec(readFileSync(kernelFile, "latin1")) : null;
    if (!m) {
      io.err.push("freebsd-version: unable to locate kernel\n");
      return 1;
    }
    io.out.push(`${m[1]}\n`);
  }
  if (want.has("r")) io.out.push(`${host.osrelease}\n`);
  if (want.has("u")) io.out.push(`${host.osrelease}\n`);
  for (const jail of jails) {
    io.err.push(`jexec: jail "${jail}" not found\n`);
    return 1;
  }
  return 0;
}

/** uname [-abiKmnoprsUv]: selected fields in FreeBSD's fixed order, space separated; each field can be
 * overridden with UNAME_<letter> in the environment (usr.bin/uname/uname.c CHECK_ENV). */
export function unameMain(io: ToolIo, argv: string[], host: HostInfo, env: NodeJS.ProcessEnv = process.env): number {
  const flags = new Set<string>();
  // getopt(3) with "abiKmnoprsUv"; any operand left is a usage error (usr.bin/uname/uname.c).
  const { opts, rest } = getopt(argv, "abiKmnoprsUv");
  for (const o of opts) {
    if (o.opt === "?") {
      io.err.push(`${getoptMessage("uname", o)}usage: uname [-abiKmnoprsUv]\n`);
      return 1;
    }
    if (o.opt === "a") for (const f of "mnrsv") flags.add(f);
    else flags.add(o.opt === "o" ? "s" : o.opt);
  }
  if (rest.length > 0) {
    io.err.push("usage: uname [-abiKmnoprsUv]\n");
    return 1;
  }
  if (flags.size === 0) flags.add("s");
  const fields: [string, string][] = [
    ["s", "FreeBSD"], ["n", hostname()], ["r", host.osrelease], ["v", host.kernVersion], ["m", host.machine],
    ["p", host.machine], ["i", "GENERIC"], ["K", String(host.osreldate)], ["U", String(host.osreldate)],
    ["b", "e269af1b3c8b1d2f"],
  ];
  io.out.push(`${fields.filter(([f]) => flags.has(f)).map(([f, v]) => env[`UNAME_${f}`] ?? v).join(" ")}\n`);
  return 0;
}
