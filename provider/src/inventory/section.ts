import type { Command } from "../core/command.ts";

// Sections of the batched read. A resource names the sections it reads and, for each, what in it:
// named objects (datasets by name, files by path), or all of it (discovery). Every operation that
// reaches a host within a few milliseconds shares one batch, whose sections are the union of theirs.

/** What a read takes from a section: the named objects, or everything the host has. */
export type Scope = ReadonlySet<string> | "all";

/** What one section's command printed, and how it exited. */
export interface SectionOutput {
  stdout: string;
  stderr: string;
  code: number;
}

/** One section: the command that reads a scope, and the parser of its output (pure; builders and parsers live in freebsd/). */
export interface Section<T> {
  /** Unique among sections: requests for the same key are merged. */
  readonly key: string;
  /** The command reading `scope`; `token` is the batch's, for commands that print markers of their own. */
  command(scope: Scope, token: string): Command;
  /** The parsed data; throws with the reason when the output is not what the command prints on success. */
  parse(out: SectionOutput, scope: Scope, token: string): T;
}

/** What an operation reads from a section. */
export interface SectionRequest {
  readonly section: Section<unknown>;
  readonly scope: Scope;
}

/** A request for the named objects of a section; with no names, for all of it. */
export function want<T>(section: Section<T>, names?: Iterable<string>): SectionRequest {
  return { section: section as Section<unknown>, scope: names === undefined ? "all" : new Set(names) };
}

/** The union of two scopes. */
export function unionScope(a: Scope, b: Scope): Scope {
  if (a === "all" || b === "all") return "all";
  return new Set([...a, ...b]);
}

/**
 * Requests merged by section, scopes united, in first-seen order. A section asked for no names at all
 * is not read: its command given no names would read everything (`zfs get all`, `sysrc -e`).
 */
export function mergeRequests(requests: Iterable<SectionRequest>): SectionRequest[] {
  const merged = new Map<string, SectionRequest>();
  for (const r of requests) {
    const seen = merged.get(r.section.key);
    merged.set(r.section.key, seen ? { section: seen.section, scope: unionScope(seen.scope, r.scope) } : r);
  }
  return [...merged.values()].filter((r) => r.scope === "all" || r.scope.size > 0);
}

/** True when a scope covers a name. */
export function covers(scope: Scope, name: string): boolean {
  return scope === "all" || scope.has(name);
}
