import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeploymentError, Stack, startProvider, unwrapSecrets, type Program } from "pulumi-engine-harness";
import { locationDir, publishPkgbaseRepo, publishRelease, startSimHost, type SimHost } from "freebsd-sim";
import { datasetExists, mustRun, targetOnSim, type TestTarget } from "./target.ts";

// freebsd:jail:Release through the engine harness against simulated hosts over SSH: a 14.3 release
// from a local mirror (its sets fetched, verified against the MANIFEST and extracted, @base taken),
// a thin jail on a clone of @base, drift when the root is changed by hand, delete refused while the
// clone exists, a corrupted set refused, an unfinished release finished, import; and a 15.0 release
// installed from a pkgbase repository on a 15.0 host. The thin jail's root is a Dataset whose
// cloneFrom is the Release's snapshot output, as a program passes it.

const R = "freebsd:jail:Release";
const J = "freebsd:jail:Jail";
const MIRROR = "https://download.freebsd.org/releases/amd64/amd64/14.3-RELEASE";
const DS = "zroot/jails/releases/14.3-RELEASE";
const ROOT = "/jails/releases/14.3-RELEASE";
const launcher = (env: Record<string, string>) => startProvider({ env });
const out = (s: Stack, name: string) => unwrapSecrets(s.resource(name)!.outputs as never) as Record<string, any>;
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

let sim: SimHost;
let target: TestTarget;
let stack: Stack;
let manifest: Map<string, string>;

const release = (over: Record<string, unknown> = {}) => ({
  type: R, inputs: { version: "14.3-RELEASE", dataset: DS, source: { mirror: MIRROR, sets: ["base", "lib32"] }, ...over } as never,
});
const jail = {
  type: J, inputs: { name: "web", path: "/jails/web", hostname: "web.example", exec: { start: "/bin/sh /etc/rc" } } as never,
  options: { dependsOn: ["root"] },
};
/** The thin jail's root: a clone of the release's @base, from the Release's output. */
// A jail's root: the release's files and what the jail wrote over them, which a destroy may take (forceDestroy).
const root = () => ({ type: "freebsd:zfs:Dataset", inputs: { name: "zroot/jails/web", cloneFrom: out(stack, "rel")["snapshot"], forceDestroy: true } as never });

beforeAll(async () => {
  sim = await startSimHost();
  target = targetOnSim(sim, "zroot");
  const text = publishRelease(sim.stateDir, MIRROR, { version: "14.3-RELEASE", sets: ["base", "kernel", "lib32"] });
  manifest = new Map(text.trim().split("\n").map((l) => l.split("\t")).map((f) => [f[0]!, f[1]!]));
  await mustRun(target, "zfs create -o mountpoint=/jails zroot/jails && zfs create zroot/jails/releases");
  stack = new Stack(launcher, { config: target.config });
});
afterAll(async () => sim?.stop());

