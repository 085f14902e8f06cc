// The jail id markers: the file a jailed process finds at core/caller.ts's JAIL_ID_FILE lives in
// STATE/jails/<jid>, written when the jail is created and removed with it.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StatePaths } from "../core/paths.ts";

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
