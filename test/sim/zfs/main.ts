// zfs(8) entry point: command dispatch as cmd/zfs/zfs_main.c main() does it.

import { err, ExitError, out, type ZfsCtx } from "./context.ts";
import { isCommand, usage, usageText } from "./usage.ts";
import { zfsCreate } from "./cmd-create.ts";
import { zfsDestroy } from "./cmd-destroy.ts";
import { zfsGet } from "./cmd-get.ts";
import { zfsList } from "./cmd-list.ts";
import { zfsInherit, zfsSet } from "./cmd-set.ts";
import { zfsRollback, zfsSnapshot } from "./cmd-snapshot.ts";
import { zfsRename } from "./cmd-rename.ts";
import { zfsClone, zfsPromote } from "./cmd-clone.ts";
import { zfsMount, zfsUnmount } from "./cmd-mount.ts";
import { zfsJail, zfsUnjail } from "./cmd-jail.ts";
import { zfsHold, zfsHolds, zfsRelease } from "./cmd-hold.ts";

/** The version strings `zfs version` prints on FreeBSD 14.3. */
export const ZFS_VERSION = ["zfs-2.2.7-FreeBSD_ge269af1b3", "zfs-kmod-2.2.7-FreeBSD_ge269af1b3"];

type Handler = (ctx: ZfsCtx, argv: string[]) => number;

function streamingOnly(ctx: ZfsCtx): number {
  err(ctx, "internal error: zfs send and receive run through tools/run.ts (zfs/stream-tool.ts)");
  return 1;
}

const HANDLERS: Record<string, Handler> = {
  create: zfsCreate,
  destroy: zfsDestroy,
  get: zfsGet,
  list: zfsList,
  set: zfsSet,
  inherit: zfsInherit,
  snapshot: zfsSnapshot,
  rollback: zfsRollback,
  rename: zfsRename,
  clone: zfsClone,
  promote: zfsPromote,
  mount: zfsMount,
  unmount: zfsUnmount,
  hold: zfsHold,
  release: zfsRelease,
  holds: zfsHolds,
  jail: zfsJail,
  unjail: zfsUnjail,
  // send and receive stream their data and meet the lock themselves: tools/run.ts runs them (stream-tool.ts).
  send: streamingOnly,
  receive: streamingOnly,
  version: (ctx) => {
    for (const line of ZFS_VERSION) out(ctx, line);
    return 0;
  },
};

const ALIASES: Record<string, string> = { umount: "unmount", recv: "receive", snap: "snapshot" };

/** Subcommands that only read state (they run under a shared lock). */
export const READ_ONLY = new Set(["get", "list", "holds", "send", "version", "help", "-?", "--help", "-V", "--version"]);

/** Runs `zfs argv...` against the context and returns the exit status. */
export function zfsMain(ctx: ZfsCtx, argv: string[]): number {
  try {
    return dispatch(ctx, argv) & 0xff;
  } catch (e) {
    if (e instanceof ExitError) return e.code;
    throw e;
  }
}

function dispatch(ctx: ZfsCtx, argv: string[]): number {
  if (argv.length < 1) {
    err(ctx, "missing command");
    usage(ctx, undefined);
  }
  const cmd = ALIASES[argv[0]!] ?? argv[0]!;
  if (cmd === "-?" || cmd === "--help" || cmd === "help") {
    ctx.io.out.push(usageText(undefined));
    return 0;
  }
  if (cmd === "-V" || cmd === "--version") return HANDLERS["version"]!(ctx, []);
  const handler = HANDLERS[cmd];
  if (handler) return handler(ctx, argv.slice(1));
  if (isCommand(cmd)) {
    err(ctx, `internal error: 'zfs ${cmd}' is not implemented by the FreeBSD simulator`);
    return 1;
  }
  if (cmd.includes("=")) return zfsSet(ctx, argv);
  err(ctx, `unrecognized command '${cmd}'`);
  usage(ctx, undefined);
}
