import { EngineLog } from "./protocol/log.ts";
import { Provider } from "./protocol/provider.ts";
import { serviceHandlers, startServer } from "./protocol/server.ts";
import { buildSchema } from "./schema.ts";
import { version } from "./version.ts";

// The plugin: `pulumi-resource-freebsd [--logtostderr] [-v=N] [--tracing X] ENGINE_ADDRESS`.
// It listens on 127.0.0.1 and prints its port as the first line on stdout; nothing before it.

/** The engine address: the first argument that is not a logging or tracing flag. */
function engineAddressOf(argv: string[]): string | undefined {
  const rest = argv.filter((arg, i) => arg !== "--logtostderr" && !arg.startsWith("-v=") && arg !== "--tracing" && argv[i - 1] !== "--tracing");
  return rest[0];
}

async function main(): Promise<void> {
  const log = new EngineLog();
  log.connect(engineAddressOf(process.argv.slice(2)));
  const provider = new Provider(log);
  let schema: string | undefined;
  const handlers = serviceHandlers(provider, log, { version, schema: () => (schema ??= JSON.stringify(buildSchema(), null, 2)) });
  const { server, port } = await startServer(handlers);
  process.stdout.write(`${port}\n`);
  const stop = () => {
    provider.close();
    log.close();
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
