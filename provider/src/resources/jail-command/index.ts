import { randomBytes } from "node:crypto";
import { RefusedError } from "../../core/errors.ts";
import type { JlsJail } from "../../freebsd/jls.ts";
import { want } from "../../inventory/section.ts";
import { jailFiles, runningJails } from "../../sections/jails.ts";
import type { Context, ExecutedResource, Existing, Found, Props, Runner } from "../contract.ts";
import { inputsHash, plainRun, readRecord, recordDir, recordedRun, removeRecord } from "./run.ts";
import { commandInputs, commandOutputs, type CommandInputs, type CommandOutputs } from "./schema.ts";

// freebsd:jail:Command: scripts run inside a jail with jexec(8) when the resource is created,
// updated and deleted (e.g. `pkg install -y postgresql16-server`). Never run in a preview.

export { commandInputs, commandOutputs } from "./schema.ts";

/** The jid of the jail, when it runs. */
async function jidOf(runner: Runner, jail: string): Promise<number | undefined> {
  const view = await runner.read([want(runningJails)]);
  return view.get(runningJails).find((j: JlsJail) => j.name === jail)?.jid;
}

/** The file the jail's definition is kept in (the Jail resource's). */
const jailFile = (jail: string) => `/etc/jail.conf.d/${jail}.conf`;

/**
 * Runs a script once for these inputs: a finished successful run recorded for the same inputs in the
 * same running jail (its status lost on the way back) is returned as it was, not run again; a failed
 * or unfinished one, or one in a jail started again since, runs again.
 */
async function run(inputs: CommandInputs, script: string, runner: Runner, id: string, ctx: Context): Promise<Found<CommandOutputs, CommandInputs>> {
  const jid = await jidOf(runner, inputs.jail);
  if (jid === undefined) throw new RefusedError(`jail ${inputs.jail} is not running, so the command cannot run in it`);
  const found = (stdout: string, stderr: string) => ({ id, inputs, state: { ...inputs, stdout, stderr } });
  const dir = recordDir(ctx.urn);
  const hash = inputsHash(inputs);
  const probe = readRecord(dir);
  const record = probe.parse((await runner.exec(probe.command)).stdout);
  if (record?.hash === hash && record.jid === jid && record.status === 0) {
    ctx.warn(`the script already ran for these inputs (its result was lost on the way back); its recorded output is used and it is not run again`);
    return found(record.stdout, record.stderr);
  }
  const result = await runner.exec(recordedRun(dir, hash, inputs, jid, script));
  return found(result.stdout, result.stderr);
}

/** The resource: its state is what its scripts printed; the host holds nothing to read back but the jail. */
export const jailCommand: ExecutedResource<CommandInputs, CommandOutputs> = {
  kind: "executed",
  token: "freebsd:jail:Command",
  description:
    "Runs scripts inside a jail with jexec(8): `create` once, `update` when the scripts or environment change, " +
    "`delete` on removal. A failing script (non-zero exit) fails the operation with its stderr; a run whose result " +
    "was lost is recovered from its record on the host (/var/db/pulumi-freebsd/commands), not run twice. Never runs in a preview.",
  inputs: commandInputs,
  outputs: commandOutputs,
  rule: (path) => (path[0] === "jail" || path[0] === "triggers" ? "replace" : "update"),
  derivedSecrets: (path) => {
    // stdout and stderr are what the scripts printed: a secret script or environment may be in them.
    const top = path[0];
    return top === "create" || top === "update" || top === "environment" ? [["stdout"], ["stderr"]] : [];
  },
  idOf: (inputs) => `${inputs.jail}/${randomBytes(6).toString("hex")}`,
  reads: (ref) => {
    const jail = (ref.state?.["jail"] as string | undefined) ?? ref.id.split("/")[0]!;
    return [want(runningJails), want(jailFiles, [jailFile(jail)])];
  },
  read(view, ref) {
    const state = ref.state as CommandOutputs | undefined;
    const jail = state?.jail ?? ref.id.split("/")[0]!;
    // The command's effects live and die with its jail: a jail that is gone takes them with it.
    const exists = view.get(runningJails).some((j) => j.name === jail) || view.get(jailFiles).has(jailFile(jail));
    if (!state || !exists) return undefined;
    const inputs = (ref.inputs ?? state) as CommandInputs;
    return { id: ref.id, state, inputs: commandInputs.parse(pickInputs(inputs)) };
  },
  create: (inputs, runner, ctx) => run(inputs, inputs.create, runner, jailCommand.idOf(inputs), ctx),
  async update(current, news, runner, ctx) {
    const rerun = ["create", "update", "environment"].some((k) => JSON.stringify((current.inputs as Props)[k]) !== JSON.stringify((news as Props)[k]));
    if (!rerun) return { id: current.id, inputs: news, state: { ...current.state, ...news } };
    return run(news, news.update ?? news.create, runner, current.id, ctx);
  },
  async delete(current: Existing<CommandOutputs, CommandInputs>, runner, ctx) {
    const script = current.inputs.delete ?? current.state.delete;
    if (script !== undefined && (await jidOf(runner, current.inputs.jail)) !== undefined) await runner.exec(plainRun(current.inputs, script));
    await runner.exec(removeRecord(recordDir(ctx.urn), inputsHash(current.inputs)));
  },
};

function pickInputs(v: Props): Props {
  const keys = Object.keys(commandInputs.shape);
  return Object.fromEntries(Object.entries(v).filter(([k]) => keys.includes(k)));
}
