// A pkgbase repository (freebsd-base(7), FreeBSD 15.0): the base system as packages named
// FreeBSD-*, origin base/*, and the package sets of release/packages/sets (FreeBSD-set-minimal,
// -minimal-jail, -devel, -optional, -optional-jail, -lib32, -base, -base-jail, -src, -tests, -kernels:
// meta-packages with no files that depend on the others). The simulator's repository has a handful of
// packages cut from its userland (release/userland.ts) rather than FreeBSD's ~500.
//
// Layout, as `pkg repo` writes it: meta.conf, packagesite.pkg (an archive holding packagesite.yaml, one
// compact manifest as JSON per line, each with the package's path and the sha256 `sum` of its file)
// and All/NAME-VERSION.pkg. Here a .pkg is an xz tar archive (packing_format txz; FreeBSD's are tzst)
// holding +COMPACT_MANIFEST, +MANIFEST and the files under paths relative to the root, and the
// repository is unsigned (signature_type none).

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { statePaths } from "../core/paths.ts";
import { locationDir } from "./publish.ts";
import { majorOf } from "./releases.ts";
import { kernelFileText, stageUserland } from "./userland.ts";

/** A package of the repository: what it holds (paths in the staged userland, or files of its own) and what it needs. */
interface PackageSpec {
  comment: string;
  /** Top-level entries of the staged userland it takes (`bin`, `etc/rc`, ...). */
  take?: string[];
  /** Files of its own: path -> content. */
  files?: (version: string) => Record<string, string>;
  deps?: string[];
}

/** The packages: a few real pkgbase names, and the sets as freebsd-base(7) lists them. */
const PACKAGES: Record<string, PackageSpec> = {
  "FreeBSD-runtime": { comment: "FreeBSD Base System", take: ["bin", "sbin", "lib", "lib64", "etc/passwd", "etc/group", "etc/master.passwd", "etc/shells", "etc/hosts", "dev", "proc", "root", "tmp", "var"] },
  "FreeBSD-rc": { comment: "FreeBSD rc scripts", take: ["etc/rc", "etc/rc.shutdown", "etc/rc.d", "etc/rc.conf.d", "etc/defaults"], deps: ["FreeBSD-runtime"] },
  "FreeBSD-clibs": { comment: "FreeBSD C libraries", take: ["usr/lib", "usr/lib64"] },
  "FreeBSD-utilities": { comment: "FreeBSD utilities", take: ["usr/sbin", "usr/bin", "usr/share", "usr/libexec", "usr/local"], deps: ["FreeBSD-runtime"] },
  "FreeBSD-kernel-generic": { comment: "FreeBSD GENERIC kernel", files: (v) => ({ "boot/kernel/kernel": kernelFileText(v) }) },
  "FreeBSD-vi": { comment: "FreeBSD vi editor", files: () => ({ "usr/share/vi/README": "The simulated vi.\n" }) },
  "FreeBSD-clang": { comment: "FreeBSD C/C++ compilers", files: () => ({ "usr/lib/clang/README": "The simulated compiler.\n" }) },
  "FreeBSD-clibs-lib32": { comment: "FreeBSD 32-bit C libraries", files: () => ({ "usr/lib32/libc.so.7": "simulated 32-bit libc\n" }) },
  "FreeBSD-src": { comment: "FreeBSD source code", files: () => ({ "usr/src/README": "The simulated source tree is empty.\n" }) },
  "FreeBSD-tests": { comment: "FreeBSD test suite", files: () => ({ "usr/tests/README": "The simulated test suite is empty.\n" }) },
  "FreeBSD-set-minimal-jail": { comment: "Minimal base system for jails (metapackage)", deps: ["FreeBSD-runtime", "FreeBSD-rc", "FreeBSD-clibs", "FreeBSD-utilities"] },
  "FreeBSD-set-minimal": { comment: "Minimal base system (metapackage)", deps: ["FreeBSD-set-minimal-jail", "FreeBSD-kernel-generic"] },
  "FreeBSD-set-optional-jail": { comment: "Optional base system software for jails (metapackage)", deps: ["FreeBSD-set-minimal-jail", "FreeBSD-vi"] },
  "FreeBSD-set-optional": { comment: "Optional base system software (metapackage)", deps: ["FreeBSD-set-minimal", "FreeBSD-vi"] },
  "FreeBSD-set-devel": { comment: "Development tools (metapackage)", deps: ["FreeBSD-clang"] },
  "FreeBSD-set-lib32": { comment: "32-bit compatibility libraries (metapackage)", deps: ["FreeBSD-clibs-lib32"] },
  "FreeBSD-set-base": { comment: "Base system (metapackage)", deps: ["FreeBSD-set-minimal", "FreeBSD-set-optional", "FreeBSD-set-devel"] },
  "FreeBSD-set-base-jail": { comment: "Base system for jails (metapackage)", deps: ["FreeBSD-set-minimal-jail", "FreeBSD-set-optional-jail", "FreeBSD-set-devel"] },
  "FreeBSD-set-src": { comment: "System source code (metapackage)", deps: ["FreeBSD-src"] },
  "FreeBSD-set-tests": { comment: "Test suite (metapackage)", deps: ["FreeBSD-tests"] },
  "FreeBSD-set-kernels": { comment: "All kernels (metapackage)", deps: ["FreeBSD-kernel-generic"] },
};

