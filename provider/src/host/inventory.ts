import { randomBytes } from "node:crypto";
import type { Command } from "../core/command.ts";
import { zfsGetAll, zfsListSnapshots, zpoolList } from "../freebsd/zfs-commands.ts";
import {
  parseSnapshotList, parseZfsGet, parseZpoolList,
  type DatasetRecord, type PoolRecord, type SnapshotRecord,
} from "../freebsd/zfs-output.ts";
import { quoteArgv } from "./quote.ts";

// The per-host inventory: everything the provider manages on a host, gathered by ONE exec that
// runs every section's command in turn, so a refresh costs one round trip however many resources.

/** Everything read from one host in one batch. */
export interface Inventory {
  host: string;
  pools: PoolRecord[];
  datasets: Map<string, DatasetRecord>;
  snapshots: Map<string, SnapshotRecord>;
}

/** A section of the batch: one command and the parser of its output. */
interface Section<K extends keyof Inventory> {
  key: K;
  command: Command;
  parse: (stdout: string) => Inventory[K];
}

const sections = [
  { key: "pools", command: zpoolList(), parse: parseZpoolList } satisfies Section<"pools">,
  { key: "datasets", command: zfsGetAll(), parse: parseZfsGet } satisfies Section<"datasets">,
  { key: "snapshots", command: zfsListSnapshots(), parse: parseSnapshotList } satisfies Section<"snapshots">,
];

/** A batch script and the token that marks its sections. */
export interface InventoryScript {
  token: string;
  script: string;
}

/** Builds the one shell script that prints every section between markers, with its exit status. */
export function buildInventoryScript(token = randomBytes(8).toString("hex")): InventoryScript {
  const parts = sections.map(
    (s) => `echo '@@${token} begin ${s.key}'; ${quoteArgv(s.command.argv)}; echo "@@${token} end ${s.key} $?"`,
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
  for (const section of sections) {
    const begin = `@@${token} begin ${section.key}\n`;
    const endPrefix = `@@${token} end ${section.key} `;
    const start = stdout.indexOf(begin);
    const end = stdout.indexOf(endPrefix, start);
    if (start < 0 || end < 0) throw new Error(`${host}: the inventory output lacks its ${section.key} section`);
    const status = Number.parseInt(stdout.slice(end + endPrefix.length), 10);
    if (status !== 0) throw new InventorySectionError(host, section.command, status, stderr);
    const body = stdout.slice(start + begin.length, end);
    Object.assign(inventory, { [section.key]: section.parse(body) });
  }
  return inventory as Inventory;
}
