import type { z } from "zod";
import type { Command } from "../core/command.ts";
import type { ProviderConfig } from "../core/config.ts";
import type { CommandResult } from "../host/batch.ts";
import type { PipeOutcome } from "../host/stream.ts";
import type { SectionRequest } from "../inventory/section.ts";
import type { HostView } from "../inventory/view.ts";

// What a resource type is. Either *planned* (it reads the host, finds its object, and plans argv
// lists that create, change or delete it; the generic algorithm in protocol/lifecycle.ts does the
// rest: existence checks, running, reading back, partial failures) or *executed* (it runs things
// and its outputs are what they printed, as freebsd:jail:Command). Optional members have defaults:
// no stable outputs, no delete-before-replace, every change an update, no derived secrets, every
// change allowed, nothing to announce.

/** Plain property bags: secrets and unknowns are removed by protocol/ before a resource sees them. */
export type Props = Record<string, unknown>;

/** How a change to one input path is carried out. */
export type FieldRule = "update" | "replace";

/** What an operation tells a resource beyond its inputs. */
export interface Context {
  /** The URN of the resource being operated on; creates mark their object with it. */
  urn: string;
  /** A warning for the engine's log against this resource (e.g. a stranger found under a managed name). */
  warn(message: string): void;
  /** An info line for the engine's log against this resource (progress of a long transfer). */
  info?(message: string): void;
}

/** One input that a change may not make: the property path and the rule, as Check reports them. */
export interface ChangeFailure {
  property: string;
  reason: string;
}

/** What is known of an object: its id, and the state and inputs recorded for it (neither on import). */
export interface Ref {
  id: string;
  state?: Props;
  inputs?: Props;
}

/** An object as found on a host: its id, its outputs and the inputs that would make it. */
export interface Found<S extends Props, I extends Props> {
  id: string;
  state: S;
  inputs: I;
}

/** What a resource is told about an existing object. */
export type Existing<S extends Props, I extends Props> = Found<S, I>;

/** Whose the object of a create's name is, when the host has one: this resource's (its marker), or someone else's. */
export type Claim<R> = { kind: "absent" } | { kind: "own"; record: R } | { kind: "other"; why: string };

/** Why a resource reads the host: the sections differ (a delete needs children, a read does not). */
export type Purpose = "read" | "create" | "update" | "delete";

interface Common<I extends Props, S extends Props> {
  token: string;
  description: string;
  /** zod schema of the inputs; `.describe()` on every field feeds schema.json. */
  inputs: z.ZodType<I>;
  /** zod schema of the outputs (for schema.json and previews). */
  outputs: z.ZodType<S>;
  /** Outputs an in-place update never changes, so a preview can keep them known. */
  stableOutputs?: readonly string[];
  /** Outputs that this update, from the old outputs to the new inputs, leaves as they are (beyond stableOutputs). */
  stableIn?: (olds: Record<string, unknown>, news: Record<string, unknown>) => readonly string[];
  /** Replacements keep the same physical name, so the old object must go first. */
  deleteBeforeReplace?: boolean;
  /** The rule for a change at an input path such as ["properties", "casesensitivity"]. */
  rule?(path: readonly string[]): FieldRule;
  /** Input paths that are always secret, whether or not the program marked them (and so are the same outputs). */
  secretInputs?: readonly (readonly string[])[];
  /** Output paths that must also be secret when the input at `path` is (the same path always is). */
  derivedSecrets?(path: readonly (string | number)[]): (string | number)[][];
  /** Refuses a change from the old checked inputs to the new ones at Check (a change that would lose data). */
  checkChange?(olds: Props, news: I): ChangeFailure[];
  /** What an update will do that is worth saying in a preview (a restart, a file moved). */
  describeUpdate?(current: Existing<S, I>, news: I): string[];
  /**
   * What a create (`current` undefined) or an update will do that only the host can tell, said in a
   * preview as warnings; a RefusedError refuses the plan there, before anything runs. It reads the
   * host (batched with every other read), never writes. Not called while inputs are still unknown.
   */
  preview?(news: I, current: Existing<S, I> | undefined, read: Runner["read"], ctx: Context): Promise<string[]>;
  /** The natural id an object created from these inputs will have. */
  idOf(inputs: I): string;
}

