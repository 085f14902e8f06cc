import { cpusetCreatedCommand, cpusOfCreatedCommand } from "../../freebsd/cpuset.ts";
import { zfsJailDataset } from "../../freebsd/jail-exec-words.ts";
import type { JailValue } from "../../freebsd/jail-params.ts";
import { quoteArgIfNeeded } from "../../host/quote.ts";
import type { JailInputs } from "./schema.ts";

// Between the Jail's typed inputs and the jail(8) parameters written to its jail.conf.d file.

/** Parameters a delegated dataset needs (jail(8), zfs(8) "jail"): mounting ZFS inside, statfs below 2. */
export const delegationParams = { "allow.mount": true, "allow.mount.zfs": true, enforce_statfs: 1 } as const;

/**
 * The `zfs jail` command exec.created runs for a delegated dataset, so every start restores it: an
 * argv quoted for sh(1) where a word needs it (a dataset name may hold a space), as jail(8) runs
 * exec.* values with shell syntax through /bin/sh -c (command.c run_command).
 */
export function zfsJailCommand(jail: string, dataset: string): string {
  return ["zfs", "jail", jail, dataset].map(quoteArgIfNeeded).join(" ");
}

/** Typed inputs with a direct jail(8) parameter, in the order they are written. */
const typedParams: ReadonlyArray<readonly [keyof JailInputs, string]> = [
  ["hostname", "host.hostname"],
  ["osrelease", "osrelease"],
  ["enforceStatfs", "enforce_statfs"],
  ["securelevel", "securelevel"],
  ["devfsRuleset", "devfs_ruleset"],
  ["childrenMax", "children.max"],
  ["sysvmsg", "sysvmsg"],
  ["sysvsem", "sysvsem"],
  ["sysvshm", "sysvshm"],
  ["mountDevfs", "mount.devfs"],
  ["mountFstab", "mount.fstab"],
  ["persist", "persist"],
];

const execNames = ["prestart", "created", "start", "stop", "poststop", "consolelog"] as const;

