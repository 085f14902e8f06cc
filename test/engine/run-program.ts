// Runs a Pulumi TypeScript program's stack (or a Pulumi YAML one, through the runner's stand-in for its
// language host) through the program runner, as `pulumi` would:
//
//   node test/engine/run-program.ts up|preview|refresh|destroy DIR [--stack dev] [--config k=v]... [--secret k=v]...
//        [--state FILE] [--parallel N] [--skip-preview] [--color] [--pulumi]
//   node test/engine/run-program.ts import DIR TYPE NAME ID [--stack dev] ...
//
// Config given here is kept in the state file with the stack (secrets encrypted with
// PULUMI_CONFIG_PASSPHRASE), like `pulumi config set`. With --pulumi the same operation runs through the
// `pulumi` CLI on PATH with a local file backend instead (pulumi-cli.ts).
import { parseArgs } from "node:util";
import { parseConfigArgs } from "./program/config.ts";
import { ProgramRunError, ProgramStack } from "./program/program-stack.ts";
import { readProject } from "./program/project.ts";
import { pulumiOnPath, runWithPulumiCli } from "./program/pulumi-cli.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    stack: { type: "string", default: "dev" },
    config: { type: "string", multiple: true, default: [] },
    secret: { type: "string", multiple: true, default: [] },
    state: { type: "string" },
    parallel: { type: "string" },
    "skip-preview": { type: "boolean", default: false },
    color: { type: "boolean", default: process.stdout.isTTY ?? false },
    pulumi: { type: "boolean", default: false },
  },
});
const [command, dir, ...rest] = positionals;
const commands = ["up", "preview", "refresh", "destroy", "import"];
if (!command || !commands.includes(command) || !dir || (command === "import" && rest.length !== 3)) {
  console.error("usage: run-program.ts up|preview|refresh|destroy DIR [--stack NAME] [--config k=v]... [--secret k=v]... [--state FILE]\n" +
    "       run-program.ts import DIR TYPE NAME ID [...]");
  process.exit(2);
}

const project = readProject(dir);
const config = { ...parseConfigArgs(values.config, project.name, false), ...parseConfigArgs(values.secret, project.name, true) };
if (values.pulumi) {
  const cli = pulumiOnPath();
  if (!cli) throw new Error("--pulumi: no pulumi CLI on PATH");
  console.log(`Running through the Pulumi CLI at ${cli} with a local file backend.\n`);
  process.exit(await runWithPulumiCli({ cli, project, stack: values.stack, command, args: rest, config, skipPreview: values["skip-preview"] }));
}

console.log(`Running through the program runner (pulumi-engine-harness), not the Pulumi CLI: ${command} ${project.name}/${values.stack}\n`);
const stack = new ProgramStack({
  dir, stack: values.stack, config, color: values.color, print: (text) => console.log(text),
  ...(values.state ? { stateFile: values.state } : {}), ...(values.parallel ? { parallel: Number(values.parallel) } : {}),
});
const opts = { skipPreview: values["skip-preview"] };
try {
  if (command === "preview") await stack.preview();
  else if (command === "up") await stack.up(opts);
  else if (command === "refresh") await stack.refresh(opts);
  else if (command === "destroy") await stack.destroy(opts);
  else await stack.import(rest[0]!, rest[1]!, rest[2]!);
} catch (e) {
  if (!(e instanceof ProgramRunError)) console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}
