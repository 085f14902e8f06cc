import { enableCompileCache } from "node:module";
import type { Plugin } from "./protocol/plugin.ts";

// The plugin: `pulumi-resource-freebsd [--logtostderr] [-v=N] [--tracing X] ENGINE_ADDRESS`.
// It listens on 127.0.0.1 and prints its port as the first line on stdout; nothing before it. Only
// the gRPC server is loaded before the port line; the rest loads with the first call. Every `pulumi`
// command starts the plugin anew, so compiled code is kept in Node's compile cache
// (NODE_COMPILE_CACHE, else the system's temporary directory) before anything else is loaded: it
// halves the CPU a start costs. A cache that cannot be written is skipped by Node without a word.
enableCompileCache();

/** The engine address: the first argument that is not a logging or tracing flag. */
function engineAddressOf(argv: string[]): string | undefined {
  const rest = argv.filter((arg, i) => arg !== "--logtostderr" && !arg.startsWith("-v=") && arg !== "--tracing" && argv[i - 1] !== "--tracing");
  return rest[0];
}

async function main(): Promise<void> {
  let plugin: Plugin | undefined;
  const load = async () => {
    const { startPlugin } = await import("./protocol/plugin.ts");
    plugin = startPlugin(engineAddressOf(process.argv.slice(2)));
    return plugin;
  };
  const { listen } = await import("./protocol/listen.ts");
  const { server, port } = await listen(load);
  process.stdout.write(`${port}\n`);
  const stop = () => {
    plugin?.stop();
    server.forceShutdown();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`pulumi-resource-freebsd: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