/** The package version of a release: `15.0-RELEASE` -> `15.0` (patch levels are `15.0p1`). */
export function packageVersion(release: string): string {
  const m = /^(\d+\.\d+)-RELEASE(?:-p(\d+))?$/.exec(release);
  if (!m) throw new Error(`pkgbase repositories are modelled for -RELEASE versions, not ${release}`);
  return m[2] ? `${m[1]}p${m[2]}` : m[1]!;
}

function tarCreate(out: string, dir: string, entries: string[]): void {
  const r = spawnSync("tar", ["-cJf", out, "-C", dir, ...entries], { stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`tar -cJf ${out} failed: ${r.stderr.toString()}`);
}

/** Builds one package file; returns its compact manifest (as packagesite.yaml lists it, without sum). */
function buildPackage(name: string, spec: PackageSpec, release: string, userland: string, outDir: string): Record<string, unknown> {
  const version = packageVersion(release);
  const abi = `FreeBSD:${majorOf(release)}:amd64`;
  const tree = mkdtempSync(join(tmpdir(), "freebsd-pkg-"));
  try {
    for (const entry of spec.take ?? []) {
      if (!existsSync(join(userland, entry))) continue;
      mkdirSync(dirname(join(tree, entry)), { recursive: true });
      cpSync(join(userland, entry), join(tree, entry), { recursive: true, verbatimSymlinks: true });
    }
    for (const [path, text] of Object.entries(spec.files?.(release) ?? {})) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text, { mode: path.startsWith("boot/") ? 0o555 : 0o644 });
    }
    const deps = Object.fromEntries((spec.deps ?? []).map((d) => [d, { origin: `base/${d.slice("FreeBSD-".length)}`, version }]));
    const manifest = {
      name, origin: `base/${name.slice("FreeBSD-".length)}`, version, comment: spec.comment, maintainer: "re@FreeBSD.org",
      www: "https://www.FreeBSD.org", abi, arch: `freebsd:${majorOf(release)}:x86:64`, prefix: "/", flatsize: 0,
      licenselogic: "single", licenses: ["BSD2CLAUSE"], desc: spec.comment, categories: ["base"], deps,
      annotations: name.startsWith("FreeBSD-set-") ? { set: "true" } : {},
    };
    const entries = readdirSync(tree);
    writeFileSync(join(tree, "+COMPACT_MANIFEST"), JSON.stringify(manifest));
    writeFileSync(join(tree, "+MANIFEST"), JSON.stringify(manifest));
    const path = `All/${name}-${version}.pkg`;
    mkdirSync(join(outDir, "All"), { recursive: true });
    tarCreate(join(outDir, path), tree, ["+COMPACT_MANIFEST", "+MANIFEST", ...entries]);
    return { ...manifest, path, repopath: path };
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/**
 * Publishes a pkgbase repository of `release` at `location` (a directory on the host, served to pkg
 * as `file:///that/dir`, or an http(s) mirror URL); returns the names of its packages.
 */
export function publishPkgbaseRepo(stateDir: string, location: string, spec: { version: string }): string[] {
  const outDir = locationDir(stateDir, location);
  mkdirSync(outDir, { recursive: true });
  const userland = mkdtempSync(join(tmpdir(), "freebsd-pkgbase-"));
  try {
    stageUserland(statePaths(stateDir), userland, spec.version);
    const lines: string[] = [];
    for (const [name, pkg] of Object.entries(PACKAGES)) {
      const manifest = buildPackage(name, pkg, spec.version, userland, outDir);
      const sum = createHash("sha256").update(readFileSync(join(outDir, manifest["path"] as string))).digest("hex");
      lines.push(JSON.stringify({ ...manifest, sum }));
    }
    const site = mkdtempSync(join(tmpdir(), "freebsd-packagesite-"));
    try {
      writeFileSync(join(site, "packagesite.yaml"), lines.map((l) => `${l}\n`).join(""));
      tarCreate(join(outDir, "packagesite.pkg"), site, ["packagesite.yaml"]);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
    writeFileSync(join(outDir, "meta.conf"), [
      "version = 2;", 'packing_format = "txz";', 'manifests = "packagesite.yaml";', 'data = "data";',
      'filesite = "filesite.yaml";', 'manifests_archive = "packagesite";', 'filesite_archive = "filesite";', "",
    ].join("\n"));
    return Object.keys(PACKAGES);
  } finally {
    rmSync(userland, { recursive: true, force: true });
  }
}
