import { buildSchema } from "../schema.ts";
import { version } from "../version.ts";
import type { HandlerKey, Handlers, Loaded, MethodDefinition } from "./listen.ts";
import { EngineLog } from "./log.ts";
import { providerGrpc } from "./proto.ts";
import { Provider } from "./provider.ts";
import { serviceHandlers } from "./server.ts";
import { withStructCodec } from "./struct-fields.ts";

// Everything the plugin does once the engine calls: the engine log, the provider, the handlers, and
// the messages' codec: Pulumi's generated service definition with the lean Struct codec.

/** The running plugin: its handlers and codec, and how to shut it down. */
export interface Plugin extends Loaded {
  stop(): void;
}

const methods = withStructCodec(providerGrpc.ResourceProviderService as unknown as Record<HandlerKey, MethodDefinition>);

/** Starts the plugin's logic for the engine at `engineAddress` (from argv; Handshake and Attach may move it). */
export function startPlugin(engineAddress: string | undefined): Plugin {
  const log = new EngineLog();
  log.connect(engineAddress);
  const provider = new Provider(log);
  let schema: string | undefined;
  const handlers = serviceHandlers(provider, log, { version, schema: () => (schema ??= JSON.stringify(buildSchema(), null, 2)) });
  return {
    handlers: handlers as unknown as Handlers,
    methods,
    stop: () => {
      provider.close();
      log.close();
    },
  };
}
