// Which prison the running tool was called from. A command run inside a jail (jexec, exec.start)
// sees the simulator's libexec directory with one extra file, `jail-id`, holding the jail's jid
// (bound by the jail code from STATE/jails/<jid>, see jail/caller.ts); on the host it is absent.

import { readFileSync } from "node:fs";
import { SANDBOX_LIBEXEC } from "./paths.ts";

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
