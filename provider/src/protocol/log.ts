import * as grpc from "@grpc/grpc-js";
import { boundedText } from "./errors.ts";
import { engineGrpc, enginePb } from "./proto.ts";

// Diagnostics go to the engine's Log service: after the port line, stdout is hidden from users.

export type Severity = "debug" | "info" | "warning" | "error";
const severities: Record<Severity, number> = { debug: 0, info: 1, warning: 2, error: 3 };

/** Sends log lines to the engine; silently drops them when no engine is reachable. */
export class EngineLog {
  private client: InstanceType<typeof engineGrpc.EngineClient> | undefined;
  private address: string | undefined;

  /** Points the logger at the engine's address (from argv, Handshake or Attach). */
  connect(address: string | undefined): void {
    if (!address || address === this.address) return;
    this.client?.close();
    this.address = address;
    this.client = new engineGrpc.EngineClient(address, grpc.credentials.createInsecure());
  }

  /** Logs a message, attached to a resource when its URN is given. */
  log(severity: Severity, message: string, urn = ""): void {
    if (!this.client) return;
    const request = new enginePb.LogRequest();
    request.setSeverity(severities[severity] as never);
    request.setMessage(boundedText(message, 64_000));
    request.setUrn(urn);
    this.client.log(request, () => undefined);
  }

  /** Closes the engine connection. */
  close(): void {
    this.client?.close();
    this.client = undefined;
    this.address = undefined;
  }
}
