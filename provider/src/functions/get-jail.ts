import { checkJailName } from "../freebsd/jail-checks.ts";
import { jail } from "../resources/jail/index.ts";
import { jailOutputs } from "../resources/jail/schema.ts";
import { getByName } from "./get-by-name.ts";

/** freebsd:jail:getJail: one jail by name, as freebsd:jail:Jail reads it. */
export const getJail = getByName({
  token: "freebsd:jail:getJail",
  description: "Reads one jail by name, as freebsd:jail:Jail reads it (its definition, whether it runs, its live parameters).",
  resource: jail,
  outputs: jailOutputs,
  what: "jail",
  name: { describe: "The jail's name.", check: checkJailName },
});
