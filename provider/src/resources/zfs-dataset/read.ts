import type { Context, Found, Known } from "../../core/resource.ts";
import type { Inventory } from "../../host/inventory.ts";
import { inputsOf, outputsOf, parentOf } from "./inputs.ts";
import { findDataset, markerOf } from "./owner.ts";
import type { DatasetInputs, DatasetOutputs } from "./schema.ts";

// How a dataset reads itself from the host inventory.

/**
 * Reads a dataset; undefined when it is gone. The read-back of this resource's own create takes only
 * a dataset carrying this resource's marker: another stack that created the same name first keeps it.
 */
export function readDataset(inv: Inventory, id: string, known?: Known, ctx?: Context): Found<DatasetOutputs, DatasetInputs> | undefined {
  const record = findDataset(inv, id, known?.state, ctx);
  if (!record) return undefined;
  if (known?.creating && ctx && markerOf(record) !== ctx.urn) return undefined;
  const inputs = inputsOf(record, known?.inputs ?? known?.state, inv.datasets.get(parentOf(record.name)));
  return { id: record.name, state: outputsOf(record, inputs), inputs };
}
