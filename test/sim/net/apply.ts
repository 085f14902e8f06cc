// ifconfig_ioctl(): applies the words after `ifconfig IF [af]` left to right, creating the interface
// first when the words start with `create`, then does the deferred address changes.

import { afByName, finishAddrs, newAddrState, postproc, setIfAddr, type AfName } from "./af-addr.ts";
import { cloneCreate } from "./cloners.ts";
import { lookupCommand } from "./commands.ts";
import { EEXIST, EPERM } from "./errno.ts";
import { errErrno, errx, type Session } from "./session.ts";
import { findIface } from "./state.ts";

function cloneCreateNow(s: Session): void {
  // ifclonecreate() -> ifcreate_ioctl(): SIOCIFCREATE2 with the name given on the command line.
  const requested = s.ifname;
  const res = s.env.privileged ? cloneCreate(s.env.net, s.env.vnet, requested, s.env.seed) : { errno: EPERM };
  if (res.errno === EEXIST) errx(s, `interface ${requested} already exists`);
  if (res.errno) errErrno(s, `SIOCIFCREATE2 (${requested})`, res.errno);
  s.changed = true;
  if (res.name !== requested) {
    s.ifname = res.name!;
    s.printName = res.name;
  }
}

/** Runs the command words for one interface (`creating` when they begin with `create`). */
export function applyWords(s: Session, words: string[], creating: boolean, af: AfName | undefined): void {
  const st = newAddrState(af ?? "inet");
  let pendingCreate = false;
  let iscreate = creating;
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    const cmd = lookupCommand(word, iscreate);
    if (iscreate && !cmd) {
      // The first word that is not a clone operation makes the pending create happen.
      if (pendingCreate) cloneCreateNow(s);
      pendingCreate = false;
      iscreate = false;
      const nafp = afByName(word);
      if (nafp) {
        st.af = nafp;
        i++;
      }
      continue;
    }
    if (cmd?.clone) {
      pendingCreate = true;
      i++;
      continue;
    }
    if (!cmd) {
      // Not a command: the interface address (a second one would be the point-to-point peer).
      if (st.setaddr === 0) setIfAddr(s, st, word);
      i++;
      continue;
    }
    if (cmd.param === "next") {
      if (i + 1 >= words.length) errx(s, `'${word}' requires argument`);
      cmd.run(s, st, words[i + 1]!);
      i += 2;
    } else if (cmd.param === "next2") {
      if (words.length - i < 3) errx(s, `'${word}' requires 2 arguments`);
      cmd.run(s, st, words[i + 1]!, words[i + 2]!);
      i += 3;
    } else {
      cmd.run(s, st, word);
      i++;
    }
  }
  postproc(s, st, findIface(s.env.net, s.env.vnet, s.ifname));
  // Callbacks still registered (a trailing `create`) run after the words.
  if (pendingCreate) cloneCreateNow(s);
  finishAddrs(s, st);
}
