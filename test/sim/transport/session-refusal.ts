// Refusing a session channel the way OpenSSH does once MaxSessions are open: CHANNEL_OPEN_FAILURE
// with reason 2 (SSH2_OPEN_CONNECT_FAILED) and the description "open failed" (serverloop.c,
// server_input_channel_open, when session_new() finds no free slot). ssh2's reject() sends the
// reason but an empty description, so clients would see a different message than against sshd.

import type { Connection } from "ssh2";

interface Protocol {
  channelOpenFail(recipient: number, reason: number, description: string): void;
}

/** Calls ssh2's reject() for a session open with OpenSSH's description of the failure. */
export function refuseSession(client: Connection, reject: () => void): void {
  const proto = (client as unknown as { _protocol?: Protocol })._protocol;
  if (!proto) return reject();
  const original = proto.channelOpenFail;
  proto.channelOpenFail = (recipient, reason) => original.call(proto, recipient, reason, "open failed");
  try {
    reject();
  } finally {
    proto.channelOpenFail = original;
  }
}
