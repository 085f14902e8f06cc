import { describe, expect, it } from "vitest";
import { RefusedError } from "../../provider/src/core/errors.ts";
import type { DatasetRecord, SnapshotRecord } from "../../provider/src/freebsd/zfs-output.ts";
import { Named } from "../../provider/src/inventory/named.ts";
import { viewOf } from "../../provider/src/inventory/view.ts";
import type { Context } from "../../provider/src/resources/contract.ts";
import {
  checkReleaseChange, checksumMismatch, planCreateDataset, planDelete, planUpdate, releaseRule, stagingDir,
} from "../../provider/src/resources/jail-release/plan.ts";
import { describeRelease } from "../../provider/src/resources/jail-release/read.ts";
import { recordedSource } from "../../provider/src/resources/jail-release/record.ts";
import { releaseInputs, type ReleaseInputs } from "../../provider/src/resources/jail-release/schema.ts";
import { releaseRoots } from "../../provider/src/sections/releases.ts";
import { datasets } from "../../provider/src/sections/zfs.ts";
import { hostView } from "./host-view.ts";

// Inputs, diff rules and command plans of freebsd:jail:Release: pure functions of inputs and a host view.

const MIRROR = "https://download.freebsd.org/releases/amd64/amd64/14.3-RELEASE";
const DS = "zroot/jails/releases/14.3-RELEASE";
const URN = "urn:pulumi:dev::jails::freebsd:jail:Release::r14";
const SUM = "e".repeat(64);
const inputs = (over: Record<string, unknown> = {}): ReleaseInputs =>
  releaseInputs.parse({ version: "14.3-RELEASE", dataset: DS, source: { mirror: MIRROR, sets: ["base", "lib32"] }, ...over });
const argv = (c: { argv: readonly string[] }) => [...c.argv];

function dataset(name: string, props: Record<string, string> = {}, guid = "1111"): DatasetRecord {
  const local = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, { value: v, source: "local" }]));
  return { name, properties: { guid: { value: guid, source: "-" }, mountpoint: { value: `/jails/releases/${name.split("/").pop()}`, source: "inherited from zroot/jails" }, ...local } };
}
function snapshot(name: string, clones: string[] = []): SnapshotRecord {
  return { name, dataset: name.split("@")[0]!, guid: "9", createtxg: "10", creation: 0, used: 0, referenced: 0, clones, userrefs: 0 };
}
const warnings: string[] = [];
const ctx: Context = { urn: URN, warn: (m) => void warnings.push(m) };

describe("inputs", () => {
  it("applies defaults: base from a mirror, minimal-jail from pkgbase", () => {
    expect(releaseInputs.parse({ version: "14.3-RELEASE", dataset: DS, source: { mirror: "/usr/freebsd-dist" } })).toEqual({
      version: "14.3-RELEASE", dataset: DS, source: { mirror: "/usr/freebsd-dist", sets: ["base"] }, createParents: false, forceDestroy: false,
    });
    expect(releaseInputs.parse({ version: "15.0-RELEASE", dataset: DS, source: { pkgbase: { repository: "file:///srv/pkgbase" } } }).source)
      .toEqual({ sets: ["base"], pkgbase: { repository: "file:///srv/pkgbase", sets: ["minimal-jail"] } });
  });

  it.each([
    [{ version: "14.3-RELEASE-p2" }, "version", /without a patch level/],
    [{ version: "14.3" }, "version", /without a patch level/],
    [{ dataset: "zroot" }, "dataset", /inside a pool/],
    [{ source: { mirror: MIRROR, pkgbase: { repository: "file:///x" } } }, "source", /exactly one of mirror or pkgbase/],
    [{ source: {} }, "source", /exactly one of mirror or pkgbase/],
    [{ source: { mirror: "releases/14.3" } }, "source.mirror", /absolute directory/],
    [{ source: { mirror: MIRROR, sets: ["base", "base"] } }, "source.sets", /twice/],
    [{ source: { mirror: MIRROR, sets: ["Base.txz"] } }, "source.sets.0", /set name/],
    [{ source: { mirror: MIRROR, sets: [] } }, "source.sets", /at least one/],
    [{ source: { pkgbase: { repository: "pkg+https://pkg.FreeBSD.org/${ABI}/base_release_0" } } }, "source.pkgbase.fingerprints", /required for a repository reached over the network/],
    [{ source: { pkgbase: { repository: "file:///x", fingerprints: "keys" } } }, "source.pkgbase.fingerprints", /absolute directory/],
    [{ source: { pkgbase: { repository: "ftp://x" } } }, "source.pkgbase.repository", /http\(s\), pkg\+http\(s\) or file URL/],
    [{ source: { sets: ["base", "lib32"], pkgbase: { repository: "file:///x" } } }, "source.sets", /with pkgbase, name the package sets in pkgbase\.sets/],
    [{ sauce: 1 }, "", /sauce/],
  ])("refuses %j at %s", (over, path, rule) => {
    const result = releaseInputs.safeParse({ version: "14.3-RELEASE", dataset: DS, source: { mirror: MIRROR }, ...over });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join(".") === path);
    expect(issue, JSON.stringify(result.error!.issues)).toBeDefined();
    expect(issue!.message + JSON.stringify(issue)).toMatch(rule);
  });
});

