import type { Command } from "../../core/command.ts";
import { RefusedError, ValidationError } from "../../core/errors.ts";
import type { Existing } from "../../core/resource.ts";
import type { Inventory } from "../../host/inventory.ts";
import { removeFile, writeFile } from "../../freebsd/files.ts";
import { jailModify, serviceJail } from "../../freebsd/jail-commands.ts";
import { renderJailConf } from "../../freebsd/jail-conf.ts";
import { addressChangeNeedsRestart, jailParamSpec, stripNo, type JailValue } from "../../freebsd/jail-params.ts";
import { splitSysrcList, sysrcAppend, sysrcRemove, sysrcSet } from "../../freebsd/sysrc.ts";
import { zfsSet } from "../../freebsd/zfs-commands.ts";
import { jailParamsOf } from "./params.ts";
import { findJail, jailConfPath, mainJailConf, sameJailValue, type JailRecord } from "./read.ts";
import type { JailInputs, JailOutputs } from "./schema.ts";

// The command plans of freebsd:jail:Jail: the file in /etc/jail.conf.d, rc.conf through sysrc, and
// `service jail` (the onestart forms, which work whatever jail_enable says), as an administrator would.

type Current = Existing<JailOutputs, JailInputs>;

/** Fails with a clear message when a directory is missing on the host (before anything is written). */
function requireDirectory(property: string, path: string): Command {
  const script = `[ -d "$1" ] || { echo "${property}: $1 is not a directory on this host" >&2; exit 1; }`;
  return { argv: ["/bin/sh", "-c", script, "sh", path] };
}

/** Fails with a clear message when a network interface is missing on the host. */
function requireInterface(name: string): Command {
  const script = `ifconfig "$1" >/dev/null 2>&1 || { echo "vnetInterfaces: the host has no interface $1" >&2; exit 1; }`;
  return { argv: ["/bin/sh", "-c", script, "sh", name] };
}

/** The file text of a jail. */
export function renderJail(inputs: JailInputs): string {
  return renderJailConf({ name: inputs.name, params: jailParamsOf(inputs), comment: "Managed by Pulumi (freebsd:jail:Jail)." });
}

/** Refuses parameters this host's kernel does not have (releases differ), naming the parameter. */
function checkHostParams(inputs: JailInputs, inv: Inventory): void {
  if (inv.jailParams.size === 0) return;
  for (const [name] of jailParamsOf(inputs)) {
    const spec = jailParamSpec(name);
    if (spec?.kind === "pseudo") continue;
    const base = spec || !stripNo(name) ? name : stripNo(name)!;
    if (!inv.jailParams.has(base)) {
      throw new ValidationError(name, `${inv.host} has no jail parameter ${base} (sysctl -N security.jail.param does not list it)`);
    }
  }
}

/** jailed=on for each delegated dataset that lacks it; refuses datasets the host does not have. */
function delegate(inputs: JailInputs, inv: Inventory): Command[] {
  return (inputs.datasets ?? []).flatMap((ds, i) => {
    const record = inv.datasets.get(ds);
    if (!record || record.properties["type"]?.value !== "filesystem") {
      throw new ValidationError(`datasets[${i}]`, `${inv.host} has no filesystem ${ds} to delegate`);
    }
    return record.properties["jailed"]?.value === "on" ? [] : [zfsSet(ds, { jailed: "on" })];
  });
}

/** sysrc commands that make rc start the jail at boot, or stop doing so. */
function bootCommands(name: string, autostart: boolean, inv: Inventory): Command[] {
  const listed = splitSysrcList(inv.rc.get("jail_list") ?? "").includes(name);
  if (!autostart) return listed ? [sysrcRemove("jail_list", name)] : [];
  const enabled = /^(yes|true|on|1)$/i.test(inv.rc.get("jail_enable") ?? "");
  return [...(enabled ? [] : [sysrcSet("jail_enable", "YES")]), ...(listed ? [] : [sysrcAppend("jail_list", name)])];
}

/** /etc/jail.conf without one jail's block and the comment lines above it, the rest byte for byte. */
function withoutBlock(inv: Inventory, record: JailRecord): string {
  const text = inv.files.get(mainJailConf)!;
  return text.slice(0, record.block!.commentStart) + text.slice(record.block!.end);
}

/** Commands that create the jail. */
export function planCreate(inputs: JailInputs, inv: Inventory): Command[] {
  const existing = findJail(inv, inputs.name);
  if (existing) {
    const where = existing.file ?? "the running jails (jls)";
    throw new RefusedError(
      `a jail named ${inputs.name} already exists on ${inv.host} (in ${where}); to manage it, import it: ` +
        `pulumi import freebsd:jail:Jail <resource-name> ${inputs.name}`,
    );
  }
  checkHostParams(inputs, inv);
  return [
    requireDirectory("path", inputs.path),
    ...(inputs.vnetInterfaces ?? []).map(requireInterface),
    ...delegate(inputs, inv),
    writeFile(jailConfPath(inputs.name), renderJail(inputs)),
    ...bootCommands(inputs.name, inputs.autostart, inv),
    ...(inputs.running ? [serviceJail("start", inputs.name, { one: true })] : []),
  ];
}

