import { expect } from "vitest";
import fc from "fast-check";
import { ProviderError, secret, type ProviderClient, type ValueMap } from "pulumi-engine-harness";
import type { SimHost } from "freebsd-sim";
import { mustRun, type TestTarget } from "../lifecycle/target.ts";
import { atWrapped } from "./judge.ts";
import { urnOf } from "./provider.ts";
import { hostile, keptPath, place, siteName, sites, type Site } from "./surface.ts";

// The host-level half of the injection suite: accepted hostile values created on the simulated host
// through the plugin (Create, Read, Delete over SSH), read back equal, and the files they were written
// to read by the simulator's own tools as FreeBSD reads them: jail(8) -e for jail.conf.d, sysrc(8) for
// rc.conf (it sources the file with sh, so a command substitution there would run), and rc.d/rctl at a
// reboot for rctl.conf, each with exactly the entries a benign resource of the same inputs has.

export interface HostFigures { cases: number; perType: Map<string, number>; hostRefused: string[] }
export interface HostCase { site: Site; value: string }

/** The host the cases run on: racct on, a dataset with a snapshot, a running jail with a userland. */
export async function prepareHost(target: TestTarget): Promise<void> {
  await mustRun(target, "echo 'kern.racct.enable=1' >> /boot/loader.conf");
  target.sim!.reboot();
  await mustRun(target, "zfs create -p zroot/fz/ds && zfs snapshot zroot/fz/ds@snap && zfs create zroot/fz/root && mkdir -p /zroot/fz/jail");
  await mustRun(target, "tar -xf /usr/freebsd-dist/base.txz -C /zroot/fz/root && jail -c name=fz path=/zroot/fz/root persist");
}

/** The canary never ran: no file anywhere on the host, no snapshot of it in the tool log or in zfs. */
export async function checkCanary(sim: SimHost, bait: { file: string; snap: string }): Promise<void> {
  const name = bait.file.split("/").pop()!;
  const found = await sim.exec(`find / -xdev -name '${name}*' 2>/dev/null; zfs list -H -t snapshot -o name`);
  expect(found.stdout).not.toContain(name);
  expect(found.stdout).not.toContain(bait.snap);
  const log = await sim.toolLog();
  expect(log.filter((argv) => argv.includes(bait.snap))).toEqual([]);
}

/** How one resource type is tried on the host: the inputs a case changes, the sites that reach the host. */
interface HostKind {
  base: Record<string, unknown>;
  sites: string[];
  /** The jail(8) parameter a site writes, for the jail.conf.d check. */
  param?: (site: Site, value: string) => string | undefined;
  /** A check of the outputs beyond the value kept (a command's output). */
  outputs?: (site: Site, value: string, outputs: Record<string, unknown>) => string | undefined;
}

const JAIL_PARAMS: Record<string, string> = {
  hostname: "host.hostname", osrelease: "osrelease", mountFstab: "mount.fstab", path: "path",
  "exec.prestart": "exec.prestart", "exec.created": "exec.created", "exec.start": "exec.start", "exec.stop": "exec.stop",
  "exec.poststop": "exec.poststop", "exec.consolelog": "exec.consolelog", "parameters.{}": "host.domainname",
  "ip4.[]": "ip4.addr", "ip6.[]": "ip6.addr",
};

export const HOST_KINDS: Record<string, HostKind> = {
  "freebsd:zfs:Dataset": { base: { name: "zroot/fz/h" }, sites: ["name", "properties.{key}", "properties.{}"] },
  "freebsd:zfs:Snapshot": { base: { dataset: "zroot/fz/ds", name: "h" }, sites: ["name", "properties.{key}", "properties.{}", "holds.[]"] },
  "freebsd:jail:Jail": {
    // Not running: its exec.* commands are commands by design, stored here and never started.
    base: { name: "fzj", path: "/zroot/fz/jail", running: false, autostart: true },
    sites: ["name", "path", "hostname", "osrelease", "mountFstab", "exec.prestart", "exec.created", "exec.start", "exec.stop",
      "exec.poststop", "exec.consolelog", "parameters.{}", "parameters.{key}", "ip4.[]", "ip6.[]", "cpus"],
    param: (site, value) => (site.path.join(".") === "parameters.{key}" ? value : JAIL_PARAMS[site.path.join(".")]),
  },
  "freebsd:jail:Command": {
    base: { jail: "fz", create: 'printf %s "$FUZZ"' },
    sites: ["environment.{}"],
    outputs: (_site, value, out) => (out["stdout"] === value ? undefined : `the script printed ${JSON.stringify(out["stdout"]).slice(0, 200)}, not the variable's value`),
  },
  "freebsd:network:Bridge": { base: { name: "fzbr0" }, sites: ["name", "description", "addresses.[]"] },
  "freebsd:network:Epair": { base: { name: "fzep0" }, sites: ["name", "description", "hostAddresses.[]", "hostEther", "jailEther"] },
  "freebsd:rctl:Limit": { base: { subject: "jail:fzl", resource: "maxproc", action: "deny", amount: "100" }, sites: ["subject", "amount"] },
  // A mirror is fetched from: a hostile one fails the create (no such mirror), with nothing run but fetch.
  "freebsd:jail:Release": { base: { version: "14.3-RELEASE", dataset: "zroot/fz/rel", source: { mirror: "/usr/freebsd-dist" } }, sites: ["source.mirror"] },
};

