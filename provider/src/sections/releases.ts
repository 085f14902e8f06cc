import { parseReleaseRoots, releaseRootsScript, type ReleaseRoot } from "../freebsd/release-root.ts";
import { Named } from "../inventory/named.ts";
import type { Section } from "../inventory/section.ts";

// The release section: for named datasets, where each is mounted and the bin/freebsd-version its
// root holds (what freebsd:jail:Release reports as the installed version).

/** The roots of the named datasets (`zfs list -o mounted,mountpoint`, then their bin/freebsd-version). */
export const releaseRoots: Section<Named<ReleaseRoot>> = {
  key: "release.roots",
  command: (scope, token) => releaseRootsScript(token, scope === "all" ? [] : [...scope].sort()),
  parse: (out, scope, token) => {
    if (out.code !== 0) throw new Error(`reading release roots exited ${out.code}: ${out.stderr.trim() || "(no stderr)"}`);
    return new Named("release root", scope, parseReleaseRoots(token, out.stdout));
  },
};
