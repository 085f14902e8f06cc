import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Command } from "../../core/command.ts";
import { RefusedError } from "../../core/errors.ts";
import type { Existing, Found, Props, ResourceDefinition, Runner } from "../../core/resource.ts";
import type { Inventory } from "../../host/inventory.ts";
import { checkJailName } from "../../freebsd/jail-checks.ts";
import { jexec } from "../../freebsd/jail-commands.ts";

// freebsd:jail:Command: scripts run inside a jail with jexec(8) when the resource is created,
// updated and deleted (e.g. `pkg install -y postgresql16-server`). Never run in a preview.

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const commandInputs = z
  .strictObject({
    jail: z.string().describe("The name of the jail to run in. Changing it runs `create` in the new jail (replacement)."),
    create: z.string().describe("Script run with `/bin/sh -c` inside the jail when the resource is created."),
    update: z.string().optional().describe("Script run when `create`, `update` or `environment` change; defaults to `create`."),
    delete: z.string().optional().describe("Script run when the resource is deleted, while the jail still runs."),
    environment: z.record(z.string(), z.string()).default({}).describe("Environment of the scripts (on top of jexec -l's clean login environment)."),
    triggers: z.array(z.unknown()).optional().describe("Values whose change re-runs `create` (the resource is replaced)."),
  })
  .superRefine((inputs, ctx) => {
    const rule = checkJailName(inputs.jail);
    if (rule) ctx.addIssue({ code: "custom", path: ["jail"], message: rule });
    for (const key of Object.keys(inputs.environment)) {
      if (!envName.test(key)) ctx.addIssue({ code: "custom", path: ["environment", key], message: "must be a variable name: letters, digits and '_', not starting with a digit" });
    }
  });

type CommandInputs = z.output<typeof commandInputs>;

export const commandOutputs = z.object({
  ...commandInputs.shape,
  stdout: z.string().describe("What the last script run printed on standard output."),
  stderr: z.string().describe("What the last script run printed on standard error."),
});

type CommandOutputs = z.output<typeof commandOutputs>;

/** `jexec -l JAIL env NAME=VALUE... /bin/sh -c SCRIPT`: every value an argument, none in shell text. */
function scriptIn(inputs: CommandInputs, script: string): Command {
  const env = Object.entries(inputs.environment).map(([k, v]) => `${k}=${v}`);
  return jexec(inputs.jail, ["/usr/bin/env", ...env, "/bin/sh", "-c", script], { clean: true });
}

/** Whether the jail is running, from the inventory. */
function running(inv: Inventory, jail: string): boolean {
  return inv.jails.some((j) => j.name === jail);
}

async function run(inputs: CommandInputs, script: string, runner: Runner, id: string): Promise<Found<CommandOutputs, CommandInputs>> {
  if (!running(await runner.inventory(), inputs.jail)) {
    throw new RefusedError(`jail ${inputs.jail} is not running, so the command cannot run in it`);
  }
  const result = await runner.exec(scriptIn(inputs, script));
  return { id, inputs, state: { ...inputs, stdout: result.stdout, stderr: result.stderr } };
}

/** The resource: its state is what its scripts printed; the host holds nothing to read back but the jail. */
export const jailCommand: ResourceDefinition<CommandInputs, CommandOutputs> = {
  token: "freebsd:jail:Command",
  description:
    "Runs scripts inside a jail with jexec(8): `create` once, `update` when the scripts or environment change, " +
    "`delete` on removal. A failing script (non-zero exit) fails the operation with its stderr. Never runs in a preview.",
  inputs: commandInputs,
  outputs: commandOutputs,
  stableOutputs: [],
  deleteBeforeReplace: false,
  rule: (path) => (path[0] === "jail" || path[0] === "triggers" ? "replace" : "update"),
  idOf: (inputs) => `${inputs.jail}/${randomBytes(6).toString("hex")}`,
  read(inv, id, known) {
    const state = known?.state as CommandOutputs | undefined;
    const jail = state?.jail ?? id.split("/")[0]!;
    // The command's effects live and die with its jail: a jail that is gone takes them with it.
    if (!state || !inv.jails.some((j) => j.name === jail) && !inv.files.has(`/etc/jail.conf.d/${jail}.conf`)) return undefined;
    const inputs = (known?.inputs ?? state) as CommandInputs;
    return { id, state, inputs: commandInputs.parse(pickInputs(inputs)) };
  },
  planCreate: () => [],
  planUpdate: () => [],
  planDelete: () => [],
  execute: {
    create: (inputs, runner) => run(inputs, inputs.create, runner, jailCommand.idOf(inputs)),
    async update(current, news, runner) {
      const rerun = ["create", "update", "environment"].some((k) => JSON.stringify((current.inputs as Props)[k]) !== JSON.stringify((news as Props)[k]));
      if (!rerun) return { id: current.id, inputs: news, state: { ...current.state, ...news } };
      return run(news, news.update ?? news.create, runner, current.id);
    },
    async delete(current: Existing<CommandOutputs, CommandInputs>, runner) {
      const script = current.inputs.delete ?? current.state.delete;
      if (script === undefined || !running(await runner.inventory(), current.inputs.jail)) return;
      await runner.exec(scriptIn(current.inputs, script));
    },
  },
};

function pickInputs(v: Props): Props {
  const keys = Object.keys(commandInputs.shape);
  return Object.fromEntries(Object.entries(v).filter(([k]) => keys.includes(k)));
}
