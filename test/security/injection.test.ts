import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { secret, type ProviderClient, type ValueMap } from "pulumi-engine-harness";
import { startSimHost, type SimHost } from "freebsd-sim";
import { targetOnSim, type TestTarget } from "../lifecycle/target.ts";
import { judge } from "./judge.ts";
import { configuredProvider, pool, PROVIDER_URN, urnOf } from "./provider.ts";
import { BASE, canary, caseCounts, hostile, place, siteName, sites, type Site } from "./surface.ts";
import { hostCases, runRound, type HeldLimit, type HostFigures, prepareHost, checkCanary } from "./host-cases.ts";
import { mustRun } from "../lifecycle/target.ts";

// Injection (issue 13): hostile strings at every string input of every resource, map keys included,
// and at every string key of the provider config, through the plugin over gRPC. Each case is refused
// at Check with a failure naming the property, or kept exactly as given; a sample of the accepted
// ones is created on a simulated host over SSH, read back equal, its files parsed by the simulator's
// own jail(8), sysrc(8) and rc.d/rctl, and deleted. A canary command planted in the strings never
// runs: no canary file, no canary snapshot in the tool log. Counts: FREEBSD_FUZZ_CASES (Check level,
// default 2,000) and FREEBSD_FUZZ_HOST_CASES (on the host, default 10); `make soak` raises both.

const counts = caseCounts();
const id = randomBytes(4).toString("hex");
const bait = canary(id);
let sim: SimHost;
let target: TestTarget;
let provider: ProviderClient;
const started = Date.now();

