// zfs(8) usage texts (cmd/zfs/zfs_main.c get_usage/usage), printed on stderr with exit status 2.

import { ExitError, type ZfsCtx } from "./context.ts";
import { isInheritable, isReadonly, PROPS, type PropDef } from "./prop-table.ts";

const USAGE: Record<string, string> = {
  version: "\tversion\n",
  create: "\tcreate [-Pnpuv] [-o property=value] ... <filesystem>\n"
    + "\tcreate [-Pnpsv] [-b blocksize] [-o property=value] ... -V <size> <volume>\n",
  destroy: "\tdestroy [-fnpRrv] <filesystem|volume>\n"
    + "\tdestroy [-dnpRrv] <filesystem|volume>@<snap>[%<snap>][,...]\n"
    + "\tdestroy <filesystem|volume>#<bookmark>\n",
  snapshot: "\tsnapshot [-r] [-o property=value] ... <filesystem|volume>@<snap> ...\n",
  rollback: "\trollback [-rRf] <snapshot>\n",
  clone: "\tclone [-p] [-o property=value] ... <snapshot> <filesystem|volume>\n",
  promote: "\tpromote <clone-filesystem>\n",
  rename: "\trename [-f] <filesystem|volume|snapshot> <filesystem|volume|snapshot>\n"
    + "\trename -p [-f] <filesystem|volume> <filesystem|volume>\n"
    + "\trename -u [-f] <filesystem> <filesystem>\n"
    + "\trename -r <snapshot> <snapshot>\n",
  bookmark: "\tbookmark <snapshot|bookmark> <newbookmark>\n",
  program: "\tprogram [-jn] [-t <instruction limit>] [-m <memory limit (b)>]\n"
    + "\t    <pool> <program file> [lua args...]\n",
  list: "\tlist [-Hp] [-r|-d max] [-o property[,...]] [-s property]...\n"
    + "\t    [-S property]... [-t type[,...]] [filesystem|volume|snapshot] ...\n",
  set: "\tset [-u] <property=value> ... <filesystem|volume|snapshot> ...\n",
  get: "\tget [-rHp] [-d max] [-o \"all\" | field[,...]]\n"
    + "\t    [-t type[,...]] [-s source[,...]]\n"
    + "\t    <\"all\" | property[,...]> [filesystem|volume|snapshot|bookmark] ...\n",
  inherit: "\tinherit [-rS] <property> <filesystem|volume|snapshot> ...\n",
  upgrade: "\tupgrade [-v]\n\tupgrade [-r] [-V version] <-a | filesystem ...>\n",
  userspace: "\tuserspace [-Hinp] [-o field[,...]] [-s field] ...\n"
    + "\t    [-S field] ... [-t type[,...]] <filesystem|snapshot|path>\n",
  groupspace: "\tgroupspace [-Hinp] [-o field[,...]] [-s field] ...\n"
    + "\t    [-S field] ... [-t type[,...]] <filesystem|snapshot|path>\n",
  projectspace: "\tprojectspace [-Hp] [-o field[,...]] [-s field] ... \n"
    + "\t    [-S field] ... <filesystem|snapshot|path>\n",
  project: "\tproject [-d|-r] <directory|file ...>\n"
    + "\tproject -c [-0] [-d|-r] [-p id] <directory|file ...>\n"
    + "\tproject -C [-k] [-r] <directory ...>\n"
    + "\tproject [-p id] [-r] [-s] <directory ...>\n",
  mount: "\tmount\n\tmount [-flvO] [-o opts] <-a|-R filesystem|filesystem>\n",
  unmount: "\tunmount [-fu] <-a | filesystem|mountpoint>\n",
  share: "\tshare [-l] <-a [nfs|smb] | filesystem>\n",
  unshare: "\tunshare <-a [nfs|smb] | filesystem|mountpoint>\n",
  send: "\tsend [-DLPbcehnpsVvw] [-i|-I snapshot]\n"
    + "\t     [-R [-X dataset[,dataset]...]]     <snapshot>\n"
    + "\tsend [-DnVvPLecw] [-i snapshot|bookmark] <filesystem|volume|snapshot>\n"
    + "\tsend [-DnPpVvLec] [-i bookmark|snapshot] --redact <bookmark> <snapshot>\n"
    + "\tsend [-nVvPe] -t <receive_resume_token>\n"
    + "\tsend [-PnVv] --saved filesystem\n",
  receive: "\treceive [-vMnsFhu] [-o <property>=<value>] ... [-x <property>] ...\n"
    + "\t    <filesystem|volume|snapshot>\n"
    + "\treceive [-vMnsFhu] [-o <property>=<value>] ... [-x <property>] ... \n"
    + "\t    [-d | -e] <filesystem>\n"
    + "\treceive -A <filesystem|volume>\n",
  allow: "\tallow <filesystem|volume>\n"
    + "\tallow [-ldug] <\"everyone\"|user|group>[,...] <perm|@setname>[,...]\n"
    + "\t    <filesystem|volume>\n"
    + "\tallow [-ld] -e <perm|@setname>[,...] <filesystem|volume>\n"
    + "\tallow -c <perm|@setname>[,...] <filesystem|volume>\n"
    + "\tallow -s @setname <perm|@setname>[,...] <filesystem|volume>\n",
  unallow: "\tunallow [-rldug] <\"everyone\"|user|group>[,...]\n"
    + "\t    [<perm|@setname>[,...]] <filesystem|volume>\n"
    + "\tunallow [-rld] -e [<perm|@setname>[,...]] <filesystem|volume>\n"
    + "\tunallow [-r] -c [<perm|@setname>[,...]] <filesystem|volume>\n"
    + "\tunallow [-r] -s @setname [<perm|@setname>[,...]] <filesystem|volume>\n",
  hold: "\thold [-r] <tag> <snapshot> ...\n",
  holds: "\tholds [-rHp] <snapshot> ...\n",
  release: "\trelease [-r] <tag> <snapshot> ...\n",
  diff: "\tdiff [-FHth] <snapshot> [snapshot|filesystem]\n",
  "load-key": "\tload-key [-rn] [-L <keylocation>] <-a | filesystem|volume>\n",
  "unload-key": "\tunload-key [-r] <-a | filesystem|volume>\n",
  "change-key": "\tchange-key [-l] [-o keyformat=<value>]\n"
    + "\t    [-o keylocation=<value>] [-o pbkdf2iters=<value>]\n"
    + "\t    <filesystem|volume>\n"
    + "\tchange-key -i [-l] <filesystem|volume>\n",
  redact: "\tredact <snapshot> <bookmark> <redaction_snapshot> ...\n",
  wait: "\twait [-t <activity>] <filesystem>\n",
  jail: "\tjail <jailid|jailname> <filesystem>\n",
  unjail: "\tunjail <jailid|jailname> <filesystem>\n",
};

