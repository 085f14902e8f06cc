import { RefusedError } from "../core/errors.ts";
import type { HostView } from "../inventory/view.ts";
import { readOn } from "../protocol/lifecycle.ts";
import type { Context, PlannedResource, Props } from "../resources/contract.ts";

// The functions that return one object read it exactly as its resource's refresh does.

/** The object's outputs as the resource reads them; refused, naming it, when the host has none. */
export function readAs(def: PlannedResource<any, any, any>, view: HostView, id: string, ctx: Context, what: string): Props {
  const found = readOn(def, view, { id }, ctx);
  if (!found) throw new RefusedError(`${view.host} has no ${what} ${id}`);
  return found.state as Props;
}
