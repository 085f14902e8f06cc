import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimHost } from "freebsd-sim";
import { isUnknown, type ResourceState } from "pulumi-engine-harness";
import type { ProgramStack } from "../engine/program/program-stack.ts";
import { hostConfig, hostSnapshot, mustExec, programStack, snapshotChanges, startHost, root } from "./program-host.ts";

// examples/web-jail end to end through the program runner against a simulated host (the release's
// sets from the host's /usr/freebsd-dist, as it has no way out): preview, up, a
// refresh with no drift, the quota changed in config and applied in place (the jail untouched), and
// destroy leaving the host as it was.

let host: SimHost;
let stack: ProgramStack;
let before: Record<string, string>;
const resource = (name: string): ResourceState => stack.state.stack.resources.find((r) => r.name === name)!;
const ops = (steps: { op: string; type: string }[]) => steps.filter((s) => !s.type.startsWith("pulumi:providers:")).map((s) => s.op);

beforeAll(async () => {
  host = await startHost();
  before = await hostSnapshot(host);
  stack = programStack({ dir: `${root}/examples/web-jail`, config: { ...hostConfig(host), releaseMirror: "/usr/freebsd-dist" } });
}, 120_000);
afterAll(async () => host?.stop());

describe("examples/web-jail through the program runner", () => {
  it("previews five creates, the jail's root unknown until its dataset exists, and changes nothing", async () => {
    const p = await stack.preview();
    expect(ops(p.steps)).toEqual(Array(5).fill("create"));
    expect(isUnknown(p.steps.find((s) => s.name === "web" && s.type === "freebsd:jail:Jail")!.inputs!["path"])).toBe(true);
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
  }, 120_000);

  it("up makes the release, the jail's dataset as its clone, compressed and under its quota, and the jail on it", async () => {
    await stack.up({ skipPreview: true });
    expect(await mustExec(host, "zfs get -H -o property,value compression,quota,origin zroot/jails/web")).toBe("compression\tzstd\nquota\t10G\norigin\tzroot/jails/14.3-RELEASE@base\n");
    expect(resource("web").inputs["path"]).toBe("/usr/jails/web");
    expect((await mustExec(host, "jls name ip4.addr path")).trim()).toBe("web 127.0.1.80 /usr/jails/web");
    expect(stack.outputs).toMatchObject({ path: "/usr/jails/web", configFile: "/etc/jail.conf.d/web.conf" });
    expect(typeof stack.outputs["jid"]).toBe("number");
  }, 300_000);

  it("refreshes with no drift", async () => {
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps.filter((s) => s.op !== "same")).toEqual([]);
  }, 120_000);

  it("applies a new quota from config in place; the preview and the update touch only the dataset", async () => {
    const jid = (await mustExec(host, "jls -j web jid")).trim();
    stack.setConfig("quota", "20G");
    const u = await stack.up();
    for (const pass of [u.preview!, u]) {
      expect(pass.steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.name}`)).toEqual(["update web-root"]);
    }
    expect(await mustExec(host, "zfs get -H -o value quota zroot/jails/web")).toBe("20G\n");
    expect((await mustExec(host, "jls -j web jid")).trim()).toBe(jid);
  }, 300_000);

  it("destroys everything, leaving the host as it was", async () => {
    await stack.destroy({ skipPreview: true });
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
  }, 300_000);
});
