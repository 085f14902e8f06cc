import { randomBytes } from "node:crypto";
import type { Command } from "../core/command.ts";
import { catFiles, parseCatFiles } from "../freebsd/files.ts";
import { parseJailParamNames, sysctlJailParams } from "../freebsd/jail-commands.ts";
import { jlsAll, parseJls, type JlsJail } from "../freebsd/jls.ts";
import { parseSysrcAssignments, sysrcShow } from "../freebsd/sysrc.ts";
import { zfsGetAll, zfsListSnapshots, zpoolList } from "../freebsd/zfs-commands.ts";
import {
  parseSnapshotList, parseZfsGet, parseZpoolList,
  type DatasetRecord, type PoolRecord, type SnapshotRecord,
} from "../freebsd/zfs-output.ts";
import { quoteArgv } from "./quote.ts";

// The per-host inventory: everything the provider manages on a host, gathered by ONE exec that
// runs every section's command in turn, so a refresh costs one round trip however many resources.

/**
 * Files the jail resource reads: every file rc.d/jail may take a jail's definition from (parse_options:
 * /etc/jail.NAME.conf first, then /etc/jail.conf.d/NAME.conf, then /etc/jail.conf).
 */
export const jailConfFiles = ["/etc/jail.conf", "/etc/jail.*.conf", "/etc/jail.conf.d/*.conf"] as const;

/** Everything read from one host in one batch. */
export interface Inventory {
  host: string;
  pools: PoolRecord[];
  datasets: Map<string, DatasetRecord>;
  snapshots: Map<string, SnapshotRecord>;
  /** Running jails as jls reports them. */
  jails: JlsJail[];
  /** /etc/jail.conf, /etc/jail.*.conf and /etc/jail.conf.d/*.conf by path, byte for byte. */
  files: Map<string, string>;
  /** The rc.conf variables jails start by (jail_enable, jail_list), as rc reads them. */
  rc: Map<string, string>;
  /** Names of the jail parameters this host's kernel has (`sysctl -N security.jail.param`). */
  jailParams: Set<string>;
}

/** A section of the batch: one command and the parser of its output. */
interface Section<K extends keyof Inventory> {
  key: K;
  command: (token: string) => Command;
  parse: (stdout: string, token: string) => Inventory[K];
}

const section = <K extends keyof Inventory>(s: Section<K>) => s;

const sections = [
  section({ key: "pools", command: zpoolList, parse: parseZpoolList }),
  section({ key: "datasets", command: zfsGetAll, parse: parseZfsGet }),
  section({ key: "snapshots", command: zfsListSnapshots, parse: parseSnapshotList }),
  section({ key: "jails", command: () => jlsAll(), parse: parseJls }),
  section({ key: "files", command: (token) => catFiles(token, jailConfFiles), parse: (out, token) => parseCatFiles(token, out) }),
  section({ key: "rc", command: () => sysrcShow(["jail_enable", "jail_list"]), parse: parseSysrcAssignments }),
  section({
    key: "jailParams",
    command: sysctlJailParams,
    parse: (out) => new Set(parseJailParamNames(out).map((p) => p.name)),
  }),
];

/** A batch script and the token that marks its sections. */
export interface InventoryScript {
  token: string;
  script: string;
}

/** Builds the one shell script that prints every section between markers, with its exit status. */
export function buildInventoryScript(token = randomBytes(8).toString("hex")): InventoryScript {
  const parts = sections.map(
    (s) => `echo '@@${token} begin ${s.key}'; ${quoteArgv(s.command(token).argv)}; echo "@@${token} end ${s.key} $?"`,
  );
  return { token, script: parts.join("\n") };
}

/** A section failed on the host; carries its command, status and the batch's stderr. */
export class InventorySectionError extends Error {
  readonly command: Command;
  readonly exitCode: number;
  constructor(host: string, cmd: Command, exitCode: number, stderr: string) {
    super(`${host}: inventory command \`${cmd.argv.join(" ")}\` exited ${exitCode}: ${stderr.trim() || "(no stderr)"}`);
    this.name = "InventorySectionError";
    this.command = cmd;
    this.exitCode = exitCode;
  }
}

/** Splits the batch's stdout into sections and parses each. */
export function parseInventory(host: string, token: string, stdout: string, stderr: string): Inventory {
  const inventory: Partial<Inventory> = { host };
  for (const s of sections) {
    const begin = `@@${token} begin ${s.key}\n`;
    const endPrefix = `@@${token} end ${s.key} `;
    const start = stdout.indexOf(begin);
    const end = stdout.indexOf(endPrefix, start);
    if (start < 0 || end < 0) throw new Error(`${host}: the inventory output lacks its ${s.key} section`);
    const status = Number.parseInt(stdout.slice(end + endPrefix.length), 10);
    if (status !== 0) throw new InventorySectionError(host, s.command(token), status, stderr);
    Object.assign(inventory, { [s.key]: s.parse(stdout.slice(start + begin.length, end), token) });
  }
  return inventory as Inventory;
}
