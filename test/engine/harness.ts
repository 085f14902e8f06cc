// Starting the real plugin executable as the engine does and connecting a harness client to it.
//
//   const provider = await startProvider();
//   await provider.handshake();
//   const { version } = await provider.getPluginInfo();
//   ...
//   await provider.kill();
import { credentials } from "@grpc/grpc-js";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ProviderClient, type ClientAttachments } from "./client.ts";
import { FakeEngine } from "./fake-engine.ts";
import { launchPlugin } from "./plugin-process.ts";
import { CHANNEL_OPTIONS, providerGrpc } from "./proto.ts";

export { ProviderClient } from "./client.ts";
export { ProviderError, DiffUnavailableError } from "./errors.ts";
export type { InitFailedDetail, MissingKeyDetail, PropertyErrorDetail } from "./errors.ts";
export type * from "./rpc-types.ts";

/** The repository's launcher (provider/bin: a wrapper that runs provider/dist/main.js with Node). */
export const LAUNCHER_BIN = resolve(dirname(fileURLToPath(import.meta.url)), "../../provider/bin/pulumi-resource-freebsd");

/**
 * The standalone plugin under test, when FREEBSD_PROVIDER_PLUGIN names one (`make test-dist`: the
 * executable of make dist's tarball, unpacked alone); it is run with no Node on its PATH.
 */
export const STANDALONE_BIN = process.env["FREEBSD_PROVIDER_PLUGIN"] || undefined;

/** The plugin executable the tests start: the standalone one when given, else the launcher. */
export const PLUGIN_BIN = STANDALONE_BIN ?? LAUNCHER_BIN;

/** PATH without any directory that holds a `node`: what a machine without Node.js gives a plugin. */
export function pathWithoutNode(path: string | undefined): string {
  return (path ?? "").split(delimiter).filter((dir) => dir !== "" && !existsSync(join(dir, "node"))).join(delimiter);
}

/** How to start the plugin. */
export interface StartOptions {
  /** Extra environment on top of this process's (the engine passes the user's environment). */
  env?: Record<string, string>;
  /** Flags placed before the engine address; default ["--logtostderr", "-v=9"]. */
  args?: string[];
  /** The executable; default PLUGIN_BIN. */
  bin?: string;
  /** Working directory (the Pulumi program's directory); default a fresh temporary directory. */
  cwd?: string;
  /** A fake engine to share between plugins; default a new one, stopped by kill(). */
  engine?: FakeEngine;
}

// Connects a client to a provider that is already listening (the PULUMI_DEBUG_PROVIDERS case:
// the engine then handshakes with no directories and calls Attach with its address).
export function connectProvider(port: number, attachments: ClientAttachments = {}): ProviderClient {
  const raw = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, credentials.createInsecure(), CHANNEL_OPTIONS);
  return new ProviderClient(raw, attachments);
}

// Spawns the plugin with `<args> <engineAddress>`, reads its port line and connects a client.
export async function startProvider(opts: StartOptions = {}): Promise<ProviderClient> {
  const engine = opts.engine ?? (await FakeEngine.start());
  const ownsEngine = opts.engine === undefined;
  const cwd = opts.cwd ?? mkdtempSync(join(tmpdir(), "pulumi-freebsd-program-"));
  const ownsCwd = opts.cwd === undefined;
  const bin = opts.bin ?? PLUGIN_BIN;
  const cleanUp = async (): Promise<void> => {
    if (ownsEngine) await engine.stop();
    if (ownsCwd) rmSync(cwd, { recursive: true, force: true });
  };
  let plugin;
  try {
    plugin = await launchPlugin({
      bin,
      args: [...(opts.args ?? ["--logtostderr", "-v=9"]), engine.address],
      cwd,
      env: bin === STANDALONE_BIN ? { ...process.env, ...opts.env, PATH: pathWithoutNode(opts.env?.["PATH"] ?? process.env["PATH"]) } : { ...process.env, ...opts.env },
      prefix: "freebsd (resource)",
    });
  } catch (e) {
    await cleanUp();
    throw e;
  }
  const started = plugin;
  return connectProvider(plugin.port, {
    plugin,
    engine,
    handshakeDefaults: { engineAddress: engine.address, rootDirectory: dirname(bin), programDirectory: dirname(bin) },
    onClose: async () => {
      await started.kill();
      await cleanUp();
    },
  });
}
