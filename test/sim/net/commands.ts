// The per-interface commands of ifconfig(8) (ifconfig.c basic_cmds, ifclone.c, ifbridge.c,
// ifgroup.c, af_inet6.c, af_nd6.c) with the kernel's answers and ifconfig's exact error wording.

import { ifUp, setNd6Flags } from "./addrs.ts";
import { getaddr, noteAlias, setPrefixLen, type AddrState } from "./af-addr.ts";
import { bridgeAdd, bridgeDelete } from "./bridge.ts";
import { cloneDestroy } from "./cloners.ts";
import { EEXIST, EINVAL, ENAMETOOLONG, ENXIO, EOPNOTSUPP, EPERM } from "./errno.ts";
import { IFF_UP, KINDS } from "./flags.ts";
import { errErrno, errx, perror, type Session } from "./session.ts";
import { byIndex, findIface } from "./state.ts";
import type { Iface } from "./types.ts";
import { vmove } from "./vmove.ts";
import { ensureVnet } from "./vnet-state.ts";

/** How a command takes its argument (DEF_CMD, DEF_CMD_ARG, DEF_CMD_ARG2). */
export type Param = "none" | "next" | "next2";

export interface Command {
  param: Param;
  /** Clone operations (create, plumb) are only looked up while creating. */
  clone?: boolean;
  run: (s: Session, st: AddrState, arg: string, arg2?: string) => void;
}

function current(s: Session): Iface | undefined {
  return findIface(s.env.net, s.env.vnet, s.ifname);
}

/** The interface a command's ioctl addresses, or the errno the kernel answers for it. */
function target(s: Session): Iface | number {
  const ifp = current(s);
  if (!ifp) return ENXIO;
  return s.env.privileged ? ifp : EPERM;
}

function setFlag(bit: number, on: boolean, vname: string) {
  return (s: Session): void => {
    // getifflags(): SIOCGIFFLAGS first, which fails for a missing interface.
    const ifp = current(s);
    if (!ifp) perror(s, "ioctl (SIOCGIFFLAGS)", ENXIO);
    if (!s.env.privileged) perror(s, vname, EPERM);
    const wasUp = (ifp.flags & IFF_UP) !== 0;
    if (on) ifp.flags |= bit;
    else ifp.flags &= ~bit;
    // ifhwioctl SIOCSIFFLAGS: going up runs if_up(), which lets IPv6 attach.
    if (!wasUp && (ifp.flags & IFF_UP) !== 0) ifUp(ifp);
    s.changed = true;
  };
}

function setDescr(s: Session, text: string): void {
  const ifp = target(s);
  if (typeof ifp === "number") errErrno(s, "ioctl SIOCSIFDESCR (set descr)", ifp);
  // ifdescr_maxlen is 1024 bytes including the terminating NUL; an empty text clears it.
  if (text.length + 1 > 1024) errErrno(s, "ioctl SIOCSIFDESCR (set descr)", ENAMETOOLONG);
  if (text === "") delete ifp.description;
  else ifp.description = text;
  s.changed = true;
}

function setName(s: Session, name: string): void {
  const ifp = target(s);
  if (typeof ifp === "number") errErrno(s, "ioctl SIOCSIFNAME (set name)", ifp);
  // SIOCSIFNAME: copyinstr() into IFNAMSIZ (16) bytes, then if_rename().
  let error = 0;
  if (name.length > 15) error = ENAMETOOLONG;
  else if (name === "") error = EINVAL;
  else if (name !== ifp.name && findIface(s.env.net, s.env.vnet, name)) error = EEXIST;
  if (error) errErrno(s, "ioctl SIOCSIFNAME (set name)", error);
  ifp.name = name;
  s.ifname = name;
  s.printName = name;
  s.changed = true;
}

function destroy(s: Session): void {
  const ifp = target(s);
  if (typeof ifp === "number") errErrno(s, "SIOCIFDESTROY", ifp);
  const error = cloneDestroy(s.env.net, ifp);
  if (error) errErrno(s, "SIOCIFDESTROY", error);
  s.changed = true;
}

function bridgeCmd(op: "BRDGADD" | "BRDGDEL") {
  return (s: Session, _st: AddrState, member: string): void => {
    const br = target(s);
    if (typeof br === "number") errErrno(s, `${op} ${member}`, br);
    // SIOCSDRVSPEC on anything but a bridge ends in ether_ioctl()/loioctl(): EINVAL.
    const error = br.kind !== "bridge" ? EINVAL
      : op === "BRDGADD" ? bridgeAdd(s.env.net, br, member) : bridgeDelete(s.env.net, br, member);
    if (error) errErrno(s, `${op} ${member}`, error);
    s.changed = true;
  };
}

