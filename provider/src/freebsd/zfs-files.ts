import type { Command } from "../core/command.ts";

// What a mounted file system holds, for the rule that a dataset with data is destroyed only with
// forceDestroy. `zfs mount` with no arguments prints each mounted ZFS file system as
// `printf("%-30s  %s\n", mnt_special, mnt_mountp)` from the kernel's mount table
// (cmd/zfs/zfs_main.c, share_mount, OpenZFS 2.2.7), so the path is where the file system really is
// (a jail's mount included), whatever its mountpoint property says. Of each named dataset mounted
// there, find(1) prints the first entries of its top directory other than `.zfs` (visible with
// snapdir=visible); a dataset not mounted prints nothing.

/** How many entries of a directory are printed: one is enough to call it not empty, a few name it. */
export const filesShown = 5;

/**
 * `zfs mount`, then for each named dataset mounted: a marker line `@@TOKEN listed NAME` and up to
 * filesShown + 1 entries of its mount point, or `@@TOKEN failed` when find could not read it.
 */
export function zfsFilesScript(token: string, names: readonly string[]): Command {
  const script = [
    "m=$(zfs mount) || exit 1",
    'for d in "$@"; do',
    '  printf "%s\\n" "$m" | while IFS= read -r l; do',
    '    case $l in "$d "*) ;; *) continue ;; esac',
    '    p=${l#"$d"}; p=${p#"${p%%[! ]*}"}',
    '    case $p in /*) ;; *) continue ;; esac',
    `    printf '@@%s listed %s\\n' ${token} "$d"`,
    `    { find "$p" -mindepth 1 -maxdepth 1 ! -name .zfs -print || printf '@@%s failed\\n' ${token}; } | head -n ${filesShown + 1}`,
    "  done",
    "done",
  ].join("\n");
  return { argv: ["/bin/sh", "-c", script, "sh", ...names] };
}

/** The entries found under each listed dataset (none: empty); a dataset not mounted is not in the map. */
export function parseZfsFiles(token: string, text: string): Map<string, string[]> {
  const listed = new Map<string, string[]>();
  let current: string[] | undefined;
  let currentName = "";
  for (const line of text.split("\n")) {
    if (line.startsWith(`@@${token} listed `)) {
      currentName = line.slice(`@@${token} listed `.length);
      current = [];
      listed.set(currentName, current);
    } else if (line === `@@${token} failed`) {
      throw new Error(`find could not read the mount point of ${currentName || "a dataset"}`);
    } else if (current !== undefined && line !== "") {
      current.push(line);
    } else if (line !== "") {
      throw new Error(`zfs mount/find: unexpected line ${JSON.stringify(line)} before any dataset`);
    }
  }
  return listed;
}
