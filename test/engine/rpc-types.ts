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
