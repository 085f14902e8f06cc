import { z } from "zod";
import { checkJailName } from "../freebsd/jail-checks.ts";
import { jail } from "../resources/jail/index.ts";
import { jailOutputs } from "../resources/jail/schema.ts";
import type { FunctionDefinition } from "./contract.ts";
import { readAs } from "./read-as.ts";

const inputs = z.strictObject({
  name: z.string().describe("The jail's name."),
}).superRefine((i, ctx) => {
  const rule = checkJailName(i.name);
  if (rule) ctx.addIssue({ code: "custom", path: ["name"], message: rule });
});

/** freebsd:jail:getJail: one jail by name, as freebsd:jail:Jail reads it. */
export const getJail: FunctionDefinition<z.output<typeof inputs>, z.output<typeof jailOutputs>> = {
  token: "freebsd:jail:getJail",
  description: "Reads one jail by name, as freebsd:jail:Jail reads it (its definition, whether it runs, its live parameters).",
  inputs,
  outputs: jailOutputs,
  reads: (i) => jail.reads({ id: i.name }, "read"),
  result: (view, i, ctx) => readAs(jail, view, i.name, ctx, "jail") as z.output<typeof jailOutputs>,
};
