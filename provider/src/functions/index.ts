import type { AnyFunction } from "./contract.ts";
import { getDataset } from "./get-dataset.ts";
import { getHost } from "./get-host.ts";
import { getJail } from "./get-jail.ts";

// The registry of functions: one line per function.
export const functions: readonly AnyFunction[] = [
  getHost,
  getDataset,
  getJail,
];

/** The function of a token. */
export function functionFor(token: string): AnyFunction | undefined {
  return functions.find((f) => f.token === token);
}
