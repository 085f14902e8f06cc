import { RefusedError } from "../../core/errors.ts";
import type { PlannedResource } from "../contract.ts";
import { planCreate, planDelete, planUpdate } from "./plan.ts";
import { bridgeReads, bridgeToken, claimBridge, describeBridge, findBridge, type BridgeRecord } from "./read.ts";
import { bridgeInputs, bridgeOutputs, type BridgeInputs, type BridgeOutputs } from "./schema.ts";

/** freebsd:network:Bridge: an if_bridge(4) made live with ifconfig and at boot from rc.conf. */
export const networkBridge: PlannedResource<BridgeInputs, BridgeOutputs, BridgeRecord> = {
  kind: "planned",
  token: bridgeToken,
  description:
    "A FreeBSD bridge (if_bridge) under a stable name: made with ifconfig and kept in rc.conf (cloned_interfaces, " +
    "ifconfig_bridgeN_name, ifconfig_NAME) with sysrc, so rc.d/netif makes it again at boot. A refresh reports members, " +
    "addresses, description, MTU and state as the kernel has them. Import with `pulumi import freebsd:network:Bridge NAME ifname`.",
  inputs: bridgeInputs,
  outputs: bridgeOutputs,
  // The same name cannot exist twice, and the members of the old bridge must be free for the new one.
  deleteBeforeReplace: true,
  rule: (path) => (path[0] === "name" ? "replace" : "update"),
  // rcConf repeats every input as rc.conf holds it.
  derivedSecrets: () => [["rcConf"]],
  idOf: (inputs) => inputs.name,
  reads: bridgeReads,
  find: findBridge,
  claim: claimBridge,
  // A name another resource or the host already uses is refused in the preview, before anything runs
  // (Check sees neither the host nor the other resources); the create refuses it again if it appears since.
  async preview(news, current, read, ctx) {
    if (current) return [];
    const claim = claimBridge(await read(bridgeReads()), news, ctx);
    if (claim.kind === "other") throw new RefusedError(claim.why);
    return [];
  },
  describe: describeBridge,
  planCreate,
  planUpdate,
  planDelete,
};
