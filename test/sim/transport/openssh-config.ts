// The sshd_config of the OpenSSH lane: Debian's /usr/sbin/sshd on 127.0.0.1 serving one simulated
// host, with its host key, root's authorized keys, and a ForceCommand that runs every session's
// command in the host's sandbox. MaxSessions (10) and MaxStartups (10:30:100) stay at OpenSSH's
// defaults on purpose: the provider must live within them on a stock FreeBSD host.

import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { statePaths } from "../core/paths.ts";
import { openSshLogs } from "./session-log.ts";
import { SUBSYSTEMS } from "../host/session-requests.ts";

export interface SshdConfigOptions {
  stateDir: string;
  port: number;
  authorizedKeysFiles: string[];
  /** Node binary the ForceCommand runs (default: this process's). */
  nodeBinary?: string;
}

/** Paths of the lane's files under STATE/transport. */
export function openSshFiles(stateDir: string): { config: string; forceCommand: string; log: string } {
  const dir = join(stateDir, "transport");
  return { config: join(dir, "sshd_config"), forceCommand: join(dir, "force-command"), log: openSshLogs(stateDir).sshd };
}

/** Writes sshd_config and the ForceCommand script; returns the config's path. */
export function writeSshdConfig(o: SshdConfigOptions): string {
  const paths = statePaths(o.stateDir);
  const files = openSshFiles(o.stateDir);
  const all = [o.stateDir, ...o.authorizedKeysFiles, o.nodeBinary ?? process.execPath];
  // sshd_config and the forced command line are split on whitespace.
  const spaced = all.find((p) => /\s/.test(p));
  if (spaced) throw new Error(`OpenSSH lane: path with whitespace not supported: ${spaced}`);
  mkdirSync(join(o.stateDir, "transport"), { recursive: true });
  mkdirSync(paths.log, { recursive: true });
  writeFileSync(files.forceCommand,
    `#!/bin/sh\nexec ${o.nodeBinary ?? process.execPath} ${join(paths.lib, "transport", "openssh-command.js")} ${o.stateDir}\n`);
  chmodSync(files.forceCommand, 0o755);
  const lines = [
    `ListenAddress 127.0.0.1:${o.port}`,
    // The simulated host's own key: the same fingerprint whichever server presents it.
    `HostKey ${join(paths.ssh, "ssh_host_ed25519_key")}`,
    "PidFile none",
    // Relative names would be taken from root's home directory.
    `AuthorizedKeysFile ${o.authorizedKeysFiles.map((f) => resolve(f)).join(" ")}`,
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    // The state dir lives under /tmp (mode 1777), which StrictModes rejects for key files.
    "StrictModes no",
    "PermitUserRC no",
    "PrintMotd no",
    "PrintLastLog no",
    "AcceptEnv LANG LC_* TERM",
    // As FreeBSD's stock sshd_config; under ForceCommand the wrapper gets it as SSH_ORIGINAL_COMMAND.
    ...Object.entries(SUBSYSTEMS).map(([name, command]) => `Subsystem ${name} ${command}`),
    // sshd runs the forced command as `$SHELL -c`; root's shell here is Debian's bash, which sources
    // ~/.bashrc when started by sshd at shell level 1 (SSH_SOURCE_BASHRC). SHLVL=1 makes it level 2.
    "SetEnv SHLVL=1",
    `ForceCommand ${files.forceCommand}`,
    // VERBOSE logs "Connection from ..." per accepted connection: the connection counter.
    "LogLevel VERBOSE",
    "",
  ];
  writeFileSync(files.config, lines.join("\n"));
  return files.config;
}
