// pkg(8) as far as pkgbase needs it (pkg 2.x on FreeBSD 15.0): global options up to the command
// (`-r/--rootdir ROOT`, `-R/--repo-conf-dir DIR`, `-o/--option KEY=VALUE`, `-v`), then `install`,
// `update` and `info`. Repositories come from the files in the -R directory, else from ROOT/etc/pkg
// and ROOT/usr/local/etc/pkg/repos (REPOS_DIR is read relative to the root, which is why bsdinstall's
// pkgbase script passes --repo-conf-dir); `file://` URLs are host paths, http(s) and pkg+http(s) URLs
// are served from STATE/www like fetch(1). `install -y [-U] [-r REPO] NAME...` resolves the names and
// their dependencies in the enabled repositories (or REPO), refuses a package built for another ABI
// (FreeBSD:MAJOR:amd64, from -o ABI or the host's release), checks each file against the catalogue's
// sha256 `sum`, extracts it into ROOT and records it. What pkg prints is modelled on pkg's messages,
// not copied from a capture: the wording of its errors is inferred. Not modelled: signatures (a
// repository with signature_type fingerprints fails "No signature found": the simulator's are
// unsigned), the SQLite database (installed packages are recorded in
// ROOT/var/db/pkg/freebsd-sim-local.json), upgrades, deletions, locks, scripts, conflicts.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { StatePaths } from "../core/paths.ts";
import type { DiskState } from "../core/types.ts";
import { mirrorPath } from "../tools/fetch.ts";
import { writeFd } from "../tools/proc-io.ts";
import { gnuTarPath } from "../tools/tar.ts";
import { expandRepoVars, parseRepoConf, type RepoConf } from "./pkg-conf.ts";

const VERSION = "2.4.2";

/** A package as the repository catalogue lists it. */
interface Catalogued {
  name: string;
  version: string;
  comment: string;
  abi: string;
  path: string;
  sum: string;
  deps?: Record<string, unknown>;
  repo: string;
  base: string;
}

interface Globals {
  root: string;
  repoConfDir?: string;
  options: Map<string, string>;
}

class PkgError extends Error {}

const out: string[] = [];
const say = (line: string): void => void out.push(`${line}\n`);
const flush = (): void => writeFd(1, out.splice(0).join(""));

/** Runs pkg; returns its exit status. */
export function pkgMain(argv: string[], paths: StatePaths): number {
  try {
    const { globals, rest } = parseGlobals(argv);
    if (globals === "version") {
      say(VERSION);
      return 0;
    }
    const [command, ...args] = rest;
    if (command === undefined) throw new PkgError("not enough arguments\nUsage: pkg [-v] [-d] [-l] [-N] [-j <jail name or id>|-c <chroot path>|-r <rootdir>] [-C <configuration file>] [-R <repo config dir>] [-o var=value] [-4|-6] <command> [<args>]");
    if (!existsSync(globals.root) || !statSync(globals.root).isDirectory()) throw new PkgError(`Unable to open rootdir ${globals.root}: No such file or directory`);
    if (command === "install") return install(globals, args, paths);
    if (command === "update") return update(globals, args, paths);
    if (command === "info") return info(globals);
    throw new PkgError(`unknown command: ${command}`);
  } catch (e) {
    flush();
    if (!(e instanceof PkgError)) throw e;
    writeFd(2, `pkg: ${e.message}\n`);
    return 1;
  } finally {
    flush();
  }
}

