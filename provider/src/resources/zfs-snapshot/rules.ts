import type { ChangeFailure, FieldRule, Props } from "../contract.ts";
import type { SnapshotInputs } from "./schema.ts";

// How each change to a snapshot's inputs is carried out: only `recursive` replaces it (a snapshot
// cannot gain or lose its namesakes below atomically), and a replacement destroys it, so it is
// refused at Check unless the new inputs say forceDestroy: true.

/** The rule for a change at an input path. */
export function snapshotRule(path: readonly string[]): FieldRule {
  return path[0] === "recursive" ? "replace" : "update";
}

/** Refuses a change that replaces the snapshot unless the new inputs allow losing it. */
export function checkSnapshotChange(olds: Props, news: SnapshotInputs): ChangeFailure[] {
  if (news.forceDestroy || olds["recursive"] === undefined || olds["recursive"] === news.recursive) return [];
  return [{
    property: "recursive",
    reason:
      `recursive: changing it from ${String(olds["recursive"])} to ${String(news.recursive)} replaces the snapshot ` +
      `${news.dataset}@${news.name}: the replacement destroys it (and the data only it holds) and takes it again now. ` +
      `To proceed, set forceDestroy: true in the same change; otherwise keep the old value`,
  }];
}