function jailOf(s: Session, name: string): { jid: number; name: string; vnet?: boolean } {
  // libjail jail_getid(): a number is taken as a jid unchecked; a name must exist.
  const jail = s.env.jails(name);
  if (/^\d+$/.test(name)) return { jid: Number(name), name: jail?.name ?? name, vnet: jail?.vnet };
  if (!jail) errx(s, `jail "${name}" not found`);
  return jail;
}

function setVnet(s: Session, _st: AddrState, name: string): void {
  const jail = jailOf(s, name);
  const ifp = current(s);
  // if_vmove_loan(): ENXIO for a jail the caller cannot see, EEXIST when the jail shares the
  // caller's vnet (a jail without vnet) or already has an interface of that name.
  let error = !ifp ? ENXIO : s.env.vnet !== 0 || !s.env.privileged ? EPERM : 0;
  if (!error && (jail.vnet === undefined || jail.jid === 0)) error = ENXIO;
  else if (!error && !jail.vnet) error = EEXIST;
  else if (!error && findIface(s.env.net, jail.jid, ifp!.name)) error = EEXIST;
  if (error) errErrno(s, "SIOCSIFVNET", error);
  ensureVnet(s.env.net, jail.jid, jail.name);
  vmove(s.env.net, ifp!, jail.jid);
  s.changed = true;
}

function reclaimVnet(s: Session, _st: AddrState, name: string): void {
  const jail = jailOf(s, name);
  // if_vmove_reclaim(): looks the name up inside the jail's vnet and brings it to the caller's.
  let error = s.env.vnet !== 0 || !s.env.privileged ? EPERM : 0;
  if (!error && (jail.vnet === undefined || jail.jid === 0)) error = ENXIO;
  const inside = error ? undefined : findIface(s.env.net, jail.vnet ? jail.jid : s.env.vnet, s.ifname);
  if (!error && !inside) error = ENXIO;
  else if (!error && !jail.vnet) error = EEXIST;
  if (error) errErrno(s, `SIOCSIFRVNET(${jail.jid}, ${s.ifname})`, error);
  vmove(s.env.net, inside!, s.env.vnet);
  s.changed = true;
}

function setMtu(s: Session, _st: AddrState, text: string): void {
  const ifp = target(s);
  if (typeof ifp === "number") errErrno(s, "ioctl SIOCSIFMTU (set mtu)", ifp);
  const mtu = parseInt(text, 10) || 0;
  // ifhwioctl: IF_MINMTU..IF_MAXMTU, and no MTU changes on bridge members.
  let error = mtu < 72 || mtu > 65535 ? EINVAL : ifp.bridge !== undefined ? EOPNOTSUPP : 0;
  if (!error && ifp.kind === "bridge" && mtu < 576) error = EINVAL;
  if (error) errErrno(s, "ioctl SIOCSIFMTU (set mtu)", error);
  ifp.mtu = mtu;
  // bridge_ioctl SIOCSIFMTU sets the members' MTU along with its own.
  for (const index of ifp.members ?? []) {
    const m = byIndex(s.env.net, index);
    if (m) m.mtu = mtu;
  }
  s.changed = true;
}

function setMetric(s: Session, _st: AddrState, text: string): void {
  const ifp = target(s);
  if (typeof ifp === "number") errErrno(s, "ioctl SIOCSIFMETRIC (set metric)", ifp);
  ifp.metric = parseInt(text, 10) || 0;
  s.changed = true;
}

function groupCmd(add: boolean) {
  const fn = add ? "setifgroup" : "unsetifgroup";
  return (s: Session, _st: AddrState, group: string): void => {
    if (group && /\d$/.test(group)) errx(s, `${fn}: group names may not end in a digit`);
    if (group.length >= 16) errx(s, `${fn}: group name too long`);
    const ifp = target(s);
    if (typeof ifp === "number") errErrno(s, add ? " SIOCAIFGROUP" : "SIOCDIFGROUP", ifp);
    // EEXIST on add and ENOENT on removal are ignored.
    if (add && !ifp.groups.includes(group)) ifp.groups.push(group);
    if (!add) ifp.groups = ifp.groups.filter((g) => g !== group);
    s.changed = true;
  };
}

function nd6Flag(bit: number, on: boolean) {
  return (s: Session): void => {
    const ifp = current(s);
    if (!ifp) return;
    setNd6Flags(ifp, on ? ifp.nd6 | bit : ifp.nd6 & ~bit);
    s.changed = true;
  };
}

function capFlag(bit: number, on: boolean) {
  return (s: Session): void => {
    const ifp = current(s);
    if (!ifp) perror(s, "ioctl (SIOCGIFCAP)", ENXIO);
    // setifcap/clearifcap mask the request with if_capabilities and skip no-ops.
    const next = (on ? ifp.capenable | bit : ifp.capenable & ~bit) & KINDS[ifp.kind].capabilities;
    if (next !== ifp.capenable) {
      ifp.capenable = next;
      s.changed = true;
    }
  };
}

