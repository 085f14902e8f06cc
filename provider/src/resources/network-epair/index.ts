import { RefusedError } from "../../core/errors.ts";
import type { PlannedResource } from "../contract.ts";
import { planCreate, planDelete, planUpdate } from "./plan.ts";
import { claimEpair, describeEpair, epairReads, epairToken, findEpair, type EpairRecord } from "./read.ts";
import { epairInputs, epairOutputs, type EpairInputs, type EpairOutputs } from "./schema.ts";

/** freebsd:network:Epair: an epair(4) with stable names and MACs, made live with ifconfig and at boot from rc.conf. */
export const networkEpair: PlannedResource<EpairInputs, EpairOutputs, EpairRecord> = {
  kind: "planned",
  token: epairToken,
  description:
    "A FreeBSD epair (a virtual Ethernet cable) whose ends have stable names, NAMEa on the host and NAMEb for a VNET jail, " +
    "and stable MAC addresses; kept in rc.conf with sysrc so rc.d/netif makes it again at boot, before rc.d/jail moves the " +
    "jail end into its jail. `jailInterface` is what a VNET Jail's `vnetInterfaces` takes. Deleting an epair whose jail end " +
    "is inside a running jail is refused. Import with `pulumi import freebsd:network:Epair NAME name`.",
  inputs: epairInputs,
  outputs: epairOutputs,
  stableOutputs: ["hostInterface", "jailInterface"],
  rule: (path) => (path[0] === "name" ? "replace" : "update"),
  // rcConf repeats every input as rc.conf holds it; the ether outputs repeat the MACs.
  derivedSecrets: (path) => [
    ["rcConf"],
    ...(path[0] === "hostEther" ? [["hostEtherAddress"]] : path[0] === "jailEther" ? [["jailEtherAddress"]] : []),
  ],
  idOf: (inputs) => inputs.name,
  reads: epairReads,
  find: findEpair,
  claim: claimEpair,
  // A name another resource or the host already uses is refused in the preview, before anything runs
  // (Check sees neither the host nor the other resources); the create refuses it again if it appears since.
  async preview(news, current, read, ctx) {
    if (current) return [];
    const claim = claimEpair(await read(epairReads()), news, ctx);
    if (claim.kind === "other") throw new RefusedError(claim.why);
    return [];
  },
  describe: describeEpair,
  planCreate,
  planUpdate,
  planDelete,
};
