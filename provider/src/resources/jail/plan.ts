import type { Command } from "../../core/command.ts";
import { ValidationError } from "../../core/errors.ts";
import type { Context, Existing } from "../contract.ts";
import type { HostView } from "../../inventory/view.ts";
import { hostJailParams, jailCpusets, jailFiles, rcVars } from "../../sections/jails.ts";
import { cpusetJail, formatCpus, sameCpus } from "../../freebsd/cpuset.ts";
import { datasets } from "../../sections/zfs.ts";
import { locked, writeFile } from "../../freebsd/files.ts";
import { jailModify, jailRemove, startJailChecked, stopJailChecked } from "../../freebsd/jail-commands.ts";
import { renderJailConf } from "../../freebsd/jail-conf.ts";
import { markerComment } from "../../freebsd/jail-marker.ts";
import { jailParamSpec, stripNo, type JailValue } from "../../freebsd/jail-params.ts";
import { splitSysrcList, sysrcAppend, sysrcRemove, sysrcSet } from "../../freebsd/sysrc.ts";
import { zfsSet } from "../../freebsd/zfs-commands.ts";
import { isInterruptedMove, refuseConflicts } from "./conflicts.ts";
import { removeDefinition, replaceBlock, writeJailFile } from "./files.ts";
import { changedParams, liveParams, modifyValue } from "./live.ts";
import { inputsOfParams, jailParamsOf, withoutCpusetCommand } from "./params.ts";
import { jailConfPath, mainJailConf, perJailConfPath } from "./paths.ts";
import { yes, type JailRecord } from "./read.ts";
import { needsRestart } from "./restart.ts";
import type { JailInputs, JailOutputs } from "./schema.ts";

// The command plans of freebsd:jail:Jail: the file in /etc/jail.conf.d, rc.conf through sysrc, and
// `service jail` (the onestart forms, which work whatever jail_enable says), as an administrator would.
// A restart is a stop with the old file (so its exec.stop and unmounts are the applied ones), then the
// new file, then a checked start: an interruption leaves either the old file with the jail running,
// or a stopped jail with the new file, and the next plan, made from the host, finishes either.

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

/** The file text of a jail, marked with the URN of the resource it is written for. */
export function renderJail(inputs: JailInputs, urn?: string): string {
  const comment = ["Managed by Pulumi (freebsd:jail:Jail).", ...(urn === undefined ? [] : [markerComment(urn)])].join("\n");
  return renderJailConf({ name: inputs.name, params: jailParamsOf(inputs), comment });
}

/** Refuses parameters this host's kernel does not have (releases differ), naming the parameter. */
function checkHostParams(inputs: JailInputs, view: HostView): void {
  const known = view.get(hostJailParams);
  if (known.size === 0) return;
  for (const [name] of jailParamsOf(inputs)) {
    const spec = jailParamSpec(name);
    if (spec?.kind === "pseudo") continue;
    const base = spec || !stripNo(name) ? name : stripNo(name)!;
    if (!known.has(base)) {
      throw new ValidationError(name, `${view.host} has no jail parameter ${base} (sysctl -N security.jail.param does not list it)`);
    }
  }
}

/** jailed=on for each delegated dataset that lacks it; refuses datasets the host does not have. */
function delegate(inputs: JailInputs, view: HostView): Command[] {
  return (inputs.datasets ?? []).flatMap((ds, i) => {
    const record = view.get(datasets).get(ds);
    if (!record || record.properties["type"]?.value !== "filesystem") {
      throw new ValidationError(`datasets[${i}]`, `${view.host} has no filesystem ${ds} to delegate`);
    }
    return record.properties["jailed"]?.value === "on" ? [] : [zfsSet(ds, { jailed: "on" })];
  });
}

/**
 * The interfaces to find on the host: a running VNET jail holds the ones it was started with
 * (vnet.interface of its file, the applied configuration) inside its own stack, where the host's
 * ifconfig cannot see them; jail(8) gives them back when the jail stops.
 */
function interfaceChecks(inputs: JailInputs, record: JailRecord | undefined): Command[] {
  const applied = record?.live?.params["vnet"] === "new" ? record.params.find(([p]) => p === "vnet.interface")?.[1] : undefined;
  const inside = new Set(Array.isArray(applied) ? applied : []);
  return (inputs.vnetInterfaces ?? []).filter((i) => !inside.has(i)).map(requireInterface);
}

/** sysrc commands (each under the host lock, as sysrc rewrites rc.conf) that make rc start the jail at boot, or stop. */
function bootCommands(name: string, autostart: boolean, view: HostView): Command[] {
  const rc = view.get(rcVars);
  const listed = splitSysrcList(rc.get("jail_list") ?? "").includes(name);
  if (!autostart) return listed ? [locked(sysrcRemove("jail_list", name))] : [];
  const enabled = yes(rc.get("jail_enable"));
  return [...(enabled ? [] : [locked(sysrcSet("jail_enable", "YES"))]), ...(listed ? [] : [locked(sysrcAppend("jail_list", name))])];
}