function parseGlobals(argv: string[]): { globals: Globals | "version"; rest: string[] } {
  const globals: Globals = { root: "/", options: new Map() };
  let i = 0;
  const value = (flag: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new PkgError(`option requires an argument -- ${flag}`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-v" || a === "--version") return { globals: "version", rest: [] };
    else if (a === "-r" || a === "--rootdir") globals.root = value("r");
    else if (a.startsWith("--rootdir=")) globals.root = a.slice(10);
    else if (a === "-R" || a === "--repo-conf-dir") globals.repoConfDir = value("R");
    else if (a.startsWith("--repo-conf-dir=")) globals.repoConfDir = a.slice(16);
    else if (a === "-o" || a === "--option" || a.startsWith("-o")) {
      const kv = a === "-o" || a === "--option" ? value("o") : a.slice(2);
      const eq = kv.indexOf("=");
      if (eq < 1) throw new PkgError(`Bad option: ${kv}`);
      globals.options.set(kv.slice(0, eq), kv.slice(eq + 1));
    } else if (a === "-d" || a === "-4" || a === "-6" || a === "-N") continue;
    else if (a.startsWith("-")) throw new PkgError(`illegal option -- ${a.slice(1, 2)}`);
    else break;
  }
  return { globals, rest: argv.slice(i) };
}

/** The host's release, for the default ABI and OSVERSION. */
function hostFacts(paths: StatePaths): { abi: string; osversion: string } {
  const disk = JSON.parse(readFileSync(paths.disk, "utf8")) as DiskState;
  return { abi: `FreeBSD:${disk.host.osrelease.split(".")[0]}:amd64`, osversion: String(disk.host.osreldate) };
}

/** Every configured repository, merged in file order. */
function repositories(g: Globals, paths: StatePaths): Map<string, RepoConf> {
  const dirs = g.repoConfDir !== undefined ? [g.repoConfDir]
    : g.options.has("REPOS_DIR") ? g.options.get("REPOS_DIR")!.split(",").map((d) => join(g.root, d))
      : [join(g.root, "etc/pkg"), join(g.root, "usr/local/etc/pkg/repos")];
  const repos = new Map<string, RepoConf>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".conf")).sort()) {
      for (const [name, conf] of parseRepoConf(readFileSync(join(dir, file), "utf8"), join(dir, file))) {
        repos.set(name, { ...(repos.get(name) ?? {}), ...conf });
      }
    }
  }
  const facts = hostFacts(paths);
  const abi = g.options.get("ABI") ?? facts.abi;
  const osversion = g.options.get("OSVERSION") ?? facts.osversion;
  const vars = { ABI: abi, OSVERSION: osversion, VERSION_MAJOR: String(Math.floor(Number(osversion) / 100000)), VERSION_MINOR: String(Math.floor(Number(osversion) / 1000) % 100) };
  for (const conf of repos.values()) {
    for (const key of ["url", "fingerprints"]) if (typeof conf[key] === "string") conf[key] = expandRepoVars(conf[key] as string, vars);
  }
  return repos;
}

/** The local directory a repository URL names, or why it cannot be reached. */
function repoDir(url: string, paths: StatePaths): string {
  const file = /^file:\/\/(\/.*)$/.exec(url);
  if (file) return decodeURIComponent(file[1]!);
  const web = mirrorPath(paths.state, url.replace(/^pkg\+/, "").replace(/\/?$/, "/"));
  if (!web) throw new PkgError(`${url}: Invalid URL scheme`);
  return web;
}

/** Reads a repository's catalogue (meta.conf, packagesite.pkg), as `pkg update` does. */
function catalogue(name: string, conf: RepoConf, g: Globals, paths: StatePaths): Catalogued[] {
  const url = String(conf["url"] ?? "");
  say(`Updating ${name} repository catalogue...`);
  if (url === "") throw new PkgError(`Repository ${name} has no url\nUnable to update repository ${name}\nError updating repositories!`);
  const dir = repoDir(url, paths);
  if (conf["signature_type"] === "fingerprints") {
    const trusted = join(g.root, String(conf["fingerprints"] ?? ""), "trusted");
    if (!existsSync(trusted)) throw new PkgError(`Error opening the trusted directory ${trusted}\nUnable to update repository ${name}\nError updating repositories!`);
    throw new PkgError(`No signature found\nUnable to update repository ${name}\nError updating repositories!`);
  }
  for (const f of ["meta.conf", "packagesite.pkg"]) {
    if (!existsSync(join(dir, f))) {
      throw new PkgError(`${url.replace(/\/$/, "")}/${f}: No such file or directory\nUnable to update repository ${name}\nError updating repositories!`);
    }
  }
  const listed = spawnSync(gnuTarPath(paths), ["-xJOf", join(dir, "packagesite.pkg"), "packagesite.yaml"], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (listed.status !== 0) throw new PkgError(`${name}: invalid packagesite: ${listed.stderr.trim()}`);
  const entries = listed.stdout.split("\n").filter(Boolean).map((l) => ({ ...(JSON.parse(l) as Catalogued), repo: name, base: dir }));
  say(`Fetching meta.conf: 100%`);
  say(`Fetching data: 100%`);
  say(`Processing entries: 100%`);
  say(`${name} repository update completed. ${entries.length} packages processed.`);
  return entries;
}

/** The catalogues of the enabled repositories (or of `only`), as `pkg update` reads them. */
function catalogues(g: Globals, paths: StatePaths, only: string | undefined): Catalogued[] {
  const repos = repositories(g, paths);
  const enabled = [...repos].filter(([name, conf]) => (only === undefined ? conf["enabled"] !== false : name === only));
  if (only !== undefined && enabled.length === 0) throw new PkgError(`No repository found '${only}'`);
  if (enabled.length === 0) throw new PkgError("No active remote repositories configured.");
  const all = enabled.flatMap(([name, conf]) => catalogue(name, conf, g, paths));
  say("All repositories are up to date.");
  return all;
}

function update(g: Globals, args: string[], paths: StatePaths): number {
  const r = args.indexOf("-r");
  catalogues(g, paths, r >= 0 ? args[r + 1] : undefined);
  return 0;
}

/** The registry of installed packages under ROOT. */
function registryFile(g: Globals): string {
  return join(g.root, g.options.get("PKG_DBDIR") ?? "var/db/pkg", "freebsd-sim-local.json");
}

function installed(g: Globals): Record<string, { version: string; comment: string; repo: string }> {
  const file = registryFile(g);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) as Record<string, { version: string; comment: string; repo: string }> : {};
}

