// One ifconfig invocation: the environment it runs in (which vnet, what it may change), its
// output, the interface it works on, and err(3)/errx(3)/warnx(3) as ifconfig uses them.

import { ENXIO, EPERM, strerror } from "./errno.ts";
import type { NetState } from "./types.ts";

/** A jail as `ifconfig IF vnet J` resolves it. */
export interface JailRef {
  jid: number;
  name: string;
  /** Whether the jail has its own vnet (jail param vnet=new). */
  vnet: boolean;
}

/** Finds a jail by jid or name among the jails the caller can see. */
export type JailLookup = (nameOrJid: string) => JailRef | undefined;

/** Where and as whom ifconfig runs. */
export interface NetEnv {
  net: NetState;
  /** Jail id of the caller's vnet (0: the host). */
  vnet: number;
  /** False in a jail without its own vnet: configuring interfaces needs PRIV_NET_* privileges. */
  privileged: boolean;
  /** Stable per-host value the generated MAC addresses derive from. */
  seed: string;
  jails: JailLookup;
  /** gethostbyname(3) for address words that are not numeric (reads /etc/hosts). */
  resolve: (name: string) => string | undefined;
}

export interface Io {
  out: string[];
  err: string[];
}

/** Thrown to end the invocation with a status, like exit(3). */
export class IfconfigExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** The per-invocation state ifconfig.c keeps in globals and in its if_ctx. */
export interface Session {
  env: NetEnv;
  io: Io;
  /** ctx->ifname: the interface commands apply to (updated by create and rename). */
  ifname: string;
  /** ifname_to_print: printed on stdout at exit when a create or rename changed the name. */
  printName?: string;
  /** Whether the model changed (so the kernel state must be saved). */
  changed: boolean;
}

/** warnx(3): `ifconfig: message` on stderr. */
export function warnx(s: Session, message: string): void {
  s.io.err.push(`ifconfig: ${message}\n`);
}

/** errx(3): warnx then exit 1. */
export function errx(s: Session, message: string): never {
  warnx(s, message);
  throw new IfconfigExit(1);
}

/** err(3): the message, then `: strerror(errno)`, then exit 1. */
export function errErrno(s: Session, message: string, errno: number): never {
  errx(s, `${message}: ${strerror(errno)}`);
}

/** Perror()/Perrorc() in ifconfig.c: ENXIO and EPERM get their own wording, then exit 1. */
export function perror(s: Session, cmd: string, errno: number): never {
  if (errno === ENXIO) errx(s, `${cmd}: no such interface`);
  if (errno === EPERM) errx(s, `${cmd}: permission denied`);
  errErrno(s, cmd, errno);
}
