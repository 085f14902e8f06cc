// Which prison a tool runs in. A command run inside a jail (jexec, exec.start) sees the simulator's
// libexec directory with one extra file, `jail-id`, holding the jail's jid; on the host it is absent.
// The file behind it lives in STATE/jails/<jid> (written at creation, removed with the jail).

import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SANDBOX_LIBEXEC, type StatePaths } from "../core/paths.ts";

/** Where a jailed process finds its jid. */
export const JAIL_ID_FILE = `${SANDBOX_LIBEXEC}/jail-id`;

/** The jid of the jail the current process runs in, 0 on the host. */
export function callerJid(): number {
  try {
    return Number(readFileSync(JAIL_ID_FILE, "utf8").trim()) || 0;
  } catch {
    return 0;
  }
}

/** The state file bound at JAIL_ID_FILE inside a jail. */
export function jailMarkerPath(paths: StatePaths, jid: number): string {
  return join(paths.state, "jails", String(jid));
}

/** Writes the marker of a new jail. */
export function writeJailMarker(paths: StatePaths, jid: number): void {
  mkdirSync(join(paths.state, "jails"), { recursive: true });
  writeFileSync(jailMarkerPath(paths, jid), `${jid}\n`);
}

/** Removes the marker of a removed jail. */
export function forgetJailMarker(paths: StatePaths, jid: number): void {
  rmSync(jailMarkerPath(paths, jid), { force: true });
}
