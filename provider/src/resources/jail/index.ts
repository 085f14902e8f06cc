import type { PlannedResource } from "../contract.ts";
import { planCreate, planDelete, planUpdate } from "./plan.ts";
import { claimJail, describeJail, findManagedJail, jailReads, type JailRecord } from "./read.ts";
import { describeUpdate } from "./restart.ts";
import { jailDerivedSecrets } from "./secrets.ts";
import { jailInputs, jailOutputs, type JailInputs, type JailOutputs } from "./schema.ts";

/** freebsd:jail:Jail: a long-lived jail defined in /etc/jail.conf.d and started by rc. */
export const jail: PlannedResource<JailInputs, JailOutputs, JailRecord> = {
  kind: "planned",
  token: "freebsd:jail:Jail",
  description:
    "A FreeBSD jail configured the way an administrator would: /etc/jail.conf.d/NAME.conf, `jail_enable` and `jail_list` " +
    "in rc.conf, started by `service jail`, so it comes back after a reboot without Pulumi. Live parameters change with " +
    "`jail -m`; others restart the jail. Import with `pulumi import freebsd:jail:Jail NAME jailname`.",
  inputs: jailInputs,
  outputs: jailOutputs,
  stableOutputs: ["configFile"],
  deleteBeforeReplace: true,
  rule: (path) => (path[0] === "name" ? "replace" : "update"),
  derivedSecrets: jailDerivedSecrets,
  idOf: (inputs) => inputs.name,
  reads: jailReads,
  find: findManagedJail,
  claim: claimJail,
  describe: describeJail,
  planCreate,
  planUpdate,
  planDelete,
  describeUpdate,
};
