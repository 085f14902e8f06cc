// The FreeBSD releases a simulated host can be: what its kernel and userland report (uname,
// sysctl kern.osrelease/kern.osreldate, freebsd-version) and which jail parameters its kernel has.

/** What differs between the releases the simulator models. */
export interface ReleaseFacts {
  /** kern.osreldate, __FreeBSD_version of sys/sys/param.h at the release. */
  osreldate: number;
  /** The kernel's version string (uname -v, sysctl kern.version): `FreeBSD 14.3-RELEASE releng/14.3-n271432-... GENERIC`. */
  kernVersion: string;
}

/**
 * The modelled releases. 14.3: 1403000 and its build string as the fixtures captured it. 15.0:
 * 1500068 (sys/sys/param.h of releng/15.0); the build number and hash in its version string are
 * made up.
 */
export const RELEASES: Readonly<Record<string, ReleaseFacts>> = {
  "14.3-RELEASE": { osreldate: 1403000, kernVersion: "FreeBSD 14.3-RELEASE releng/14.3-n271432-8c9ce319fef7 GENERIC" },
  "15.0-RELEASE": { osreldate: 1500068, kernVersion: "FreeBSD 15.0-RELEASE releng/15.0-n280995-3e4f5a6b7c8d GENERIC" },
};

/** The facts of a release the simulator models; throws naming the ones it does. */
export function releaseFacts(release: string): ReleaseFacts {
  const facts = RELEASES[release];
  if (!facts) throw new Error(`the simulator models releases ${Object.keys(RELEASES).join(", ")}, not ${release}`);
  return facts;
}

/** The major version of a release (`15.0-RELEASE` -> 15). */
export function majorOf(release: string): number {
  return Number(release.split(".")[0]);
}