function info(g: Globals): number {
  for (const [name, p] of Object.entries(installed(g)).sort(([a], [b]) => (a < b ? -1 : 1))) say(`${`${name}-${p.version}`.padEnd(32)} ${p.comment}`);
  return 0;
}

function install(g: Globals, args: string[], paths: StatePaths): number {
  let yes = /^(yes|true|on)$/i.test(g.options.get("ASSUME_ALWAYS_YES") ?? "");
  let repo: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "-r" || a === "--repository") repo = args[++i];
    else if (/^-[AfFgIiMnqRUxy]+$/.test(a)) yes ||= a.includes("y");
    else if (a === "--yes") yes = true;
    else if (a.startsWith("-")) throw new PkgError(`illegal option -- ${a.slice(1, 2)}\nUsage: pkg install [-AfInFMqRUy] [-r reponame] [-Cgix] <pkg-name> ...`);
    else names.push(a);
  }
  if (names.length === 0) throw new PkgError("Usage: pkg install [-AfInFMqRUy] [-r reponame] [-Cgix] <pkg-name> ...");
  const available = catalogues(g, paths, repo);
  const byName = new Map(available.map((p) => [p.name, p]));
  for (const name of names) {
    if (!byName.has(name)) throw new PkgError(`No packages available to install matching '${name}' have been found in the repositories`);
  }
  const have = installed(g);
  const order: Catalogued[] = [];
  const visit = (name: string): void => {
    if (have[name] || order.some((p) => p.name === name)) return;
    const p = byName.get(name);
    if (!p) throw new PkgError(`${name}: dependency not found in the repositories`);
    for (const dep of Object.keys(p.deps ?? {})) visit(dep);
    order.push(p);
  };
  names.forEach(visit);
  if (order.length === 0) {
    say("The most recent versions of packages are already installed");
    return 0;
  }
  const myabi = g.options.get("ABI") ?? hostFacts(paths).abi;
  for (const p of order) if (p.abi !== myabi) throw new PkgError(`wrong architecture: ${p.abi} instead of ${myabi}`);
  say("Checking integrity... done (0 conflicting)");
  say(`The following ${order.length} package(s) will be affected (of 0 checked):\n\nNew packages to be INSTALLED:`);
  for (const p of order) say(`\t${p.name}: ${p.version} [${p.repo}]`);
  say(`\nNumber of packages to be installed: ${order.length}\n`);
  if (!yes) {
    out.push("Proceed with this action? [y/N]: ");
    flush();
    let answer = "";
    try {
      answer = readFileSync(0, "utf8");
    } catch {
      answer = "";
    }
    if (!/^y/i.test(answer.trim())) return 1;
  }
  const cache = join(g.root, "var/cache/pkg");
  mkdirSync(cache, { recursive: true });
  order.forEach((p, i) => {
    const file = join(p.base, p.path);
    const tag = `[${i + 1}/${order.length}]`;
    if (!existsSync(file)) throw new PkgError(`${p.base}/${p.path}: No such file or directory`);
    const data = readFileSync(file);
    if (createHash("sha256").update(data).digest("hex") !== p.sum) throw new PkgError(`${p.name}-${p.version} failed checksum from repository`);
    writeFileSync(join(cache, `${p.name}-${p.version}.pkg`), data);
    say(`${tag} Fetching ${p.name}-${p.version}.pkg: 100%`);
  });
  const registry = have;
  order.forEach((p, i) => {
    const tag = `[${i + 1}/${order.length}]`;
    say(`${tag} Installing ${p.name}-${p.version}...`);
    const x = spawnSync(gnuTarPath(paths), ["-xpJf", join(cache, `${p.name}-${p.version}.pkg`), "-C", g.root,
      "--exclude=+COMPACT_MANIFEST", "--exclude=+MANIFEST", "--no-overwrite-dir"], { encoding: "utf8" });
    if (x.status !== 0) throw new PkgError(`${p.name}-${p.version}: extraction failed: ${x.stderr.trim()}`);
    say(`${tag} Extracting ${p.name}-${p.version}: 100%`);
    registry[p.name] = { version: p.version, comment: p.comment, repo: p.repo };
    mkdirSync(join(registryFile(g), ".."), { recursive: true });
    writeFileSync(registryFile(g), JSON.stringify(registry, null, 1));
  });
  return 0;
}
