import { readFileSync } from "node:fs";
import type { Command } from "../../provider/src/core/command.ts";
import { parseIfconfig } from "../../provider/src/freebsd/ifconfig-output.ts";
import { isNetifVar } from "../../provider/src/freebsd/netif-conf.ts";
import { parseSysrcAll } from "../../provider/src/freebsd/sysrc.ts";
import type { HostParts } from "./host-view.ts";

// A host for the network plan tables (the fixtures of test/fixtures/net: lan0 holding em0 and weba,
// the epair web, their rc.conf), and commands in a form a table can read.

const fixture = (name: string) => readFileSync(new URL(`../fixtures/net/${name}`, import.meta.url), "utf8").replace(/^(#.*\n)+/, "");

export const bridgeUrn = "urn:pulumi:test::proj::freebsd:network:Bridge::lan";
export const epairUrn = "urn:pulumi:test::proj::freebsd:network:Epair::web";

/** The fixture host: its interfaces and network variables, markers for lan0 and weba. */
export function networkHost(over: Partial<HostParts> = {}): HostParts {
  const netif = new Map([...parseSysrcAll(fixture("sysrc-a-e.txt"))].filter(([n]) => isNetifVar(n)));
  return {
    host: "h",
    interfaces: parseIfconfig(fixture("ifconfig-a.txt")),
    netif,
    markers: new Map([["lan0", bridgeUrn], ["weba", epairUrn]]),
    vnets: [],
    ...over,
  };
}

/** A command as a table reads it: the lock and fixed scripts named, their arguments kept. */
export function shown(cmd: Command): string[] {
  const inner = cmd.argv[0] === "lockf" ? cmd.argv.slice(5) : [...cmd.argv];
  const locked = cmd.argv[0] === "lockf" ? ["(locked)"] : [];
  if (inner[0] !== "/bin/sh" || inner[1] !== "-c") return [...locked, ...inner];
  const script = inner[2]!;
  if (script.includes("got=$(sysrc -e $names")) return [...locked, "sysrc-checked", ...inner.slice(4)];
  if (script.includes("var=$1 op=$2 m=$3")) return [...locked, "member-edit", ...inner.slice(4)];
  if (script.includes("mktemp")) return [...locked, "write-file", inner[5]!, inner[4]!, cmd.stdin ?? ""];
  if (script.includes("ifconfig bridge create")) return ["create-bridge", ...inner.slice(4)];
  if (script.includes("ifconfig epair create")) return ["create-epair", ...inner.slice(4)];
  return [...locked, "sh", ...inner.slice(4)];
}

/** Commands as a table reads them. */
export const shownAll = (cmds: readonly Command[]) => cmds.map(shown);
