// The shapes of the stack model: the program a test declares, the state the engine keeps and the
// per-resource report of an operation.
import type { PropertyDiff } from "./object-diff.ts";
import type { Secret, Unknown, ValueMap } from "./value-model.ts";

/** Resource options the model honours (as in pulumi.CustomResourceOptions). */
export interface ResourceOptions {
  ignoreChanges?: string[];
  protect?: boolean;
  /** Overrides the provider's deleteBeforeReplace either way. */
  deleteBeforeReplace?: boolean;
  /** Adopt the existing resource with this id instead of creating it. */
  import?: string;
  replaceOnChanges?: string[];
  retainOnDelete?: boolean;
  /** Seconds, sent as the `timeout` of the matching RPC (0 = provider default). */
  customTimeouts?: { create?: number; update?: number; delete?: number; read?: number };
  /** Names of resources of the program this one waits for (in a stack run with `parallel`). */
  dependsOn?: string[];
}

/** One resource of the program. */
export interface ResourceSpec {
  type: string;
  inputs: ValueMap;
  options?: ResourceOptions;
}

/** A program: resources by name, in registration order. */
export type Program = Record<string, ResourceSpec>;

/** A stack config value as `pulumi config set` stores it (UNKNOWN models an explicit provider's output input). */
export type ConfigValue = string | Secret | Unknown;

/** What the engine keeps per resource. */
export interface ResourceState {
  urn: string;
  name: string;
  type: string;
  id: string;
  inputs: ValueMap;
  outputs: ValueMap;
  initErrors: string[];
  /** The provider reference ("<provider urn>::<provider id>") the resource was managed with. */
  provider: string;
  /** The id given with the `import` option, if the resource was adopted that way. */
  importId?: string;
  /** Deleted by a delete-before-replace whose create has not succeeded yet. */
  pendingReplacement?: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  /** URNs of the resources it depends on (from dependsOn), so a parallel destroy deletes it before them. */
  dependencies?: string[];
  /** The customTimeouts it was last registered with: the engine keeps them, and a Delete gets `delete`. */
  customTimeouts?: ResourceOptions["customTimeouts"];
  /** Read with `Resource.get` (ReadResource), not managed: deleting it only drops it from state. */
  external?: boolean;
  /** The URN of its parent (a program's resources are children of the stack or of a component). */
  parent?: string;
}

/** A provider resource's own state (its checked config is both inputs and outputs). */
export interface ProviderState {
  urn: string;
  id: string;
  inputs: ValueMap;
  outputs: ValueMap;
}

/** The whole stack state. */
export interface StackState {
  /** The default provider of the stack model (`Stack`). */
  provider: ProviderState | undefined;
  /** Other provider resources: explicit ones, and (for a program run) default ones too. */
  providers?: ProviderState[];
  resources: ResourceState[];
}

/** The diff that decided a step, as the engine saw it after its own adjustments. */
export interface DiffSummary {
  changes: "none" | "some";
  replaces: string[];
  diffs: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
  /** Undefined when the provider sent no detailed diff (hasDetailedDiff unset). */
  detailedDiff: Record<string, PropertyDiff> | undefined;
}

/** What happened to a resource. For refresh, "update" means drift and "delete" means gone. */
export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "import";

/** The report of one resource in an operation. */
export interface StepRecord {
  name: string;
  urn: string;
  type: string;
  op: StepOp;
  /** Set when the resource was adopted with the `import` option during this operation. */
  imported?: boolean;
  diff?: DiffSummary;
  id?: string;
  inputs?: ValueMap;
  outputs?: ValueMap;
}

/** A diagnostic the engine would print. */
export interface Diagnostic {
  severity: "info" | "warning" | "error";
  urn?: string;
  message: string;
}

/** The result of preview, up, refresh, import or destroy. */
export interface OperationResult {
  /** Steps by resource name (a name that is deleted and re-created keeps the later step). */
  steps: Record<string, StepRecord>;
  /** Steps in the order they ran. */
  log: StepRecord[];
  diagnostics: Diagnostic[];
  /** The provider calls in order, e.g. "Check(web)", "Create(web, preview)". */
  calls: string[];
}

/** An operation that failed; `result` holds what happened before the failure. */
export class DeploymentError extends Error {
  readonly result: OperationResult;

  constructor(message: string, result: OperationResult, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "DeploymentError";
    this.result = result;
  }
}
