import { createHash, randomBytes } from "node:crypto";
import type { Command } from "../../core/command.ts";
import type { Props } from "../contract.ts";
import { catFiles, parseCatFiles } from "../../freebsd/files.ts";
import { ValidationError } from "../../core/errors.ts";
import { checkJailName } from "../../freebsd/jail-checks.ts";
import { jexec } from "../../freebsd/jail-commands.ts";
import { quoteArg } from "../../host/quote.ts";
import type { CommandInputs } from "./schema.ts";

// How a freebsd:jail:Command script runs: a fixed wrapper on the host runs `jexec -l JAIL /bin/sh -s`
// with the environment and the script on standard input (never in a command line that is logged or
// shown in the host's process list), and records the run under a directory keyed by the resource's
// URN: the hash of the inputs, then stdout, stderr and, last, the exit status. A run whose status
// was lost (a dropped connection) is recovered from that record instead of being run again.

/** Where the run records live on the host. */
const recordRoot = "/var/db/pulumi-freebsd/commands";

/** The record directory of a resource: its URN hashed, so the path is fixed-form hex. */
export function recordDir(urn: string): string {
  return `${recordRoot}/${createHash("sha256").update(urn).digest("hex")}`;
}

/** A value with every object's keys sorted, so equal inputs serialise alike whatever their key order. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Props)[k])]));
  }
  return v;
}

/** The inputs that decide a run; `delete` changes in place without one, so it is not among them. */
const runKeys = ["jail", "create", "update", "environment", "triggers"] as const;

/** The hash that says which inputs a record's run was made for. */
export function inputsHash(inputs: CommandInputs): string {
  const picked = Object.fromEntries(runKeys.map((k) => [k, (inputs as Props)[k] ?? null]));
  return createHash("sha256").update(JSON.stringify(canonical(picked))).digest("hex");
}

// $1 the record directory, $2 the inputs hash, $3 the jail, $4 its jid. SIGHUP is ignored so that a connection
// that goes away does not stop the run before its status is recorded; the status is written last,
// atomically, so a record with a status is a finished run.
const wrapper = [
  "trap '' HUP",
  "umask 077",
  'd=$1',
  'mkdir -p "$d" || exit 125',
  'rm -f "$d/status"',
  'printf \'%s\\n\' "$2" > "$d/inputs"',
  'printf \'%s\\n\' "$4" > "$d/jid"',
  'jexec -l "$3" /bin/sh -s > "$d/stdout" 2> "$d/stderr"',
  "s=$?",
  'printf \'%s\\n\' "$s" > "$d/status.tmp" && mv -f "$d/status.tmp" "$d/status"',
  'cat "$d/stdout"',
  'cat "$d/stderr" >&2',
  'exit "$s"',
].join("\n");

/** What `sh -s` reads: the variables exported, then the script, run by eval with its stdin closed. */
export function scriptText(environment: Record<string, string>, script: string): string {
  const exports = Object.entries(environment).map(([k, v]) => `export ${k}=${quoteArg(v)}\n`);
  // The script is a variable's value: the shell reading stdin parses it whole, and a command in it
  // that reads stdin gets /dev/null rather than the rest of the script.
  return `${exports.join("")}__pulumi_freebsd_script=${quoteArg(script)}\neval "$__pulumi_freebsd_script" </dev/null\n`;
}

/** The wrapped run of `script` in the jail (running as `jid`), recorded under `dir` for `hash`. */
export function recordedRun(dir: string, hash: string, inputs: CommandInputs, jid: number, script: string): Command {
  const rule = checkJailName(inputs.jail);
  if (rule) throw new ValidationError("jail", rule);
  if (!Number.isSafeInteger(jid) || jid < 1) throw new ValidationError("jid", "must be a positive whole number");
  return { argv: ["/bin/sh", "-c", wrapper, "sh", dir, hash, inputs.jail, String(jid)], stdin: scriptText(inputs.environment, script) };
}

/** A plain run in the jail without a record (the delete script). */
export function plainRun(inputs: CommandInputs, script: string): Command {
  return { ...jexec(inputs.jail, ["/bin/sh", "-s"], { clean: true }), stdin: scriptText(inputs.environment, script) };
}

/** A finished run as its record holds it. */
export interface RunRecord {
  hash: string;
  /** The jid of the jail it ran in: a jail started again since is not where the run's effects are. */
  jid: number | undefined;
  status: number | undefined;
  stdout: string;
  stderr: string;
}

/** Reads a record (the file listing of its directory); none when the directory is absent. */
export function readRecord(dir: string): { command: Command; parse(stdout: string): RunRecord | undefined } {
  const token = randomBytes(8).toString("hex");
  return {
    command: catFiles(token, [`${dir}/*`]),
    parse(stdout) {
      const files = parseCatFiles(token, stdout);
      const file = (name: string) => files.get(`${dir}/${name}`);
      const hash = file("inputs")?.trim();
      if (hash === undefined) return undefined;
      const number = (name: string) => {
        const text = file(name)?.trim();
        return text && /^\d+$/.test(text) ? Number(text) : undefined;
      };
      return { hash, jid: number("jid"), status: number("status"), stdout: file("stdout") ?? "", stderr: file("stderr") ?? "" };
    },
  };
}

/** Removes a record, only when it is the run of `hash` (a replacement's new record stays). */
export function removeRecord(dir: string, hash: string): Command {
  return {
    argv: ["/bin/sh", "-c", '[ "$(cat "$1/inputs" 2>/dev/null)" = "$2" ] || exit 0; rm -rf "$1"', "sh", dir, hash],
  };
}