/** Hostile values the host kinds accept at Check, spread over their sites in turn. */
export async function hostCases(n: number, seed: number, payloads: string[], provider: ProviderClient): Promise<HostCase[]> {
  const all = sites();
  const eligible = Object.entries(HOST_KINDS).flatMap(([token, kind]) =>
    kind.sites.map((p) => all.find((s) => s.token === token && s.path.join(".") === p) ?? fail(`${token} ${p} is no site of the schema`)));
  const values = fc.sample(hostile(payloads), { numRuns: 400 * Math.max(1, Math.ceil(n / eligible.length)), seed });
  const out: HostCase[] = [];
  const exhausted = new Set<number>();
  let next = 0;
  for (let round = 0; out.length < n && exhausted.size < eligible.length; round++) {
    const i = round % eligible.length;
    if (exhausted.has(i)) continue;
    const site = eligible[i]!;
    let found = false;
    for (let tries = 0; tries < 150 && !found; tries++) {
      const value = values[next++ % values.length]!;
      const r = await provider.check({ urn: urnOf(site.token, "h"), olds: {}, news: place(HOST_KINDS[site.token]!.base, site, value) as ValueMap, allowUnknowns: false });
      if (r.failures.length === 0 && !out.some((c) => c.site === site && c.value === value)) out.push({ site, value }), (found = true);
    }
    if (!found) exhausted.add(i);
  }
  return out;
}

const fail = (m: string): never => {
  throw new Error(m);
};

/** jail.c's quoted_print(), as `jail -e` prints a value. */
export function quotedPrint(value: string): string {
  const qc = value === "" ? '"' : value.includes("'") ? '"' : value.includes('"') ? "'" : /[ \t]/.test(value) ? '"' : "";
  let out = qc;
  for (const c of value) out += c === "\\" || (qc !== "" && c === qc) ? `\\${c}` : c;
  return out + qc;
}

const sq = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
const RS = "\x1e";
const GS = "\x1d";

/** rc.conf's variable names as sysrc reads them (it sources the file with sh), and the jail files as jail -e reads them. */
async function inspectHost(t: TestTarget, jails: string[], rcVars: string[]) {
  const script = [
    "sysrc -a -N; printf '\\035'",
    ...jails.map((j) => `jail -f /etc/jail.conf.d/${sq(j)}.conf -e "$(printf '\\036')" 2>&1; printf '\\035'`),
    ...rcVars.map((v) => `sysrc -n ${sq(v)}; printf '\\035'`),
  ].join("\n");
  const out = (await t.exec(script)).stdout.split(GS);
  const names = new Set(out[0]!.split("\n").filter(Boolean));
  const jailEntries = new Map(jails.map((j, i) => [j, (out[1 + i] ?? "").replace(/\n$/, "").split(RS)]));
  const rcValues = new Map(rcVars.map((v, i) => [v, (out[1 + jails.length + i] ?? "").replace(/\n$/, "")]));
  return { names, jailEntries, rcValues };
}

export interface HostOutcome { case: HostCase; problem?: string; hostRefused?: string }
export interface HeldLimit { urn: string; id: string; rule: string; inputs: ValueMap; outputs: ValueMap }

/** The inputs of a case made distinct from the others of its round (names, subjects), and its own name. */
function inputsOf(c: HostCase, i: number): Record<string, unknown> {
  const kind = HOST_KINDS[c.site.token]!;
  const base = structuredClone(kind.base);
  const own: Record<string, (b: Record<string, unknown>) => void> = {
    "freebsd:zfs:Dataset": (b) => (b["name"] = `zroot/fz/h${i}`),
    "freebsd:zfs:Snapshot": (b) => (b["name"] = `h${i}`),
    "freebsd:jail:Jail": (b) => (b["name"] = `fzj${i}`),
    "freebsd:network:Bridge": (b) => (b["name"] = `fzbr${i}`),
    "freebsd:network:Epair": (b) => (b["name"] = `fzep${i}`),
    "freebsd:rctl:Limit": (b) => (b["subject"] = `jail:fzl${i}`),
    "freebsd:jail:Release": (b) => (b["dataset"] = `zroot/fz/rel${i}`),
  };
  own[c.site.token]?.(base);
  return place(base, c.site, c.site.secret ? secret(c.value) : c.value);
}

