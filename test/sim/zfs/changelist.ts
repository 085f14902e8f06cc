// libzfs changelists (libzfs_changelist.c): which file systems a mountpoint/canmount/jailed change
// or a rename unmounts first and remounts afterwards.

import { childrenOf, descendantsOf, mustDs, type ZfsCtx } from "./context.ts";
import { lookupChain, mountpointPath } from "./prop-get.ts";
import { isMounted, mountDataset, removeMountpoint, unmountDataset } from "./mount.ts";

export type ChangeKind = "mountpoint" | "canmount" | "jailed" | "name";

interface Node {
  name: string;
  wasMounted: boolean;
  zoned: boolean;
  mountpoint: string;
}

export interface ChangeList {
  kind: ChangeKind;
  nodes: Node[];
  wasLegacy: boolean;
  /** Mount point of the changed dataset before the change (removed afterwards if empty). */
  oldMountpoint: string;
  dontUnmount: boolean;
}

function node(ctx: ZfsCtx, name: string): Node {
  const rec = mustDs(ctx, name);
  return {
    name,
    wasMounted: rec.type === "filesystem" && isMounted(ctx, name),
    zoned: lookupChain(ctx, name, "jailed", true)?.value === "on",
    mountpoint: rec.type === "filesystem" ? mountpointPath(ctx, name) : "",
  };
}

/** changelist_gather for a dataset about to change. */
export function gather(ctx: ZfsCtx, name: string, kind: ChangeKind, dontUnmount = false): ChangeList {
  const members: string[] = [];
  if (kind === "name") {
    // A rename gathers the mounted file systems below the dataset from the mount table.
    for (const d of descendantsOf(ctx, name)) if (isMounted(ctx, d) && mountpointPath(ctx, d) !== "legacy") members.push(d);
  } else {
    const walk = (parent: string): void => {
      for (const child of childrenOf(ctx, parent)) {
        const src = lookupChain(ctx, child, "mountpoint", true);
        const inherits = src === undefined || src.setpoint !== child;
        if (kind === "jailed" || inherits) {
          members.push(child);
          walk(child);
        }
      }
    };
    walk(name);
  }
  members.push(name);
  const self = node(ctx, name);
  const legacy = self.mountpoint === "legacy" || self.mountpoint === "none";
  const canmount = String(lookupChain(ctx, name, "canmount", false)?.value ?? "on");
  return {
    kind,
    nodes: members.map((m) => node(ctx, m)),
    wasLegacy: kind !== "canmount" && legacy && canmount !== "noauto",
    oldMountpoint: self.mountpoint,
    dontUnmount,
  };
}

/** changelist_prefix: unmounts deepest first; on a busy file system remounts what it unmounted. */
export function prefix(ctx: ZfsCtx, cl: ChangeList): string | undefined {
  if (cl.dontUnmount) return undefined;
  const order = [...cl.nodes].sort((a, b) => b.mountpoint.length - a.mountpoint.length);
  for (const n of order) {
    if (n.zoned || !ctx.disk.datasets[n.name] || mustDs(ctx, n.name).type !== "filesystem") continue;
    const busy = unmountDataset(ctx, n.name);
    if (busy) {
      postfix(ctx, cl);
      return busy;
    }
  }
  return undefined;
}

/** changelist_postfix: remounts parents first what was mounted (or newly mountable after a mountpoint change). */
export function postfix(ctx: ZfsCtx, cl: ChangeList, renamedTo?: Map<string, string>): void {
  if (cl.dontUnmount) return;
  removeMountpoint(ctx, cl.oldMountpoint);
  const nodes = cl.nodes.map((n) => ({ ...n, name: renamedTo?.get(n.name) ?? n.name }));
  nodes.sort((a, b) => mountpointPath(ctx, a.name).length - mountpointPath(ctx, b.name).length);
  for (const n of nodes) {
    if (n.zoned || !ctx.disk.datasets[n.name] || mustDs(ctx, n.name).type !== "filesystem") continue;
    if (isMounted(ctx, n.name)) continue;
    const canmountOn = String(lookupChain(ctx, n.name, "canmount", false)?.value ?? "on") === "on";
    const retry = (cl.kind === "mountpoint" || cl.wasLegacy) && canmountOn;
    if (!n.wasMounted && !retry) continue;
    const mp = mountpointPath(ctx, n.name);
    if (!mp.startsWith("/") || String(lookupChain(ctx, n.name, "canmount", false)?.value ?? "on") === "off") continue;
    if (lookupChain(ctx, n.name, "jailed", true)?.value === "on") continue;
    const e = mountDataset(ctx, n.name);
    if (e) ctx.io.err.push(e + "\n");
  }
}
