import { covers, type Scope, type Section, type SectionRequest } from "./section.ts";

// What one batch read of a host shows: each section's parsed data, or why it failed. A section that
// failed fails only the resources that read it. Data derived from a view (a parsed jail.conf, an index
// by guid) is computed once per view, however many resources use it.

/** A section that failed on the host: its command and what it printed. */
export class InventorySectionError extends Error {
  constructor(host: string, section: string, command: string, code: number, stderr: string) {
    super(`${host}: reading ${section} (\`${command}\`) failed with status ${code}: ${stderr.trim() || "(no stderr)"}`);
    this.name = "InventorySectionError";
  }
}

/** A read needs sections the view lacks (a dataset renamed out of band is looked for by guid). */
export class ReadMore extends Error {
  readonly requests: SectionRequest[];
  constructor(requests: SectionRequest[]) {
    super("the read needs more of the host");
    this.name = "ReadMore";
    this.requests = requests;
  }
}

/** One section's outcome in a view. */
export interface SectionResult {
  scope: Scope;
  value?: unknown;
  error?: Error;
}

/** The host as one batch read it. */
export class HostView {
  readonly host: string;
  private readonly results: ReadonlyMap<string, SectionResult>;
  private readonly derived = new Map<string, unknown>();
  private readonly claims = new Map<string, string>();

  constructor(host: string, results: ReadonlyMap<string, SectionResult>) {
    this.host = host;
    this.results = results;
  }

  /** The parsed data of a section this view read; throws the section's failure, or when it was not read. */
  get<T>(section: Section<T>): T {
    const result = this.results.get(section.key);
    if (!result) throw new Error(`${this.host}: ${section.key} was not read: the resource must name it among its reads`);
    if (result.error) throw result.error;
    return result.value as T;
  }

  /** Whether the view read this section for this name (or all of it). */
  covers(section: Section<unknown>, name: string): boolean {
    const result = this.results.get(section.key);
    return result !== undefined && covers(result.scope, name);
  }

  /** Whether the view read all of this section (not only named objects). */
  coversAll(section: Section<unknown>): boolean {
    return this.results.get(section.key)?.scope === "all";
  }

  /**
   * Takes `thing` (a name the host hands out, such as a cloned_interfaces unit) for `owner` among the
   * plans made from this view: true when it was free or already the owner's. The operations of one
   * batch plan from one view, so N bridges made at once pick N different free units instead of all
   * the first (one write of N would then get through per round).
   */
  claim(thing: string, owner: string): boolean {
    const held = this.claims.get(thing);
    if (held !== undefined && held !== owner) return false;
    this.claims.set(thing, owner);
    return true;
  }

  /** A value computed from this view once, under a key naming what it is. */
  derive<T>(key: string, compute: () => T): T {
    if (!this.derived.has(key)) this.derived.set(key, compute());
    return this.derived.get(key) as T;
  }

  /** This view with the sections of a later one added (the later read wins where both have a section). */
  with(later: HostView): HostView {
    return new HostView(this.host, new Map([...this.results, ...later.results]));
  }
}

/** A view of ready data, for tests and for resources that build one by hand. */
export function viewOf(host: string, sections: ReadonlyArray<readonly [Section<unknown>, unknown]>): HostView {
  return new HostView(host, new Map(sections.map(([section, value]) => [section.key, { scope: "all" as const, value }])));
}
