// zfs jail / zfs unjail (FreeBSD only; cmd/zfs/zfs_main.c zfs_do_jail_impl, libzfs zfs_jail, the
// kernel's zone_dataset_attach/detach): attach a file system to a running jail's list of datasets,
// or detach it. The list is kernel state on the jail record and goes with the jail.

import { err, touchKernel, type ZfsCtx } from "./context.ts";
import { usage } from "./usage.ts";
import { openDataset } from "./open.ts";
import { T_FS } from "./prop-table.ts";
import { findJail } from "../jail/model.ts";
import { callerJid } from "../core/caller.ts";

function jailImpl(ctx: ZfsCtx, argv: string[], attach: boolean): number {
  const cmd = attach ? "jail" : "unjail";
  if (argv.length < 2) {
    err(ctx, "missing argument(s)");
    usage(ctx, cmd);
  }
  if (argv.length > 2) {
    err(ctx, "too many arguments");
    usage(ctx, cmd);
  }
  // Why: jail_getid(3) resolves the jid or name; from inside a jail no other jail is visible.
  const jail = callerJid() ? undefined : findJail(ctx.kernel, argv[0]!).jail;
  if (!jail) {
    err(ctx, "invalid jail id or name");
    usage(ctx, cmd);
  }
  const name = openDataset(ctx, argv[1]!, T_FS);
  if (name === undefined) return 1;
  const at = jail.datasets.indexOf(name);
  if (attach && at >= 0) {
    err(ctx, `cannot jail '${name}': dataset already exists`);
    return 1;
  }
  if (!attach && at < 0) {
    err(ctx, `cannot unjail '${name}': no such pool or dataset`);
    return 1;
  }
  if (attach) jail.datasets.push(name);
  else jail.datasets.splice(at, 1);
  touchKernel(ctx);
  return 0;
}

/** zfs jail <jailid|jailname> <filesystem> */
export function zfsJail(ctx: ZfsCtx, argv: string[]): number {
  return jailImpl(ctx, argv, true);
}

/** zfs unjail <jailid|jailname> <filesystem> */
export function zfsUnjail(ctx: ZfsCtx, argv: string[]): number {
  return jailImpl(ctx, argv, false);
}
