// The tools run as plain JavaScript: node's type stripping of ~40 modules would cost ~80 ms per
// tool invocation, so the simulator's sources are stripped once (module.stripTypeScriptTypes) into
// STATE/lib, with relative `.ts` imports (static and dynamic) rewritten to `.js`. Rebuilt whenever a
// source changes.

import { stripTypeScriptTypes } from "node:module";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

function sources(dir: string, acc: string[] = []): string[] {
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sources(path, acc);
    else if (path.endsWith(".ts") && !path.endsWith(".test.ts")) acc.push(path);
  }
  return acc;
}

function stampOf(files: string[]): string {
  const h = createHash("sha256");
  for (const f of files) {
    const st = statSync(f);
    h.update(`${f}\0${st.mtimeMs}\0${st.size}\n`);
  }
  return h.digest("hex");
}

/** Makes `dest` hold stripped JavaScript of every module under `codeDir`; returns dest. */
export function buildToolCode(codeDir: string, dest: string): string {
  const files = sources(codeDir);
  const stamp = stampOf(files);
  const stampFile = join(dest, ".stamp");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return dest;
  const tmp = `${dest}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const file of files) {
    const out = join(tmp, relative(codeDir, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(out), { recursive: true });
    const js = stripTypeScriptTypes(readFileSync(file, "utf8"), { mode: "strip" })
      .replace(/(\bfrom\s+["'])(\.{1,2}\/[^"']+)\.ts(["'])/g, "$1$2.js$3")
      .replace(/(\bimport\(\s*["'])(\.{1,2}\/[^"']+)\.ts(["']\s*\))/g, "$1$2.js$3");
    writeFileSync(out, js);
  }
  writeFileSync(join(tmp, "package.json"), '{ "type": "module" }\n');
  writeFileSync(join(tmp, ".stamp"), stamp);
  const old = `${dest}.old-${process.pid}`;
  if (existsSync(dest)) renameSync(dest, old);
  renameSync(tmp, dest);
  rmSync(old, { recursive: true, force: true });
  return dest;
}
