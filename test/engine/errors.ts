// Provider errors as the engine sees them: the gRPC status plus the structured details packed in the
// `grpc-status-details-bin` trailer (a google.rpc.Status whose details are Any-wrapped pulumirpc messages).
import { status as grpcStatus, type ServiceError } from "@grpc/grpc-js";
import { errorsPb, providerPb, statusPb } from "./proto.ts";
import { decodeStruct, type WireOptions } from "./wire.ts";
import type { ValueMap } from "./value-model.ts";

/** pulumirpc.ErrorResourceInitFailed: the resource exists but is unhealthy (a partial failure). */
export interface InitFailedDetail {
  id: string;
  properties: ValueMap | undefined;
  inputs: ValueMap | undefined;
  reasons: string[];
  refreshBeforeUpdate: boolean;
}

/** pulumirpc.InputPropertiesError entry. */
export interface PropertyErrorDetail {
  propertyPath: string;
  reason: string;
}

/** pulumirpc.ConfigureErrorMissingKeys entry. */
export interface MissingKeyDetail {
  name: string;
  description: string;
}

/** An RPC that failed, with its decoded status details. */
export class ProviderError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly details: string;
  readonly rpc: string;
  readonly initFailed: InitFailedDetail | undefined;
  readonly inputPropertyErrors: PropertyErrorDetail[] | undefined;
  readonly missingKeys: MissingKeyDetail[] | undefined;
  /** Type URLs of every detail, including ones the harness does not decode. */
  readonly detailTypes: string[];

  constructor(rpc: string, err: ServiceError, wire: WireOptions) {
    super(`${rpc}: ${grpcStatus[err.code] ?? err.code}: ${err.details}`);
    this.name = "ProviderError";
    this.rpc = rpc;
    this.code = err.code;
    this.codeName = grpcStatus[err.code] ?? String(err.code);
    this.details = err.details;
    const decoded = decodeStatusDetails(err, wire);
    this.initFailed = decoded.initFailed;
    this.inputPropertyErrors = decoded.inputPropertyErrors;
    this.missingKeys = decoded.missingKeys;
    this.detailTypes = decoded.detailTypes;
  }

  /** True for UNKNOWN, INTERNAL and DATA_LOSS: the engine then treats the resource status as unknown. */
  get statusUnknown(): boolean {
    return this.code === grpcStatus.UNKNOWN || this.code === grpcStatus.INTERNAL || this.code === grpcStatus.DATA_LOSS;
  }
}

interface DecodedDetails {
  initFailed: InitFailedDetail | undefined;
  inputPropertyErrors: PropertyErrorDetail[] | undefined;
  missingKeys: MissingKeyDetail[] | undefined;
  detailTypes: string[];
}

// Decodes the structured details of a failed call; values are unmarshalled with `wire`.
export function decodeStatusDetails(err: ServiceError, wire: WireOptions): DecodedDetails {
  const out: DecodedDetails = { initFailed: undefined, inputPropertyErrors: undefined, missingKeys: undefined, detailTypes: [] };
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  if (raw === undefined) return out;
  const st = statusPb.Status.deserializeBinary(typeof raw === "string" ? Buffer.from(raw, "base64") : new Uint8Array(raw));
  for (const any of st.getDetailsList()) {
    const typeUrl = any.getTypeUrl();
    out.detailTypes.push(typeUrl);
    const bytes = any.getValue_asU8();
    // Go's anypb resolves the message by the name after the last "/" (any host prefix works).
    switch (typeUrl.slice(typeUrl.lastIndexOf("/") + 1)) {
      case "pulumirpc.ErrorResourceInitFailed": {
        const d = providerPb.ErrorResourceInitFailed.deserializeBinary(bytes);
        out.initFailed = {
          id: d.getId(),
          properties: decodeStruct(d.getProperties(), { ...wire, propagateNil: true }),
          inputs: decodeStruct(d.getInputs(), { ...wire, propagateNil: true }),
          reasons: d.getReasonsList(),
          refreshBeforeUpdate: d.getRefreshBeforeUpdate(),
        };
        break;
      }
      case "pulumirpc.InputPropertiesError":
        out.inputPropertyErrors = errorsPb.InputPropertiesError.deserializeBinary(bytes)
          .getErrorsList()
          .map((e) => ({ propertyPath: e.getPropertyPath(), reason: e.getReason() }));
        break;
      case "pulumirpc.ConfigureErrorMissingKeys":
        out.missingKeys = providerPb.ConfigureErrorMissingKeys.deserializeBinary(bytes)
          .getMissingkeysList()
          .map((k) => ({ name: k.getName(), description: k.getDescription() }));
        break;
    }
  }
  return out;
}

// The message the CLI prints for a Configure failure with missing keys (createConfigureError).
export function missingKeysMessage(keys: readonly MissingKeyDetail[]): string {
  return keys
    .map((k) => `missing required configuration key "${k.name}": ${k.description}\nSet a value using the command \`pulumi config set ${k.name} <value>\`.`)
    .join("\n");
}

/** Raised by the harness client when config is unknown and the engine would not diff (DiffUnavailable). */
export class DiffUnavailableError extends Error {
  constructor() {
    super("The provider for this resource has inputs that are not known during preview.\n" +
      "This preview may not correctly represent the changes that will be applied during an update.");
    this.name = "DiffUnavailableError";
  }
}