/** Command table order of the general usage message; "" is a blank line. */
export const COMMANDS = ["version", "", "create", "destroy", "", "snapshot", "rollback", "clone", "promote", "rename",
  "bookmark", "program", "", "list", "", "set", "get", "inherit", "upgrade", "", "userspace", "groupspace",
  "projectspace", "", "project", "", "mount", "unmount", "share", "unshare", "", "send", "receive", "", "allow", "",
  "unallow", "", "hold", "holds", "release", "diff", "load-key", "unload-key", "change-key", "redact", "wait", "jail",
  "unjail"];

function propertyLine(def: PropDef): string {
  const edit = isReadonly(def) ? " NO    " : "YES    ";
  const inherit = isInheritable(def) ? "  YES   " : "   NO   ";
  return `\t${def.name.padEnd(15)} ${edit}${inherit}${def.values ?? "-"}\n`;
}

function propertyTable(): string {
  const visible = PROPS.filter((p) => p.visible);
  const sorted = [...visible].sort((a, b) => {
    const ar = a.attr === "readonly";
    const br = b.attr === "readonly";
    if (ar !== br) return ar ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const extra: [string, string][] = [
    ["userused@...", " NO       NO   <size>"], ["groupused@...", " NO       NO   <size>"],
    ["projectused@...", " NO       NO   <size>"], ["userobjused@...", " NO       NO   <size>"],
    ["groupobjused@...", " NO       NO   <size>"], ["projectobjused@...", " NO       NO   <size>"],
    ["userquota@...", "YES       NO   <size> | none"], ["groupquota@...", "YES       NO   <size> | none"],
    ["projectquota@...", "YES       NO   <size> | none"], ["userobjquota@...", "YES       NO   <size> | none"],
    ["groupobjquota@...", "YES       NO   <size> | none"], ["projectobjquota@...", "YES       NO   <size> | none"],
    ["written@<snap>", " NO       NO   <size>"], ["written#<bookmark>", " NO       NO   <size>"],
  ];
  return "\nThe following properties are supported:\n\n"
    + `\t${"PROPERTY".padEnd(14)} EDIT  INHERIT   VALUES\n\n`
    + sorted.map(propertyLine).join("")
    + extra.map(([n, rest]) => `\t${n.padEnd(15)} ${rest}\n`).join("")
    + "\nSizes are specified in bytes with standard units such as K, M, G, etc.\n"
    + "\nUser-defined properties can be specified by using a name containing a colon (:).\n"
    + "\nThe {user|group|project}[obj]{used|quota}@ properties must be appended with\n"
    + "a user|group|project specifier of one of these forms:\n"
    + "    POSIX name      (eg: \"matt\")\n"
    + "    POSIX id        (eg: \"126829\")\n"
    + "    SMB name@domain (eg: \"matt@sun\")\n"
    + "    SMB SID         (eg: \"S-1-234-567-89\")\n";
}

const HINTS = "\nFor the property list, run: zfs set|get\n"
  + "\nFor the delegated permission list, run: zfs allow|unallow\n"
  + "\nFor further help on a command or topic, run: zfs help [<topic>]\n";

/** The usage text for a command, or the general one when command is undefined. */
export function usageText(command: string | undefined): string {
  if (command === undefined) {
    const lines = COMMANDS.map((c) => (c === "" ? "\n" : USAGE[c] ?? ""));
    return "usage: zfs command args ...\nwhere 'command' is one of the following:\n\n" + lines.join("")
      + "\nEach dataset is of the form: pool/[dataset/]*dataset[@name]\n" + HINTS;
  }
  const body = `usage:\n${USAGE[command] ?? ""}`;
  return ["set", "get", "inherit", "list"].includes(command) ? body + propertyTable() : body + HINTS;
}

/** Prints usage on stderr and ends the command with status 2. */
export function usage(ctx: ZfsCtx, command: string | undefined): never {
  ctx.io.err.push(usageText(command));
  throw new ExitError(2);
}

/** True for a known zfs subcommand. */
export function isCommand(name: string): boolean {
  return name in USAGE;
}