/** Whether changing a parameter on a running jail needs it restarted (jail(8) -m cannot do it). */
export function needsRestart(name: string, before: JailValue | undefined, after: JailValue | undefined): boolean {
  const spec = jailParamSpec(name);
  if (!spec) return true;
  if (spec.kind === "pseudo") return spec.update === "restart";
  if (spec.update !== "live") return true;
  // A parameter dropped from the file goes back to its default only when the jail is created again,
  // except allow.* flags, which jail -m can turn off.
  if (after === undefined) return !(name.startsWith("allow.") && spec.type === "boolean");
  return addressChangeNeedsRestart([[name, after], ...(before === undefined ? [] : [[name, before] as [string, JailValue]])]) !== undefined;
}

/** The parameters that differ between two parameter lists, with both values. */
export function changedParams(before: ReadonlyArray<[string, JailValue]>, after: ReadonlyArray<[string, JailValue]>) {
  const old = new Map(before);
  const now = new Map(after);
  return [...new Set([...old.keys(), ...now.keys()])]
    .filter((name) => !sameJailValue(old.get(name), now.get(name)))
    .map((name) => ({ name, before: old.get(name), after: now.get(name) }));
}

/** A running jail's parameters: the live value of each live kernel parameter, the file's for the rest. */
function liveParams(record: JailRecord): Array<[string, JailValue]> {
  const live = record.live?.params ?? {};
  return record.params.map(([name, value]) => {
    const spec = jailParamSpec(name);
    const now = live[name];
    if (spec?.kind !== "kernel" || spec.update !== "live" || now === undefined) return [name, value];
    return [name, typeof value === "number" ? Number(now) : (now as JailValue)];
  });
}

/** Commands that bring a running (or stopped) jail to the new inputs, restarting only when needed. */
export function planUpdate(current: Current, news: JailInputs, inv: Inventory): Command[] {
  const record = findJail(inv, current.id);
  if (!record) throw new RefusedError(`jail ${current.id} no longer exists on ${inv.host}; run pulumi refresh`);
  checkHostParams(news, inv);
  const text = renderJail(news);
  const commands: Command[] = [...(news.vnetInterfaces ?? []).map(requireInterface), ...delegate(news, inv)];
  if (record.file === mainJailConf) {
    // Its first change moves the jail to its own file; the rest of /etc/jail.conf stays as it was.
    commands.push(writeFile(jailConfPath(news.name), text), writeFile(mainJailConf, withoutBlock(inv, record)));
  } else if (inv.files.get(jailConfPath(news.name)) !== text) {
    commands.push(requireDirectory("path", news.path), writeFile(jailConfPath(news.name), text));
  }
  commands.push(...bootCommands(news.name, news.autostart, inv));
  const live = record.live;
  if (!news.running) {
    if (live) commands.push(serviceJail("stop", news.name, { one: true }));
  } else if (!live) {
    commands.push(serviceJail("start", news.name, { one: true }));
  } else {
    // Against the running jail: live values where jls has them, the file's otherwise.
    const changes = changedParams(liveParams(record), jailParamsOf(news));
    const kernelChanges = changes.filter((c) => jailParamSpec(c.name)?.kind !== "pseudo");
    if (changes.some((c) => needsRestart(c.name, c.before, c.after))) {
      commands.push(serviceJail("restart", news.name, { one: true }));
    } else if (kernelChanges.length > 0) {
      commands.push(jailModify(live.jid, kernelChanges.map((c) => [c.name, c.after ?? false] as [string, JailValue])));
    }
  }
  return commands;
}

/** What an update will do that a preview should say: restarts, and moving out of /etc/jail.conf. */
export function describeUpdate(current: Current, news: JailInputs): string[] {
  const notes: string[] = [];
  if (current.state.configFile === mainJailConf) {
    notes.push(`moves the definition of jail ${news.name} from /etc/jail.conf to ${jailConfPath(news.name)} (the rest of /etc/jail.conf is kept as it is)`);
  }
  if (current.state.running && news.running) {
    const restarting = changedParams(jailParamsOf(current.inputs), jailParamsOf(news)).filter((c) => needsRestart(c.name, c.before, c.after));
    if (restarting.length > 0) {
      notes.push(`restarts jail ${news.name}: ${restarting.map((c) => c.name).join(", ")} cannot be changed on a running jail`);
    }
  }
  return notes;
}

/** Commands that stop the jail and remove its definition; its root filesystem is left alone. */
export function planDelete(current: Current, inv: Inventory): Command[] {
  const record = findJail(inv, current.id);
  if (!record) return [];
  const commands: Command[] = [];
  if (record.live) {
    commands.push(record.file ? serviceJail("stop", record.name, { one: true }) : { argv: ["jail", "-r", record.name] });
  }
  if (record.file === mainJailConf) commands.push(writeFile(mainJailConf, withoutBlock(inv, record)));
  else if (record.file) commands.push(removeFile(record.file));
  commands.push(...bootCommands(record.name, false, inv));
  return commands;
}
