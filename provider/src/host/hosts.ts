import type { ProviderConfig } from "../core/config.ts";
import { HostSession } from "./session.ts";

// Sessions keyed by host, so one provider process can serve a fleet and every call to the same
// host shares one connection and one inventory.
const sessions = new Map<string, HostSession>();

/** The identity of a host as far as connections go. */
function hostKeyOf(config: ProviderConfig): string {
  return `${config.user}@${config.host}:${config.port}/${config.become}`;
}

/** The session for a configured host, created on first use (no connection until a command runs). */
export function sessionFor(config: ProviderConfig): HostSession {
  const key = hostKeyOf(config);
  let session = sessions.get(key);
  if (!session) {
    session = new HostSession(config);
    sessions.set(key, session);
  }
  return session;
}

/** Closes every connection (on shutdown). */
export function closeAllSessions(): void {
  for (const session of sessions.values()) session.connection.close();
  sessions.clear();
}
