import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimHost } from "freebsd-sim";
import { isUnknown, type ResourceState } from "pulumi-engine-harness";
import type { ProgramStack } from "../engine/program/program-stack.ts";
import { hostConfig, hostSnapshot, mustExec, programStack, snapshotChanges, startHost, root } from "./program-host.ts";

// examples/yaml, a Pulumi YAML program, end to end through the program runner's stand-in for the YAML
// language host against a simulated host: preview, up, a refresh with no drift, the quota changed in
// config and applied in place, and destroy leaving the host as it was. The simulated host has no em0,
// so the stack's config puts the jail's address (the example's 192.0.2.10) on its vtnet0; the program
// itself is the example as it is.

let host: SimHost;
let stack: ProgramStack;
let before: Record<string, string>;
const resource = (name: string): ResourceState => stack.state.stack.resources.find((r) => r.name === name)!;
const ops = (steps: { op: string; type: string }[]) => steps.filter((s) => !s.type.startsWith("pulumi:providers:")).map((s) => `${s.op} ${s.type}`);

beforeAll(async () => {
  host = await startHost();
  before = await hostSnapshot(host);
  stack = programStack({ dir: `${root}/examples/yaml`, config: { ...hostConfig(host), interface: "vtnet0" } });
}, 120_000);
afterAll(async () => host?.stop());

describe("examples/yaml through the program runner's YAML stand-in", () => {
  it("previews the stack, two datasets and the jail, the jail's path unknown until its dataset exists, and changes nothing", async () => {
    const p = await stack.preview();
    expect(ops(p.steps).sort()).toEqual(["create freebsd:jail:Jail", "create freebsd:zfs:Dataset", "create freebsd:zfs:Dataset", "create pulumi:pulumi:Stack"]);
    // Registered in dependency order, as the YAML program declares them.
    expect(p.order.map((u) => u.split("::").pop())).toEqual(["freebsd-jail-yaml-dev", "jails", "webRoot", "web"]);
    const web = p.steps.find((s) => s.name === "web")!;
    expect(isUnknown(web.inputs!["path"])).toBe(true);
    // Config interpolated into a string: the interface from the stack, the address the example's default.
    expect(web.inputs!["ip4"]).toEqual(["vtnet0|192.0.2.10/24"]);
    expect(p.steps.find((s) => s.name === "webRoot")!.inputs!["properties"]).toMatchObject({ quota: "20G" });
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
  }, 120_000);

  it("up makes the datasets and the jail running with its parameters; the outputs are the host's and the resources'", async () => {
    await stack.up({ skipPreview: true });
    expect(await mustExec(host, "zfs get -H -o name,property,value mountpoint,compression,atime,quota zroot/jails zroot/jails/web")).toBe(
      "zroot/jails\tmountpoint\t/usr/jails\nzroot/jails\tcompression\tzstd\nzroot/jails\tatime\toff\nzroot/jails\tquota\tnone\n" +
      "zroot/jails/web\tmountpoint\t/usr/jails/web\nzroot/jails/web\tcompression\tzstd\nzroot/jails/web\tatime\toff\nzroot/jails/web\tquota\t20G\n");
    expect((await mustExec(host, "jls name host.hostname ip4.addr path")).trim()).toBe("web web.example.org 192.0.2.10 /usr/jails/web");
    expect((await mustExec(host, "jls -j web persist sysvshm allow.raw_sockets")).trim()).toBe("true new true");
    // The dataset's mountpoint flowed into the jail's path; dependsOn and the Output are dependencies.
    expect(resource("web").inputs["path"]).toBe("/usr/jails/web");
    expect(resource("webRoot").dependencies).toContain(resource("jails").urn);
    expect(resource("web").dependencies).toContain(resource("webRoot").urn);
    expect(stack.outputs).toEqual({
      kernelVersion: (await mustExec(host, "freebsd-version -k")).trim(), webRoot: "/usr/jails/web", webJailConfig: "/etc/jail.conf.d/web.conf",
    });
  }, 300_000);

  it("refreshes with no drift", async () => {
    const r = await stack.refresh({ skipPreview: true });
    expect(r.steps.filter((s) => s.op !== "same")).toEqual([]);
  }, 120_000);

  it("applies a new quota from config in place; the preview and the update touch only the jail's dataset", async () => {
    const jid = (await mustExec(host, "jls -j web jid")).trim();
    stack.setConfig("quota", "30G");
    const u = await stack.up();
    for (const pass of [u.preview!, u]) {
      expect(pass.steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.name}`)).toEqual(["update webRoot"]);
    }
    expect(await mustExec(host, "zfs get -H -o value quota zroot/jails/web")).toBe("30G\n");
    expect((await mustExec(host, "jls -j web jid")).trim()).toBe(jid);
  }, 300_000);

  it("destroys everything, leaving the host as it was", async () => {
    await stack.destroy({ skipPreview: true });
    expect(snapshotChanges(before, await hostSnapshot(host))).toEqual({});
    expect(stack.state.stack.resources).toEqual([]);
  }, 300_000);
});
