import type { PlannedResource } from "../contract.ts";
import { planCreate, planDelete, planUpdate } from "./plan.ts";
import { claimLimit, describeLimit, findLimit, keyOfInputs, limitReads, type LimitRecord } from "./read.ts";
import { limitInputs, limitOutputs, type LimitInputs, type LimitOutputs } from "./schema.ts";

/** freebsd:rctl:Limit: one rctl(8) rule, enforced now and kept in /etc/rctl.conf for boot. */
export const rctlLimit: PlannedResource<LimitInputs, LimitOutputs, LimitRecord> = {
  kind: "planned",
  token: "freebsd:rctl:Limit",
  description:
    "A resource limit enforced by rctl(8), as an administrator would set it: `rctl -a` now and a line in " +
    "/etc/rctl.conf, which rc.d/rctl loads at boot. Needs racct (`kern.racct.enable=1` in /boot/loader.conf, then a " +
    "reboot). A changed amount is applied without a moment unlimited. Import with " +
    "`pulumi import freebsd:rctl:Limit NAME jail:www:memoryuse:deny` (the rule without its amount, or the whole rule).",
  inputs: limitInputs,
  outputs: limitOutputs,
  stableOutputs: ["subject", "resource", "action", "per"],
  rule: (path) => (path[0] === "amount" || path[0] === "persist" ? "update" : "replace"),
  idOf: keyOfInputs,
  reads: limitReads,
  find: findLimit,
  claim: claimLimit,
  describe: describeLimit,
  planCreate,
  planUpdate,
  planDelete,
};
