// Where the simulated host finds releases: a mirror URL served by fetch(1) from STATE/www (see
// tools/fetch.ts), or a directory on the host itself (install media's /usr/freebsd-dist, an NFS copy).

import { join } from "node:path";
import { statePaths } from "../core/paths.ts";
import { mirrorPath } from "../tools/fetch.ts";
import { buildDistSets } from "./dist-sets.ts";

/** The real directory behind a release location: an http(s)/ftp URL of the mirror, or an absolute path on the host. */
export function locationDir(stateDir: string, location: string): string {
  const url = mirrorPath(stateDir, location.replace(/\/?$/, "/"));
  if (url) return url;
  if (!location.startsWith("/")) throw new Error(`not a URL or an absolute host path: ${location}`);
  return join(statePaths(stateDir).root, location);
}

export interface ReleaseSpec {
  /** e.g. `14.3-RELEASE`: what the userland's freebsd-version -u prints. */
  version: string;
  /** Sets to build (default base, kernel, lib32). */
  sets?: readonly string[];
}

/**
 * Publishes a release's distribution sets and MANIFEST at `location`, e.g.
 * `https://download.freebsd.org/releases/amd64/amd64/14.3-RELEASE` or `/usr/freebsd-dist`; returns the MANIFEST.
 */
export function publishRelease(stateDir: string, location: string, spec: ReleaseSpec): string {
  return buildDistSets(statePaths(stateDir), spec.version, spec.sets ?? ["base", "kernel", "lib32"], locationDir(stateDir, location));
}
