import { command, type Command } from "../core/command.ts";

// Builders of zfs(8) command lines (OpenZFS 2.2). Argv lists only; quoting happens in host/.

/** `zfs get` of every property, exact and tab-separated, of the named datasets (of every filesystem and volume without names). */
export function zfsGetAll(names: readonly string[] = []): Command {
  return command("zfs", "get", "-H", "-p", "-o", "name,property,value,source", "-t", "filesystem,volume", "all", ...names);
}

/** The columns of the snapshot listing, in the order parseSnapshotList reads them. */
export const snapshotColumns = "name,guid,createtxg,creation,used,referenced,clones,userrefs";

/** `zfs list` of the snapshots below the named datasets (`-r`; every snapshot without names), with the fields the inventory keeps. */
export function zfsListSnapshots(roots: readonly string[] = []): Command {
  const r = roots.length > 0 ? ["-r"] : [];
  return command("zfs", "list", "-H", "-p", "-t", "snapshot", ...r, "-o", snapshotColumns, ...roots);
}

/** `zfs get` of the locally set properties (user properties, the marker) of the named snapshots. */
export function zfsGetSnapshotsLocal(names: readonly string[]): Command {
  return command("zfs", "get", "-H", "-p", "-s", "local", "-o", "name,property,value,source", "-t", "snapshot", "all", ...names);
}

/**
 * `zfs holds -r` of the named snapshots: the holds of each and of the snapshots of the same name below
 * its dataset (zfs_main.c zfs_do_holds cuts the argument at '@' and walks the file system with -r).
 */
export function zfsHoldsOf(snapshots: readonly string[]): Command {
  return command("zfs", "holds", "-H", "-p", "-r", ...snapshots);
}

/** `zfs snapshot`, of the children too with `recursive` (one transaction: atomic), with user properties. */
export function zfsSnapshot(name: string, options: { recursive?: boolean; properties?: Record<string, string> } = {}): Command {
  const argv = ["zfs", "snapshot"];
  if (options.recursive) argv.push("-r");
  for (const [prop, value] of Object.entries(options.properties ?? {})) argv.push("-o", `${prop}=${value}`);
  argv.push(name);
  return { argv };
}

/** `zfs clone` of a snapshot to a new file system or volume, with properties set at creation. */
export function zfsClone(snapshot: string, name: string, options: { parents?: boolean; properties?: Record<string, string> } = {}): Command {
  const argv = ["zfs", "clone"];
  if (options.parents) argv.push("-p");
  for (const [prop, value] of Object.entries(options.properties ?? {})) argv.push("-o", `${prop}=${value}`);
  argv.push(snapshot, name);
  return { argv };
}

/** `zfs promote`: the clone takes its origin's snapshots up to the origin, and the origin becomes its clone. */
export function zfsPromote(name: string): Command {
  return command("zfs", "promote", name);
}

/** `zfs rollback`; `-r` destroys the later snapshots. `-R` (which destroys clones of them too) is never built. */
export function zfsRollback(snapshot: string, options: { destroyLater?: boolean } = {}): Command {
  return options.destroyLater ? command("zfs", "rollback", "-r", snapshot) : command("zfs", "rollback", snapshot);
}

/** `zfs hold TAG SNAPSHOT...` (`-r`: the snapshots of that name below too). */
export function zfsHold(tag: string, snapshots: readonly string[], options: { recursive?: boolean } = {}): Command {
  return command("zfs", "hold", ...(options.recursive ? ["-r"] : []), tag, ...snapshots);
}

/** `zfs release TAG SNAPSHOT...` (`-r`: the snapshots of that name below too). */
export function zfsRelease(tag: string, snapshots: readonly string[], options: { recursive?: boolean } = {}): Command {
  return command("zfs", "release", ...(options.recursive ? ["-r"] : []), tag, ...snapshots);
}

/** `zfs list` of names and GUIDs of the named datasets and everything below them (every filesystem and volume without names). */
export function zfsListGuids(roots: readonly string[] = []): Command {
  const r = roots.length > 0 ? ["-r"] : [];
  return command("zfs", "list", "-H", "-p", "-t", "filesystem,volume", ...r, "-o", "name,guid", ...roots);
}

/** `zpool list` of every pool, exact and tab-separated. */
export function zpoolList(): Command {
  return command("zpool", "list", "-H", "-p", "-o", "name,size,allocated,free,health");
}

/** `zfs create` of a filesystem, or of a volume when `volsize` is given. */
export function zfsCreate(
  name: string,
  options: { parents?: boolean; volsize?: string; volblocksize?: string; properties?: Record<string, string> },
): Command {
  const argv = ["zfs", "create"];
  if (options.parents) argv.push("-p");
  for (const [prop, value] of Object.entries(options.properties ?? {})) argv.push("-o", `${prop}=${value}`);
  if (options.volsize !== undefined) {
    if (options.volblocksize !== undefined) argv.push("-b", options.volblocksize);
    argv.push("-V", options.volsize);
  }
  argv.push(name);
  return { argv };
}

/** `zfs set` of one or more properties. */
export function zfsSet(name: string, properties: Record<string, string>): Command {
  const pairs = Object.entries(properties).map(([prop, value]) => `${prop}=${value}`);
  return command("zfs", "set", ...pairs, name);
}

/** `zfs inherit` of one property. */
export function zfsInherit(name: string, property: string): Command {
  return command("zfs", "inherit", property, name);
}

/** `zfs rename` of a dataset in place, optionally creating the new parents; of a snapshot, `-r` renames those below too. */
export function zfsRename(from: string, to: string, options: { parents?: boolean; recursive?: boolean } = {}): Command {
  if (options.recursive) return command("zfs", "rename", "-r", from, to);
  return options.parents ? command("zfs", "rename", "-p", from, to) : command("zfs", "rename", from, to);
}

/**
 * `zfs destroy`, recursive (children and snapshots; for a snapshot, those of its name below) when asked;
 * `defer` (snapshots only, `-d`) marks a held or cloned snapshot to go with its last hold and clone.
 */
export function zfsDestroy(name: string, options: { recursive?: boolean; defer?: boolean } = {}): Command {
  const flags = `${options.defer ? "d" : ""}${options.recursive ? "r" : ""}`;
  return flags === "" ? command("zfs", "destroy", name) : command("zfs", "destroy", `-${flags}`, name);
}

/** `zfs mount` of one filesystem. */
export function zfsMount(name: string): Command {
  return command("zfs", "mount", name);
}
