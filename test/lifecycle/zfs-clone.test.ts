import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, type Program, unwrapSecrets } from "pulumi-engine-harness";
import { startSimHost } from "freebsd-sim";
import { datasetExists, failureOf, hostProperty, mustRun, outputsOf, targetOnSim, type TestTarget } from "./target.ts";

// Clones through the engine harness against the simulated host: a thin jail whose root dataset is a
// clone (cloneFrom) of a release's @base snapshot, promote, a promote done by hand shown as drift of
// `promote` (never a replacement), and the refusals that keep the data.

const S = "freebsd:zfs:Snapshot";
const D = "freebsd:zfs:Dataset";
const J = "freebsd:jail:Jail";

describe("clones (cloneFrom, promote, origin)", () => {
  let target: TestTarget;
  const newStack = () => new Stack((env) => startProvider({ env }), { config: target.config });

  beforeAll(async () => {
    target = targetOnSim(await startSimHost(), "zroot");
  });
  afterAll(async () => {
    await target?.sim?.stop();
  });

  describe("a thin jail on a clone of a release's @base", () => {
    let stack: Stack;
    const thin = (root: Record<string, unknown> = {}, extra: Program = {}): Program => ({
      release: { type: D, inputs: { name: "zroot/releases/14.3-RELEASE", createParents: true } },
      base: { type: S, inputs: { dataset: "zroot/releases/14.3-RELEASE", name: "base" }, options: { dependsOn: ["release"] } },
      root: {
        type: D,
        inputs: { name: "zroot/jails/thin", createParents: true, cloneFrom: "zroot/releases/14.3-RELEASE@base", ...root } as never,
        options: { dependsOn: ["base"] },
      },
      thin: { type: J, inputs: { name: "thin", path: "/zroot/jails/thin", hostname: "thin.example" }, options: { dependsOn: ["root"] } },
      ...extra,
    });

    beforeAll(async () => {
      stack = newStack();
      // The release's userland, as freebsd:jail:Release will extract it.
      await stack.up({ release: thin().release! });
      await mustRun(target, "tar -xf /usr/freebsd-dist/base.txz -C /zroot/releases/14.3-RELEASE && echo 14.3 > /zroot/releases/14.3-RELEASE/RELEASE");
    });

    it("creates the root as a clone of the snapshot (zfs clone), with the release's files, and starts the jail on it", async () => {
      const r = await stack.up(thin({ properties: { "org.example:role": "thin-root" } }));
      expect(r.steps["root"]!.op).toBe("create");
      expect((await target.sim!.toolLog()).some((a) => a[0] === "zfs" && a[1] === "clone" && a.includes("zroot/releases/14.3-RELEASE@base"))).toBe(true);
      expect(outputsOf(stack, "root")).toMatchObject({ cloneFrom: "zroot/releases/14.3-RELEASE@base", origin: "zroot/releases/14.3-RELEASE@base" });
      expect(outputsOf(stack, "root")["promote"]).toBeUndefined();
      expect(await hostProperty(target, "zroot/jails/thin", "origin")).toEqual(["zroot/releases/14.3-RELEASE@base", "-"]);
      expect(await hostProperty(target, "zroot/jails/thin", "pulumi:urn")).toEqual([stack.urn(D, "root"), "local"]);
      expect(await hostProperty(target, "zroot/jails/thin", "org.example:role")).toEqual(["thin-root", "local"]);
      expect((await mustRun(target, "cat /zroot/jails/thin/RELEASE; jexec thin /bin/sh -c 'test -x /bin/sh && echo userland'"))).toBe("14.3\nuserland\n");
      await stack.refresh({ skipPreview: true });
      expect(outputsOf(stack, "base")["clones"]).toEqual(["zroot/jails/thin"]);
    });

    it("plans nothing when applied again, and a refresh finds no drift", async () => {
      const program = thin({ properties: { "org.example:role": "thin-root" } });
      const r = await stack.up(program);
      expect(Object.values(r.steps).map((s) => s.op)).toEqual(["same", "same", "same", "same"]);
      const refreshed = await stack.refresh({ skipPreview: true });
      expect(Object.values(refreshed.steps).map((s) => s.op)).toEqual(["same", "same", "same", "same"]);
    });

    it("refuses to delete the snapshot while the clone depends on it, naming the clone", async () => {
      const program = thin({ properties: { "org.example:role": "thin-root" } });
      const { base: _gone, ...withoutBase } = program;
      const root = withoutBase["root"]!;
      const text = await failureOf(stack.up({ ...withoutBase, root: { ...root, options: { dependsOn: ["release"] } } }));
      expect(text).toMatch(/refusing to destroy snapshot zroot\/releases\/14\.3-RELEASE@base .*cloned from it: zroot\/jails\/thin/s);
      expect((await target.exec("zfs list -H zroot/releases/14.3-RELEASE@base")).code).toBe(0);
    });

    it("refuses a change of cloneFrom without forceDestroy: it would replace the jail's root", async () => {
      await mustRun(target, "zfs snapshot zroot/releases/14.3-RELEASE@p1");
      const text = await failureOf(stack.up(thin({ properties: { "org.example:role": "thin-root" }, cloneFrom: "zroot/releases/14.3-RELEASE@p1" })));
      expect(text).toMatch(/cloneFrom: changing it from "zroot\/releases\/14\.3-RELEASE@base" to "zroot\/releases\/14\.3-RELEASE@p1" replaces the dataset zroot\/jails\/thin.*forceDestroy: true/s);
      expect(await hostProperty(target, "zroot/jails/thin", "origin")).toEqual(["zroot/releases/14.3-RELEASE@base", "-"]);
    });

    it("promotes in place (zfs promote): the snapshot moves to the root and stays the Snapshot's, the release becomes the clone", async () => {
      const guid = outputsOf(stack, "base")["guid"];
      const rootGuid = outputsOf(stack, "root")["guid"];
      const r = await stack.up(thin({ properties: { "org.example:role": "thin-root" }, promote: true }));
      expect(r.steps["root"]!.op).toBe("update");
      expect(r.steps["root"]!.diff!.replaces).toEqual([]);
      expect((await target.sim!.toolLog()).some((a) => a[0] === "zfs" && a[1] === "promote" && a[2] === "zroot/jails/thin")).toBe(true);
      expect(outputsOf(stack, "root")).toMatchObject({ guid: rootGuid, cloneFrom: "zroot/releases/14.3-RELEASE@base", promote: true });
      expect(outputsOf(stack, "root")["origin"]).toBeUndefined();
      expect(await hostProperty(target, "zroot/releases/14.3-RELEASE", "origin")).toEqual(["zroot/jails/thin@base", "-"]);
      const refreshed = await stack.refresh({ skipPreview: true });
      expect(Object.values(refreshed.steps).map((s) => s.op)).toEqual(["same", "same", "same", "same"]);
      expect(outputsOf(stack, "base")).toMatchObject({ guid, dataset: "zroot/releases/14.3-RELEASE", fullName: "zroot/jails/thin@base", clones: ["zroot/releases/14.3-RELEASE"] });
      expect((await stack.up(thin({ properties: { "org.example:role": "thin-root" }, promote: true }))).steps["root"]!.op).toBe("same");
    });

    it("a promoted root cannot be destroyed while the release depends on its snapshot: refused, naming it", async () => {
      const program = thin({ properties: { "org.example:role": "thin-root" }, promote: true, forceDestroy: true });
      await stack.up(program);
      const text = await failureOf(stack.up({ release: program["release"]!, base: program["base"]! }));
      expect(text).toMatch(/refusing to destroy zroot\/jails\/thin .*clones outside it depend on its snapshots: zroot\/releases\/14\.3-RELEASE \(from zroot\/jails\/thin@base\)/s);
      expect(await datasetExists(target, "zroot/jails/thin")).toBe(true);
    });
  });

  describe("a promote done by hand", () => {
    let stack: Stack;
    const program = (clone: Record<string, unknown> = {}): Program => ({
      src: { type: D, inputs: { name: "zroot/prod/db" , createParents: true } },
      snap: { type: S, inputs: { dataset: "zroot/prod/db", name: "s" }, options: { dependsOn: ["src"] } },
      clone: { type: D, inputs: { name: "zroot/test/db", createParents: true, cloneFrom: "zroot/prod/db@s", ...clone } as never, options: { dependsOn: ["snap"] } },
    });

    beforeAll(async () => {
      stack = newStack();
      await stack.up(program());
    });

    it("reads as drift of promote, never as a replacement, and taking it back is refused with what to do", async () => {
      await mustRun(target, "zfs promote zroot/test/db");
      const refreshed = await stack.refresh();
      expect(refreshed.steps["clone"]!.op).toBe("update");
      expect(Object.keys(refreshed.steps["clone"]!.diff!.detailedDiff!)).toEqual(["promote"]);
      expect(outputsOf(stack, "clone")).toMatchObject({ cloneFrom: "zroot/prod/db@s", promote: true });
      const preview = await stack.preview(program());
      expect(preview.steps["clone"]!.op).toBe("update");
      expect(preview.steps["clone"]!.diff!.replaces).toEqual([]);
      const text = await failureOf(stack.up(program()));
      expect(text).toMatch(/zroot\/test\/db .*was promoted \(zfs promote\).*zroot\/prod\/db \(a clone of zroot\/test\/db@s\) now depend.*set promote: true/s);
      // Stating it is all it takes: the state says promote: true since the refresh.
      expect((await stack.up(program({ promote: true }))).steps["clone"]!.op).toBe("same");
    });

    it("imports a clone with its cloneFrom read from origin, no change planned", async () => {
      await mustRun(target, "zfs clone zroot/test/db@s zroot/test/db2");
      const s = newStack();
      await s.import("db2", D, "zroot/test/db2");
      expect(unwrapSecrets(s.resource("db2")!.inputs as never)).toMatchObject({ name: "zroot/test/db2", cloneFrom: "zroot/test/db@s" });
      const up = await s.up({ db2: { type: D, inputs: { name: "zroot/test/db2", cloneFrom: "zroot/test/db@s" } } });
      expect(up.steps["db2"]!.op).toBe("same");
    });
  });
});
