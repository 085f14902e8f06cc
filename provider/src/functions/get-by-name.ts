import { z } from "zod";
import { RefusedError } from "../core/errors.ts";
import { readOn } from "../protocol/lifecycle.ts";
import type { PlannedResource, Props } from "../resources/contract.ts";
import type { FunctionDefinition } from "./contract.ts";

// The functions that return one object by name read it exactly as its resource's refresh does.

interface ByName<O extends Props> {
  token: string;
  description: string;
  /** The resource whose read the function shares. */
  resource: PlannedResource<any, any, any>;
  outputs: z.ZodType<O>;
  /** What the object is called in messages ("dataset", "jail"). */
  what: string;
  /** The `name` input's documentation, and its rule: the reason it is refused, or undefined. */
  name: { describe: string; check(name: string): string | undefined };
}

/** A function reading one object by name, as `resource` reads it; refused, naming it, when the host has none. */
export function getByName<O extends Props>(spec: ByName<O>): FunctionDefinition<{ name: string }, O> {
  const inputs = z.strictObject({ name: z.string().describe(spec.name.describe) }).superRefine((i, ctx) => {
    const rule = spec.name.check(i.name);
    if (rule) ctx.addIssue({ code: "custom", path: ["name"], message: rule });
  });
  return {
    token: spec.token,
    description: spec.description,
    inputs,
    outputs: spec.outputs,
    reads: (i) => spec.resource.reads({ id: i.name }, "read"),
    result: (view, i, ctx) => {
      const found = readOn(spec.resource, view, { id: i.name }, ctx);
      if (!found) throw new RefusedError(`${view.host} has no ${spec.what} ${i.name}`);
      return found.state as O;
    },
  };
}
