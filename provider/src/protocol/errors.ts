import * as grpc from "@grpc/grpc-js";
import { ZodError } from "zod";
import {
  CancelledError, CommandFailedError, NothingCreatedError, PartialFailureError, RefusedError, TransportError,
  ValidationError,
} from "../core/errors.ts";
import { Any, providerPb, statusPb } from "./proto.ts";
import { toStruct } from "./values.ts";

// The one place where errors become gRPC statuses. UNKNOWN tells the engine the object's state is
// unknown, so it is kept for failures that may have changed the host; precise codes say nothing changed.

/** The longest error text sent to the engine: it travels in an HTTP/2 trailer (grpc-message). */
const maxDetails = 4_000;

/**
 * A text safe to send: well-formed UTF-16 (grpc-js percent-encodes status details, which throws on a
 * lone surrogate), and at most `max` characters, keeping its start and its end (where the cause is).
 */
export function boundedText(text: string, max = maxDetails): string {
  const whole = text.toWellFormed();
  if (whole.length <= max) return whole;
  const head = Math.floor(max * 0.6);
  const tail = max - head - 60;
  const cut = whole.length - head - tail;
  return `${whole.slice(0, head)} … [${cut} characters cut] … ${whole.slice(whole.length - tail)}`.toWellFormed();
}

/** A gRPC error as grpc-js handlers pass it to their callback. */
export type ServiceError = Partial<grpc.StatusObject> & { code: grpc.status; details: string };

/** Packs a status with one detail message into trailing metadata. */
function withDetail(code: grpc.status, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string): ServiceError {
  const any = new Any();
  any.pack(detail.serializeBinary(), `pulumirpc.${typeName}`);
  const status = new statusPb.Status();
  status.setCode(code);
  status.setMessage(boundedText(message));
  status.addDetails(any as never);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return { code, details: message, metadata };
}

/** Turns an error from any layer into the status the engine should see, its text bounded and well-formed. */
export function toServiceError(err: unknown): ServiceError {
  const status = statusOf(err);
  return { ...status, details: boundedText(status.details) };
}

function statusOf(err: unknown): ServiceError {
  if (err instanceof PartialFailureError) {
    const detail = new providerPb.ErrorResourceInitFailed();
    detail.setId(err.id);
    detail.setProperties(toStruct(err.state) as never);
    detail.setInputs(toStruct(err.inputs) as never);
    detail.setReasonsList([boundedText(err.message)]);
    return withDetail(grpc.status.UNKNOWN, err.message, detail, "ErrorResourceInitFailed");
  }
  if (err instanceof ValidationError) return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  if (err instanceof ZodError) return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  if (err instanceof NothingCreatedError) return { code: grpc.status.FAILED_PRECONDITION, details: err.message };
  if (err instanceof RefusedError) return { code: grpc.status.FAILED_PRECONDITION, details: err.message };
  if (err instanceof CancelledError) return { code: grpc.status.CANCELLED, details: err.message };
  if (err instanceof TransportError) return { code: grpc.status.UNAVAILABLE, details: err.message };
  if (err instanceof CommandFailedError) return { code: grpc.status.UNKNOWN, details: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: grpc.status.UNKNOWN, details: message };
}

/** Configure's error for missing required keys, which the CLI turns into `pulumi config set` advice. */
export function missingKeysError(keys: { name: string; description: string }[]): ServiceError {
  const detail = new providerPb.ConfigureErrorMissingKeys();
  detail.setMissingkeysList(
    keys.map((k) => {
      const key = new providerPb.ConfigureErrorMissingKeys.MissingKey();
      key.setName(k.name);
      key.setDescription(k.description);
      return key;
    }),
  );
  const message = `missing required configuration keys: ${keys.map((k) => k.name).join(", ")}`;
  return withDetail(grpc.status.INVALID_ARGUMENT, message, detail, "ConfigureErrorMissingKeys");
}
