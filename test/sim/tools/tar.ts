// tar(1): FreeBSD's is bsdtar (libarchive); here Debian's GNU tar does the work behind /usr/bin/tar.
// bsdtar's flags are translated where GNU tar differs (-s, --clear-nochange-fflags, fflags and mac
// metadata), pax keywords GNU tar does not know (SCHILY.fflags in FreeBSD's base.txz) are ignored
// quietly, and the common failures are reported with bsdtar's words and its exit status 1.

import { chmodSync, copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { StatePaths } from "../core/paths.ts";
import { strerror, writeFd } from "./proc-io.ts";

/** bsdtar short options that take an argument ("b:C:f:I:s:T:W:X:"). */
const WITH_ARG = "bCfIsTWX";
/** Long options taking a separate argument when not written `--name=value`. */
const LONG_WITH_ARG = new Set(["cd", "directory", "exclude", "exclude-from", "file", "files-from", "format", "gid",
  "gname", "include", "newer", "newer-mtime", "newer-than", "newer-mtime-than", "options", "passphrase",
  "strip-components", "uid", "uname", "use-compress-program", "block-size"]);
/** bsdtar-only long options GNU tar would reject; they change nothing here. */
const DROP = new Set(["clear-nochange-fflags", "fflags", "no-fflags", "mac-metadata", "no-mac-metadata", "no-read-sparse",
  "read-sparse", "chroot", "insecure", "fast-read", "hfsCompression", "nopreserveHFSCompression"]);

/** Where the simulator keeps Debian's tar binary (its /usr/bin/tar is covered by the wrapper). */
export function gnuTarPath(paths: StatePaths): string {
  return join(paths.state, "overlay", "gnutar");
}

/** Copies Debian's tar next to the wrappers (host side, before the sandbox hides it). */
export function installGnuTar(paths: StatePaths): void {
  const dest = gnuTarPath(paths);
  if (existsSync(dest) || !existsSync("/usr/bin/tar")) return;
  mkdirSync(join(paths.state, "overlay"), { recursive: true });
  copyFileSync("/usr/bin/tar", dest);
  chmodSync(dest, 0o755);
}

interface Plan {
  args: string[];
  mode?: string;
  file?: string;
  dirs: string[];
}

/** Splits bsdtar's command line (optionally bundled first word) into GNU tar's. */
function translate(argv: string[]): Plan {
  const plan: Plan = { args: [], dirs: [] };
  let words = [...argv];
  if (words.length > 0 && !words[0]!.startsWith("-")) {
    // Old-style bundled flags: `tar xvf file`; the arguments follow in order.
    const letters = words[0]!;
    words = words.slice(1);
    const expanded: string[] = [];
    for (const c of letters) {
      if (WITH_ARG.includes(c)) expanded.push(`-${c}`, words.shift() ?? "");
      else expanded.push(`-${c}`);
    }
    words = [...expanded, ...words];
  }
  const note = (c: string, value: string | undefined): void => {
    if ("crtux".includes(c)) plan.mode = c;
    if (c === "f" && value !== undefined) plan.file = value;
    if (c === "C" && value !== undefined) plan.dirs.push(value);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith("--")) {
      const [name, inline] = w.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (DROP.has(name)) continue;
      const value = inline ?? (LONG_WITH_ARG.has(name) ? words[++i] : undefined);
      if (name === "directory" || name === "cd") note("C", value);
      if (name === "file") note("f", value);
      if (name === "extract") note("x", undefined);
      if (name === "list") note("t", undefined);
      if (name === "create") note("c", undefined);
      plan.args.push(inline === undefined && value !== undefined ? `--${name}` : w);
      if (inline === undefined && value !== undefined) plan.args.push(value);
      continue;
    }
    if (!w.startsWith("-") || w === "-") {
      plan.args.push(w);
      continue;
    }
    for (let j = 1; j < w.length; j++) {
      const c = w[j]!;
      if (WITH_ARG.includes(c)) {
        const value = j + 1 < w.length ? w.slice(j + 1) : words[++i];
        note(c, value);
        // bsdtar's -s /old/new/ is GNU's --transform s/old/new/.
        if (c === "s") plan.args.push(`--transform=s${value ?? ""}`);
        else plan.args.push(`-${c}`, value ?? "");
        break;
      }
      note(c, undefined);
      plan.args.push(`-${c}`);
    }
  }
  return plan;
}

/** Runs tar; returns its exit status. */
export function tarMain(argv: string[], paths: StatePaths): number {
  const plan = translate(argv);
  if (!plan.mode) {
    writeFd(2, "tar: Must specify one of -c, -r, -t, -u, -x\n");
    return 1;
  }
  for (const dir of plan.dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      // bsdtar's do_chdir() passes a format ending in "\n" to lafe_errc(), which adds another.
      writeFd(2, `tar: could not chdir to '${dir}'\n\n`);
      return 1;
    }
  }
  if ((plan.mode === "x" || plan.mode === "t") && plan.file !== undefined && plan.file !== "-") {
    if (!existsSync(plan.file)) {
      writeFd(2, `tar: Error opening archive: Failed to open '${plan.file}'\n`);
      return 1;
    }
  }
  const extra = plan.mode === "x" || plan.mode === "t" ? ["--warning=no-unknown-keyword"] : [];
  const res = spawnSync(gnuTarPath(paths), [...plan.args, ...extra], { stdio: "inherit" });
  if (res.error) {
    writeFd(2, `tar: ${strerror((res.error as NodeJS.ErrnoException).code)}\n`);
    return 1;
  }
  return res.status === 0 ? 0 : 1;
}