/** The jail(8) parameters of a jail, in the order its file lists them (path first). */
export function jailParamsOf(inputs: JailInputs): Array<[string, JailValue]> {
  const params = new Map<string, JailValue>();
  params.set("path", inputs.path);
  if (inputs.vnet) params.set("vnet", "new");
  if (inputs.vnetInterfaces?.length) params.set("vnet.interface", [...inputs.vnetInterfaces]);
  if (inputs.ip4?.length) params.set("ip4.addr", [...inputs.ip4]);
  if (inputs.ip6?.length) params.set("ip6.addr", [...inputs.ip6]);
  for (const [input, param] of typedParams) {
    const value = inputs[input];
    if (value !== undefined) params.set(param, value as JailValue);
  }
  for (const [key, value] of Object.entries(inputs.allow ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    params.set(`allow.${key}`, value);
  }
  for (const name of execNames) {
    const value = inputs.exec?.[name];
    if (value !== undefined) params.set(`exec.${name}`, value);
  }
  if (inputs.datasets?.length) {
    for (const [name, value] of Object.entries(delegationParams)) if (!params.has(name)) params.set(name, value);
    const created = params.get("exec.created");
    const commands = created === undefined ? [] : Array.isArray(created) ? [...created] : [String(created)];
    params.set("exec.created", [...commands, ...inputs.datasets.map((ds) => zfsJailCommand(inputs.name, ds))]);
  }
  if (inputs.cpus !== undefined) {
    // The jail's CPUs at every start, before anything runs in it (freebsd/cpuset.ts says why exec.created).
    const created = params.get("exec.created");
    const commands = created === undefined ? [] : Array.isArray(created) ? [...created] : [String(created)];
    params.set("exec.created", [cpusetCreatedCommand(inputs.cpus, inputs.name), ...commands]);
  }
  for (const [name, value] of Object.entries(inputs.parameters ?? {})) params.set(name, value);
  return [...params];
}

/** Listed inputs by the parameter they make, each element one value of it. */
const listInputs: Readonly<Record<string, keyof JailInputs>> = { "vnet.interface": "vnetInterfaces", "ip4.addr": "ip4", "ip6.addr": "ip6" };

/**
 * The input a parameter of jailParamsOf came from, as the path a Check failure names: `parameters`
 * wins as it does there; an element of a list is found by `bad` (the rule of one value), the
 * exec.created line of delegated datasets or CPUs by the input that adds it.
 */
export function inputPathOfParam(name: string, inputs: JailInputs, bad: (value: JailValue) => boolean): (string | number)[] {
  if (inputs.parameters && Object.hasOwn(inputs.parameters, name)) return ["parameters", name];
  const list = listInputs[name];
  if (list) {
    const values = (inputs[list] ?? []) as string[];
    const i = values.findIndex((v) => bad([v]));
    return i < 0 ? [list] : [list, i];
  }
  const typed = inputOfParam.get(name);
  if (typed) return [typed];
  if (name.startsWith("allow.") && inputs.allow && Object.hasOwn(inputs.allow, name.slice(6))) return ["allow", name.slice(6)];
  if (name.startsWith("exec.")) {
    const which = name.slice(5) as (typeof execNames)[number];
    if (inputs.exec?.[which] !== undefined) return ["exec", which];
    if (name === "exec.created") return inputs.datasets?.length ? ["datasets"] : ["cpus"];
  }
  if (name in delegationParams && inputs.datasets?.length) return ["datasets"];
  return [name];
}

/** Parameters without the exec.created command that sets the jail's CPUs, which changes live (cpuset -l). */
export function withoutCpusetCommand(params: ReadonlyArray<readonly [string, JailValue]>, name: string): Array<[string, JailValue]> {
  return params.flatMap(([param, value]): Array<[string, JailValue]> => {
    if (param !== "exec.created") return [[param, value]];
    const rest = listOf(value).filter((cmd) => cpusOfCreatedCommand(cmd, name) === undefined);
    return rest.length === 0 ? [] : [[param, Array.isArray(value) || rest.length > 1 ? rest : rest[0]!]];
  });
}

/** Typed input names by the parameter they stand for. */
const inputOfParam = new Map(typedParams.map(([input, param]) => [param, input]));

/**
 * The inputs a jail's parameters stand for, the reverse of jailParamsOf. Parameters implied by
 * delegated datasets are dropped unless `known` inputs set them; the rest go to `parameters`.
 */
export function inputsOfParams(
  name: string, params: ReadonlyArray<readonly [string, JailValue]>, known?: Partial<JailInputs>,
): Omit<JailInputs, "running" | "autostart"> {
  const inputs: Record<string, unknown> = { name, path: "", vnet: false, persist: false };
  const allow: Record<string, boolean> = {};
  const exec: Record<string, string> = {};
  const parameters: Record<string, JailValue> = {};
  const created = params.filter(([p]) => p === "exec.created").flatMap(([, v]) => listOf(v));
  const datasets = created.flatMap((cmd) => zfsJailDataset(cmd, name) ?? []);
  const cpus = created.map((cmd) => cpusOfCreatedCommand(cmd, name)).find((list) => list !== undefined);
  const otherCreated = created.filter((cmd) => zfsJailDataset(cmd, name) === undefined && cpusOfCreatedCommand(cmd, name) === undefined);
  for (const [param, value] of params) {
    const input = inputOfParam.get(param);
    if (param === "exec.created") continue;
    if (param in delegationParams) {
      // allow.mount, allow.mount.zfs, enforce_statfs: implied by datasets unless set on their own.
      const keep = datasets.length === 0 || !impliedValue(param, value) || (known !== undefined && wasSetExplicitly(param, known));
      if (!keep) continue;
      if (param === "enforce_statfs") inputs["enforceStatfs"] = Number(value);
      else allow[param.slice(6)] = value === true;
    } else if (param === "path") inputs["path"] = String(value);
    else if (param === "vnet") inputs["vnet"] = value === "new" || value === true;
    else if (param === "vnet.interface") inputs["vnetInterfaces"] = listOf(value);
    else if (param === "ip4.addr") inputs["ip4"] = listOf(value);
    else if (param === "ip6.addr") inputs["ip6"] = listOf(value);
    else if (param.startsWith("exec.") && (execNames as readonly string[]).includes(param.slice(5)) && listOf(value).length === 1) {
      exec[param.slice(5)] = listOf(value)[0]!;
    } else if (param.startsWith("allow.") && typeof value === "boolean") allow[param.slice(6)] = value;
    else if (input !== undefined) inputs[input] = numericInputs.has(input) ? Number(value) : value;
    else parameters[param] = spelledAsKnown(value, known?.parameters?.[param]);
  }
  if (otherCreated.length === 1) exec["created"] = otherCreated[0]!;
  else if (otherCreated.length > 1) parameters["exec.created"] = otherCreated;
  if (Object.keys(allow).length > 0) inputs["allow"] = allow;
  if (Object.keys(exec).length > 0) inputs["exec"] = exec;
  if (Object.keys(parameters).length > 0) inputs["parameters"] = parameters;
  if (datasets.length > 0) inputs["datasets"] = datasets;
  if (cpus !== undefined) inputs["cpus"] = cpus;
  return inputs as Omit<JailInputs, "running" | "autostart">;
}

const numericInputs = new Set<string>(["enforceStatfs", "securelevel", "devfsRuleset", "childrenMax"]);

/**
 * A parameter's value in the spelling of its input when both mean the same: jail.conf(5) makes a
 * command-list parameter (exec.prepare, exec.prestart, ...) a list once parsed, so `"cmd"` written
 * reads back as `["cmd"]`, which is no drift.
 */
function spelledAsKnown(value: JailValue, known: unknown): JailValue {
  if (typeof known === "string" && Array.isArray(value) && value.length === 1 && value[0] === known) return known;
  return value;
}

function listOf(value: JailValue): string[] {
  return Array.isArray(value) ? [...value] : [String(value)];
}

function impliedValue(param: string, value: JailValue): boolean {
  return String((delegationParams as Record<string, unknown>)[param]) === String(value);
}

function wasSetExplicitly(param: string, known: Partial<JailInputs>): boolean {
  if (param === "enforce_statfs") return known.enforceStatfs !== undefined;
  return known.allow?.[param.slice(6)] !== undefined || known.parameters?.[param] !== undefined;
}
