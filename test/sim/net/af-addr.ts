// Address arguments as sbin/ifconfig handles them (ifconfig.c setifaddr/notealias and the deferred
// delifaddr/addifaddr; af_inet.c and af_inet6.c getaddr/postproc over netlink, 14.x).

import { addInet4, addInet6, deleteInet4, deleteInet6 } from "./addrs.ts";
import { EADDRNOTAVAIL, ENOENT, EPERM } from "./errno.ts";
import { IFF_LOOPBACK, ifFlags } from "./flags.ts";
import { bitCount, classfulPrefix, formatInet4, inetAton } from "./inet4.ts";
import { canonicalInet6 } from "./inet6.ts";
import { errx, perror, warnx, type Session } from "./session.ts";
import { findIface } from "./state.ts";
import type { Iface } from "./types.ts";

/** Address families ifconfig knows by name (af_inet.c, af_inet6.c, af_link.c's link/ether/lladdr). */
export type AfName = "inet" | "inet6" | "link";

/** af_getbyname(): `ether` and `lladdr` are other names of the link family. */
export function afByName(word: string): AfName | undefined {
  if (word === "inet" || word === "inet6" || word === "link") return word;
  if (word === "ether" || word === "lladdr") return "link";
  return undefined;
}

/** The address globals of ifconfig.c plus af_inet's in_add/in_del and af_inet6's in6_add/in6_del. */
export interface AddrState {
  af: AfName;
  setaddr: number;
  setmask: number;
  doalias: number;
  clearaddr: boolean;
  newaddr: boolean;
  in4Add?: number;
  in4Plen?: number;
  in4Del?: number;
  in4Brd?: number;
  in6Add?: string;
  in6Plen: number;
  in6Del?: string;
  in6Explicit: boolean;
  mac?: string;
}

/** Fresh address state for an address family. */
export function newAddrState(af: AfName): AddrState {
  return { af, setaddr: 0, setmask: 0, doalias: 0, clearaddr: false, newaddr: true, in6Plen: 128, in6Explicit: false };
}

function inetIp(s: Session, text: string): number {
  const value = inetAton(text);
  if (value !== undefined) return value;
  // in_getip: then gethostbyname(3), then getnetbyname(3), else "bad value".
  const resolved = s.env.resolve(text);
  if (resolved !== undefined && inetAton(resolved) !== undefined) return inetAton(resolved)!;
  errx(s, `${text}: bad value`);
}

function inetGetaddr(s: Session, st: AddrState, text: string, which: string): void {
  if (which === "MASK") {
    st.in4Plen = bitCount(inetIp(s, text));
    return;
  }
  let addr = text;
  if (which === "ADDR" || which === "RIDADDR") {
    const slash = text.lastIndexOf("/");
    if (which === "ADDR" && slash >= 0) {
      const width = text.slice(slash + 1);
      // strtonum(p + 1, 0, 32): "invalid" unless all digits, "too large" above 32.
      const problem = !/^\d/.test(width) || !/^\d+$/.test(width) ? "invalid" : Number(width) > 32 ? "too large" : "";
      if (problem) errx(s, `${text}: bad value (width ${problem})`);
      st.in4Plen = Number(width);
      addr = text.slice(0, slash);
    }
    if (which === "ADDR") st.in4Add = inetIp(s, addr);
    else st.in4Del = inetIp(s, addr);
  } else if (which === "BRDADDR") {
    st.in4Brd = inetIp(s, text);
  }
}

function inet6Getaddr(s: Session, st: AddrState, text: string, which: string): void {
  if (which !== "ADDR" && which !== "RIDADDR") return;
  let addr = text;
  const slash = text.lastIndexOf("/");
  if (which === "ADDR" && slash >= 0) {
    // in6_getaddr: strtol(3) of what follows the slash, so "/abc" is a prefix length of 0.
    const plen = parseInt(text.slice(slash + 1), 10) || 0;
    if (plen < 0 || plen > 128) errx(s, `${text.slice(slash + 1)}: bad value`);
    st.in6Plen = plen;
    st.in6Explicit = true;
    addr = text.slice(0, slash);
  }
  // getaddrinfo(3) accepts a %zone suffix; the zone of a link-local address is the interface itself.
  const canonical = canonicalInet6(addr.replace(/%[^%]*$/, ""));
  if (canonical === undefined) errx(s, `${addr}: bad value`);
  if (which === "ADDR") st.in6Add = canonical;
  else st.in6Del = canonical;
}

