import { z } from "zod";
import { checkJailName } from "../../freebsd/jail-checks.ts";

// Inputs and outputs of freebsd:jail:Command.

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A NUL byte cannot reach a shell or the environment (C strings end there). */
const noNul = (s: string) => !s.includes("\0");

export const commandInputs = z
  .strictObject({
    jail: z.string().describe("The name of the jail to run in. Changing it runs `create` in the new jail (replacement)."),
    create: z.string().describe("Script run with `/bin/sh` inside the jail when the resource is created."),
    update: z.string().optional().describe("Script run when `create`, `update` or `environment` change; defaults to `create`."),
    delete: z.string().optional().describe("Script run when the resource is deleted, while the jail still runs."),
    environment: z.record(z.string(), z.string()).default({}).describe("Environment of the scripts (on top of jexec -l's clean login environment)."),
    triggers: z.array(z.unknown()).optional().describe("Values whose change re-runs `create` (the resource is replaced)."),
  })
  .superRefine((inputs, ctx) => {
    const fail = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const rule = checkJailName(inputs.jail);
    if (rule) fail(["jail"], rule);
    for (const key of ["create", "update", "delete"] as const) {
      const script = inputs[key];
      if (script !== undefined && !noNul(script)) fail([key], "must not contain a NUL byte: sh(1) cannot read one");
    }
    for (const [key, value] of Object.entries(inputs.environment)) {
      if (!envName.test(key)) fail(["environment", key], "must be a variable name: letters, digits and '_', not starting with a digit");
      else if (!noNul(value)) fail(["environment", key], "must not contain a NUL byte: an environment value ends at the first one");
    }
  });

export type CommandInputs = z.output<typeof commandInputs>;

export const commandOutputs = z.object({
  ...commandInputs.shape,
  stdout: z.string().describe("What the last script run printed on standard output."),
  stderr: z.string().describe("What the last script run printed on standard error."),
});

export type CommandOutputs = z.output<typeof commandOutputs>;
