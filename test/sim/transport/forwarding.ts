// TCP forwarding on the ssh2 server, as OpenSSH's sshd allows it by default (AllowTcpForwarding yes):
// a `direct-tcpip` channel to a port on the loopback, so a simulated host can be another's bastion
// (jump host). Other destinations are refused: every simulated host listens on 127.0.0.1.

import { connect, type Socket } from "node:net";
import type { Connection, ServerChannel } from "ssh2";

const loopback = new Set(["127.0.0.1", "localhost", "::1"]);

/** Serves a connection's `direct-tcpip` requests to loopback ports. */
export function serveForwarding(client: Connection): void {
  client.on("tcpip", (accept, reject, info) => {
    if (!loopback.has(info.destIP)) return reject();
    const socket: Socket = connect({ host: info.destIP === "localhost" ? "127.0.0.1" : info.destIP, port: info.destPort });
    socket.setNoDelay(true);
    let channel: ServerChannel | undefined;
    socket.once("connect", () => {
      channel = accept();
      socket.pipe(channel).pipe(socket);
      channel.on("error", () => socket.destroy());
      channel.on("close", () => socket.destroy());
    });
    socket.on("error", () => {
      // Refused before it opened: the client gets "connect failed"; after: the channel closes with it.
      if (!channel) reject();
      else channel.close();
    });
  });
}
