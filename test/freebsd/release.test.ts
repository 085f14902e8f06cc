import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../provider/src/freebsd/release-manifest.ts";
import {
  extractSet, fetchFile, isUrl, parseInstalledCount, pkgInstall, pkgRepoConf, readManifest, sha256Of,
} from "../../provider/src/freebsd/release-commands.ts";
import { parseReleaseRoots, parseUserlandVersion, releaseOf, releaseRootsScript } from "../../provider/src/freebsd/release-root.ts";

// The release layer's parsers and builders: a release's MANIFEST (make-manifest.sh's format), the
// root's bin/freebsd-version, the release-root listing, and the fetch/sha256/tar/pkg command lines.

const fixture = (name: string) => readFileSync(new URL(`../fixtures/release/${name}`, import.meta.url), "utf8");

describe("parseManifest", () => {
  it("reads every set of a 14.x MANIFEST by file name", () => {
    const m = parseManifest(fixture("MANIFEST-14.3"));
    expect([...m.keys()]).toEqual(["base-dbg.txz", "base.txz", "kernel-dbg.txz", "kernel.txz", "lib32-dbg.txz", "lib32.txz", "ports.txz", "src.txz", "tests.txz"]);
    expect(m.get("base.txz")).toEqual({
      file: "base.txz", sha256: "e98e22106688dc9e27fdfc625289fb8f3423a8f8644d4b20cbf86afe4896e711", entries: 30012, name: "base",
      description: "Base system (MANDATORY)", selected: true,
    });
    expect(m.get("kernel-dbg.txz")).toMatchObject({ name: "kernel_dbg", description: "Kernel (Debugging)", selected: false });
  });

  it.each([
    ["base.txz\tabc\t1\tbase\t\"Base\"\ton\n", /line 1 .*"abc" is not a SHA-256 sum/],
    [`base.txz\t${"a".repeat(64)}\t1\tbase\t"Base"\n`, /expected 6 tab-separated fields, found 5/],
    [`base.txz ${"a".repeat(64)} 1 base "Base" on\n`, /expected 6 tab-separated fields, found 1/],
    [`base.txz\t${"a".repeat(64)}\tx\tbase\t"Base"\ton\n`, /entry count "x" is not a number/],
    [`base.txz\t${"a".repeat(64)}\t1\tbase\tBase\ton\n`, /description is not quoted/],
    [`base.txz\t${"a".repeat(64)}\t1\tbase\t"Base"\tyes\n`, /must be on or off/],
    [`base.tgz\t${"a".repeat(64)}\t1\tbase\t"Base"\ton\n`, /not a distribution set's file name/],
    [`base.txz\t${"a".repeat(64)}\t1\tbase\t"B"\ton\nbase.txz\t${"b".repeat(64)}\t1\tbase\t"B"\ton\n`, /line 2 .*listed twice/],
    ["<html>Not Found</html>\n", /line 1 .*expected 6 tab-separated fields/],
    ["\n", /lists no distribution sets/],
  ])("throws on %j", (text, message) => {
    expect(() => parseManifest(text)).toThrow(message);
  });
});

describe("the root's version", () => {
  it("reads USERLAND_VERSION from bin/freebsd-version, patch level included", () => {
    expect(parseUserlandVersion('#!/bin/sh\nset -ef\n\nUSERLAND_VERSION="14.3-RELEASE-p2"\n\n: ${ROOT:=}\n')).toBe("14.3-RELEASE-p2");
    expect(parseUserlandVersion('USERLAND_VERSION="15.0-RELEASE"\n')).toBe("15.0-RELEASE");
    expect(() => parseUserlandVersion("#!/bin/sh\necho 14.3-RELEASE\n")).toThrow(/no USERLAND_VERSION/);
  });

  it("drops the patch level to name the release", () => {
    expect(releaseOf("14.3-RELEASE-p2")).toBe("14.3-RELEASE");
    expect(releaseOf("15.0-RELEASE")).toBe("15.0-RELEASE");
    expect(releaseOf("15.0-STABLE")).toBe("15.0-STABLE");
  });

  it("lists roots by dataset, with the version script only when mounted and present", () => {
    const t = "0123456789abcdef";
    const text = `@@${t} root zroot/r/14\tyes\t/r/14\n@@${t} version\nUSERLAND_VERSION="14.3-RELEASE"\n\n@@${t} eof\n`
      + `@@${t} root zroot/r/u\tno\t/r/u\n\n@@${t} eof\n`;
    const roots = parseReleaseRoots(t, text);
    expect(roots.get("zroot/r/14")).toEqual({ mounted: true, mountpoint: "/r/14", versionScript: 'USERLAND_VERSION="14.3-RELEASE"\n' });
    expect(roots.get("zroot/r/u")).toEqual({ mounted: false, mountpoint: "/r/u" });
    expect(() => parseReleaseRoots(t, `@@${t} root zroot/x\tmaybe\t/x\n\n@@${t} eof\n`)).toThrow(/unexpected release root line/);
    expect(() => parseReleaseRoots(t, `@@${t} root zroot/x\tyes\t/x\n`)).toThrow(/cut short/);
    expect(releaseRootsScript(t, ["zroot/a b"]).argv.slice(3)).toEqual(["sh", "zroot/a b"]);
  });
});

describe("command lines", () => {
  it("fetches from URLs and reads host directories in place", () => {
    expect(isUrl("https://download.freebsd.org/releases/amd64/amd64/14.3-RELEASE")).toBe(true);
    expect(isUrl("file:///usr/freebsd-dist")).toBe(true);
    expect(isUrl("/usr/freebsd-dist")).toBe(false);
    expect(readManifest("https://m/r/14.3-RELEASE/").argv).toEqual(["fetch", "-q", "-o", "-", "https://m/r/14.3-RELEASE/MANIFEST"]);
    expect(readManifest("/usr/freebsd-dist").argv).toEqual(["cat", "/usr/freebsd-dist/MANIFEST"]);
    expect(fetchFile("https://m/base.txz", "/w/base.txz").argv).toEqual(["fetch", "-q", "-o", "/w/base.txz", "https://m/base.txz"]);
    expect(sha256Of("/w/base.txz").argv).toEqual(["sha256", "-q", "/w/base.txz"]);
    expect(extractSet("/w/base.txz", "/r").argv).toEqual(["tar", "-xpf", "/w/base.txz", "-C", "/r"]);
  });

  it("installs pkgbase sets with pkg -r and a repository file of its own", () => {
    expect(pkgInstall("/r", "/w/repos", "FreeBSD-base", ["FreeBSD-set-minimal-jail"]).argv).toEqual([
      "pkg", "-r", "/r", "-R", "/w/repos", "-o", "IGNORE_OSVERSION=yes", "install", "-y", "-r", "FreeBSD-base", "FreeBSD-set-minimal-jail",
    ]);
    expect(pkgRepoConf("FreeBSD-base", "file:///srv/pkgbase", undefined)).toBe(
      'FreeBSD-base: {\n  url: "file:///srv/pkgbase",\n  signature_type: "none",\n  enabled: yes\n}\n');
    expect(pkgRepoConf("B", 'https://x/"q"', "/usr/share/keys/pkgbase-15")).toBe(
      'B: {\n  url: "https://x/\\"q\\"",\n  signature_type: "fingerprints",\n  fingerprints: "/usr/share/keys/pkgbase-15",\n  enabled: yes\n}\n');
    expect(parseInstalledCount("...\nNumber of packages to be installed: 5\n\n[1/5] ...")).toBe(5);
    expect(parseInstalledCount("nothing")).toBeUndefined();
  });
});
