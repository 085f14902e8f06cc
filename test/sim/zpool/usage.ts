// zpool(8) usage texts (cmd/zpool/zpool_main.c get_usage/usage).

import { ExitError, type ZfsCtx } from "../zfs/context.ts";
import { POOL_PROPS } from "./props.ts";

const USAGE: Record<string, string> = {
  version: "\tversion\n",
  create: "\tcreate [-fnd] [-o property=value] ... \n\t    [-O file-system-property=value] ... \n"
    + "\t    [-m mountpoint] [-R root] <pool> <vdev> ...\n",
  destroy: "\tdestroy [-f] <pool>\n",
  add: "\tadd [-afgLnP] [-o property=value] <pool> <vdev> ...\n",
  remove: "\tremove [-npsw] <pool> <device> ...\n",
  labelclear: "\tlabelclear [-f] <vdev>\n",
  checkpoint: "\tcheckpoint [-d [-w]] <pool> ...\n",
  list: "\tlist [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... \n\t    [interval [count]]\n",
  iostat: "\tiostat [[[-c [script1,script2,...][-lq]]|[-rw]] [-T d | u] [-ghHLpPvy]\n"
    + "\t    [[pool ...]|[pool vdev ...]|[vdev ...]] [[-n] interval [count]]\n",
  status: "\tstatus [--power] [-c [script1,script2,...]] [-DegiLpPstvx] [-T d|u] [pool] ...\n"
    + "\t    [interval [count]]\n",
  online: "\tonline [--power][-e] <pool> <device> ...\n",
  offline: "\toffline [--power]|[[-f][-t]] <pool> <device> ...\n",
  clear: "\tclear [[--power]|[-nF]] <pool> [device]\n",
  reopen: "\treopen [-n] <pool>\n",
  attach: "\tattach [-fsw] [-o property=value] <pool> <device> <new-device>\n",
  detach: "\tdetach <pool> <device>\n",
  replace: "\treplace [-fsw] [-o property=value] <pool> <device> [new-device]\n",
  split: "\tsplit [-gLnPl] [-R altroot] [-o mntopts]\n\t    [-o property=value] <pool> <newpool> [<device> ...]\n",
  initialize: "\tinitialize [-c | -s | -u] [-w] <pool> [<device> ...]\n",
  resilver: "\tresilver <pool> ...\n",
  scrub: "\tscrub [-s | -p] [-w] [-e] <pool> ...\n",
  trim: "\ttrim [-dw] [-r <rate>] [-c | -s] <pool> [<device> ...]\n",
  import: "\timport [-d dir] [-D]\n"
    + "\timport [-o mntopts] [-o property=value] ... \n"
    + "\t    [-d dir | -c cachefile] [-D] [-l] [-f] [-m] [-N] [-R root] [-F [-n]] -a\n"
    + "\timport [-o mntopts] [-o property=value] ... \n"
    + "\t    [-d dir | -c cachefile] [-D] [-l] [-f] [-m] [-N] [-R root] [-F [-n]]\n"
    + "\t    [--rewind-to-checkpoint] <pool | id> [newpool]\n",
  export: "\texport [-af] <pool> ...\n",
  upgrade: "\tupgrade\n\tupgrade -v\n\tupgrade [-V version] <-a | pool ...>\n",
  reguid: "\treguid <pool>\n",
  history: "\thistory [-il] [<pool>] ...\n",
  events: "\tevents [-vHf [pool] | -c]\n",
  get: "\tget [-Hp] [-o \"all\" | field[,...]] <\"all\" | property[,...]> <pool> ...\n",
  set: "\tset <property=value> <pool>\n\tset <vdev_property=value> <pool> <vdev>\n",
  sync: "\tsync [pool] ...\n",
  wait: "\twait [-Hp] [-T d|u] [-t <activity>[,...]] <pool> [interval]\n",
};

const ORDER = ["version", "", "create", "destroy", "", "add", "remove", "", "labelclear", "", "checkpoint", "", "list",
  "iostat", "status", "", "online", "offline", "clear", "reopen", "", "attach", "detach", "replace", "split", "",
  "initialize", "resilver", "scrub", "trim", "", "import", "export", "upgrade", "reguid", "", "history", "events", "",
  "get", "set", "sync", "", "wait"];

function propertyTable(): string {
  const sorted = POOL_PROPS.filter((p) => p.visible).sort((a, b) => {
    if (a.readonly !== b.readonly) return a.readonly ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return "\nthe following properties are supported:\n\n"
    + `\t${"PROPERTY".padEnd(19)}  EDIT   VALUES\n\n`
    + sorted.map((p) => `\t${p.name.padEnd(19)}  ${p.readonly ? "  NO   " : " YES   "}${p.values ?? "-"}\n`).join("")
    + `\t${"feature@...".padEnd(19)}   YES   disabled | enabled | active\n`
    + "\nThe feature@ properties must be appended with a feature name.\nSee zpool-features(7).\n";
}

/** The usage text of a zpool subcommand, or the general one. */
export function zpoolUsageText(command: string | undefined): string {
  if (command === undefined) {
    return "usage: zpool command args ...\nwhere 'command' is one of the following:\n\n"
      + ORDER.map((c) => (c === "" ? "\n" : USAGE[c] ?? "")).join("")
      + "\nFor further help on a command or topic, run: zpool help [<topic>]\n";
  }
  const body = `usage:\n${USAGE[command] ?? ""}`;
  return ["get", "set", "list"].includes(command) ? body + propertyTable() : body;
}

/** Prints usage on stderr and ends with status 2. */
export function zpoolUsage(ctx: ZfsCtx, command: string | undefined): never {
  ctx.io.err.push(zpoolUsageText(command));
  throw new ExitError(2);
}