describe("a release from a mirror", () => {
  it("fetches, verifies and extracts its sets, snapshots @base, and tells the engine's log each step", async () => {
    const r = await stack.up({ rel: release() });
    expect(r.preview!.steps["rel"]!.op).toBe("create");
    expect(r.steps["rel"]!.op).toBe("create");
    expect(r.steps["rel"]!.id).toBe(DS);
    const o = out(stack, "rel");
    expect(o).toMatchObject({ snapshot: `${DS}@base`, installedVersion: "14.3-RELEASE", version: "14.3-RELEASE", mountpoint: ROOT, clones: [] });
    expect(o["checksums"]).toEqual({ "base.txz": manifest.get("base.txz"), "lib32.txz": manifest.get("lib32.txz") });
    expect((await mustRun(target, `zfs list -H -o name -t snapshot ${DS}`)).trim()).toBe(`${DS}@base`);
    expect(await mustRun(target, `${ROOT}/bin/freebsd-version -u; test -f ${ROOT}/usr/lib32/libc.so.7 && echo lib32`)).toBe("14.3-RELEASE\nlib32\n");
    // The kernel set was not asked for, so it is not there.
    expect((await target.exec(`test -e ${ROOT}/boot/kernel/kernel`)).code).toBe(1);
    const progress = stack.logs("info").filter((l) => l.urn === stack.urn(R, "rel")).map((l) => l.message);
    expect(progress).toEqual([
      `fetched base.txz from ${MIRROR}/base.txz`,
      `verified base.txz: sha256 ${manifest.get("base.txz")} is the MANIFEST's`,
      `fetched lib32.txz from ${MIRROR}/lib32.txz`,
      `verified lib32.txz: sha256 ${manifest.get("lib32.txz")} is the MANIFEST's`,
      `extracted base.txz into ${ROOT}`,
      `extracted lib32.txz into ${ROOT}`,
      `snapshotted ${DS}@base: release 14.3-RELEASE is ready`,
    ]);
    // The downloads are gone; what the host records says where the release came from and what was verified.
    expect((await mustRun(target, "ls -A /var/db/pulumi-freebsd/releases")).trim()).toBe("");
    expect((await mustRun(target, `zfs get -H -o value pulumi:release.mirror,pulumi:release.sets ${DS}`))).toBe(`${MIRROR}\nbase,lib32\n`);
  });

  it("plans nothing when applied again, and a refresh finds no drift", async () => {
    expect((await stack.up({ rel: release() })).steps["rel"]!.op).toBe("same");
    expect((await stack.refresh({ skipPreview: true })).steps["rel"]!.op).toBe("same");
  });

  it("carries a thin jail on a clone of @base, and lists the clone", async () => {
    const r = await stack.up({ rel: release(), root: root(), web: jail });
    expect(r.steps["root"]!.op).toBe("create");
    expect(r.steps["web"]!.op).toBe("create");
    expect((await mustRun(target, "zfs get -H -o value origin zroot/jails/web")).trim()).toBe(`${DS}@base`);
    expect(out(stack, "root")["origin"]).toBe(`${DS}@base`);
    expect((await mustRun(target, "jls -j web path")).trim()).toBe("/jails/web");
    expect(await mustRun(target, "jexec web freebsd-version")).toBe("14.3-RELEASE\n");
    // A refresh reads the clone into the outputs (no input changed: the engine's diff reports it as "same").
    await stack.refresh({ skipPreview: true });
    expect(out(stack, "rel")["clones"]).toEqual(["zroot/jails/web"]);
  });

  it("refuses to delete the release while the clone exists, naming it, and destroys nothing", async () => {
    const err = await stack.up({ root: root(), web: jail }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    expect((err as Error).message).toMatch(new RegExp(`refusing to delete release ${DS}: clones depend on its snapshots: ${DS}@base \\(zroot/jails/web\\)`));
    expect(await datasetExists(target, DS)).toBe(true);
    expect(stack.resource("rel")).toBeDefined();
  });

  it("reports a root changed by hand as drift, and refuses the replacement an up would make without forceDestroy", async () => {
    await mustRun(target, `sed 's/^USERLAND_VERSION=.*/USERLAND_VERSION="14.2-RELEASE-p3"/' ${ROOT}/bin/freebsd-version > /tmp/fv && cat /tmp/fv > ${ROOT}/bin/freebsd-version`);
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps["rel"]!.op).toBe("update");
    expect(out(stack, "rel")).toMatchObject({ installedVersion: "14.2-RELEASE-p3", version: "14.2-RELEASE" });
    const err = await stack.up({ rel: release(), root: root(), web: jail }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    const text = [(err as DeploymentError).message, ...(err as DeploymentError).result.diagnostics.map((d) => d.message)].join("\n");
    expect(text).toMatch(/version: changing it from "14\.2-RELEASE" to "14\.3-RELEASE" replaces the release .*forceDestroy: true/);
    // Put the root back as the snapshot has it; the next refresh finds the release as it was.
    await mustRun(target, `zfs rollback ${DS}@base`);
    await stack.refresh({ skipPreview: true });
    expect(out(stack, "rel")).toMatchObject({ installedVersion: "14.3-RELEASE", version: "14.3-RELEASE" });
    expect((await stack.up({ rel: release(), root: root(), web: jail })).steps["rel"]!.op).toBe("same");
  });

  it("imports by dataset name with no replacement planned", async () => {
    const s = new Stack(launcher, { config: target.config });
    const r = await s.import("rel", R, DS);
    expect(r.steps["rel"]!.op).toBe("import");
    expect(unwrapSecrets(s.resource("rel")!.inputs as never)).toEqual({
      version: "14.3-RELEASE", dataset: DS, source: { mirror: MIRROR, sets: ["base", "lib32"] }, createParents: false, forceDestroy: false,
    });
    const up = await s.up({ rel: release() });
    expect(up.preview!.steps["rel"]!.op).toBe("same");
    expect(up.steps["rel"]!.op).toBe("same");
    // A dataset that is no finished release (no @base) is not imported as one.
    await mustRun(target, "zfs create zroot/jails/releases/half");
    await expect(new Stack(launcher, { config: target.config }).import("x", R, "zroot/jails/releases/half"))
      .rejects.toThrow(/has no snapshot zroot\/jails\/releases\/half@base.*zfs snapshot/);
  });

  it("deletes the release once its clones are gone", async () => {
    await stack.up({ rel: release() });
    expect(await datasetExists(target, "zroot/jails/web")).toBe(false);
    await stack.up({});
    expect(await datasetExists(target, DS)).toBe(false);
    expect(stack.state.resources).toEqual([]);
  });
});

describe("a release from install media on the host", () => {
  const local = (sets: string[]) => ({
    type: R, inputs: { version: "14.3-RELEASE", dataset: "zroot/jails/releases/media", source: { mirror: "/usr/freebsd-dist", sets } } as never,
  });

  it("verifies and extracts the sets where they are, downloading nothing", async () => {
    const s = new Stack(launcher, { config: target.config });
    const listed = new Map((await mustRun(target, "cat /usr/freebsd-dist/MANIFEST")).trim().split("\n").map((l) => l.split("\t")).map((f) => [f[0]!, f[1]!]));
    expect((await s.up({ media: local(["base", "kernel"]) })).steps["media"]!.op).toBe("create");
    expect(out(s, "media")["checksums"]).toEqual({ "base.txz": listed.get("base.txz"), "kernel.txz": listed.get("kernel.txz") });
    expect(await mustRun(target, "ROOT=/jails/releases/media /jails/releases/media/bin/freebsd-version -ku")).toBe("14.3-RELEASE\n14.3-RELEASE\n");
    const progress = s.logs("info").map((l) => l.message);
    expect(progress.filter((m) => m.startsWith("fetched"))).toEqual([]);
    expect(progress).toContain(`verified kernel.txz: sha256 ${listed.get("kernel.txz")} is the MANIFEST's`);
    await s.up({});
  });

  it("refuses a set the MANIFEST does not list, before anything is made", async () => {
    const s = new Stack(launcher, { config: target.config });
    const err = await s.up({ media: local(["base", "src"]) }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/the MANIFEST at \/usr\/freebsd-dist\/MANIFEST lists no src\.txz \(it lists base\.txz, kernel\.txz, lib32\.txz\)/);
    expect(await datasetExists(target, "zroot/jails/releases/media")).toBe(false);
  });
});

describe("what a failed install leaves", () => {
  const BAD = "https://mirror.example.org/pub/FreeBSD/releases/amd64/amd64/14.3-RELEASE";
  const bad = { type: R, inputs: { version: "14.3-RELEASE", dataset: "zroot/jails/releases/bad", source: { mirror: BAD } } as never };

  it("refuses a corrupted set, naming the file and both checksums, with nothing extracted or left behind", async () => {
    publishRelease(sim.stateDir, BAD, { version: "14.3-RELEASE", sets: ["base"] });
    const file = join(locationDir(sim.stateDir, BAD), "base.txz");
    const listed = readFileSync(join(locationDir(sim.stateDir, BAD), "MANIFEST"), "utf8").split("\t")[1]!;
    appendFileSync(file, "corruption");
    const s = new Stack(launcher, { config: target.config });
    const err = await s.up({ bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    expect((err as Error).message).toContain(
      `base.txz from ${BAD}/base.txz does not match the release's MANIFEST: the MANIFEST says sha256 ${listed}, ` +
        `the file has sha256 ${sha256(readFileSync(file))}`,
    );
    expect(await datasetExists(target, "zroot/jails/releases/bad")).toBe(false);
    expect((await mustRun(target, "ls -A /var/db/pulumi-freebsd/releases")).trim()).toBe("");
    expect(s.resource("bad")).toBeUndefined();
    // With the mirror fixed, the next up makes the release: nothing of the refused one is in its way.
    publishRelease(sim.stateDir, BAD, { version: "14.3-RELEASE", sets: ["base"] });
    expect((await s.up({ bad })).steps["bad"]!.op).toBe("create");
    expect(out(s, "bad")).toMatchObject({ installedVersion: "14.3-RELEASE", snapshot: "zroot/jails/releases/bad@base" });
    await s.up({});
  });

  it("removes a release whose extraction failed, and makes one an earlier run left unfinished again", async () => {
    const s = new Stack(launcher, { config: target.config });
    sim.faults.failTool(/^tar -xpf/, { code: 1, stderr: "tar: Error exit delayed from previous errors.\n" });
    const err = await s.up({ bad }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/tar.*exited 1/);
    expect(await datasetExists(target, "zroot/jails/releases/bad")).toBe(false);
    // A run cut off before it could clean up leaves its own dataset, marked with its URN but without @base.
    await mustRun(target, `zfs create -o pulumi:urn=${s.urn(R, "bad")} zroot/jails/releases/bad && touch /jails/releases/bad/half-extracted`);
    const r = await s.up({ bad });
    expect(r.steps["bad"]!.op).toBe("create");
    expect(s.logs("warning").map((l) => l.message)).toContain(
      "release zroot/jails/releases/bad is left unfinished (no zroot/jails/releases/bad@base) by an earlier run of this resource; it is made again",
    );
    expect((await target.exec("test -e /jails/releases/bad/half-extracted")).code).toBe(1);
    expect(out(s, "bad")["snapshot"]).toBe("zroot/jails/releases/bad@base");
    // A stranger's dataset of that name is never taken over.
    await s.up({});
    await mustRun(target, "zfs create zroot/jails/releases/bad");
    await expect(s.up({ bad })).rejects.toThrow(/a dataset of that name already exists .*pulumi import freebsd:jail:Release/);
  });
});

describe("a release from pkgbase on a 15.0 host", () => {
  let sim15: SimHost;
  beforeAll(async () => {
    sim15 = await startSimHost({ release: "15.0-RELEASE" });
    publishPkgbaseRepo(sim15.stateDir, "/usr/local/pkgbase", { version: "15.0-RELEASE" });
  });
  afterAll(async () => sim15?.stop());

  it("installs the package sets with pkg -r, snapshots @base, and reads 15.0 from the root", async () => {
    const t = targetOnSim(sim15, "zroot");
    const s = new Stack(launcher, { config: t.config });
    const program: Program = {
      rel: {
        type: R,
        inputs: {
          version: "15.0-RELEASE", dataset: "zroot/jails/releases/15.0-RELEASE", createParents: true,
          source: { pkgbase: { repository: "file:///usr/local/pkgbase", sets: ["minimal-jail"] } },
        } as never,
      },
    };
    expect((await s.up(program)).steps["rel"]!.op).toBe("create");
    expect(out(s, "rel")).toMatchObject({
      installedVersion: "15.0-RELEASE", snapshot: "zroot/jails/releases/15.0-RELEASE@base", mountpoint: "/zroot/jails/releases/15.0-RELEASE", checksums: {},
    });
    expect(await mustRun(t, "/zroot/jails/releases/15.0-RELEASE/bin/freebsd-version -u; uname -r")).toBe("15.0-RELEASE\n15.0-RELEASE\n");
    const progress = s.logs("info").map((l) => l.message);
    expect(progress).toContain("installing FreeBSD-set-minimal-jail from file:///usr/local/pkgbase into /zroot/jails/releases/15.0-RELEASE with pkg");
    expect(progress).toContain("installed 5 packages of FreeBSD-set-minimal-jail");
    expect((await s.up(program)).steps["rel"]!.op).toBe("same");
    expect((await s.refresh({ skipPreview: true })).steps["rel"]!.op).toBe("same");
    await s.up({});
    expect(await datasetExists(t, "zroot/jails/releases/15.0-RELEASE")).toBe(false);
  });
});
