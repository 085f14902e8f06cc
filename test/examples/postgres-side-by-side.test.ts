import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimHost } from "freebsd-sim";
import { isUnknown, type ResourceState } from "pulumi-engine-harness";
import { ProgramRunError, type ProgramStack } from "../engine/program/program-stack.ts";
import { hostConfig, hostSnapshot, mustExec, programStack, root, snapshotChanges, startHost } from "./program-host.ts";

// examples/postgres-side-by-side end to end through the program runner against a simulated host (no
// PostgreSQL there: the database's data is the files the example's stand-in for initdb writes):
// preview, up (production's data snapshotted, held, cloned into the test jail), a refresh with no
// drift, the test clone written to and rolled back by a new test run while production keeps its own
// writes and gets a new quota, and destroy leaving the host as it was.

let host: SimHost;
let stack: ProgramStack;
let before: Record<string, string>;
const resource = (name: string): ResourceState => stack.state.stack.resources.find((r) => r.name === name)!;
const ops = (steps: { op: string; type: string }[]) => steps.filter((s) => !s.type.startsWith("pulumi:providers:")).map((s) => s.op);
const changed = (steps: { op: string; type: string; name: string }[]) =>
  steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.name}`).sort();
const prodDir = "/usr/jails/pgprod/var/db/postgres/data15";
const testDir = "/usr/jails/pgtest/var/db/postgres/data15";

beforeAll(async () => {
  host = await startHost();
  before = await hostSnapshot(host);
  stack = programStack({ dir: `${root}/examples/postgres-side-by-side`, config: { ...hostConfig(host), releaseMirror: "/usr/freebsd-dist" } });
}, 120_000);
afterAll(async () => host?.stop());

describe("examples/postgres-side-by-side through the program runner", () => {
  it("previews every create, the test data's origin and each data dataset's mountpoint unknown, and changes nothing", async () => {
    const p = await stack.preview();
    expect(ops(p.steps)).toEqual(Array(14).fill("create")); // the stack and its 13 resources
    const inputs = (name: string) => p.steps.find((s) => s.name === name && !s.type.startsWith("pulumi:"))!.inputs!;
    expect(isUnknown(inputs("pgtest-data")["cloneFrom"])).toBe(true);
    expect(isUnknown((inputs("pgprod-data")["properties"] as Record<string, unknown>)["mountpoint"])).toBe(true);
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
  }, 120_000);

  it("up clones production's snapshot, held, into the test jail's data beside production", async () => {
    await stack.up({ skipPreview: true });
    expect((await mustExec(host, "jls name ip4.addr path")).trim().split("\n")).toEqual([
      "pgprod 127.0.1.50 /usr/jails/pgprod", "pgtest 127.0.1.51 /usr/jails/pgtest",
    ]);
    expect(await mustExec(host, "zfs get -H -o property,value origin,mountpoint zroot/pgdata/test")).toBe(
      "origin\tzroot/pgdata/prod@before-upgrade\nmountpoint\t/usr/jails/pgtest/var/db/postgres\n",
    );
    expect(await mustExec(host, "zfs get -H -o value quota,recordsize zroot/pgdata/prod")).toBe("20G\n16K\n");
    expect(await mustExec(host, "zfs holds -H zroot/pgdata/prod@before-upgrade")).toMatch(/^zroot\/pgdata\/prod@before-upgrade\tupgrade-test\t/);
    expect(await mustExec(host, "zfs list -H -t snapshot -o name -r zroot/pgdata")).toBe("zroot/pgdata/prod@before-upgrade\nzroot/pgdata/test@clean\n");
    // What the stand-in for initdb wrote in production is in the test jail, through the clone.
    expect(await mustExec(host, "jexec pgtest cat /var/db/postgres/data15/PG_VERSION")).toBe("15\n");
    expect(await mustExec(host, "jexec pgprod cat /var/db/postgres/data15/base/16384")).toBe("orders: 3 rows\n");
    expect(resource("pgtest-data").inputs["cloneFrom"]).toBe("zroot/pgdata/prod@before-upgrade");
    expect(stack.outputs).toMatchObject({
      prodPath: "/usr/jails/pgprod", testPath: "/usr/jails/pgtest", testDataOrigin: "zroot/pgdata/prod@before-upgrade",
      snapshot: "zroot/pgdata/prod@before-upgrade",
    });
  }, 300_000);

  it("refreshes with no drift", async () => {
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps.filter((s) => s.op !== "same")).toEqual([]);
  }, 120_000);

  it("a new test run rolls the test clone back with its jail restarted; production keeps its writes and gets its new quota", async () => {
    // The upgrade test rewrites its copy; production goes on taking writes.
    await mustExec(host, `jexec pgtest sh -c 'echo 16 > /var/db/postgres/data15/PG_VERSION && echo upgraded > /var/db/postgres/data15/base/16385'`);
    await mustExec(host, `echo 'orders: 4 rows' > ${prodDir}/base/16384`);
    const testJid = (await mustExec(host, "jls -j pgtest jid")).trim();
    const prodJid = (await mustExec(host, "jls -j pgprod jid")).trim();
    stack.setConfig("testRun", "2");
    stack.setConfig("dataQuota", "40G");
    const u = await stack.up();
    for (const pass of [u.preview!, u]) expect(changed(pass.steps)).toEqual(["update pgprod-data", "update pgtest-reset"]);
    expect(await mustExec(host, `cat ${testDir}/PG_VERSION; ls ${testDir}/base`)).toBe("15\n16384\n");
    expect(await mustExec(host, `cat ${testDir}/base/16384 ${prodDir}/base/16384`)).toBe("orders: 3 rows\norders: 4 rows\n");
    expect(await mustExec(host, "zfs get -H -o value quota zroot/pgdata/prod")).toBe("40G\n");
    expect((await mustExec(host, "jls -j pgtest jid")).trim()).not.toBe(testJid);
    expect((await mustExec(host, "jls -j pgprod jid")).trim()).toBe(prodJid);
    expect(resource("pgtest-reset").outputs).toMatchObject({ triggers: ["2"], destroyedSnapshots: [] });
    const again = await stack.up({ skipPreview: true });
    expect(changed(again.steps)).toEqual([]);
  }, 300_000);

  it("refuses to destroy the databases' data holding files until destroyData is applied (issue 13)", async () => {
    const err = (await stack.destroy({ skipPreview: true }).catch((e: unknown) => e)) as ProgramRunError;
    expect(err).toBeInstanceOf(ProgramRunError);
    const text = err.result.diagnostics.map((d) => d.message).join("\n");
    expect(text).toMatch(/refusing to destroy zroot\/pgdata\/test on .*: it holds files \(\/usr\/jails\/pgtest\/var\/db\/postgres\/data15\); nothing was destroyed/);
    expect(await mustExec(host, `cat ${prodDir}/PG_VERSION`)).toBe("15\n");
    expect(stack.state.stack.resources.map((r) => r.name)).toEqual(expect.arrayContaining(["pgprod-data", "pgtest-data"]));
  }, 300_000);

  it("destroys everything, snapshots and holds included, leaving the host as it was", async () => {
    stack.setConfig("destroyData", "true");
    await stack.up({ skipPreview: true });
    await stack.destroy({ skipPreview: true });
    expect(stack.state.stack.resources).toEqual([]);
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
  }, 300_000);
});
