import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, type Program } from "pulumi-engine-harness";
import { startSimHost } from "freebsd-sim";
import { failureOf, mustRun, outputsOf, targetOnSim, type TestTarget } from "./target.ts";

// freebsd:zfs:Rollback through the engine harness against the simulated host: rollbacks with and
// without later snapshots (refused until destroyLaterSnapshots is stated, the preview naming each),
// triggers, a jail stopped and started around it (also when it fails), never in a preview.

const S = "freebsd:zfs:Snapshot";
const D = "freebsd:zfs:Dataset";
const J = "freebsd:jail:Jail";
const R = "freebsd:zfs:Rollback";

describe("zfs:Rollback", () => {
  let target: TestTarget;
  const newStack = () => new Stack((env) => startProvider({ env }), { config: target.config });
  const said = (r: { diagnostics: { message: string }[] }, s: Stack) => [...r.diagnostics.map((d) => d.message), ...s.logs("warning").map((l) => l.message)].join("\n");
  const cat = (path: string) => mustRun(target, `cat ${path}`);
  const snapshotsOf = async (ds: string) => (await mustRun(target, `zfs list -H -t snapshot -o name ${ds}`)).split("\n").filter(Boolean);
  const zfsCalls = async () => (await target.sim!.toolLog()).filter((a) => a[0] === "zfs" && a[1] === "rollback").map((a) => a.join(" "));

  beforeAll(async () => {
    target = targetOnSim(await startSimHost(), "zroot");
  });
  afterEach(() => target?.sim?.faults.clear());
  afterAll(async () => {
    await target?.sim?.stop();
  });

  describe("a dataset and its snapshots", () => {
    let stack: Stack;
    const base: Program = {
      data: { type: D, inputs: { name: "zroot/rb/data", createParents: true } },
      clean: { type: S, inputs: { dataset: "zroot/rb/data", name: "clean" }, options: { dependsOn: ["data"] } },
    };
    const withRollback = (rb: Record<string, unknown>): Program => ({
      ...base,
      rb: { type: R, inputs: { dataset: "zroot/rb/data", snapshot: "clean", ...rb } as never, options: { dependsOn: ["clean"] } },
    });

    beforeAll(async () => {
      stack = newStack();
      await stack.up({ data: base["data"]! });
      await mustRun(target, "echo clean > /zroot/rb/data/f");
      await stack.up(base);
    });

    it("rolls back when created, the preview saying what it loses; the preview itself changes nothing", async () => {
      await mustRun(target, "echo dirty > /zroot/rb/data/f");
      const preview = await stack.preview(withRollback({}));
      expect(preview.steps["rb"]!.op).toBe("create");
      expect(said(preview, stack)).toMatch(/rolls zroot\/rb\/data back to zroot\/rb\/data@clean, losing what was written since/);
      expect(await cat("/zroot/rb/data/f")).toBe("dirty\n");
      const r = await stack.up(withRollback({}), { skipPreview: true });
      expect(r.steps["rb"]!.op).toBe("create");
      expect(await cat("/zroot/rb/data/f")).toBe("clean\n");
      expect(outputsOf(stack, "rb")).toMatchObject({ snapshotGuid: outputsOf(stack, "clean")["guid"], destroyedSnapshots: [] });
    });

    it("does not roll back again when applied again, nor on a refresh; triggers roll it back again", async () => {
      await mustRun(target, "echo dirty-again > /zroot/rb/data/f");
      expect((await stack.up(withRollback({}))).steps["rb"]!.op).toBe("same");
      expect((await stack.refresh({ skipPreview: true })).steps["rb"]!.op).toBe("same");
      expect(await cat("/zroot/rb/data/f")).toBe("dirty-again\n");
      const r = await stack.up(withRollback({ triggers: ["run-2"] }));
      expect(r.steps["rb"]!.op).toBe("update");
      expect(await cat("/zroot/rb/data/f")).toBe("clean\n");
    });

    it("refuses while later snapshots exist, naming them in the preview, until destroyLaterSnapshots is stated", async () => {
      await mustRun(target, "echo upgraded > /zroot/rb/data/f && zfs snapshot zroot/rb/data@upgraded && echo more > /zroot/rb/data/f && zfs snapshot zroot/rb/data@more");
      const before = (await zfsCalls()).length;
      const text = await failureOf(stack.preview(withRollback({ triggers: ["run-3"] })));
      expect(text).toMatch(/refusing rolling zroot\/rb\/data back to zroot\/rb\/data@clean: it destroys the later snapshots zroot\/rb\/data@upgraded, zroot\/rb\/data@more \(zfs rollback -r\)\. To allow it, set destroyLaterSnapshots: true/);
      // `up` runs the same preview first: refused there, before anything runs.
      await failureOf(stack.up(withRollback({ triggers: ["run-3"] })));
      expect((await zfsCalls()).length).toBe(before);
      expect(await snapshotsOf("zroot/rb/data")).toEqual(["zroot/rb/data@clean", "zroot/rb/data@upgraded", "zroot/rb/data@more"]);
      const preview = await stack.preview(withRollback({ triggers: ["run-3"], destroyLaterSnapshots: true }));
      expect(said(preview, stack)).toMatch(/destroys the later snapshots zroot\/rb\/data@upgraded, zroot\/rb\/data@more \(zfs rollback -r\)/);
      expect(await snapshotsOf("zroot/rb/data")).toHaveLength(3);
      await stack.up(withRollback({ triggers: ["run-3"], destroyLaterSnapshots: true }));
      expect(await snapshotsOf("zroot/rb/data")).toEqual(["zroot/rb/data@clean"]);
      expect(await cat("/zroot/rb/data/f")).toBe("clean\n");
      expect(outputsOf(stack, "rb")["destroyedSnapshots"]).toEqual(["zroot/rb/data@upgraded", "zroot/rb/data@more"]);
      expect((await zfsCalls()).at(-1)).toBe("zfs rollback -r zroot/rb/data@clean");
    });

    it("refuses when a clone depends on a later snapshot: -R is never used", async () => {
      await mustRun(target, "zfs snapshot zroot/rb/data@late && zfs clone zroot/rb/data@late zroot/rb/late-clone");
      const text = await failureOf(stack.up(withRollback({ triggers: ["run-4"], destroyLaterSnapshots: true })));
      expect(text).toMatch(/datasets are cloned from the later snapshots, which the rollback would destroy: zroot\/rb\/late-clone \(a clone of zroot\/rb\/data@late\)\. zfs rollback -R would destroy those clones with them; this provider never does/);
      expect((await target.exec("zfs list -H zroot/rb/late-clone")).code).toBe(0);
      await mustRun(target, "zfs destroy zroot/rb/late-clone && zfs destroy zroot/rb/data@late");
    });

    it("refuses when a later snapshot is held: zfs rollback -r would stop half way", async () => {
      await mustRun(target, "zfs snapshot zroot/rb/data@kept && zfs hold audit zroot/rb/data@kept");
      const text = await failureOf(stack.up(withRollback({ triggers: ["run-5"], destroyLaterSnapshots: true })));
      expect(text).toMatch(/the later snapshots zroot\/rb\/data@kept \(1 hold\(s\)\) are held.*zfs release TAG SNAPSHOT/s);
      await mustRun(target, "zfs release audit zroot/rb/data@kept && zfs destroy zroot/rb/data@kept");
    });

    it("is deleted without touching the data, and cannot be imported", async () => {
      await mustRun(target, "echo after > /zroot/rb/data/f");
      await stack.up(base);
      expect(stack.resource("rb")).toBeUndefined();
      expect(await cat("/zroot/rb/data/f")).toBe("after\n");
      await expect(newStack().import("rb", R, "zroot/rb/data@clean")).rejects.toThrow(/cannot be imported: a rollback is an action/);
    });
  });

  describe("restartJail", () => {
    let stack: Stack;
    const program = (rb: Record<string, unknown> = {}): Program => ({
      // The web root holds the site's files: the stack's destroy takes them (forceDestroy).
      root: { type: D, inputs: { name: "zroot/rj/web", createParents: true, forceDestroy: true } },
      snap: { type: S, inputs: { dataset: "zroot/rj/web", name: "clean" }, options: { dependsOn: ["root"] } },
      web: { type: J, inputs: { name: "rjweb", path: "/zroot/rj/web" }, options: { dependsOn: ["snap"] } },
      rb: { type: R, inputs: { dataset: "zroot/rj/web", snapshot: "zroot/rj/web@clean", restartJail: "rjweb", ...rb } as never, options: { dependsOn: ["web"] } },
    });
    const jid = async () => Number((await mustRun(target, "jls -j rjweb jid")).trim());
    const serviceAndRollback = async () => (await target.sim!.toolLog())
      .filter((a) => (a[0] === "zfs" && a[1] === "rollback") || (a[0] === "service" && a[1] === "jail"))
      .map((a) => a.slice(0, 3).join(" "));

    beforeAll(async () => {
      stack = newStack();
      const { rb: _later, ...first } = program();
      await stack.up({ root: first["root"]! });
      await mustRun(target, "echo v1 > /zroot/rj/web/index.html");
      await stack.up(first);
    });

    it("stops the jail before the rollback and starts it after", async () => {
      await mustRun(target, "echo v2 > /zroot/rj/web/index.html");
      const before = await jid();
      const seen = (await serviceAndRollback()).length;
      const r = await stack.up(program());
      expect(said(r.preview!, stack)).toMatch(/stops jail rjweb before the rollback and starts it again after/);
      expect(await cat("/zroot/rj/web/index.html")).toBe("v1\n");
      expect((await serviceAndRollback()).slice(seen)).toEqual(["service jail onestop", "zfs rollback zroot/rj/web@clean", "service jail onestart"]);
      expect(await jid()).not.toBe(before);
    });

    it("starts the jail again when the rollback fails, and reports the failure", async () => {
      await mustRun(target, "echo v3 > /zroot/rj/web/index.html");
      target.sim!.faults.failTool(/^zfs rollback/, { code: 1, stderr: "cannot rollback 'zroot/rj/web': pool I/O is currently suspended\n" });
      const text = await failureOf(stack.up(program({ triggers: [2] })));
      expect(text).toMatch(/pool I\/O is currently suspended/);
      expect(await jid()).toBeGreaterThan(0);
      expect(await cat("/zroot/rj/web/index.html")).toBe("v3\n");
      // Nothing was recorded: the next up rolls back.
      await stack.up(program({ triggers: [2] }));
      expect(await cat("/zroot/rj/web/index.html")).toBe("v1\n");
      await stack.destroy();
    });
  });

  describe("the side-by-side PostgreSQL upgrade test", () => {
    // Production runs from zroot/pg/prod; the upgrade is tried on a clone of its snapshot in a jail of its
    // own, rolled back between runs. Production is never touched: its guid and a file's checksum are
    // compared before and after every step.
    let stack: Stack;
    const prodFile = "/zroot/pg/prod/base/16384/PG_VERSION";
    const fingerprint = async () => ({
      guid: (await mustRun(target, "zfs get -H -o value guid zroot/pg/prod")).trim(),
      sum: (await mustRun(target, `sha256sum ${prodFile} /zroot/pg/prod/postgresql.conf`)),
      snapshot: (await mustRun(target, "zfs get -H -o value guid zroot/pg/prod@pre-upgrade")).trim(),
    });
    const program = (rb?: Record<string, unknown>): Program => ({
      prod: { type: D, inputs: { name: "zroot/pg/prod", createParents: true, properties: { recordsize: "16K" } } },
      pre: { type: S, inputs: { dataset: "zroot/pg/prod", name: "pre-upgrade", holds: ["upgrade-test"] }, options: { dependsOn: ["prod"] } },
      // The test copy is disposable: removing it takes its files (forceDestroy); production's data is not.
      test: { type: D, inputs: { name: "zroot/pg/test", cloneFrom: "zroot/pg/prod@pre-upgrade", forceDestroy: true }, options: { dependsOn: ["pre"] } },
      clean: { type: S, inputs: { dataset: "zroot/pg/test", name: "clean" }, options: { dependsOn: ["test"] } },
      pgtest: { type: J, inputs: { name: "pgtest", path: "/zroot/pg/test", hostname: "pgtest.example" }, options: { dependsOn: ["clean"] } },
      ...(rb ? { rb: { type: R, inputs: { dataset: "zroot/pg/test", snapshot: "clean", restartJail: "pgtest", ...rb } as never, options: { dependsOn: ["pgtest"] } } } : {}),
    });
    let before: Awaited<ReturnType<typeof fingerprint>>;

    beforeAll(async () => {
      stack = newStack();
      await stack.up({ prod: program()["prod"]! });
      await mustRun(target, `mkdir -p /zroot/pg/prod/base/16384 && echo 16 > ${prodFile} && echo "shared_buffers = 128MB" > /zroot/pg/prod/postgresql.conf`);
    });

    it("snapshots production and clones it for the upgrade-test jail", async () => {
      const sum = await mustRun(target, `sha256sum ${prodFile} /zroot/pg/prod/postgresql.conf`);
      await stack.up(program());
      before = await fingerprint();
      expect(before.sum).toBe(sum);
      expect(await cat("/zroot/pg/test/base/16384/PG_VERSION")).toBe("16\n");
      expect((await mustRun(target, "jls -j pgtest path")).trim()).toBe("/zroot/pg/test");
      expect(outputsOf(stack, "test")["origin"]).toBe("zroot/pg/prod@pre-upgrade");
    });

    it("changes files in the clone without touching production", async () => {
      // What pg_upgrade does to the test copy: a new version, a changed config, a new file, a checkpoint.
      await mustRun(target, "echo 17 > /zroot/pg/test/base/16384/PG_VERSION && echo 'shared_buffers = 1GB' > /zroot/pg/test/postgresql.conf && touch /zroot/pg/test/upgrade.done");
      await mustRun(target, "zfs snapshot zroot/pg/test@upgraded && echo 'bad' > /zroot/pg/test/postgresql.conf");
      expect(await fingerprint()).toEqual(before);
    });

    it("rolls the test clone back with the jail stopped around it, once destroyLaterSnapshots is stated", async () => {
      const text = await failureOf(stack.up(program({})));
      expect(text).toMatch(/it destroys the later snapshots zroot\/pg\/test@upgraded \(zfs rollback -r\).*destroyLaterSnapshots: true/s);
      expect(await cat("/zroot/pg/test/postgresql.conf")).toBe("bad\n");
      const r = await stack.up(program({ destroyLaterSnapshots: true }));
      expect(said(r.preview!, stack)).toMatch(/rolls zroot\/pg\/test back to zroot\/pg\/test@clean, losing what was written since, and destroys the later snapshots zroot\/pg\/test@upgraded/);
      expect(r.steps["rb"]!.op).toBe("create");
      expect(await cat("/zroot/pg/test/base/16384/PG_VERSION")).toBe("16\n");
      expect(await cat("/zroot/pg/test/postgresql.conf")).toBe("shared_buffers = 128MB\n");
      expect((await target.exec("test -e /zroot/pg/test/upgrade.done")).code).toBe(1);
      expect(await snapshotsOf("zroot/pg/test")).toEqual(["zroot/pg/test@clean"]);
      expect((await mustRun(target, "jls -j pgtest path")).trim()).toBe("/zroot/pg/test");
      expect(await fingerprint()).toEqual(before);
    });

    it("runs the test again with new triggers; production is untouched throughout, and the stack destroys cleanly", async () => {
      await mustRun(target, "echo 17 > /zroot/pg/test/base/16384/PG_VERSION");
      await stack.up(program({ destroyLaterSnapshots: true, triggers: ["second run"] }));
      expect(await cat("/zroot/pg/test/base/16384/PG_VERSION")).toBe("16\n");
      expect((await stack.refresh({ skipPreview: true })).steps["prod"]!.op).toBe("same");
      expect(await fingerprint()).toEqual(before);
      // The snapshot production's clone depends on is held by the stack: not destroyable by hand.
      expect((await target.exec("zfs destroy zroot/pg/prod@pre-upgrade")).code).toBe(1);
      await stack.up({ prod: program()["prod"]! });
      expect((await mustRun(target, "zfs list -H -t all -o name -r zroot/pg"))).toBe("zroot/pg\nzroot/pg/prod\n");
      const after = await fingerprint().catch(() => undefined);
      expect(after).toBeUndefined(); // the snapshot is gone with the stack's resources ...
      expect((await mustRun(target, "zfs get -H -o value guid zroot/pg/prod")).trim()).toBe(before.guid);
      expect(await mustRun(target, `sha256sum ${prodFile} /zroot/pg/prod/postgresql.conf`)).toBe(before.sum);
    });
  });
});
