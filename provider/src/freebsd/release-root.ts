import type { Command } from "../core/command.ts";

// What a release's root says it is. freebsd-version(1) is a sh script with the userland's version
// baked in when the system is built (bin/freebsd-version/freebsd-version.sh.in: the line
// `USERLAND_VERSION="@@REVISION@@-@@BRANCH@@"` becomes `USERLAND_VERSION="14.3-RELEASE"`, and
// freebsd-update rewrites it to `14.3-RELEASE-p2` with the patch), so reading ROOT/bin/freebsd-version
// tells the version of any root without running anything from it.

/** A release version as an input names it: `14.3-RELEASE`, `15.0-BETA3`, `15.0-CURRENT`; no patch level. */
export const releaseVersionPattern = /^[0-9]+\.[0-9]+-[A-Z][A-Z0-9]*$/;

/** The release a userland version belongs to: its patch level dropped (`14.3-RELEASE-p2` -> `14.3-RELEASE`). */
export function releaseOf(userland: string): string {
  return userland.replace(/-p[0-9]+$/, "");
}

/** The userland version in the text of a bin/freebsd-version script; throws when there is none. */
export function parseUserlandVersion(script: string): string {
  const m = /^USERLAND_VERSION="?([0-9]+\.[0-9]+-[A-Za-z0-9-]+)"?\s*$/m.exec(script);
  if (!m) throw new Error("bin/freebsd-version has no USERLAND_VERSION=\"...\" line");
  return m[1]!;
}

/** A root as the batched read found it: whether its dataset is mounted where, and its freebsd-version script. */
export interface ReleaseRoot {
  mounted: boolean;
  mountpoint: string;
  /** The text of MOUNTPOINT/bin/freebsd-version; undefined when the file is absent or the dataset not mounted. */
  versionScript?: string;
}

/**
 * Prints, for each named dataset that exists, whether it is mounted, its mountpoint and its
 * bin/freebsd-version, between markers of the batch token (`zfs list -H -o mounted,mountpoint`).
 */
export function releaseRootsScript(token: string, datasets: readonly string[]): Command {
  const script = [
    'for ds in "$@"; do',
    '  line=$(zfs list -H -o mounted,mountpoint "$ds" 2>/dev/null) || continue',
    `  printf '@@%s root %s\\t%s\\n' ${token} "$ds" "$line"`,
    "  m=${line%%\t*}; mp=${line#*\t}",
    '  case $mp in /*) if [ "$m" = yes ] && [ -f "$mp/bin/freebsd-version" ]; then',
    `    printf '@@%s version\\n' ${token}; cat "$mp/bin/freebsd-version"; fi ;; esac`,
    `  printf '\\n@@%s eof\\n' ${token}`,
    "done",
  ].join("\n");
  return { argv: ["/bin/sh", "-c", script, "sh", ...datasets] };
}

/** Parses what releaseRootsScript printed: roots by dataset name (a dataset that does not exist is absent). */
export function parseReleaseRoots(token: string, text: string): Map<string, ReleaseRoot> {
  const roots = new Map<string, ReleaseRoot>();
  const head = `@@${token} root `;
  const tail = `\n@@${token} eof\n`;
  const versionMark = `@@${token} version\n`;
  let at = 0;
  while (at < text.length) {
    if (!text.startsWith(head, at)) throw new Error(`unexpected release root listing at offset ${at}`);
    const lineEnd = text.indexOf("\n", at);
    const [name, mounted, ...mp] = text.slice(at + head.length, lineEnd).split("\t");
    if (name === undefined || (mounted !== "yes" && mounted !== "no") || mp.length === 0) {
      throw new Error(`unexpected release root line ${JSON.stringify(text.slice(at, lineEnd))}`);
    }
    const end = text.indexOf(tail, lineEnd);
    if (end < 0) throw new Error(`release root listing of ${name} is cut short`);
    const body = text.slice(lineEnd + 1, end);
    const root: ReleaseRoot = { mounted: mounted === "yes", mountpoint: mp.join("\t") };
    if (body.startsWith(versionMark)) root.versionScript = body.slice(versionMark.length);
    else if (body !== "") throw new Error(`unexpected text in the release root listing of ${name}`);
    roots.set(name, root);
    at = end + tail.length;
  }
  return roots;
}
