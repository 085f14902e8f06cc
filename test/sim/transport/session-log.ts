// The OpenSSH lane's counters: the ForceCommand wrapper appends one line per exec to
// STATE/log/sessions.jsonl, and sshd (LogLevel VERBOSE, -E) logs "Connection from ..." per accepted
// TCP connection to STATE/log/sshd.log. Counting starts at an offset so resetStats() is cheap.

import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export interface SessionLine {
  /** Pid of the sshd process serving the connection (one per connection). */
  conn: number;
  command: string;
  /** A subsystem request (sftp): sshd hands it to the ForceCommand like an exec; not counted as one. */
  subsystem?: boolean;
}

/** Paths of the OpenSSH lane's logs in a state dir. */
export function openSshLogs(stateDir: string): { sessions: string; sshd: string } {
  return { sessions: join(stateDir, "log", "sessions.jsonl"), sshd: join(stateDir, "log", "sshd.log") };
}

/** Appends one exec to the session log (one write(2) with O_APPEND, so concurrent sessions do not interleave). */
export function logSession(stateDir: string, line: SessionLine): void {
  const file = openSshLogs(stateDir).sessions;
  mkdirSync(join(stateDir, "log"), { recursive: true });
  appendFileSync(file, JSON.stringify(line) + "\n");
}

/** Current size of a log file (the offset counting starts from). */
export function logSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

function tail(file: string, offset: number): string {
  if (!existsSync(file)) return "";
  return readFileSync(file).subarray(offset).toString("utf8");
}

/** Execs logged since `offset` (subsystem sessions left out, as the ssh2 server does not count them). */
export function sessionsSince(stateDir: string, offset: number): SessionLine[] {
  return tail(openSshLogs(stateDir).sessions, offset).split("\n").filter(Boolean)
    .map((l) => JSON.parse(l) as SessionLine).filter((s) => !s.subsystem);
}

/** TCP connections sshd accepted since `offset` of its log. */
export function connectionsSince(stateDir: string, offset: number): number {
  return tail(openSshLogs(stateDir).sshd, offset).split("\n").filter((l) => l.startsWith("Connection from ")).length;
}

/** sshd's log since `offset` (for error messages). */
export function sshdLogSince(stateDir: string, offset: number): string {
  return tail(openSshLogs(stateDir).sshd, offset);
}