const FLAG_CMDS: [string, number, boolean][] = [
  ["up", IFF_UP, true], ["down", IFF_UP, false], ["arp", 0x80, false], ["-arp", 0x80, true],
  ["debug", 0x4, true], ["-debug", 0x4, false], ["promisc", 0x20000, true], ["-promisc", 0x20000, false],
  ["link0", 0x1000, true], ["-link0", 0x1000, false], ["link1", 0x2000, true], ["-link1", 0x2000, false],
  ["link2", 0x4000, true], ["-link2", 0x4000, false], ["monitor", 0x40000, true], ["-monitor", 0x40000, false],
  ["staticarp", 0x80000, true], ["-staticarp", 0x80000, false], ["stickyarp", 0x100000, true],
  ["-stickyarp", 0x100000, false],
];

const ND6_CMDS: [string, number][] = [["perform_nud", 0x1], ["accept_rtadv", 0x2], ["prefer_source", 0x4],
  ["ifdisabled", 0x8], ["auto_linklocal", 0x20], ["no_radr", 0x40], ["no_prefer_iface", 0x80], ["no_dad", 0x100]];

const CAP_CMDS: [string, number][] = [["rxcsum", 0x1], ["txcsum", 0x2], ["netcons", 0x4], ["vlanmtu", 0x8],
  ["vlanhwtag", 0x10], ["jumbo_mtu", 0x20], ["polling", 0x40], ["vlanhwcsum", 0x80], ["tso4", 0x100],
  ["tso6", 0x200], ["tso", 0x300], ["lro", 0x400], ["wol_ucast", 0x800], ["wol_mcast", 0x1000],
  ["wol_magic", 0x2000], ["wol", 0x3800], ["toe", 0xc000], ["vlanhwfilter", 0x10000], ["vlanhwtso", 0x40000],
  ["rxcsum6", 0x200000], ["txcsum6", 0x400000]];

/** The command table, by word. */
export const COMMANDS = new Map<string, Command>([
  ["create", { param: "none", clone: true, run: () => undefined }],
  ["plumb", { param: "none", clone: true, run: () => undefined }],
  ["destroy", { param: "none", run: destroy }],
  ["unplumb", { param: "none", run: destroy }],
  ["description", { param: "next", run: (s, _st, a) => setDescr(s, a) }],
  ["descr", { param: "next", run: (s, _st, a) => setDescr(s, a) }],
  ["-description", { param: "none", run: (s) => setDescr(s, "") }],
  ["-descr", { param: "none", run: (s) => setDescr(s, "") }],
  ["name", { param: "next", run: (s, _st, a) => setName(s, a) }],
  ["alias", { param: "none", run: (_s, st) => noteAlias(st, 1) }],
  ["add", { param: "none", run: (_s, st) => noteAlias(st, 1) }],
  ["-alias", { param: "none", run: (_s, st) => noteAlias(st, -1) }],
  ["delete", { param: "none", run: (_s, st) => noteAlias(st, -1) }],
  ["remove", { param: "none", run: (_s, st) => noteAlias(st, -1) }],
  ["netmask", { param: "next", run: (s, st, a) => { st.setmask++; getaddr(s, st, a, "MASK"); } }],
  ["broadcast", { param: "next", run: (s, st, a) => getaddr(s, st, a, "BRDADDR") }],
  ["prefixlen", { param: "next", run: (s, st, a) => setPrefixLen(s, st, a) }],
  ["vnet", { param: "next", run: setVnet }],
  ["-vnet", { param: "next", run: reclaimVnet }],
  ["addm", { param: "next", run: bridgeCmd("BRDGADD") }],
  ["deletem", { param: "next", run: bridgeCmd("BRDGDEL") }],
  ["group", { param: "next", run: groupCmd(true) }],
  ["-group", { param: "next", run: groupCmd(false) }],
  ["mtu", { param: "next", run: setMtu }],
  ["metric", { param: "next", run: setMetric }],
  ...FLAG_CMDS.map(([word, bit, on]): [string, Command] => [word, { param: "none", run: setFlag(bit, on, word) }]),
  ...ND6_CMDS.flatMap(([word, bit]): [string, Command][] => [
    [word, { param: "none", run: nd6Flag(bit, true) }], [`-${word}`, { param: "none", run: nd6Flag(bit, false) }]]),
  ...CAP_CMDS.flatMap(([word, bit]): [string, Command][] => [
    [word, { param: "none", run: capFlag(bit, true) }], [`-${word}`, { param: "none", run: capFlag(bit, false) }]]),
]);

/** cmd_lookup(): clone operations are found only while creating, the others only when not. */
export function lookupCommand(word: string, creating: boolean): Command | undefined {
  const cmd = COMMANDS.get(word);
  if (!cmd) return undefined;
  return Boolean(cmd.clone) === creating ? cmd : undefined;
}
