import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, DeploymentError, Stack, type Program, isSecret, secret, unwrapSecrets } from "pulumi-engine-harness";
import { datasetExists, hostProperty, mustRun, realHost, startTarget, type TestTarget } from "./target.ts";

// freebsd:zfs:Dataset through the engine harness (the real plugin over gRPC, as the Pulumi engine
// drives it) against a FreeBSD host over SSH: the simulated one, or a real one (FREEBSD_TEST_HOST).

const T = "freebsd:zfs:Dataset";

// The same table runs on the simulated host always, and on a real host when FREEBSD_TEST_HOST is set.
for (const kind of ["sim", "real"] as const) {
  describe.skipIf(kind === "real" && !realHost)(`on the ${kind} host${kind === "real" && !realHost ? " (skipped: FREEBSD_TEST_HOST is not set)" : ""}`, () => {
    let target: TestTarget;
    let stack: Stack;
    const ds = (suffix: string) => `${target.prefix}/${suffix}`;
    const program = (inputs: Record<string, unknown>, options = {}): Program => ({ web: { type: T, inputs: inputs as never, options } });
    const outputs = (name: string) => unwrapSecrets(stack.resource(name)!.outputs as never) as Record<string, any>;

    beforeAll(async () => {
      target = await startTarget(kind);
      stack = new Stack((env) => startProvider({ env }), { config: target.config });
    });
    afterAll(async () => {
      await target?.stop();
    });

    describe("lifecycle", () => {
      it("creates a dataset with properties and reads it back", async () => {
        const r = await stack.up(program({ name: ds("web"), properties: { compression: "zstd", quota: "1G", "org.example:owner": "web-team" }, reportAllProperties: true }));
        expect(r.preview!.steps["web"]!.op).toBe("create");
        expect(r.steps["web"]!.op).toBe("create");
        expect(r.steps["web"]!.id).toBe(ds("web"));
        expect(await hostProperty(target, ds("web"), "compression")).toEqual(["zstd", "local"]);
        expect(await hostProperty(target, ds("web"), "quota")).toEqual(["1073741824", "local"]);
        expect(await hostProperty(target, ds("web"), "org.example:owner")).toEqual(["web-team", "local"]);
        const out = outputs("web");
        expect(out["properties"]).toEqual({ compression: "zstd", quota: "1G", "org.example:owner": "web-team" });
        expect(out["allProperties"]["compression"]).toEqual({ value: "zstd", source: "local" });
        expect(out["allProperties"]["atime"]["source"]).toMatch(/^(default|inherited from .+)$/);
        expect(out["guid"]).toMatch(/^\d+$/);
        expect(out["mountpoint"]).toBe(`/${ds("web")}`);
        expect(Date.parse(out["creation"])).toBeGreaterThan(Date.parse("2020-01-01"));
        expect(out["available"]).toBeGreaterThan(0);
        // Every command run is logged to the engine at debug level, against the resource it ran for.
        const logged = stack.logs("debug").find((l) => l.message.includes("'zfs' 'create'"));
        expect(logged?.urn).toBe(stack.urn(T, "web"));
        expect(logged?.message).toContain(`'${ds("web")}'`);
      });

      it("plans nothing when the program is applied again", async () => {
        const r = await stack.up(program({ name: ds("web"), properties: { compression: "zstd", quota: "1G", "org.example:owner": "web-team" }, reportAllProperties: true }));
        expect(r.steps["web"]!.op).toBe("same");
      });

      it("updates a property in place and inherits a dropped one", async () => {
        const guid = outputs("web")["guid"];
        const r = await stack.up(program({ name: ds("web"), properties: { compression: "lz4", "org.example:owner": "web-team" } }));
        expect(r.steps["web"]!.op).toBe("update");
        expect(r.steps["web"]!.diff!.detailedDiff).toMatchObject({
          "properties.compression": { kind: "update" },
          "properties.quota": { kind: "delete" },
        });
        expect(await hostProperty(target, ds("web"), "compression")).toEqual(["lz4", "local"]);
        // zfs stores `quota=none` as a local 0 (libzfs_dataset.c prints it as none, source unchanged).
        expect((await hostProperty(target, ds("web"), "quota"))[0]).toBe("0");
        expect(outputs("web")["guid"]).toBe(guid);
      });

      it("renames in place, keeping the dataset (same guid)", async () => {
        const guid = outputs("web")["guid"];
        await mustRun(target, `touch /${ds("web")}/data-file`);
        const r = await stack.up(program({ name: ds("www"), properties: { compression: "lz4", "org.example:owner": "web-team" } }));
        expect(r.steps["web"]!.op).toBe("update");
        expect(r.steps["web"]!.diff!.replaces).toEqual([]);
        expect(await datasetExists(target, ds("web"))).toBe(false);
        expect(await datasetExists(target, ds("www"))).toBe(true);
        expect(outputs("web")["guid"]).toBe(guid);
        expect((await target.exec(`test -f /${ds("www")}/data-file`)).code).toBe(0);
        const refreshed = await stack.refresh();
        expect(refreshed.steps["web"]!.diff?.detailedDiff).toEqual({});
        expect(refreshed.steps["web"]!.op).toBe("same");
        expect(stack.resource("web")!.id).toBe(ds("www"));
      });

      it("reports a property changed out of band as drift, and up converges it", async () => {
        await mustRun(target, `zfs set compression=gzip ${ds("www")}`);
        await mustRun(target, `zfs set atime=off ${ds("www")}`);
        const r = await stack.refresh();
        expect(r.steps["web"]!.op).toBe("update");
        expect(Object.keys(r.steps["web"]!.diff!.detailedDiff!).sort()).toEqual(["properties.atime", "properties.compression"]);
        const up = await stack.up(program({ name: ds("www"), properties: { compression: "lz4", "org.example:owner": "web-team" } }));
        expect(up.steps["web"]!.op).toBe("update");
        expect(await hostProperty(target, ds("www"), "compression")).toEqual(["lz4", "local"]);
        expect((await hostProperty(target, ds("www"), "atime"))[1]).not.toBe("local");
        expect((await stack.refresh()).steps["web"]!.op).toBe("same");
      });

      it("deletes, and deleting what is already gone succeeds", async () => {
        // It holds the file the rename kept: its data goes only with forceDestroy, applied first.
        await stack.up(program({ name: ds("www"), properties: { compression: "lz4", "org.example:owner": "web-team" }, forceDestroy: true }));
        await stack.up({});
        expect(await datasetExists(target, ds("www"))).toBe(false);
        expect(stack.state.resources).toEqual([]);
      });
    });

    describe("import", () => {
      it("imports by name, with a program that matches it planning nothing", async () => {
        await mustRun(target, `zfs create -o compression=zstd -o org.example:team=db ${ds("imported")}`);
        const s = new Stack((env) => startProvider({ env }), { config: target.config });
        const r = await s.import("db", T, ds("imported"));
        expect(r.steps["db"]!.op).toBe("import");
        expect(unwrapSecrets(s.resource("db")!.inputs as never)).toEqual({
          name: ds("imported"), type: "filesystem", properties: { compression: "zstd", "org.example:team": "db" }, createParents: false, forceDestroy: false, reportAllProperties: false,
        });
        const up = await s.up({ db: { type: T, inputs: { name: ds("imported"), properties: { compression: "zstd", "org.example:team": "db" } }, options: { protect: false } } });
        expect(up.steps["db"]!.op).toBe("same");
      });

      it("fails to import a dataset that does not exist", async () => {
        const s = new Stack((env) => startProvider({ env }), { config: target.config });
        await expect(s.import("x", T, ds("no-such"))).rejects.toThrow(/does not exist/);
      });
    });

    describe("data safety", () => {
      it("refuses to delete a dataset with children, destroys nothing, and names forceDestroy", async () => {
        const s = new Stack((env) => startProvider({ env }), { config: target.config });
        await s.up({ parent: { type: T, inputs: { name: ds("parent") } } });
        await mustRun(target, `zfs create ${ds("parent")}/child`);
        await mustRun(target, `zfs snapshot ${ds("parent")}@keep`);
        const err = await s.up({}).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DeploymentError);
        expect((err as Error).message).toMatch(/refusing to destroy .*parent.*1 child dataset.*1 snapshot.*forceDestroy: true/s);
        expect(await datasetExists(target, `${ds("parent")}/child`)).toBe(true);
        expect(s.resource("parent")).toBeDefined();
        await s.up({ parent: { type: T, inputs: { name: ds("parent"), forceDestroy: true } } });
        await s.up({});
        expect(await datasetExists(target, ds("parent"))).toBe(false);
      });

      it("refuses to delete a dataset holding files, names them, and deletes an empty one (issue 13)", async () => {
        const s = new Stack((env) => startProvider({ env }), { config: target.config });
        // A mount point with spaces and a quote, and snapdir=visible (.zfs is listed by ls -a but is no data).
        const mp = `/mnt/odd dir's ${kind}-${Date.now()}`;
        const prog = (force: boolean): Program => ({
          db: { type: T, inputs: { name: ds("db"), forceDestroy: force, properties: { mountpoint: mp } } },
          empty: { type: T, inputs: { name: ds("empty"), properties: { snapdir: "visible" } } },
        });
        await s.up(prog(false));
        await mustRun(target, `echo data > "${mp}/PG_VERSION"`);
        const err = await s.up({}).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DeploymentError);
        expect((err as Error).message).toContain(`refusing to destroy ${ds("db")} on `);
        expect((err as Error).message).toContain(`it holds files (${mp}/PG_VERSION); nothing was destroyed. Set forceDestroy: true`);
        expect(await mustRun(target, `cat "${mp}/PG_VERSION"`)).toBe("data\n");
        // The empty one went; the one with data is still in the stack.
        expect(await datasetExists(target, ds("empty"))).toBe(false);
        expect(s.resource("empty")).toBeUndefined();
        expect(s.resource("db")).toBeDefined();
        await s.up({ db: prog(true)["db"]! });
        await s.up({});
        expect(await datasetExists(target, ds("db"))).toBe(false);
      });

      it.skipIf(kind === "real")("refuses to delete a volume holding data, and deletes it with forceDestroy (issue 13)", async () => {
        const s = new Stack((env) => startProvider({ env }), { config: target.config });
        await s.up({ vol: { type: T, inputs: { name: ds("vol"), type: "volume", volsize: "64M" } } });
        target.sim!.fillDataset(ds("vol"), 8 * 2 ** 20);
        const err = await s.up({}).catch((e: unknown) => e);
        expect((err as Error).message).toMatch(/it holds 8\.\d MiB of data \(logicalreferenced; a volume, whose files cannot be listed\)/);
        expect(await datasetExists(target, ds("vol"))).toBe(true);
        await s.up({ vol: { type: T, inputs: { name: ds("vol"), type: "volume", volsize: "64M", forceDestroy: true } } });
        await s.up({});
        expect(await datasetExists(target, ds("vol"))).toBe(false);
      });

      it("replaces for a create-only property when forceDestroy allows it, deleting first", async () => {
        const s = new Stack((env) => startProvider({ env }), { config: target.config });
        await s.up({ ci: { type: T, inputs: { name: ds("ci"), properties: { casesensitivity: "sensitive" } } } });
        // A replacement destroys the dataset and its files: only the new inputs' forceDestroy allows it (issue 7.1).
        const r = await s.up({ ci: { type: T, inputs: { name: ds("ci"), properties: { casesensitivity: "insensitive" }, forceDestroy: true } } });
        expect(r.steps["ci"]!.op).toBe("replace");
        expect(r.steps["ci"]!.diff).toMatchObject({ replaces: ["properties"], deleteBeforeReplace: true });
        expect(await hostProperty(target, ds("ci"), "casesensitivity")).toEqual(["insensitive", "-"]);
        await s.destroy();
      });
    });

    describe("volumes and secrets", () => {
      it("creates a volume and grows it in place", async () => {
        const s = new Stack((env) => startProvider({ env }), { config: target.config });
        await s.up({ vol: { type: T, inputs: { name: ds("vol"), type: "volume", volsize: "64M" } } });
        expect(await hostProperty(target, ds("vol"), "volsize")).toEqual([String(64 * 1024 * 1024), "local"]);
        expect((await s.up({ vol: { type: T, inputs: { name: ds("vol"), type: "volume", volsize: "64M" } } })).steps["vol"]!.op).toBe("same");
        const r = await s.up({ vol: { type: T, inputs: { name: ds("vol"), type: "volume", volsize: "128M" } } });
        expect(r.steps["vol"]!.op).toBe("update");
        expect(await hostProperty(target, ds("vol"), "volsize")).toEqual([String(128 * 1024 * 1024), "local"]);
        await s.destroy();
      });

      it("keeps a secret property value secret in every output that repeats it", async () => {
        const s = new Stack((env) => startProvider({ env }), { config: target.config });
        await s.up({ sec: { type: T, inputs: { name: ds("sec"), properties: { "org.example:token": secret("s3cr3t") }, reportAllProperties: true } } });
        const out = s.resource("sec")!.outputs as Record<string, any>;
        expect(isSecret(out["properties"]["org.example:token"])).toBe(true);
        expect(isSecret(out["allProperties"]["org.example:token"])).toBe(true);
        expect(JSON.stringify(unwrapSecrets(out as never))).toContain("s3cr3t");
        await s.destroy();
      });
    });

    describe("partial failure", () => {
      it("records a dataset created but not mounted, and converges it on the next up", async () => {
        const s = new Stack((env) => startProvider({ env }), { config: target.config });
        const occupied = `/${target.prefix}/occupied`;
        await mustRun(target, `touch ${occupied}`);
        const err = await s.up({ p: { type: T, inputs: { name: ds("partial"), properties: { mountpoint: occupied } } } }, { skipPreview: true })
          .then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(DeploymentError);
        expect((err as Error).message).toMatch(/filesystem successfully created, but not mounted/);
        const state = s.resource("p")!;
        expect(state.id).toBe(ds("partial"));
        expect(state.initErrors.join("\n")).toMatch(/not mounted/);
        expect(await hostProperty(target, ds("partial"), "mounted")).toEqual(["no", "-"]);
        // The next up finishes what the first began, as the engine does for resources with init errors.
        await mustRun(target, `rm ${occupied}`);
        const r = await s.up({ p: { type: T, inputs: { name: ds("partial"), properties: { mountpoint: occupied } } } }, { skipPreview: true });
        expect(r.steps["p"]!.op).toBe("update");
        expect(await hostProperty(target, ds("partial"), "mounted")).toEqual(["yes", "-"]);
        expect(s.resource("p")!.initErrors).toEqual([]);
        await s.destroy();
      });
    });
  });
}
