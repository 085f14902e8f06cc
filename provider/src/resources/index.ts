import type { ResourceDefinition } from "./contract.ts";
import { jail } from "./jail/index.ts";
import { jailCommand } from "./jail-command/index.ts";
import { jailRelease } from "./jail-release/index.ts";
import { networkBridge } from "./network-bridge/index.ts";
import { networkEpair } from "./network-epair/index.ts";
import { rctlLimit } from "./rctl-limit/index.ts";
import { zfsDataset } from "./zfs-dataset/index.ts";
import { zfsReplica } from "./zfs-replica/index.ts";
import { zfsRollback } from "./zfs-rollback/index.ts";
import { zfsSnapshot } from "./zfs-snapshot/index.ts";

// The registry: one line per resource type.
export const resources: readonly ResourceDefinition[] = [
  zfsDataset,
  zfsSnapshot,
  zfsRollback,
  jail,
  jailCommand,
  networkBridge,
  networkEpair,
  rctlLimit,
  jailRelease,
  zfsReplica,
];

/** The resource definition of a type token. */
export function resourceFor(token: string): ResourceDefinition | undefined {
  return resources.find((r) => r.token === token);
}