/** The checked start of a jail, with the console log its definition names. */
function start(inputs: JailInputs): Command {
  const log = inputs.exec?.consolelog ?? inputs.parameters?.["exec.consolelog"];
  return startJailChecked(inputs.name, typeof log === "string" ? log : "");
}

/** The stop of a running jail: through rc.d/jail with its file, or `jail -r` for one without a file. */
function stop(record: JailRecord): Command {
  return record.file ? stopJailChecked(record.name) : jailRemove(record.name);
}

/** Commands that bring the jail's definition files to `text`, and finish a move out of /etc/jail.conf. */
function definitionCommands(record: JailRecord, news: JailInputs, view: HostView, ctx: Context): Command[] {
  const text = renderJail(news, ctx.urn);
  if (record.file === perJailConfPath(record.name)) {
    // A jail defined in rc.d/jail's per-jail file is kept there: rc.d/jail would read it before any other.
    const now = view.get(jailFiles).get(record.file)!;
    const next = replaceBlock(now, record.block!, text);
    return next === now ? [] : [writeFile(record.file, next, now)];
  }
  const commands = writeJailFile(view, news.name, text);
  // A jail from /etc/jail.conf moves to its own file on its first change; the rest of /etc/jail.conf stays.
  const old = record.definitions.find((d) => d.file === mainJailConf);
  if (old && (record.file === mainJailConf || isInterruptedMove(record, ctx.urn))) commands.push(...removeDefinition(view, old));
  return commands.length > 0 ? [requireDirectory("path", news.path), ...commands] : [];
}

/** Commands that create the jail: its file (which must not exist yet), rc.conf, and a checked start. */
export function planCreate(inputs: JailInputs, view: HostView, ctx: Context): Command[] {
  checkHostParams(inputs, view);
  return [
    requireDirectory("path", inputs.path),
    ...interfaceChecks(inputs, undefined),
    ...delegate(inputs, view),
    // `null`: the file must not exist yet, so of two stacks creating this jail at once only one writes it.
    writeFile(jailConfPath(inputs.name), renderJail(inputs, ctx.urn), null),
    ...bootCommands(inputs.name, inputs.autostart, view),
    ...(inputs.running ? [start(inputs)] : []),
  ];
}

/** Commands that bring a running (or stopped) jail to the new inputs, restarting only when needed. */
export function planUpdate(record: JailRecord, _current: Current, news: JailInputs, view: HostView, ctx: Context): Command[] {
  refuseConflicts(view, record.name, record, ctx.urn);
  checkHostParams(news, view);
  const checks = [...interfaceChecks(news, record), ...delegate(news, view)];
  const files = definitionCommands(record, news, view, ctx);
  const boot = bootCommands(news.name, news.autostart, view);
  const live = record.live;
  if (!news.running) return [...checks, ...(live ? [stop(record)] : []), ...files, ...boot];
  if (!live) return [...checks, ...files, ...boot, start(news)];
  // The CPUs change live with cpuset(1), so their exec.created command never restarts the jail.
  const after = withoutCpusetCommand(jailParamsOf(news), news.name);
  const applied = withoutCpusetCommand(record.params, record.name);
  const changes = changedParams(withoutCpusetCommand(liveParams(record), record.name), after);
  if (changes.some((c) => needsRestart(c.name, applied, after))) return [...checks, stop(record), ...files, ...boot, start(news)];
  const kernelChanges = changes.filter((c) => jailParamSpec(c.name)?.kind !== "pseudo");
  const modify = kernelChanges.map((c) => [c.name, modifyValue(c.name, c.after ?? false)] as [string, JailValue]);
  return [...checks, ...files, ...boot, ...(modify.length > 0 ? [jailModify(live.jid, modify)] : []), ...cpusCommands(record, news, view)];
}

/** `cpuset -l` of a running jail whose CPUs differ from the inputs; every CPU again when the inputs drop them. */
function cpusCommands(record: JailRecord, news: JailInputs, view: HostView): Command[] {
  const live = record.live!;
  const had = inputsOfParams(record.name, record.params).cpus;
  if (news.cpus === undefined) return had === undefined ? [] : [cpusetJail("all", live.jid)];
  const now = view.covers(jailCpusets, record.name) ? view.get(jailCpusets).get(record.name) : undefined;
  return now && sameCpus(news.cpus, formatCpus(now)) ? [] : [cpusetJail(news.cpus, live.jid)];
}

/** Commands that stop the jail, take it out of jail_list, and remove its definition last, so a retry finishes. */
export function planDelete(record: JailRecord, _current: Current, view: HostView, ctx: Context): Command[] {
  refuseConflicts(view, record.name, record, ctx.urn);
  return [
    ...(record.live ? [stop(record)] : []),
    ...bootCommands(record.name, false, view),
    ...record.definitions.flatMap((d) => removeDefinition(view, d)),
  ];
}
