// Session requests of the ssh2 server beyond `exec`: the sftp subsystem as FreeBSD's stock
// sshd_config declares it, and the CHANNEL_CLOSE reply ssh2 forgets for a session that never ran
// anything (an OpenSSH ControlMaster waits for it forever, so a multiplexed client hangs).

import type { Connection } from "ssh2";

/**
 * Subsystems and the command sshd runs for each. FreeBSD's /etc/ssh/sshd_config ships
 * `Subsystem sftp /usr/libexec/sftp-server`; sshd runs the command with the user's shell
 * (`sh -c COMMAND`, session.c do_child), as for an exec request.
 */
export const SUBSYSTEMS: Record<string, string> = {
  sftp: "/usr/libexec/sftp-server",
};

interface SessionInternals {
  _channel?: unknown;
  _chanInfo: { incoming: { id: number }; outgoing: { id: number } };
}

interface ConnectionInternals {
  _protocol: { channelClose(id: number): void };
  _chanMgr: { remove(id: number): void };
}

/**
 * Answers the client's CHANNEL_CLOSE of a session on which no exec, shell or subsystem was accepted.
 * RFC 4254 5.3 requires the reply; ssh2 1.17 (server.js, CHANNEL_CLOSE handler) emits `close` on
 * such a session and returns without sending it, which leaves an OpenSSH mux client (ssh -S, sftp
 * through a ControlMaster after a refused subsystem) waiting forever for its exit status.
 */
export function replyCloseIfIdle(client: Connection, session: object): void {
  const s = session as SessionInternals;
  if (s._channel) return;
  const c = client as unknown as ConnectionInternals;
  c._chanMgr.remove(s._chanInfo.incoming.id);
  c._protocol.channelClose(s._chanInfo.outgoing.id);
}