describe("diff rules", () => {
  it.each([
    [["version"], "replace"], [["dataset"], "replace"], [["source", "sets"], "replace"], [["source", "pkgbase"], "replace"],
    [["source", "pkgbase", "sets"], "replace"], [["source", "mirror"], "update"], [["source", "pkgbase", "repository"], "update"],
    [["source", "pkgbase", "fingerprints"], "update"], [["forceDestroy"], "update"], [["createParents"], "update"],
  ])("%j: %s", (path, rule) => {
    expect(releaseRule(path)).toBe(rule);
  });

  it("refuses what replaces the release unless the new inputs say forceDestroy, naming both values", () => {
    const olds = inputs() as never;
    expect(checkReleaseChange(olds, inputs({ version: "14.2-RELEASE" }))).toEqual([{
      property: "version",
      reason: `version: changing it from "14.3-RELEASE" to "14.2-RELEASE" replaces the release ${DS}: its root is destroyed and made again ` +
        "from the source. To proceed, set forceDestroy: true in the same change (a release whose snapshot has clones is never destroyed)",
    }]);
    expect(checkReleaseChange(olds, inputs({ source: { mirror: MIRROR, sets: ["base"] } })).map((f) => f.property)).toEqual(["source.sets"]);
    expect(checkReleaseChange(olds, inputs({ source: { pkgbase: { repository: "file:///x" } } })).map((f) => f.property)).toEqual(["source.pkgbase"]);
    expect(checkReleaseChange(olds, inputs({ version: "14.2-RELEASE", forceDestroy: true }))).toEqual([]);
    expect(checkReleaseChange(olds, inputs({ source: { mirror: "https://mirror.example/14.3-RELEASE", sets: ["base", "lib32"] } }))).toEqual([]);
  });
});

describe("plans", () => {
  it("creates the dataset marked with the URN and recording its source and verified sums", () => {
    expect(argv(planCreateDataset(inputs(), URN, { "base.txz": SUM }))).toEqual([
      "zfs", "create", "-o", `pulumi:urn=${URN}`, "-o", `pulumi:release.mirror=${MIRROR}`, "-o", "pulumi:release.sets=base,lib32",
      "-o", `pulumi:release.sha256=base.txz=${SUM}`, DS,
    ]);
    const pkg = inputs({ version: "15.0-RELEASE", createParents: true, source: { pkgbase: { repository: "file:///srv/pkgbase", sets: ["base-jail"] } } });
    expect(argv(planCreateDataset(pkg, URN, {}))).toEqual([
      "zfs", "create", "-p", "-o", `pulumi:urn=${URN}`, "-o", "pulumi:release.repository=file:///srv/pkgbase", "-o", "pulumi:release.sets=base-jail", DS,
    ]);
  });

  it("names the file, where it came from and both sums when a set does not match its MANIFEST", () => {
    const err = checksumMismatch({ file: "base.txz", sha256: SUM, entries: 1, name: "base", description: "", selected: true }, `${MIRROR}/base.txz`, "f".repeat(64));
    expect(err).toBeInstanceOf(RefusedError);
    expect(err.message).toBe(`base.txz from ${MIRROR}/base.txz does not match the release's MANIFEST: the MANIFEST says sha256 ${SUM}, ` +
      `the file has sha256 ${"f".repeat(64)}. It may be corrupted or from another release; nothing was extracted and the downloads were removed`);
  });

  it("updates only the recorded source, and only when it changed", () => {
    const record = dataset(DS, { "pulumi:release.mirror": MIRROR, "pulumi:release.sets": "base,lib32" });
    expect(planUpdate(record, inputs(), inputs({ forceDestroy: true }), {})).toEqual([]);
    expect(planUpdate(record, inputs(), inputs({ source: { mirror: "/usr/freebsd-dist", sets: ["base", "lib32"] } }), {}).map(argv))
      .toEqual([["zfs", "set", "pulumi:release.mirror=/usr/freebsd-dist", DS]]);
  });

  it("deletes the dataset with @base and its working directory; refuses clones always, and extras without forceDestroy", () => {
    const record = dataset(DS);
    const base = `${DS}@base`;
    const plain = hostView({ datasets: new Map([[DS, record]]), snapshots: new Map([[base, snapshot(base)]]) });
    expect(planDelete(record, plain, inputs(), URN).map(argv)).toEqual([["zfs", "destroy", "-r", DS], ["rm", "-rf", stagingDir(URN)]]);
    expect(stagingDir(URN)).toMatch(/^\/var\/db\/pulumi-freebsd\/releases\/[0-9a-f]{64}$/);
    const cloned = hostView({ datasets: new Map([[DS, record]]), snapshots: new Map([[base, snapshot(base, ["zroot/jails/web", "zroot/jails/db"])]]) });
    for (const force of [false, true]) {
      expect(() => planDelete(record, cloned, inputs({ forceDestroy: force }), URN))
        .toThrow(`refusing to delete release ${DS}: clones depend on its snapshots: ${base} (zroot/jails/db, zroot/jails/web)`);
    }
    const extra = hostView({
      datasets: new Map([[DS, record], [`${DS}/local`, dataset(`${DS}/local`, {}, "2")]]),
      snapshots: new Map([[base, snapshot(base)], [`${DS}@patched`, snapshot(`${DS}@patched`)]]),
    });
    expect(() => planDelete(record, extra, inputs(), URN))
      .toThrow(`refusing to destroy release ${DS}: it holds 1 child dataset (${DS}/local) and 1 snapshot besides @base (${DS}@patched). To destroy them with it, apply forceDestroy: true first`);
    expect(planDelete(record, extra, inputs({ forceDestroy: true }), URN)).toHaveLength(2);
  });
});