/** A resource whose object the provider finds on the host and changes with planned commands. */
export interface PlannedResource<I extends Props = Props, S extends Props = Props, R = unknown> extends Common<I, S> {
  kind: "planned";
  /** The sections reading the object needs, for a purpose; `news` are the inputs a write goes to. */
  reads(ref: Ref, purpose: Purpose, news?: I): SectionRequest[];
  /** The managed object, or undefined when it is gone; throws ReadMore when the view is too narrow to tell. */
  find(view: HostView, ref: Ref, ctx: Context): R | undefined;
  /** Whose the object a create of these inputs would make is, when the host has one already. */
  claim(view: HostView, inputs: I, ctx: Context): Claim<R>;
  /** The object's outputs and inputs; `ref.inputs` (or state) gives the spelling to keep where values mean the same. */
  describe(record: R, view: HostView, ref: Ref, ctx: Context): Found<S, I>;
  /** Commands that create the object; RefusedError/ValidationError when the host forbids it. */
  planCreate(inputs: I, view: HostView, ctx: Context): Command[];
  /** Commands that bring the object to `news` in place, planned from what the host has. */
  planUpdate(record: R, current: Existing<S, I>, news: I, view: HostView, ctx: Context): Command[];
  /** Commands that delete the object; RefusedError when that would lose data the inputs do not allow. */
  planDelete(record: R, current: Existing<S, I>, view: HostView, ctx: Context): Command[];
}

/** What an executed resource runs with: reads of the host and commands whose output it keeps. */
export interface Runner {
  /** The host's label (`user@host:port`), for messages. */
  readonly label: string;
  read(requests: readonly SectionRequest[]): Promise<HostView>;
  /** Reads the host after a step failed, was cancelled or ran out of time, so the state records what it left. */
  readBack(requests: readonly SectionRequest[]): Promise<HostView>;
  exec(cmd: Command): Promise<CommandResult>;
  /** A runner on another host, reached with its own connection settings (checked provider config; a replica's source). */
  remote(config: ProviderConfig): Runner;
  /**
   * Runs `send` on `from` and `receive` on this runner's host, the first's standard output piped into
   * the second's standard input through the provider, never whole in memory; `onProgress` is told the
   * bytes through so far. Resolves with both exit statuses; a lost connection, the deadline or a cancel throws.
   */
  pipe(from: Runner, send: Command, receive: Command, onProgress?: (bytes: number) => void): Promise<PipeOutcome>;
}

/** A change on the host that the inputs do not show (found at Diff by reading the hosts), and why. */
export interface LiveChange {
  /** The output it changes, shown as the diff's property. */
  property: string;
  reason: string;
  /** When set, an update cannot carry the change out: the preview fails with this (nothing runs). */
  refusal?: string;
}

/** A resource whose outputs come from running something rather than from the host's state. */
export interface ExecutedResource<I extends Props = Props, S extends Props = Props> extends Common<I, S> {
  kind: "executed";
  /** The sections a refresh reads. */
  reads(ref: Ref): SectionRequest[];
  /** The object as last run, or undefined when what it ran in is gone. */
  read(view: HostView, ref: Ref, ctx: Context): Found<S, I> | undefined;
  /** Changes the hosts show that an update would carry out although the inputs are the same (read at Diff). */
  changes?(current: Existing<S, I>, news: I, runner: Runner, ctx: Context): Promise<LiveChange[]>;
  create(inputs: I, runner: Runner, ctx: Context): Promise<Found<S, I>>;
  update(current: Existing<S, I>, news: I, runner: Runner, ctx: Context): Promise<Found<S, I>>;
  delete(current: Existing<S, I>, runner: Runner, ctx: Context): Promise<void>;
}

/** Any resource type. */
export type ResourceDefinition = PlannedResource<any, any, any> | ExecutedResource<any, any>;
