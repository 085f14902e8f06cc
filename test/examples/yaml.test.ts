import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimHost } from "freebsd-sim";
import { isSecret, isUnknown, secret, unwrapSecrets, type ResourceState } from "pulumi-engine-harness";
import { ProgramRunError, type ProgramStack } from "../engine/program/program-stack.ts";
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

describe("the YAML stand-in beyond examples/yaml (test/examples/programs/yaml-features)", () => {
  it("reads typed and secret config, nested and indexed references, an explicit provider, fn::invoke's return, and the pulumi built-ins", async () => {
    const features = programStack({ dir: `${root}/test/examples/programs/yaml-features`, config: {
      sshHost: host.host, sshPort: String(host.port), sshKey: secret(host.privateKey), sshHostKey: host.hostKeyFingerprint, sizes: "[5, 7]",
    } });
    const start = await hostSnapshot(host);
    const preview = await features.preview();
    expect(isUnknown(preview.steps.find((s) => s.name === "data")!.inputs!["name"])).toBe(false);
    await features.up({ skipPreview: true });
    expect(await mustExec(host, "zfs get -H -o value compression,quota zroot/yaml-features-dev")).toBe("lz4\n7G\n");
    const out = features.outputs;
    expect(unwrapSecrets(out)).toEqual({
      kernel: (await mustExec(host, "freebsd-version -k")).trim(), name: "zroot/yaml-features-dev", quota: "7G",
      mountpointText: "mounted at /zroot/yaml-features-dev (literal ${not} interpolated)", sizes: [5, 7], firstSize: 5, token: "not-a-secret-by-default",
    });
    expect(isSecret(out["token"])).toBe(true);
    expect(isSecret(out["name"])).toBe(false);
    const data = features.state.stack.resources.find((r) => r.name === "data")!;
    expect(data.provider).toMatch(/::pulumi:providers:freebsd::sim::/);
    expect(data.ignoreChanges).toEqual(["properties.atime"]);
    const file = readFileSync(features.stateFile, "utf8");
    expect(file).not.toContain("not-a-secret-by-default");
    expect(file).not.toContain(host.privateKey.split("\n")[1]!);
    await features.destroy({ skipPreview: true });
    expect(snapshotChanges(start, await hostSnapshot(host))).toEqual({});
  }, 180_000);

  it("refuses what it does not model, naming it and its line, before registering anything", async () => {
    mkdirSync(join(root, ".sim"), { recursive: true });
    const dir = mkdtempSync(join(root, ".sim", "yaml-"));
    try {
      const cases: [string, RegExp][] = [
        ["variables:\n  joined:\n    fn::join: [\",\", [a, b]]\n", /Pulumi\.yaml:5: fn::join is not modelled by the runner's YAML stand-in/],
        ["resources:\n  old:\n    type: freebsd:zfs:Dataset\n    get:\n      id: zroot/old\n", /Pulumi\.yaml:6: resource 'old': `get:` \(reading an existing resource\) is not modelled/],
        ["resources:\n  d:\n    type: freebsd:zfs:Dataset\n    options:\n      aliases: [x]\n", /Pulumi\.yaml:7: resource 'd': the option `aliases` is not modelled/],
        // Found before the dataset declared above it registers, as Pulumi YAML checks the whole program first.
        ["resources:\n  d:\n    type: freebsd:zfs:Dataset\n    properties:\n      name: zroot/d\noutputs:\n  x: ${d.name}-${nothing}\n", /Pulumi\.yaml:9: \$\{nothing\}: 'nothing' is not a config value, variable or resource/],
        ["variables:\n  a: ${b}\n  b: x${a}\n", /Pulumi\.yaml:\d+: a cycle: (a -> b -> a|b -> a -> b)/],
      ];
      for (const [i, [body, message]] of cases.entries()) {
        const program = join(dir, String(i));
        mkdirSync(program);
        writeFileSync(join(program, "Pulumi.yaml"), `name: refused\nruntime: yaml\n${body}`);
        const s = programStack({ dir: program, config: { "freebsd:host": "127.0.0.1", "freebsd:port": "9" } });
        const err = (await s.preview().catch((e: unknown) => e)) as ProgramRunError;
        expect(err).toBeInstanceOf(ProgramRunError);
        expect(err.result.logs.filter((l) => l.severity === "error").map((l) => l.message).join("\n")).toMatch(message);
        expect(err.result.steps.filter((st) => st.type !== "pulumi:pulumi:Stack")).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
