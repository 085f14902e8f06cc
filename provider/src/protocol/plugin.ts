import { buildSchema } from "../schema.ts";
import { version } from "../version.ts";
import type { Handlers } from "./listen.ts";
import { EngineLog } from "./log.ts";
import { Provider } from "./provider.ts";
import { serviceHandlers } from "./server.ts";

// Everything the plugin does once the engine calls: the engine log, the provider, the handlers.

/** The running plugin: its handlers, and how to shut it down. */
export interface Plugin {
  handlers: Handlers;
  stop(): void;
}

/** Starts the plugin's logic for the engine at `engineAddress` (from argv; Handshake and Attach may move it). */
export function startPlugin(engineAddress: string | undefined): Plugin {
  const log = new EngineLog();
  log.connect(engineAddress);
  const provider = new Provider(log);
  let schema: string | undefined;
  const handlers = serviceHandlers(provider, log, { version, schema: () => (schema ??= JSON.stringify(buildSchema(), null, 2)) });
  return {
    handlers: handlers as unknown as Handlers,
    stop: () => {
      provider.close();
      log.close();
    },
  };
}
