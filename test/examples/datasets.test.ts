import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimHost } from "freebsd-sim";
import { isUnknown } from "pulumi-engine-harness";
import type { ProgramStack } from "../engine/program/program-stack.ts";
import { copyProgram, hostConfig, hostSnapshot, mustExec, programStack, snapshotChanges, startHost } from "./program-host.ts";

// examples/datasets end to end through the program runner against a simulated host, its first preview
// type checked as `pulumi preview` does by default: preview, up, a refresh with no drift, a quota
// changed in the program and applied in place, destroy leaving the host as it was.

let host: SimHost;
let program: ReturnType<typeof copyProgram>;
let stack: ProgramStack;
let before: Record<string, string>;
const ops = (steps: { op: string; type: string }[]) => steps.filter((s) => !s.type.startsWith("pulumi:providers:")).map((s) => s.op);

beforeAll(async () => {
  host = await startHost();
  before = await hostSnapshot(host);
  program = copyProgram("examples/datasets");
  stack = programStack({ dir: program.dir, config: hostConfig(host) });
}, 120_000);
afterAll(async () => {
  await host?.stop();
  program?.remove();
});

describe("examples/datasets through the program runner", () => {
  it("previews, type checked, seven creates and the web root's mountpoint unknown", async () => {
    const checked = programStack({ dir: program.dir, config: hostConfig(host), stateFile: stack.stateFile, typeCheck: true });
    const p = await checked.preview();
    expect(ops(p.steps)).toEqual(Array(7).fill("create"));
    expect(isUnknown(p.news.components[0]!.outputs["webRoot"])).toBe(true);
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
  }, 180_000);

  it("up creates every dataset, parents declared, and the output is known", async () => {
    await stack.up({ skipPreview: true });
    expect((await mustExec(host, "zfs list -H -o name -r zroot/jails zroot/vm")).trim().split("\n")).toEqual([
      "zroot/jails", "zroot/jails/db", "zroot/jails/db/pgdata", "zroot/jails/web", "zroot/vm", "zroot/vm/disk0",
    ]);
    expect(stack.outputs["webRoot"]).toBe("/usr/jails/web");
  }, 300_000);

  it("refreshes with no drift, then applies a quota changed in the program in place", async () => {
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps.filter((s) => s.op !== "same")).toEqual([]);
    program.edit('quota: "20G"', 'quota: "30G"');
    const u = await stack.up({ skipPreview: true });
    expect(u.steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.name}`)).toEqual(["update web"]);
    expect(await mustExec(host, "zfs get -H -o value quota zroot/jails/web")).toBe("30G\n");
  }, 300_000);

  it("destroys everything, leaving the host as it was", async () => {
    await stack.destroy({ skipPreview: true });
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
  }, 300_000);
});