interface Tally { cases: number; refused: number; stored: number }
const perType = new Map<string, Tally>();
const tally = (token: string) => perType.get(token) ?? perType.set(token, { cases: 0, refused: 0, stored: 0 }).get(token)!;
let hostFigures: HostFigures | undefined;

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot/fz");
  await prepareHost(target);
  provider = await configuredProvider(target.config);
});
afterAll(async () => {
  const rows = [...perType.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((t, [, r]) => ({ cases: t.cases + r.cases, refused: t.refused + r.refused, stored: t.stored + r.stored }), { cases: 0, refused: 0, stored: 0 });
  const lines = [
    `injection fuzzing (seed ${counts.seed}, canary ${bait.file}): ${total.cases} Check cases, ${total.refused} refused naming the property, ${total.stored} kept literally`,
    ...rows.map(([t, r]) => `  ${t.padEnd(24)} ${String(r.cases).padStart(6)} cases ${String(r.refused).padStart(6)} refused ${String(r.stored).padStart(6)} kept`),
  ];
  if (hostFigures) {
    lines.push(`  on the host: ${hostFigures.cases} accepted cases created over SSH (Create, Read, Delete), files parsed by jail -e, sysrc, rc.d/rctl; ${hostFigures.hostRefused.length} refused by the host`);
    for (const [t, n] of [...hostFigures.perType.entries()].sort()) lines.push(`    ${t.padEnd(22)} ${String(n).padStart(5)}`);
  }
  for (const r of hostFigures?.hostRefused ?? []) lines.push(`    host refused: ${r}`);
  lines.push(`  ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(lines.join("\n"));
  await provider?.kill();
  await sim?.stop();
});

/** Check (or CheckConfig) of one case through the plugin. */
async function check(site: Site, value: string) {
  const v = site.secret ? secret(value) : value;
  if (site.token === "config") {
    const news = place(target.config as Record<string, unknown>, site, v) as ValueMap;
    return provider.checkConfig({ urn: PROVIDER_URN, olds: {}, news, allowUnknowns: false });
  }
  const news = place(BASE[site.token]!, site, v) as ValueMap;
  return provider.check({ urn: urnOf(site.token, "fz"), olds: {}, news, allowUnknowns: false });
}

describe("hostile strings at every string input", () => {
  const all = sites();

  it("covers every resource type's inputs, map keys and the config", () => {
    const tokens = new Set(all.map((s) => s.token));
    expect([...tokens].sort()).toEqual(["config", ...Object.keys(BASE)].sort());
    expect(all.filter((s) => s.kind === "key").map(siteName)).toEqual(expect.arrayContaining([
      "freebsd:zfs:Dataset properties.{key}", "freebsd:jail:Jail parameters.{key}", "freebsd:jail:Command environment.{key}",
    ]));
    expect(all.map(siteName)).toEqual(expect.arrayContaining(["config privateKey", "config proxy.user", "freebsd:zfs:Replica source.privateKeyPassphrase"]));
  });

  it(`are refused at Check naming the property, or kept literally (${counts.check} cases), the host untouched`, async () => {
    for (const t of Object.keys(BASE)) {
      const base = await provider.check({ urn: urnOf(t, "fz"), olds: {}, news: BASE[t] as ValueMap, allowUnknowns: false });
      expect(base.failures, `${t}'s base inputs`).toEqual([]);
    }
    const before = sim.stats.execChannels;
    // A resource type (or the config) first, then one of its sites: each type gets its share whatever its number of inputs.
    const byToken = [...new Set(all.map((s) => s.token))].map((t) => all.filter((s) => s.token === t));
    const site = fc.constantFrom(...byToken).chain((ss) => fc.constantFrom(...ss));
    const cases = fc.sample(fc.tuple(site, hostile(bait.payloads)), { numRuns: counts.check, seed: counts.seed });
    const problems: string[] = [];
    await pool(cases, 8, async ([site, value]) => {
      const verdict = judge(site, value, await check(site, value), site.token === "config");
      const t = tally(site.token);
      t.cases++;
      t[verdict.kind]++;
      if (verdict.problem) problems.push(`${verdict.problem}\n    value: ${JSON.stringify(value).slice(0, 300)}`);
    });
    expect(problems.slice(0, 15)).toEqual([]);
    expect(sim.stats.execChannels - before).toBe(0);
    await checkCanary(sim, bait);
  }, 180_000 + counts.check * 20);

  it(`accepted values are created on the host over SSH, read back equal, their files parsed as FreeBSD does (${counts.host} cases)`, async () => {
    const chosen = await hostCases(counts.host, counts.seed, bait.payloads, provider);
    hostFigures = { cases: 0, perType: new Map(), hostRefused: [] };
    const problems: string[] = [];
    const limits: HeldLimit[] = [];
    // Regressions found by this suite, run every time: U+2028/U+2029 in an rc.conf value (sysrc's output misread).
    // Two limits, so that the reboot below has rctl.conf lines to read back whatever the sample accepted.
    const regressions = [
      ["freebsd:network:Epair", "description", "a\u2028b"], ["freebsd:network:Bridge", "description", "\u2029"],
      ["freebsd:rctl:Limit", "amount", "512"], ["freebsd:rctl:Limit", "subject", "jail:fz_l-1"],
      // An empty description (no description to ifconfig) reads back as "" (it read back as none: drift for ever).
      ["freebsd:network:Bridge", "description", ""], ["freebsd:network:Epair", "description", ""],
      // A value starting with U+FEFF lost it when the jail's file was read back (TextDecoder drops a BOM).
      ["freebsd:jail:Jail", "exec.start", "\ufeffecho hi"],
    ].map(([token, path, value]) => ({ site: sites().find((x) => x.token === token && x.path.join(".") === path)!, value: value! }));
    // Rounds of up to 16 released together, at most 5 of them interfaces (each rewrites rc.conf under one lock).
    const rounds: (typeof chosen)[] = [];
    for (const c of [...regressions, ...chosen]) {
      const net = (r: typeof chosen) => r.filter((x) => x.site.token.startsWith("freebsd:network:")).length;
      const isNet = c.site.token.startsWith("freebsd:network:");
      const round = rounds.find((r) => r.length < 16 && (!isNet || net(r) < 5)) ?? (rounds.push([]), rounds[rounds.length - 1]!);
      round.push(c);
    }
    for (const [r, round] of rounds.entries()) {
      for (const o of await runRound(provider, target, round, r, limits)) {
        hostFigures.cases++;
        hostFigures.perType.set(o.case.site.token, (hostFigures.perType.get(o.case.site.token) ?? 0) + 1);
        const label = `${siteName(o.case.site)} = ${JSON.stringify(o.case.value).slice(0, 200)}`;
        if (o.problem) problems.push(`${label}: ${o.problem}`);
        if (o.hostRefused) hostFigures.hostRefused.push(`${label}: ${o.hostRefused.slice(0, 300)}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    await checkCanary(sim, bait);
    // rctl.conf as rc.d/rctl reads it at boot: exactly the rules of the limits still held, nothing else.
    sim.reboot();
    const rules = (await mustRun(target, "rctl")).split("\n").filter(Boolean).sort();
    expect(limits.length).toBeGreaterThanOrEqual(2);
    expect(rules).toEqual(limits.map((l) => l.rule).sort());
    for (const l of limits) await provider.delete({ urn: l.urn, id: l.id, outputs: l.outputs, inputs: l.inputs });
    expect((await mustRun(target, "rctl")).trim()).toBe("");
    await checkCanary(sim, bait);
  }, 180_000 + counts.host * 8_000);
});
