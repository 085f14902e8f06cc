// Distribution sets as a FreeBSD release publishes them: `<set>.txz` archives and a MANIFEST, laid
// out as on the mirrors (…/releases/amd64/amd64/14.3-RELEASE/{MANIFEST,base.txz,kernel.txz,lib32.txz,…})
// and on install media (/usr/freebsd-dist). MANIFEST is release/scripts/make-manifest.sh's output, the
// file bsdinstall's checksum script verifies against (`sha256 -q` of the set compared with field 2
// of the line whose field 1 is the file name): one tab-separated line per set,
//   base.txz <TAB> SHA256 <TAB> number of archive entries <TAB> base <TAB> "Base system (MANDATORY)" <TAB> on
// (file, checksum, `tar tvf | wc -l`, the set's name with '-' as '_', the quoted description,
// selected by default). The sets hold the simulated userland (release/userland.ts), a kernel file,
// and small stand-ins for lib32 and the test suite.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { StatePaths } from "../core/paths.ts";
import { kernelFileText, stageUserland } from "./userland.ts";

interface SetSpec {
  description: string;
  selected: "on" | "off";
  stage(paths: StatePaths, dir: string, version: string): void;
}

function put(path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode });
}

/** The sets the simulator builds, with make-manifest.sh's descriptions and defaults. */
export const DIST_SETS: Readonly<Record<string, SetSpec>> = {
  base: { description: "Base system (MANDATORY)", selected: "on", stage: stageUserland },
  kernel: {
    description: "Kernel (MANDATORY)", selected: "on",
    stage: (_p, dir, version) => put(join(dir, "boot/kernel/kernel"), kernelFileText(version), 0o555),
  },
  lib32: {
    description: "32-bit compatibility libraries", selected: "on",
    stage: (_p, dir) => {
      put(join(dir, "usr/lib32/libc.so.7"), "simulated 32-bit libc\n");
      put(join(dir, "libexec/ld-elf32.so.1"), "simulated 32-bit run-time linker\n", 0o555);
    },
  },
  tests: {
    description: "Test suite", selected: "off",
    stage: (_p, dir) => put(join(dir, "usr/tests/README"), "The simulated test suite is empty.\n"),
  },
};

/** One MANIFEST line (make-manifest.sh's format). */
export function manifestLine(file: string, sha256: string, entries: number, set: string): string {
  const spec = DIST_SETS[set];
  const description = spec?.description ?? set;
  return [file, sha256, String(entries), set.replace(/-/g, "_"), `"${description}"`, spec?.selected ?? "on"].join("\t");
}

/** Packs `dir` as a set archive the way release/Makefile does (`tar -cJf set.txz .` from inside it); returns its entry count. */
function pack(dir: string, out: string): number {
  const made = spawnSync("tar", ["-cJf", out, "-C", dir, "."], { stdio: ["ignore", "ignore", "pipe"] });
  if (made.status !== 0) throw new Error(`tar -cJf ${out} failed: ${made.stderr.toString()}`);
  const listed = spawnSync("tar", ["-tJf", out], { encoding: "utf8" });
  if (listed.status !== 0) throw new Error(`tar -tJf ${out} failed: ${listed.stderr}`);
  return listed.stdout.split("\n").filter(Boolean).length;
}

/** Builds `sets` of release `version` into `outDir` (created), with their MANIFEST; returns the MANIFEST text. */
export function buildDistSets(paths: StatePaths, version: string, sets: readonly string[], outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const lines: string[] = [];
  for (const set of [...sets].sort()) {
    const spec = DIST_SETS[set];
    if (!spec) throw new Error(`the simulator has no distribution set ${set} (it builds ${Object.keys(DIST_SETS).join(", ")})`);
    const tree = mkdtempSync(join(tmpdir(), `freebsd-dist-${set}-`));
    try {
      spec.stage(paths, tree, version);
      const out = join(outDir, `${set}.txz`);
      const tmp = `${out}.tmp-${process.pid}`;
      const entries = pack(tree, tmp);
      renameSync(tmp, out);
      lines.push(manifestLine(`${set}.txz`, createHash("sha256").update(readFileSync(out)).digest("hex"), entries, set));
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  }
  const manifest = lines.map((l) => `${l}\n`).join("");
  writeFileSync(join(outDir, "MANIFEST"), manifest);
  return manifest;
}
