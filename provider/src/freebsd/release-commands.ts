import { command, type Command } from "../core/command.ts";

// Builders of the commands that install a release's base system into a root: distribution sets
// fetched with fetch(1), verified with sha256(1) and extracted with tar(1) as bsdinstall does
// (usr.sbin/bsdinstall/scripts/checksum, distextract), or pkgbase packages installed with
// `pkg -r ROOT` (freebsd-base(7) on 15.0; bsdinstall's pkgbase script passes --repo-conf-dir and
// IGNORE_OSVERSION the same way). Argv lists only; quoting happens in host/.

/** Whether a release source location is a URL (fetched) rather than a directory on the host (read in place). */
export function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/** A file of a release location: `URL/name` or `DIR/name`. */
export function locationFile(location: string, name: string): string {
  return `${location.replace(/\/+$/, "")}/${name}`;
}

/** Prints a release's MANIFEST: fetched to standard output, or read from the directory. */
export function readManifest(location: string): Command {
  const file = locationFile(location, "MANIFEST");
  return isUrl(location) ? command("fetch", "-q", "-o", "-", file) : command("cat", file);
}

/** Downloads one file of a release to `out` (fetch(1); -q: no progress line on stderr). */
export function fetchFile(url: string, out: string): Command {
  return command("fetch", "-q", "-o", out, url);
}

/** `sha256 -q FILE`: the file's SHA-256 alone on a line (sbin/md5). */
export function sha256Of(file: string): Command {
  return command("sha256", "-q", file);
}

/** Extracts a set into a root preserving permissions (`tar -xpf`; bsdtar keeps owners as root). */
export function extractSet(file: string, root: string): Command {
  return command("tar", "-xpf", file, "-C", root);
}

/** Empties (or creates) a working directory. */
export function resetDirectory(dir: string): Command {
  return { argv: ["/bin/sh", "-c", 'rm -rf "$1" && mkdir -p "$1"', "sh", dir] };
}

/** Removes a working directory; one already gone is fine. */
export function removeDirectory(dir: string): Command {
  return command("rm", "-rf", dir);
}

/** Writes a file from standard input, creating its directory (a file of the provider's own working directory). */
export function writeWorkFile(path: string, content: string): Command {
  return { argv: ["/bin/sh", "-c", 'mkdir -p "$(dirname "$1")" && cat > "$1"', "sh", path], stdin: content };
}

/** Prints a file (the root's bin/freebsd-version after an install). */
export function catFile(path: string): Command {
  return command("cat", path);
}

/** The name of a pkgbase package set: `minimal-jail` -> `FreeBSD-set-minimal-jail` (freebsd-base(7)). */
export function pkgbaseSetPackage(set: string): string {
  return `FreeBSD-set-${set}`;
}

/** A UCL string value for pkg.conf(5): double-quoted, `"` and `\` escaped. */
function uclString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A repository file naming one repository for pkg's --repo-conf-dir: the URL, and either the
 * fingerprints directory the packages' signatures are checked against (pkg reads it relative to the
 * root, so it must also exist inside the root) or no signature checking at all.
 */
export function pkgRepoConf(name: string, url: string, fingerprints: string | undefined): string {
  const signature = fingerprints === undefined
    ? ['  signature_type: "none",']
    : ['  signature_type: "fingerprints",', `  fingerprints: ${uclString(fingerprints)},`];
  return [`${name}: {`, `  url: ${uclString(url)},`, ...signature, "  enabled: yes", "}", ""].join("\n");
}

/** Copies the trusted keys directory from the host into the root at the same path (pkg reads it relative to -r). */
export function copyKeysIntoRoot(fingerprints: string, root: string): Command {
  return {
    argv: ["/bin/sh", "-c", 'mkdir -p "$2$(dirname "$1")" && rm -rf "$2$1" && cp -R "$1" "$2$1"', "sh", fingerprints, root],
  };
}

/** `pkg -r ROOT -R CONFDIR -o IGNORE_OSVERSION=yes install -y -r REPO PACKAGE...` */
export function pkgInstall(root: string, repoConfDir: string, repo: string, packages: readonly string[]): Command {
  return command("pkg", "-r", root, "-R", repoConfDir, "-o", "IGNORE_OSVERSION=yes", "install", "-y", "-r", repo, ...packages);
}

/** How many packages `pkg install` says it installed (its "Number of packages to be installed: N" line), if it says. */
export function parseInstalledCount(stdout: string): number | undefined {
  const m = /^Number of packages to be installed: (\d+)$/m.exec(stdout);
  return m ? Number(m[1]) : undefined;
}
