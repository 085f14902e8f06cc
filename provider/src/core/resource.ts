import type { z } from "zod";
import type { Command } from "./command.ts";
import type { Inventory } from "../host/inventory.ts";

/** What a resource with its own execution gets: commands with their output, and the inventory. */
export interface Runner {
  exec(cmd: Command): Promise<{ stdout: string; stderr: string; code: number }>;
  inventory(): Promise<Inventory>;
}

/** Plain property bags: secrets and unknowns are removed by protocol/ before a resource sees them. */
export type Props = Record<string, unknown>;

/** How a change to one input path is carried out. */
export type FieldRule = "update" | "replace";

/** An object found on a host: its id, its outputs and the inputs that would recreate it. */
export interface Found<S extends Props, I extends Props> {
  id: string;
  state: S;
  inputs: I;
}

/** What an operation tells a resource beyond its inputs. */
export interface Context {
  /** The URN of the resource being operated on; creates mark their object with it (see `markerOf`). */
  urn: string;
  /** A warning for the engine's log against this resource (e.g. a stranger found under a managed name). */
  warn(message: string): void;
}

/** One input that a change may not make: the property path and the rule, as Check reports them. */
export interface ChangeFailure {
  property: string;
  reason: string;
}

/**
 * What a read knows beforehand. Refresh: the old state and inputs. Import: nothing. The read-back of
 * this resource's own create: its inputs and `creating`, so only an object carrying the resource's
 * marker (`ctx.urn`) is taken as its own: another stack's object of the same name never is.
 */
export interface Known {
  state?: Props;
  inputs?: Props;
  creating?: boolean;
}

/** What a resource is told about an existing object. */
export interface Existing<S extends Props, I extends Props> {
  id: string;
  state: S;
  inputs: I;
}

/**
 * One resource type. The protocol layer runs the one generic algorithm over it:
 * check -> inputs schema; diff -> rule(); create/update/delete -> run the plan, then read back.
 */
export interface ResourceDefinition<I extends Props = Props, S extends Props = Props> {
  token: string;
  description: string;
  /** zod schema of the inputs; `.describe()` on every field feeds schema.json. */
  inputs: z.ZodType<I>;
  /** zod schema of the outputs (for schema.json and tests). */
  outputs: z.ZodType<S>;
  /** Outputs an in-place update never changes, so a preview can keep them known. */
  stableOutputs: readonly string[];
  /** Replacements keep the same physical name, so the old object must go first. */
  deleteBeforeReplace: boolean;
  /** The rule for a change at an input path such as ["properties", "casesensitivity"]. */
  rule(path: readonly string[]): FieldRule;
  /** Output paths that must also be secret when the input at `path` is (the same path always is). */
  derivedSecrets?(path: readonly (string | number)[]): (string | number)[][];
  /** The natural id an object created from these inputs will have. */
  idOf(inputs: I): string;
  /**
   * Refuses a change from the old checked inputs to the new ones before anything runs (Check with olds):
   * a change that would lose data the inputs do not allow. Absent: every change is allowed.
   */
  checkChange?(olds: Props, news: I): ChangeFailure[];
  /** Finds the object in the host inventory; undefined when it is gone. `known` carries old state and inputs. */
  read(inv: Inventory, id: string, known?: Known, ctx?: Context): Found<S, I> | undefined;
  /**
   * Commands that create the object. Throws ValidationError/RefusedError when the host forbids it. When the
   * object already exists and carries this resource's marker (an earlier create that lost its answer), the
   * plan finishes and adopts it instead of refusing.
   */
  planCreate(inputs: I, inv: Inventory, ctx?: Context): Command[];
  /** Commands that turn `current` into `news` in place, planned from what the host has. */
  planUpdate(current: Existing<S, I>, news: I, inv: Inventory, ctx?: Context): Command[];
  /** What an update will do that is worth saying in a preview (a restart, a file moved). */
  describeUpdate?(current: Existing<S, I>, news: I): string[];
  /** Commands that delete the object; RefusedError when that would lose data the inputs do not allow. */
  planDelete(current: Existing<S, I>, inv: Inventory, ctx?: Context): Command[];
  /**
   * The escape hatch for resources whose outputs come from running something rather than from the
   * inventory (freebsd:jail:Command): when present, create/update/delete run through it instead.
   */
  execute?: {
    create(inputs: I, runner: Runner, ctx?: Context): Promise<Found<S, I>>;
    update(current: Existing<S, I>, news: I, runner: Runner, ctx?: Context): Promise<Found<S, I>>;
    delete(current: Existing<S, I>, runner: Runner, ctx?: Context): Promise<void>;
  };
}
