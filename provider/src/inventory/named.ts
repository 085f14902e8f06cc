import { covers, type Scope } from "./section.ts";

// Objects a section read by name. Asking for a name the read did not cover is a mistake in the
// resource (it would take "not read" for "absent"), so it throws rather than answer.

/** Records by name, as far as the read's scope reaches. */
export class Named<T> {
  readonly scope: Scope;
  private readonly items: ReadonlyMap<string, T>;
  private readonly what: string;

  constructor(what: string, scope: Scope, items: ReadonlyMap<string, T>) {
    this.what = what;
    this.scope = scope;
    this.items = items;
  }

  /** The record of a name the read covered; undefined when the host has none. */
  get(name: string): T | undefined {
    if (!covers(this.scope, name)) throw new Error(`${this.what} ${name} was not read: the resource must name it among its reads`);
    return this.items.get(name);
  }

  /** Whether the host has a record of that name (the name must be covered). */
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Every record read. */
  values(): IterableIterator<T> {
    return this.items.values();
  }

  /** Every name read. */
  names(): IterableIterator<string> {
    return this.items.keys();
  }
}