/** The rc.conf variables an interface of this name may own: its ifconfig_ and create_args_ variables. */
const ifaceVar = (n: string, iface: string) =>
  [`ifconfig_${iface}`, `create_args_${iface}`].some((p) => n === p || n.startsWith(`${p}_`));

interface Made { c: HostCase; urn: string; id: string; inputs: ValueMap; outputs: ValueMap }

/** The jail(8) entries of a benign jail, to compare each case's file with. */
let benignJail: string[] | undefined;

/**
 * One round of cases on the host, released together as the engine releases independent resources (the
 * plugin batches them into one script): Create, the value kept in the outputs, rc.conf and the jail
 * files read by the simulator's tools, a Read giving the value back, then Delete. Limits are kept for
 * the reboot check (`held`). A create the host refuses (a name in use, a path that is no directory) is
 * an error of the provider's own, counted apart.
 */
export async function runRound(provider: ProviderClient, target: TestTarget, cases: HostCase[], round: number, held: HeldLimit[]): Promise<HostOutcome[]> {
  if (!benignJail) {
    const urn = urnOf("freebsd:jail:Jail", "benign");
    const checked = await provider.check({ urn, olds: {}, news: { ...HOST_KINDS["freebsd:jail:Jail"]!.base, name: "fzjb" }, allowUnknowns: false });
    const made = await provider.create({ urn, properties: checked.inputs!, preview: false, timeout: 120 });
    benignJail = (await inspectHost(target, ["fzjb"], [])).jailEntries.get("fzjb")!;
    await provider.delete({ urn, id: made.id, outputs: made.properties!, inputs: checked.inputs! });
  }
  const before = (await inspectHost(target, [], [])).names;
  const outcomes: HostOutcome[] = cases.map((c) => ({ case: c }));
  const made: (Made | undefined)[] = await Promise.all(cases.map(async (c, i) => {
    const urn = urnOf(c.site.token, `r${round}c${i}`);
    const checked = await provider.check({ urn, olds: {}, news: inputsOf(c, i) as ValueMap, allowUnknowns: false });
    if (checked.failures.length > 0) {
      outcomes[i]!.problem = `refused at Check on the host's inputs: ${JSON.stringify(checked.failures).slice(0, 300)}`;
      return undefined;
    }
    try {
      const r = await provider.create({ urn, properties: checked.inputs!, preview: false, timeout: 300 });
      return { c, urn, id: r.id, inputs: checked.inputs!, outputs: r.properties! };
    } catch (e) {
      const partial = e instanceof ProviderError ? e.initFailed : undefined;
      if (partial?.id) await provider.delete({ urn, id: partial.id, outputs: partial.properties ?? {}, inputs: checked.inputs! }).catch(() => {});
      outcomes[i]!.hostRefused = e instanceof Error ? e.message : String(e);
      return undefined;
    }
  }));
  const jailName = (m: Made) => String(atWrapped(m.inputs, ["name"]).value);
  const ifaceOf = (m: Made) => String(atWrapped(m.outputs, [m.c.site.token === "freebsd:network:Epair" ? "hostInterface" : "name"]).value);
  const jails = made.filter((m): m is Made => m?.c.site.token === "freebsd:jail:Jail").map(jailName);
  const descrs = made.filter((m): m is Made => !!m && m.c.site.path[0] === "description").map((m) => `ifconfig_${ifaceOf(m)}_descr`);
  const host = await inspectHost(target, jails, descrs);
  const ifaces = made.filter((m): m is Made => !!m && m.c.site.token.startsWith("freebsd:network:")).flatMap((m) =>
    m.c.site.token === "freebsd:network:Epair" ? [ifaceOf(m), String(atWrapped(m.outputs, ["jailInterface"]).value)] : [ifaceOf(m)]);
  // rc.conf: every variable it gained belongs to an interface of the round, or to rc.d/jail's list.
  const strangers = [...host.names].filter((n) => !before.has(n) && !["jail_enable", "jail_list", "cloned_interfaces"].includes(n)
    && !ifaces.some((f) => ifaceVar(n, f)) && !/^(ifconfig_(bridge|epair)[0-9]+[ab]?_name|create_args_(bridge|epair)[0-9]+)$/.test(n));
  if (strangers.length > 0) outcomes[0]!.problem = `rc.conf gained variables no resource of the round owns: ${JSON.stringify(strangers)}`;

  const inspect = (m: Made, outputs: ValueMap, phase: string, inputsOnly = false): string | undefined => {
    const c = m.c;
    const kept = keptPath(c.site, c.value);
    if (c.site.kind === "value" && atWrapped(outputs, kept).value !== c.value) {
      return `${phase}: outputs hold ${JSON.stringify(atWrapped(outputs, kept).value)?.slice(0, 200)}`;
    }
    if (c.site.kind === "key" && (atWrapped(outputs, kept.slice(0, -1)).value as Record<string, unknown> | undefined)?.[c.value] === undefined) {
      return `${phase}: the key is not in the outputs`;
    }
    return inputsOnly ? undefined : HOST_KINDS[c.site.token]!.outputs?.(c.site, c.value, outputs as Record<string, unknown>);
  };
  for (const [i, m] of made.entries()) {
    if (!m) continue;
    const c = m.c;
    const problem = inspect(m, m.outputs, "create");
    if (problem) {
      outcomes[i]!.problem = problem;
      continue;
    }
    if (c.site.path[0] === "description") {
      const v = host.rcValues.get(`ifconfig_${ifaceOf(m)}_descr`);
      if (v !== c.value) outcomes[i]!.problem = `sysrc reads the description as ${JSON.stringify(v)?.slice(0, 200)}`;
    }
    if (c.site.token === "freebsd:jail:Jail") {
      const entries = host.jailEntries.get(jailName(m))!;
      const benign = benignJail.map((e) => (e.startsWith("name=") ? `name=${quotedPrint(jailName(m))}` : e));
      const param = HOST_KINDS[c.site.token]!.param!(c.site, c.value);
      const names = (e: string[]) => JSON.stringify(e.map((x) => x.split("=")[0]).sort());
      if (c.site.path[0] === "cpus" || c.site.path[0] === "name" || !param) {
        // exec.created then carries the cpuset command; the name is the block's: the benign jail's parameters.
        const want = [...benign, ...(c.site.path[0] === "cpus" ? ["exec.created"] : [])];
        if (names(entries) !== names(want)) outcomes[i]!.problem = `jail -e reads ${JSON.stringify(entries).slice(0, 300)}`;
      } else {
        const printed = c.site.path.join(".") === "parameters.{key}" ? `${param}=x` : `${param}=${quotedPrint(c.value)}`;
        const want = [...benign.filter((e) => e.split("=")[0] !== param), printed].sort();
        if (JSON.stringify([...entries].sort()) !== JSON.stringify(want)) {
          outcomes[i]!.problem = `jail -e reads ${JSON.stringify(entries).slice(0, 400)}, not ${JSON.stringify(want).slice(0, 400)}`;
        }
      }
    }
  }
  const reads = await Promise.all(made.map((m) => m && provider.read({ urn: m.urn, id: m.id, properties: m.outputs, inputs: m.inputs })));
  for (const [i, m] of made.entries()) {
    if (!m || outcomes[i]!.problem) continue;
    const r = reads[i]!;
    if (!r.properties) outcomes[i]!.problem = "a Read right after the create finds nothing";
    else outcomes[i]!.problem = inspect(m, r.properties, "read") ?? (r.inputs ? inspect(m, r.inputs, "read inputs", true) : undefined);
  }
  await Promise.all(made.map(async (m, i) => {
    if (!m) return;
    const outputs = reads[i]?.properties ?? m.outputs;
    if (m.c.site.token === "freebsd:rctl:Limit") held.push({ urn: m.urn, id: m.id, rule: String(atWrapped(outputs, ["rule"]).value), inputs: m.inputs, outputs });
    else {
      await provider.delete({ urn: m.urn, id: m.id, outputs, inputs: m.inputs }).catch((e: unknown) => {
        outcomes[i]!.problem ??= `the delete failed: ${String(e).slice(0, 600)}`;
      });
    }
  }));
  // Deleted, they leave rc.conf as it was but for what the provider leaves by design.
  const after = (await inspectHost(target, [], [])).names;
  const left = [...after].filter((n) => !before.has(n) && !["jail_enable", "jail_list", "cloned_interfaces"].includes(n));
  if (left.length > 0) outcomes[0]!.problem ??= `rc.conf kept ${JSON.stringify(left)} after the deletes`;
  return outcomes;
}
