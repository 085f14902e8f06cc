import type { z } from "zod";
import type { SectionRequest } from "../inventory/section.ts";
import type { HostView } from "../inventory/view.ts";
import type { Context, Props } from "../resources/contract.ts";

// What a function (an Invoke) is: a token, zod inputs and outputs with `.describe()` on every field
// (schema.json's docs come from there), the sections it reads, and a pure result over the view. It
// reads through the same batched host as every resource, so an Invoke during an update or refresh
// shares their one exec.

export interface FunctionDefinition<I extends Props = Props, O extends Props = Props> {
  token: string;
  description: string;
  inputs: z.ZodType<I>;
  outputs: z.ZodType<O>;
  /** The sections the result needs. */
  reads(inputs: I): SectionRequest[];
  /** The result from what was read; NotFoundError when the object it names is not on the host. */
  result(view: HostView, inputs: I, ctx: Context): O;
}

/** Any function. */
export type AnyFunction = FunctionDefinition<any, any>;
