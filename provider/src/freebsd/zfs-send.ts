import { command, type Command } from "../core/command.ts";

// zfs send / zfs receive command lines (OpenZFS 2.2, zfs(8)) and the parser of `zfs send -n -v -P`,
// whose lines come from libzfs_sendrecv.c: send_print_verbose prints `full\tTO\tSIZE` or
// `incremental\tFROM\tTO\tSIZE` per snapshot stream (FROM is a full name from zfs_send_one, i.e. -i,
// and a short one from zfs_send, i.e. -I and -R), estimate_size and zfs_send end with `size\tTOTAL`,
// and a `-t TOKEN` send first prints `resume token contents:` and the token's nvlist (nvlist_print).

/** `zfs send` of a snapshot: full, or from `from` (`-i`), or through every snapshot after it (`-I`). */
export function zfsSend(snapshot: string, options: { from?: string; intermediates?: boolean; raw?: boolean; estimate?: boolean } = {}): Command {
  const argv = ["zfs", "send"];
  if (options.estimate) argv.push("-n", "-v", "-P");
  if (options.raw) argv.push("-w");
  if (options.from !== undefined) argv.push(options.intermediates ? "-I" : "-i", options.from);
  argv.push(snapshot);
  return { argv };
}

/** `zfs send -t TOKEN`: the rest of an interrupted stream, from the receiving side's resume token. */
export function zfsSendResume(token: string, options: { estimate?: boolean } = {}): Command {
  return options.estimate ? command("zfs", "send", "-n", "-v", "-P", "-t", token) : command("zfs", "send", "-t", token);
}

/**
 * `zfs receive -s -u` into a dataset: resumable (a cut stream leaves a resume token), never mounted by
 * the receive; `-F` rolls the destination back to the stream's source (destroying later snapshots and
 * changes); `-o` sets properties on a new file system.
 */
export function zfsReceive(dataset: string, options: { force?: boolean; properties?: Record<string, string> } = {}): Command {
  const argv = ["zfs", "receive", "-s", "-u"];
  if (options.force) argv.push("-F");
  for (const [prop, value] of Object.entries(options.properties ?? {})) argv.push("-o", `${prop}=${value}`);
  argv.push(dataset);
  return { argv };
}

/** `zfs receive -A`: discards a partial receive's state (the resume token) on a dataset. */
export function zfsReceiveAbort(dataset: string): Command {
  return command("zfs", "receive", "-A", dataset);
}

/** `zfs rollback -r`: back to a snapshot, destroying every later one. */
export function zfsRollbackTo(snapshot: string): Command {
  return command("zfs", "rollback", "-r", snapshot);
}

/** One snapshot stream of an estimate. */
export interface SendStep {
  kind: "full" | "incremental";
  from?: string;
  to: string;
  size: number;
}

/** What `zfs send -n -v -P` printed. */
export interface SendEstimate {
  steps: SendStep[];
  /** The `size` line: bytes of the whole stream (for -t, what is left to send). */
  total: number;
  /** The resume token's fields, for a `-t` estimate (values as printed: `0x...` or a name). */
  token?: Record<string, string>;
}

/** Parses `zfs send -n -v -P` output; throws on a line it does not know. */
export function parseSendEstimate(text: string): SendEstimate {
  const steps: SendStep[] = [];
  let total: number | undefined;
  let token: Record<string, string> | undefined;
  const exact = (s: string, line: string): number => {
    if (!/^\d+$/.test(s)) throw new Error(`unexpected size in zfs send estimate line: ${JSON.stringify(line)}`);
    return Number(s);
  };
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const f = line.split("\t");
    if (line === "resume token contents:") token = {};
    else if (token && line.startsWith("nvlist version: ")) continue;
    else if (token && /^\t[a-z_]+ = /.test(line)) {
      const at = line.indexOf(" = ");
      token[line.slice(1, at)] = line.slice(at + 3);
    } else if (f[0] === "full" && f.length === 3) steps.push({ kind: "full", to: f[1]!, size: exact(f[2]!, line) });
    else if (f[0] === "incremental" && f.length === 4) steps.push({ kind: "incremental", from: f[1]!, to: f[2]!, size: exact(f[3]!, line) });
    else if (f[0] === "size" && f.length === 2) total = exact(f[1]!, line);
    else throw new Error(`unexpected zfs send estimate line: ${JSON.stringify(line)}`);
  }
  if (total === undefined) throw new Error("zfs send estimate without a size line");
  return { steps, total, ...(token ? { token } : {}) };
}

/** Whether a failed `zfs send -t` says its token can no longer be used (libzfs: "cannot resume send: ..."). */
export function isStaleResume(stderr: string): boolean {
  return /^cannot resume send: /m.test(stderr);
}
