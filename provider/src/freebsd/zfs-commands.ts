import { command, type Command } from "../core/command.ts";

// Builders of zfs(8) command lines (OpenZFS 2.2). Argv lists only; quoting happens in host/.

/** `zfs get` of every property, exact and tab-separated, of the named datasets (of every filesystem and volume without names). */
export function zfsGetAll(names: readonly string[] = []): Command {
  return command("zfs", "get", "-H", "-p", "-o", "name,property,value,source", "-t", "filesystem,volume", "all", ...names);
}

/** `zfs list` of the snapshots below the named datasets (`-r`; every snapshot without names), with the fields the inventory keeps. */
export function zfsListSnapshots(roots: readonly string[] = []): Command {
  const r = roots.length > 0 ? ["-r"] : [];
  return command("zfs", "list", "-H", "-p", "-t", "snapshot", ...r, "-o", "name,guid,createtxg,creation,used,referenced,clones", ...roots);
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

/** `zfs rename` of a dataset in place, optionally creating the new parents. */
export function zfsRename(from: string, to: string, options: { parents?: boolean } = {}): Command {
  return options.parents ? command("zfs", "rename", "-p", from, to) : command("zfs", "rename", from, to);
}

/** `zfs destroy`, recursive (children and snapshots) when asked. */
export function zfsDestroy(name: string, options: { recursive?: boolean } = {}): Command {
  return options.recursive ? command("zfs", "destroy", "-r", name) : command("zfs", "destroy", name);
}

/** `zfs mount` of one filesystem. */
export function zfsMount(name: string): Command {
  return command("zfs", "mount", name);
}