describe("reading a release", () => {
  const root = (script: string | undefined) => new Named("release root", "all", new Map([[DS, { mounted: true, mountpoint: "/jails/releases/14.3-RELEASE", ...(script === undefined ? {} : { versionScript: script }) }]]));
  const view = (script: string | undefined, clones: string[] = []) => hostView({
    datasets: new Map([[DS, dataset(DS, { "pulumi:release.mirror": MIRROR, "pulumi:release.sets": "base,lib32", "pulumi:release.sha256": `base.txz=${SUM},lib32.txz=${"a".repeat(64)}` })]]),
    snapshots: new Map([[`${DS}@base`, snapshot(`${DS}@base`, clones)]]),
  }).with(viewOf("h", [[releaseRoots, root(script)]]));

  it("reports the release the root says it is (its patch level aside), the recorded source and sums, and the clones", () => {
    const v = view('USERLAND_VERSION="14.3-RELEASE-p2"\n', ["zroot/jails/web"]);
    const found = describeRelease(v.get(datasets).get(DS)!, v, { id: DS }, ctx);
    expect(found.inputs).toEqual({ version: "14.3-RELEASE", dataset: DS, source: { mirror: MIRROR, sets: ["base", "lib32"] }, createParents: false, forceDestroy: false });
    expect(found.state).toMatchObject({
      snapshot: `${DS}@base`, installedVersion: "14.3-RELEASE-p2", mountpoint: "/jails/releases/14.3-RELEASE", guid: "1111",
      checksums: { "base.txz": SUM, "lib32.txz": "a".repeat(64) }, clones: ["zroot/jails/web"],
    });
  });

  it("reads a root without a readable version as having none, and says so", () => {
    warnings.length = 0;
    const record = dataset(DS, { "pulumi:release.mirror": MIRROR });
    const found = describeRelease(record, view(undefined), { id: DS }, ctx);
    expect(found.inputs.version).toBe("");
    expect(found.state.installedVersion).toBe("");
    expect(warnings.join("\n")).toMatch(/bin\/freebsd-version cannot be read; the release reads as having no version/);
  });

  it("keeps the stack's source for a release made by hand, which records none", () => {
    const known = { mirror: "/usr/freebsd-dist", sets: ["base"] };
    expect(recordedSource(dataset(DS), known)).toEqual(known);
    expect(recordedSource(dataset(DS, { "pulumi:release.repository": "file:///srv/p", "pulumi:release.sets": "minimal-jail" }), undefined))
      .toEqual({ sets: ["base"], pkgbase: { repository: "file:///srv/p", sets: ["minimal-jail"] } });
  });
});
