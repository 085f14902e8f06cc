// The transport helpers other packages use (subpath `freebsd-sim/transport`): the delaying TCP
// proxy, a bare ssh2 connection that reports how a command ended, Debian's ssh client, the sshd path.

export { startLatencyProxy, type LatencyProxy, type ProxyStats } from "./latency-proxy.ts";
export { openConnection, type Outcome, type TestConnection } from "./test-connection.ts";
export { sshRun, type SshRun, type SshTarget } from "./openssh-client.ts";
export { SSHD } from "./openssh-server.ts";
