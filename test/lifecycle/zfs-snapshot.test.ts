import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, Stack, type Program, unwrapSecrets } from "pulumi-engine-harness";
import { datasetExists, failureOf, hostProperty, mustRun, outputsOf, realHost, startTarget, type TestTarget } from "./target.ts";

// freebsd:zfs:Snapshot through the engine harness (the real plugin over gRPC, as the Pulumi engine
// drives it) against a FreeBSD host over SSH: the simulated one, or a real one (FREEBSD_TEST_HOST).

const S = "freebsd:zfs:Snapshot";
const D = "freebsd:zfs:Dataset";

for (const kind of ["sim", "real"] as const) {
  describe.skipIf(kind === "real" && !realHost)(`on the ${kind} host${kind === "real" && !realHost ? " (skipped: FREEBSD_TEST_HOST is not set)" : ""}`, () => {
    let target: TestTarget;
    const ds = (suffix: string) => `${target.prefix}/${suffix}`;
    const newStack = () => new Stack((env) => startProvider({ env }), { config: target.config });
    const warnings = (s: Stack) => s.logs("warning").map((l) => l.message).join("\n");
    const holdsOn = async (snap: string) => (await mustRun(target, `zfs holds -H ${snap} | cut -f2`)).split("\n").filter(Boolean).sort();

    beforeAll(async () => {
      target = await startTarget(kind);
    });
    afterAll(async () => {
      await target?.stop();
    });

    describe("lifecycle", () => {
      let stack: Stack;
      const program = (snap: Record<string, unknown>): Program => ({
        db: { type: D, inputs: { name: ds("db") } },
        pre: { type: S, inputs: { dataset: ds("db"), name: "pre-upgrade", ...snap } as never, options: { dependsOn: ["db"] } },
      });

      beforeAll(() => {
        stack = newStack();
      });

      it("takes a snapshot marked with its URN, and reads it back", async () => {
        await stack.up({ db: { type: D, inputs: { name: ds("db") } } });
        await mustRun(target, `echo v1 > /${ds("db")}/PG_VERSION`);
        const r = await stack.up(program({ properties: { "org.example:reason": "before 17" } }));
        expect(r.preview!.steps["pre"]!.op).toBe("create");
        expect(r.steps["pre"]!.op).toBe("create");
        expect(r.steps["pre"]!.id).toBe(`${ds("db")}@pre-upgrade`);
        const out = outputsOf(stack, "pre");
        expect(out).toMatchObject({ dataset: ds("db"), name: "pre-upgrade", fullName: `${ds("db")}@pre-upgrade`, recursive: false, holds: [], clones: [] });
        expect(out["guid"]).toBe((await hostProperty(target, `${ds("db")}@pre-upgrade`, "guid"))[0]);
        expect(out["createtxg"]).toBe(Number((await hostProperty(target, `${ds("db")}@pre-upgrade`, "createtxg"))[0]));
        expect(Date.parse(out["creation"])).toBeGreaterThan(Date.parse("2020-01-01"));
        expect(await hostProperty(target, `${ds("db")}@pre-upgrade`, "pulumi:urn")).toEqual([stack.urn(S, "pre"), "local"]);
        expect(await hostProperty(target, `${ds("db")}@pre-upgrade`, "org.example:reason")).toEqual(["before 17", "local"]);
      });

      it("plans nothing when applied again, and a refresh finds no drift", async () => {
        expect((await stack.up(program({ properties: { "org.example:reason": "before 17" } }))).steps["pre"]!.op).toBe("same");
        expect((await stack.refresh()).steps["pre"]!.op).toBe("same");
      });

      it("adds holds in place, and a held snapshot cannot be destroyed by hand", async () => {
        const guid = outputsOf(stack, "pre")["guid"];
        const r = await stack.up(program({ properties: { "org.example:reason": "before 17" }, holds: ["keep", "audit"] }));
        expect(r.steps["pre"]!.op).toBe("update");
        expect(await holdsOn(`${ds("db")}@pre-upgrade`)).toEqual(["audit", "keep"]);
        expect(outputsOf(stack, "pre")).toMatchObject({ guid, holds: ["keep", "audit"] });
        const byHand = await target.exec(`zfs destroy ${ds("db")}@pre-upgrade`);
        expect(byHand.code).toBe(1);
        expect(byHand.stderr).toContain("dataset is busy");
      });

      it("shows a hold released by hand as drift, and up places it again; a stranger's hold is left alone", async () => {
        await mustRun(target, `zfs release audit ${ds("db")}@pre-upgrade && zfs hold someone-else ${ds("db")}@pre-upgrade`);
        const refreshed = await stack.refresh();
        expect(refreshed.steps["pre"]!.op).toBe("update");
        expect(outputsOf(stack, "pre")["holds"]).toEqual(["keep"]);
        await stack.up(program({ properties: { "org.example:reason": "before 17" }, holds: ["keep", "audit"] }));
        expect(await holdsOn(`${ds("db")}@pre-upgrade`)).toEqual(["audit", "keep", "someone-else"]);
      });

      it("removes holds and changes user properties in place", async () => {
        const r = await stack.up(program({ properties: { "org.example:ticket": "OPS-1" }, holds: ["keep"] }));
        expect(r.steps["pre"]!.op).toBe("update");
        expect(await holdsOn(`${ds("db")}@pre-upgrade`)).toEqual(["keep", "someone-else"]);
        expect(await hostProperty(target, `${ds("db")}@pre-upgrade`, "org.example:ticket")).toEqual(["OPS-1", "local"]);
        expect((await hostProperty(target, `${ds("db")}@pre-upgrade`, "org.example:reason"))[1]).not.toBe("local");
      });

      it("refuses the delete while a hold it did not place remains, naming it; releases its own", async () => {
        const text = await failureOf(stack.up({ db: { type: D, inputs: { name: ds("db") } } }));
        expect(text).toMatch(/refusing to destroy snapshot .*@pre-upgrade.*held by tags this resource did not place: someone-else/s);
        expect(await holdsOn(`${ds("db")}@pre-upgrade`)).toEqual(["keep", "someone-else"]);
        await mustRun(target, `zfs release someone-else ${ds("db")}@pre-upgrade`);
      });

      it("renames in place, keeping the snapshot (same guid)", async () => {
        const guid = outputsOf(stack, "pre")["guid"];
        const r = await stack.up({
          db: { type: D, inputs: { name: ds("db") } },
          pre: { type: S, inputs: { dataset: ds("db"), name: "before-17", holds: ["keep"], properties: { "org.example:ticket": "OPS-1" } }, options: { dependsOn: ["db"] } },
        });
        expect(r.steps["pre"]!.op).toBe("update");
        expect(r.steps["pre"]!.diff!.replaces).toEqual([]);
        expect(outputsOf(stack, "pre")).toMatchObject({ guid, fullName: `${ds("db")}@before-17` });
        // An update cannot change the id (UpdateResponse has none); the next read does.
        expect((await stack.refresh()).steps["pre"]!.op).toBe("same");
        expect(stack.resource("pre")!.id).toBe(`${ds("db")}@before-17`);
        expect(await holdsOn(`${ds("db")}@before-17`)).toEqual(["keep"]);
      });

      it("deletes, releasing its own holds first", async () => {
        await stack.up({ db: { type: D, inputs: { name: ds("db") } } });
        expect((await target.exec(`zfs list -H ${ds("db")}@before-17`)).code).toBe(1);
        expect(stack.resource("pre")).toBeUndefined();
      });
    });

    describe("gone, strangers and import", () => {
      it("a snapshot destroyed by hand reads as gone; one re-created under its name is not adopted", async () => {
        const s = newStack();
        await mustRun(target, `zfs create ${ds("gone")}`);
        await s.up({ snap: { type: S, inputs: { dataset: ds("gone"), name: "s" } } });
        await mustRun(target, `zfs destroy ${ds("gone")}@s && zfs snapshot ${ds("gone")}@s`);
        const r = await s.refresh();
        expect(r.steps["snap"]!.op).toBe("delete");
        expect(s.resource("snap")).toBeUndefined();
        expect(warnings(s)).toMatch(/is not the one this resource manages.*left alone; import it/s);
        const text = await failureOf(s.up({ snap: { type: S, inputs: { dataset: ds("gone"), name: "s" } } }));
        expect(text).toMatch(/a snapshot of that name already exists .*pulumi import freebsd:zfs:Snapshot <resource-name> .*@s/s);
        expect((await target.exec(`zfs list -H ${ds("gone")}@s`)).code).toBe(0);
      });

      it("imports by dataset@name with no change planned; a recursive one reads as recursive", async () => {
        await mustRun(target, `zfs create -p ${ds("imp")}/child && zfs snapshot -r -o org.example:k=v ${ds("imp")}@nightly && zfs hold keep ${ds("imp")}@nightly`);
        const s = newStack();
        const r = await s.import("nightly", S, `${ds("imp")}@nightly`);
        expect(r.steps["nightly"]!.op).toBe("import");
        expect(unwrapSecrets(s.resource("nightly")!.inputs as never)).toEqual({
          dataset: ds("imp"), name: "nightly", recursive: true, properties: { "org.example:k": "v" }, holds: ["keep"], forceDestroy: false,
        });
        const up = await s.up({ nightly: { type: S, inputs: { dataset: ds("imp"), name: "nightly", recursive: true, properties: { "org.example:k": "v" }, holds: ["keep"] } } });
        expect(up.steps["nightly"]!.op).toBe("same");
        // Its delete releases the hold it adopted and destroys the snapshots below with it.
        await s.destroy();
        expect((await target.exec(`zfs list -H -t snapshot -o name -r ${ds("imp")}`)).stdout).toBe("");
      });

      it("fails to import a snapshot that does not exist, or a name that is not a snapshot's", async () => {
        const s = newStack();
        await expect(s.import("x", S, `${ds("imp")}@no-such`)).rejects.toThrow(/does not exist/);
        await expect(s.import("x", S, ds("imp"))).rejects.toThrow(/is not a snapshot name/);
      });
    });

    describe("clones and recursion", () => {
      it("refuses the delete while a clone depends on it, naming the clone; forceDestroy defers it, the clone is kept", async () => {
        const s = newStack();
        await mustRun(target, `zfs create ${ds("origin")}`);
        const snap = (over: Record<string, unknown> = {}): Program => ({ base: { type: S, inputs: { dataset: ds("origin"), name: "base", ...over } } });
        await s.up(snap());
        await mustRun(target, `zfs clone ${ds("origin")}@base ${ds("web")}`);
        await s.refresh();
        expect(outputsOf(s, "base")["clones"]).toEqual([ds("web")]);
        const text = await failureOf(s.up({}));
        expect(text).toMatch(new RegExp(`refusing to destroy snapshot .*@base.*cloned from it: ${ds("web").replace(/\//g, "\\/")} \\(a clone of .*@base\\).*forceDestroy: true`, "s"));
        expect((await target.exec(`zfs list -H ${ds("origin")}@base`)).code).toBe(0);
        await s.up(snap({ forceDestroy: true }));
        await s.up({});
        expect(warnings(s)).toMatch(/destroyed deferred \(zfs destroy -d\)/);
        expect(await hostProperty(target, `${ds("origin")}@base`, "defer_destroy")).toEqual(["on", "-"]);
        expect(await datasetExists(target, ds("web"))).toBe(true);
        await mustRun(target, `zfs destroy ${ds("web")}`);
        expect((await target.exec(`zfs list -H ${ds("origin")}@base`)).code).toBe(1);
      });

      it("takes a recursive snapshot atomically and destroys it with -r; changing recursive is refused without forceDestroy", async () => {
        const s = newStack();
        await mustRun(target, `zfs create -p ${ds("tree")}/a/b`);
        const tree = (over: Record<string, unknown> = {}): Program => ({ t: { type: S, inputs: { dataset: ds("tree"), name: "r", recursive: true, holds: ["keep"], ...over } } });
        await s.up(tree());
        const txgs = (await mustRun(target, `zfs list -H -t snapshot -o name,createtxg,userrefs -r ${ds("tree")}`)).trim().split("\n").map((l) => l.split("\t"));
        expect(txgs.map((f) => f[0])).toEqual([`${ds("tree")}@r`, `${ds("tree")}/a@r`, `${ds("tree")}/a/b@r`]);
        expect(new Set(txgs.map((f) => f[1])).size).toBe(1);
        expect(txgs.map((f) => f[2])).toEqual(["1", "1", "1"]);
        const text = await failureOf(s.up(tree({ recursive: false })));
        expect(text).toMatch(/recursive: changing it from true to false replaces the snapshot .*forceDestroy: true/s);
        await s.destroy();
        expect((await mustRun(target, `zfs list -H -t snapshot -o name -r ${ds("tree")}`))).toBe("");
      });
    });
  });
}
