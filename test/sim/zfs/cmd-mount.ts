// zfs mount and zfs unmount (share_mount/share_mount_one, unshare_unmount), basic forms.

import { err, mustDs, nameOfGuid, out, type ZfsCtx } from "./context.ts";
import { getopt } from "../core/getopt.ts";
import { usage } from "./usage.ts";
import { openDataset } from "./open.ts";
import { T_FS } from "./prop-table.ts";
import { lookupChain, mountpointPath } from "./prop-get.ts";
import { datasetMountedAt, isMounted, mountDataset, unmountDataset } from "./mount.ts";
import { forEach } from "./iterate.ts";

/** share_mount_one for OP_MOUNT: 0 on success, 1 with a message on refusal. */
function mountOne(ctx: ZfsCtx, name: string, explicit: boolean): number {
  const say = (why: string): number => {
    if (!explicit) return 0;
    err(ctx, `cannot mount '${name}': ${why}`);
    return 1;
  };
  if (lookupChain(ctx, name, "jailed", true)?.value === "on") return say("dataset is exported to a local zone");
  const mp = mountpointPath(ctx, name);
  if (mp === "legacy") {
    if (!explicit) return 0;
    err(ctx, `cannot mount '${name}': legacy mountpoint`);
    err(ctx, "use mount(8) to mount this filesystem");
    return 1;
  }
  if (mp === "none") return say("no mountpoint set");
  const canmount = String(lookupChain(ctx, name, "canmount", false)?.value ?? "on");
  if (canmount === "off") return say("'canmount' property is set to 'off'");
  if (canmount === "noauto" && !explicit) return 0;
  if (isMounted(ctx, name)) return say("filesystem already mounted");
  const e = mountDataset(ctx, name);
  if (e) {
    err(ctx, e);
    return 1;
  }
  return 0;
}

/** zfs mount [-a | filesystem] (no arguments: list mounted file systems). */
export function zfsMount(ctx: ZfsCtx, argv: string[]): number {
  let all = false;
  const { opts, rest } = getopt(argv, ":aRlvo:Of");
  for (const o of opts) {
    if (o.opt === "a") all = true;
    else if (o.opt === ":") {
      err(ctx, `missing argument for '${o.optopt}' option`);
      usage(ctx, "mount");
    } else if (o.opt === "?") {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "mount");
    }
  }
  if (all) {
    if (rest.length > 0) {
      err(ctx, "too many arguments");
      usage(ctx, "mount");
    }
    const res = forEach(ctx, { args: [], recurse: true, types: T_FS });
    let ret = 0;
    for (const name of res.names) ret |= mountOne(ctx, name, false);
    return ret;
  }
  if (rest.length === 0) {
    for (const [guid, mp] of Object.entries(ctx.kernel.zfsMounts)) {
      const name = nameOfGuid(ctx, guid);
      if (name) out(ctx, `${name.padEnd(30)}  ${mp}`);
    }
    return 0;
  }
  if (rest.length > 1) {
    err(ctx, "too many arguments");
    usage(ctx, "mount");
  }
  const name = openDataset(ctx, rest[0]!, T_FS);
  if (name === undefined) return 1;
  return mountOne(ctx, name, true);
}

/** zfs unmount [-fu] -a | filesystem | mountpoint */
export function zfsUnmount(ctx: ZfsCtx, argv: string[]): number {
  let all = false;
  const { opts, rest } = getopt(argv, "afu");
  for (const o of opts) {
    if (o.opt === "a") all = true;
    else if (o.opt === "?") {
      err(ctx, `invalid option '${o.optopt}'`);
      usage(ctx, "unmount");
    }
  }
  if (all) {
    const names = Object.keys(ctx.kernel.zfsMounts).map((g) => nameOfGuid(ctx, g)).filter((n): n is string => !!n);
    names.sort((a, b) => mountpointPath(ctx, b).length - mountpointPath(ctx, a).length);
    let ret = 0;
    for (const n of names) {
      if (ctx.kernel.zfsMounts[mustDs(ctx, n).guid] === "/") continue;
      const e = unmountDataset(ctx, n);
      if (e) {
        err(ctx, e);
        ret = 1;
      }
    }
    return ret;
  }
  if (rest.length !== 1) {
    err(ctx, rest.length === 0 ? "missing filesystem argument" : "too many arguments");
    usage(ctx, "unmount");
  }
  const arg = rest[0]!;
  const name = arg.startsWith("/") ? datasetMountedAt(ctx, arg) : openDataset(ctx, arg, T_FS);
  if (name === undefined) {
    if (arg.startsWith("/")) err(ctx, `cannot unmount '${arg}': not a mountpoint`);
    return 1;
  }
  if (!isMounted(ctx, name)) {
    err(ctx, `cannot unmount '${name}': not currently mounted`);
    return 1;
  }
  const e = unmountDataset(ctx, name);
  if (e) {
    err(ctx, e);
    return 1;
  }
  return 0;
}
