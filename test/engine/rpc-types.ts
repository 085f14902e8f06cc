// Plain request and result shapes of the harness client (the engine's plugin.Provider interface).
import type { PropertyDiff } from "./object-diff.ts";
import type { ValueMap } from "./value-model.ts";

/** What the provider answered to Handshake (pulumirpc.ProviderHandshakeResponse). */
export interface Protocol {
  acceptSecrets: boolean;
  acceptResources: boolean;
  acceptOutputs: boolean;
  supportsAutonamingConfiguration: boolean;
  acceptsByteString: boolean;
  /** Always true after a successful Handshake; from Configure otherwise. */
  supportsPreview: boolean;
}

/** Handshake request fields; the defaults are what a current engine sends. */
export interface HandshakeRequest {
  engineAddress?: string;
  rootDirectory?: string | undefined;
  programDirectory?: string | undefined;
  configureWithUrn?: boolean;
  supportsViews?: boolean;
  supportsRefreshBeforeUpdate?: boolean;
  invokeWithPreview?: boolean;
  acceptsByteString?: boolean;
}

/** A Check failure (pulumirpc.CheckFailure). */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** Result of Check and CheckConfig. */
export interface CheckResult {
  inputs: ValueMap | undefined;
  failures: CheckFailure[];
}

/** Result of Diff and DiffConfig, decoded as the engine does. */
export interface DiffResult {
  changes: "unknown" | "none" | "some";
  replaces: string[];
  stables: string[];
  diffs: string[];
  deleteBeforeReplace: boolean;
  hasDetailedDiff: boolean;
  /** Only when hasDetailedDiff is set: the engine ignores detailedDiff otherwise. */
  detailedDiff: Record<string, PropertyDiff> | undefined;
  /** The detailedDiff map as sent, whatever hasDetailedDiff says (for asserting provider output). */
  rawDetailedDiff: Record<string, PropertyDiff>;
}

/** Result of Configure; `configured: false` when the engine skipped it (unknown config). */
export interface ConfigureResult {
  configured: boolean;
  acceptSecrets: boolean;
  supportsPreview: boolean;
  acceptResources: boolean;
  acceptOutputs: boolean;
  supportsAutonamingConfiguration: boolean;
}

/** Result of Create. */
export interface CreateResult {
  id: string;
  properties: ValueMap | undefined;
  refreshBeforeUpdate: boolean;
}

/** Result of Read: `properties` unset means "does not exist". */
export interface ReadResult {
  id: string;
  properties: ValueMap | undefined;
  inputs: ValueMap | undefined;
  refreshBeforeUpdate: boolean;
}

/** Result of Update. */
export interface UpdateResult {
  properties: ValueMap | undefined;
  refreshBeforeUpdate: boolean;
}

/** Result of Invoke. */
export interface InvokeResult {
  return: ValueMap | undefined;
  failures: CheckFailure[];
}

/** Autonaming options of a Check request. */
export interface AutonamingOptions {
  proposedName: string;
  mode: "propose" | "enforce" | "disable";
}

/** CheckConfig request. */
export interface CheckConfigRequest {
  urn: string;
  olds: ValueMap;
  news: ValueMap;
  allowUnknowns: boolean;
}

/** DiffConfig request. */
export interface DiffConfigRequest {
  urn: string;
  oldInputs: ValueMap;
  oldOutputs: ValueMap;
  newInputs: ValueMap;
  ignoreChanges?: string[];
}

/** Configure request (the engine always sets urn, name, type and id with configure_with_urn). */
export interface ConfigureRequest {
  urn: string;
  id: string;
  inputs: ValueMap;
}

/** Check request; `olds` unset on create (sent as an empty Struct). */
export interface CheckRequest {
  urn: string;
  olds?: ValueMap | undefined;
  news: ValueMap;
  allowUnknowns: boolean;
  randomSeed?: Uint8Array;
  autonaming?: AutonamingOptions;
}

/** Diff request. */
export interface DiffRequest {
  urn: string;
  id: string;
  oldInputs: ValueMap;
  oldOutputs: ValueMap;
  newInputs: ValueMap;
  allowUnknowns: boolean;
  ignoreChanges?: string[];
}

/** Create request. */
export interface CreateRequest {
  urn: string;
  properties: ValueMap;
  preview: boolean;
  timeout?: number;
}

/** Read request; for an import only `urn` and `id` are set. */
export interface ReadRequest {
  urn: string;
  id: string;
  properties?: ValueMap | undefined;
  inputs?: ValueMap | undefined;
  timeout?: number;
}

/** Update request. */
export interface UpdateRequest {
  urn: string;
  id: string;
  oldInputs: ValueMap;
  oldOutputs: ValueMap;
  newInputs: ValueMap;
  preview: boolean;
  ignoreChanges?: string[];
  timeout?: number;
}

/** Delete request. */
export interface DeleteRequest {
  urn: string;
  id: string;
  inputs: ValueMap;
  outputs: ValueMap;
  timeout?: number;
}

/** Invoke request. */
export interface InvokeRequest {
  tok: string;
  args: ValueMap;
  preview?: boolean;
}