function linkGetaddr(s: Session, st: AddrState, text: string, which: string): void {
  if (which !== "ADDR") errx(s, "can't set link-level netmask or broadcast");
  if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(text)) errx(s, "malformed link-level address");
  st.mac = text.split(":").map((h) => h.toLowerCase().padStart(2, "0")).join(":");
}

/** af_getaddr of the current family: parses one address word into ADDR, RIDADDR, MASK or BRDADDR. */
export function getaddr(s: Session, st: AddrState, text: string, which: string): void {
  if (st.af === "inet") inetGetaddr(s, st, text, which);
  else if (st.af === "inet6") inet6Getaddr(s, st, text, which);
  else linkGetaddr(s, st, text, which);
}

/** setifaddr(): an address word; without `alias` the first existing address is replaced. */
export function setIfAddr(s: Session, st: AddrState, text: string): void {
  st.setaddr++;
  if (st.doalias === 0 && st.af !== "link") st.clearaddr = true;
  getaddr(s, st, text, st.doalias >= 0 ? "ADDR" : "RIDADDR");
}

/** notealias(): `alias`/`add` (+1) and `-alias`/`delete`/`remove` (-1). */
export function noteAlias(st: AddrState, param: number): void {
  if (st.setaddr && st.doalias === 0 && param < 0) {
    st.in4Del = st.in4Add;
    st.in6Del = st.in6Add;
  }
  st.doalias = param;
  if (param < 0) {
    st.clearaddr = true;
    st.newaddr = false;
  } else {
    st.clearaddr = false;
  }
}

/** `prefixlen N` (af_inet6.c setifprefixlen). */
export function setPrefixLen(s: Session, st: AddrState, text: string): void {
  const plen = parseInt(text, 10) || 0;
  if (plen < 0 || plen > 128) errx(s, `${text}: bad value`);
  st.in6Plen = plen;
  st.in6Explicit = true;
}

/** af_postproc: the classful default mask (with a warning) for IPv4, prefix length 64 for IPv6. */
export function postproc(s: Session, st: AddrState, ifp: Iface | undefined): void {
  if (st.af === "inet" && st.in4Add !== undefined && st.in4Plen === undefined && st.newaddr) {
    if (!ifp || (ifFlags(ifp) & (IFF_LOOPBACK | 0x10)) === 0) {
      warnx(s, "WARNING: setting interface address without mask is deprecated,\ndefault mask may not be correct.");
    }
    st.in4Plen = classfulPrefix(st.in4Add);
  }
  if (st.af === "inet6" && !st.in6Explicit) st.in6Plen = 64;
}

function deleteAddr(s: Session, st: AddrState, ifp: Iface | undefined): number {
  if (!s.env.privileged) return EPERM;
  if (st.af === "inet") {
    if (!ifp) return EADDRNOTAVAIL;
    // in_delete_first_nl: without an address, the interface's first IPv4 address goes.
    if (st.in4Del === undefined) {
      if (ifp.inet.length) ifp.inet.shift();
      return 0;
    }
    return deleteInet4(ifp, formatInet4(st.in4Del));
  }
  if (st.af === "inet6") return ifp && st.in6Del !== undefined ? deleteInet6(ifp, st.in6Del) : EADDRNOTAVAIL;
  return 0;
}

function addAddr(s: Session, st: AddrState, ifp: Iface | undefined): number {
  if (!s.env.privileged) return EPERM;
  if (!ifp) return ENOENT;
  if (st.af === "inet" && st.in4Add !== undefined) {
    const brd = st.in4Brd === undefined ? undefined : formatInet4(st.in4Brd);
    return addInet4(ifp, formatInet4(st.in4Add), st.in4Plen ?? 32, brd);
  }
  if (st.af === "inet6" && st.in6Add !== undefined) return addInet6(ifp, st.in6Add, st.in6Plen, 0);
  if (st.af === "link" && st.mac !== undefined) ifp.mac = st.mac;
  return 0;
}

/** The deferred operations at the end of ifconfig_ioctl(): delete, then add. */
export function finishAddrs(s: Session, st: AddrState): void {
  const ifp = findIface(s.env.net, s.env.vnet, s.ifname);
  if (st.clearaddr) {
    const error = deleteAddr(s, st, ifp);
    if (error === 0) s.changed = true;
    // EADDRNOTAVAIL without -alias "means no previous address for interface".
    else if (!(error === EADDRNOTAVAIL && st.doalias >= 0)) perror(s, "ioctl (SIOCDIFADDR)", error);
  }
  if (st.newaddr && (st.setaddr || st.setmask)) {
    const error = addAddr(s, st, ifp);
    if (error !== 0) perror(s, "ioctl (SIOCAIFADDR)", error);
    s.changed = true;
  }
}
