// freebsd-sim command line: init a host, serve it over SSH, or run a command on it out of band.
//
//   freebsd-sim init  --state DIR [--hostname NAME] [--pool NAME[:SIZE]]... [--release 14.3-RELEASE|15.0-RELEASE]
//   freebsd-sim publish-release --state DIR --at URL|PATH --version V [--set NAME]...   (distribution sets + MANIFEST)
//   freebsd-sim publish-pkgbase --state DIR --at PATH|URL --version V                  (a pkgbase repository)
//   freebsd-sim serve --state DIR [--listen 127.0.0.1:PORT] [--authorized-key FILE] [--password PW]
//                     [--hostname NAME] [--pool NAME[:SIZE]]... [--openssh] [--latency-ms N] [fault flags]
//   freebsd-sim fault --state DIR [fault flags] [--clear]   (see transport/fault-cli.ts)
//   freebsd-sim exec  --state DIR -- COMMAND...
//   freebsd-sim reboot --state DIR
//   freebsd-sim --help

import { statePaths } from "./core/paths.ts";
import { initHost, type InitOptions, type PoolSpec } from "./host/init.ts";
import { ensureKeys } from "./host/keys.ts";
import { execOnHost } from "./host/sandbox.ts";
import { startTransport } from "./transport/serve.ts";
import { armFaultFlags, faultCommand, FAULT_USAGE } from "./transport/fault-cli.ts";
import { rebootHost } from "./host/boot.ts";
import { nicestrtonum } from "./zfs/prop-parse.ts";
import { RELEASES } from "./release/releases.ts";
import { publishRelease } from "./release/publish.ts";
import { publishPkgbaseRepo } from "./release/pkgbase.ts";

const USAGE = `usage: freebsd-sim init  --state DIR [--hostname NAME] [--pool NAME[:SIZE]]... [--release 14.3-RELEASE|15.0-RELEASE]
       freebsd-sim publish-release --state DIR --at URL|PATH --version V [--set NAME]...
       freebsd-sim publish-pkgbase --state DIR --at PATH|URL --version V
       freebsd-sim serve --state DIR [--listen 127.0.0.1:PORT] [--authorized-key FILE] [--password PW]
                         [--hostname NAME] [--pool NAME[:SIZE]]... [--openssh] [--latency-ms N] [fault flags]
${FAULT_USAGE}       freebsd-sim exec  --state DIR -- COMMAND...
       freebsd-sim reboot --state DIR
`;

interface Args {
  command: string;
  flags: Map<string, string[]>;
  rest: string[];
}

/** Flags that take no value. */
const SWITCHES = new Set(["openssh", "clear"]);

function parseArgs(argv: string[]): Args {
  const [command = "", ...tail] = argv;
  const flags = new Map<string, string[]>();
  let i = 0;
  for (; i < tail.length; i++) {
    const a = tail[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("--")) break;
    const [key, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? (SWITCHES.has(key) ? "" : tail[++i]);
    if (value === undefined) fail(`missing value for --${key}`);
    flags.set(key, [...(flags.get(key) ?? []), value]);
  }
  return { command, flags, rest: tail.slice(i) };
}

function fail(message: string): never {
  process.stderr.write(`freebsd-sim: ${message}\n${USAGE}`);
  process.exit(2);
}

function one(args: Args, key: string): string | undefined {
  return args.flags.get(key)?.at(-1);
}

function initOptions(args: Args): InitOptions {
  const pools: PoolSpec[] = (args.flags.get("pool") ?? []).map((spec) => {
    const [name, size] = spec.split(":") as [string, string | undefined];
    const bytes = size === undefined ? undefined : nicestrtonum(size);
    if (typeof bytes === "string") fail(`bad pool size '${size}': ${bytes}`);
    return { name, sizeBytes: bytes };
  });
  const release = one(args, "release");
  if (release !== undefined && !(release in RELEASES)) fail(`--release must be one of ${Object.keys(RELEASES).join(", ")}`);
  return { hostname: one(args, "hostname"), pools, release };
}

async function serve(args: Args, state: string): Promise<void> {
  initHost(state, initOptions(args));
  const keys = ensureKeys(statePaths(state).ssh);
  const listen = one(args, "listen") ?? "127.0.0.1:0";
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) fail(`bad --listen '${listen}' (want HOST:PORT)`);
  const latency = one(args, "latency-ms");
  if (latency !== undefined && !/^\d+$/.test(latency)) fail(`bad --latency-ms '${latency}'`);
  try {
    armFaultFlags(state, args.flags);
  } catch (e) {
    fail((e as Error).message);
  }
  const server = await startTransport({
    stateDir: state,
    server: args.flags.has("openssh") ? "openssh" : "ssh2",
    hostPrivateKey: keys.hostPrivateKey,
    authorizedKeysFiles: [keys.authorizedKeysFile, ...(args.flags.get("authorized-key") ?? [])],
    password: one(args, "password"),
    host: m[1],
    port: Number(m[2]),
    latencyMs: latency === undefined ? undefined : Number(latency),
  });
  const port = server.port;
  process.stdout.write(`freebsd-sim listening on ${m[1]}:${port} host key ${keys.hostKeyFingerprint}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (["help", "--help", "-h"].includes(args.command)) {
    process.stdout.write(USAGE);
    return;
  }
  const state = one(args, "state");
  if (!["init", "serve", "exec", "reboot", "fault", "publish-release", "publish-pkgbase"].includes(args.command)) fail(args.command ? `unknown command '${args.command}'` : "missing command");
  if (!state) fail("--state DIR is required");
  if (args.command === "init") {
    const created = initHost(state, initOptions(args));
    process.stdout.write(`${created ? "initialized" : "already initialized"} ${state}\n`);
    return;
  }
  if (args.command === "serve") return serve(args, state);
  if (args.command === "publish-release" || args.command === "publish-pkgbase") {
    const at = one(args, "at");
    const version = one(args, "version");
    if (!at || !version) fail(`${args.command} needs --at and --version`);
    try {
      if (args.command === "publish-release") process.stdout.write(publishRelease(state, at, { version, sets: args.flags.get("set") }));
      else process.stdout.write(`${publishPkgbaseRepo(state, at, { version }).join("\n")}\n`);
    } catch (e) {
      fail((e as Error).message);
    }
    return;
  }
  if (args.command === "fault") {
    try {
      process.stdout.write(faultCommand(state, args.flags));
    } catch (e) {
      fail((e as Error).message);
    }
    return;
  }
  if (args.command === "reboot") {
    process.stderr.write(rebootHost(state));
    return;
  }
  if (args.rest.length === 0) fail("exec needs a command after --");
  initHost(state);
  const res = await execOnHost(args.rest.join(" "), { stateDir: state });
  process.stdout.write(res.stdout);
  process.stderr.write(res.stderr);
  process.exitCode = res.code;
}

void main();
