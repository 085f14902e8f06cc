// The stack model's engine logic against an in-process fake provider (no plugin, no FreeBSD host).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeProvider, THING } from "./fake-provider.ts";
import { DeploymentError, Stack, type Program } from "./stack.ts";
import { secret, UNKNOWN } from "./values.ts";

let fake: FakeProvider;
beforeEach(async () => { fake = await new FakeProvider().start(); });
afterEach(() => fake.stop());

const thing = (name: string, size = 1, extra: Record<string, unknown> = {}): Program[string] =>
  ({ type: THING, inputs: { name, size, ...extra } as Program[string]["inputs"] });

function newStack(config: ConstructorParameters<typeof Stack>[1] = {}): Stack {
  return new Stack(fake.launcher(), { config: { host: "h1" }, ...config });
}

describe("up", () => {
  it("creates with a preview pass first, each pass in its own provider connection", async () => {
    const stack = newStack();
    const r = await stack.up({ web: thing("web") });
    expect(r.steps.web?.op).toBe("create");
    expect(r.steps.web?.outputs).toEqual({ name: "web", size: 1, uid: "u1" });
    expect(r.preview?.calls).toEqual(["CheckConfig", "Configure", "Check(web)", "Create(web, preview)"]);
    expect(r.calls).toEqual(["CheckConfig", "Configure", "Check(web)", "Create(web)"]);
    expect(r.preview?.steps.web?.outputs).toEqual({ name: "web", size: 1, uid: UNKNOWN });
    expect(fake.calls.filter((c) => c === "Handshake")).toHaveLength(2);
    expect(fake.calls.filter((c) => c === "Cancel")).toHaveLength(2);
    expect(stack.resource("web")).toMatchObject({ id: "web", inputs: { name: "web", size: 1 }, initErrors: [] });
  });

  it("re-applies with no changes as same, diffing old outputs and old inputs", async () => {
    const stack = newStack();
    await stack.up({ web: thing("web") }, { skipPreview: true });
    const r = await stack.up({ web: thing("web") }, { skipPreview: true });
    expect(r.steps.web?.op).toBe("same");
    expect(r.calls).toEqual(["CheckConfig", "DiffConfig", "Configure", "Check(web)", "Diff(web)"]);
  });

  it("updates in place with Update(preview) in the preview and Update in the update", async () => {
    const stack = newStack();
    await stack.up({ web: thing("web") }, { skipPreview: true });
    const r = await stack.up({ web: thing("web", 2) });
    expect(r.steps.web?.op).toBe("update");
    expect(r.steps.web?.diff?.detailedDiff).toEqual({ size: { kind: "update", inputDiff: true } });
    expect(r.preview?.calls.slice(-3)).toEqual(["Check(web)", "Diff(web)", "Update(web, preview)"]);
    expect(r.calls.slice(-3)).toEqual(["Check(web)", "Diff(web)", "Update(web)"]);
    expect(stack.resource("web")?.outputs).toEqual({ name: "web", size: 2, uid: "u1" });
  });

  it("replaces delete-before-create when the provider asks, re-checking with empty olds", async () => {
    const stack = newStack();
    await stack.up({ web: thing("web") }, { skipPreview: true });
    const r = await stack.up({ web: thing("web2") }, { skipPreview: true });
    expect(r.steps.web?.op).toBe("replace");
    expect(r.steps.web?.diff).toMatchObject({ replaces: ["name"], deleteBeforeReplace: true });
    expect(r.calls.slice(-4)).toEqual(["Diff(web)", "Check(web)", "Delete(web)", "Create(web)"]);
    expect([...fake.cloud.keys()]).toEqual(["web2"]);
  });

  it("replaces create-before-delete when the program overrides deleteBeforeReplace", async () => {
    const stack = newStack();
    await stack.up({ web: thing("web") }, { skipPreview: true });
    const r = await stack.up({ web: { ...thing("web2"), options: { deleteBeforeReplace: false } } }, { skipPreview: true });
    expect(r.calls.slice(-3)).toEqual(["Check(web)", "Create(web)", "Delete(web)"]);
  });

  it("deletes what left the program, and honours ignoreChanges before Check", async () => {
    const stack = newStack();
    await stack.up({ a: thing("a"), b: thing("b") }, { skipPreview: true });
    const r = await stack.up({ a: { ...thing("a", 5), options: { ignoreChanges: ["size"] } } }, { skipPreview: true });
    expect(r.steps.a?.op).toBe("same");
    expect(r.steps.b?.op).toBe("delete");
    expect(stack.state.resources.map((x) => x.name)).toEqual(["a"]);
  });

  it("reports Check failures as the engine prints them", async () => {
    const stack = newStack();
    const err = await stack.up({ web: { type: THING, inputs: { size: 1 } } }, { skipPreview: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentError);
    expect((err as DeploymentError).result.diagnostics[0]?.message).toBe("test:index:Thing resource 'web': property name value {} has a problem: name is required");
  });

  it("records a partial failure with initErrors, and runs Update on the next up even with no diff", async () => {
    const stack = newStack();
    await expect(stack.up({ web: thing("web", 1, { fail: "start failed" }) }, { skipPreview: true })).rejects.toThrow("start failed");
    expect(stack.resource("web")).toMatchObject({ id: "web", initErrors: ["start failed"] });
    const r = await stack.up({ web: thing("web", 1) }, { skipPreview: true });
    expect(r.steps.web?.diff?.changes).toBe("none");
    expect(r.steps.web?.op).toBe("update");
    expect(stack.resource("web")?.initErrors).toEqual([]);
  });

  it("refuses to delete a protected resource", async () => {
    const stack = newStack();
    await stack.up({ web: { ...thing("web"), options: { protect: true } } }, { skipPreview: true });
    await expect(stack.up({}, { skipPreview: true })).rejects.toThrow("cannot be deleted\nbecause it is protected");
    expect(fake.cloud.has("web")).toBe(true);
  });
});

describe("provider config", () => {
  it("sends secret config plain to CheckConfig and wrapped to Configure, with the version", async () => {
    const stack = newStack({ config: { host: "h1", privateKey: secret("KEY") } });
    await stack.up({ web: thing("web") }, { skipPreview: true });
    expect(fake.configures.at(-1)).toEqual({ host: "h1", privateKey: secret("KEY"), version: "0.1.0" });
    expect(stack.state.provider?.urn).toBe("urn:pulumi:test::proj::pulumi:providers:freebsd::default_0_1_0");
  });

  it("in a preview with unknown config, skips Configure and never calls the provider for the resource", async () => {
    const stack = newStack({ config: { host: UNKNOWN } });
    const r = await stack.preview({ web: thing("web") });
    expect(r.calls).toEqual(["CheckConfig"]);
    expect(r.steps.web?.op).toBe("create");
  });

  it("refuses unknown config outside a preview", async () => {
    const stack = newStack({ config: { host: UNKNOWN } });
    await expect(stack.up({ web: thing("web") }, { skipPreview: true })).rejects.toThrow("config host is unknown");
    await expect(newStack({ config: { port: 22 as unknown as string } }).preview({ web: thing("web") })).rejects.toThrow("must be a string");
  });

  it("reuses a single client for every operation, handshaking once", async () => {
    const client = fake.launcher();
    const stack = new Stack(await client(), { config: { host: "h1" } });
    await stack.up({ web: thing("web") });
    await stack.destroy({ skipPreview: true });
    expect(fake.calls.filter((c) => c === "Handshake")).toHaveLength(1);
    expect(fake.calls.filter((c) => c === "Configure")).toHaveLength(3);
    await stack.providers[0]?.kill();
  });

  it("replaces every resource when DiffConfig replaces the provider, deleting with the old config", async () => {
    const stack = newStack();
    await stack.up({ web: thing("web") }, { skipPreview: true });
    stack.config = { host: "h2" };
    const r = await stack.up({ web: thing("web") }, { skipPreview: true });
    expect(r.steps.web?.op).toBe("replace");
    expect(r.steps.web?.diff?.replaces).toEqual(["provider"]);
    expect(fake.configures.map((c) => c.host)).toEqual(["h1", "h2", "h1"]);
    expect(r.calls).toEqual(["CheckConfig", "DiffConfig", "Configure", "Check(web)", "DiffConfig", "Check(web)", "Create(web)", "Delete(web)"]);
  });
});

describe("refresh, import, destroy", () => {
  it("refresh reports drift with the diff inverted and drops what is gone", async () => {
    const stack = newStack();
    await stack.up({ a: thing("a"), b: thing("b") }, { skipPreview: true });
    fake.cloud.set("a", { ...fake.cloud.get("a"), size: 7 });
    fake.cloud.delete("b");
    const r = await stack.refresh({ skipPreview: true });
    // Refresh steps run in parallel, as in the engine: Configure first, then the Reads and Diffs in any order.
    expect(r.calls[0]).toBe("Configure");
    expect([...r.calls].sort()).toEqual(["Configure", "Read(a)", "Diff(a)", "Read(b)"].sort());
    expect(r.steps.a).toMatchObject({ op: "update", diff: { detailedDiff: { size: { kind: "update", inputDiff: true } } } });
    expect(r.steps.b?.op).toBe("delete");
    expect(stack.state.resources.map((x) => [x.name, x.inputs.size])).toEqual([["a", 7]]);
  });

  it("pulumi import reads by id, checks the read inputs and protects the resource", async () => {
    fake.cloud.set("old", { name: "old", size: 3, uid: "x" });
    const stack = newStack();
    const r = await stack.import("old", THING, "old", { skipPreview: true });
    expect(r.calls).toEqual(["CheckConfig", "Configure", "Read(old)", "Check(old)"]);
    expect(stack.resource("old")).toMatchObject({ id: "old", inputs: { name: "old", size: 3 }, protect: true });
    await expect(stack.import("nope", THING, "nope", { skipPreview: true })).rejects.toThrow("resource 'nope' does not exist");
  });

  it("the import option adopts, then updates what the program changes", async () => {
    fake.cloud.set("old", { name: "old", size: 3, uid: "x" });
    const stack = newStack();
    const r = await stack.up({ old: { ...thing("old", 4), options: { import: "old" } } }, { skipPreview: true });
    expect(r.calls).toEqual(["CheckConfig", "Configure", "Read(old)", "Check(old)", "Diff(old)", "Update(old)"]);
    expect(r.steps.old).toMatchObject({ op: "update", imported: true });
    await expect(stack.up({ old: { ...thing("renamed", 4), options: { import: "old" } } }, { skipPreview: true }))
      .rejects.toThrow("previously-imported resources that still specify an ID may not be replaced");
  });

  it("destroy deletes in reverse creation order", async () => {
    const stack = newStack();
    await stack.up({ a: thing("a"), b: thing("b") }, { skipPreview: true });
    const r = await stack.destroy({ skipPreview: true });
    expect(r.calls).toEqual(["Configure", "Delete(b)", "Delete(a)"]);
    expect(stack.state.resources).toEqual([]);
  });
});

describe("parallel steps", () => {
  it("starts independent creates together and waits only for dependsOn; deletes wait for their dependents", async () => {
    const stack = newStack({ parallel: true });
    const program: Program = {
      a: thing("a"), b: thing("b"),
      c: { ...thing("c"), options: { dependsOn: ["a", "b"] } },
    };
    const r = await stack.up(program, { skipPreview: true });
    const creates = r.calls.filter((c) => c.startsWith("Create("));
    expect(creates.slice(0, 2).sort()).toEqual(["Create(a)", "Create(b)"]);
    expect(creates[2]).toBe("Create(c)");
    // a and b were both asked for before either answered: their Checks precede both Creates.
    expect(r.calls.indexOf("Check(b)")).toBeLessThan(r.calls.indexOf("Create(a)"));
    expect(stack.resource("c")!.dependencies).toEqual([stack.urn(THING, "a"), stack.urn(THING, "b")]);
    const gone = await stack.destroy({ skipPreview: true });
    const deletes = gone.calls.filter((c) => c.startsWith("Delete("));
    expect(deletes[0]).toBe("Delete(c)");
    expect(deletes.slice(1).sort()).toEqual(["Delete(a)", "Delete(b)"]);
  });

  it("refuses a dependsOn that names no resource, or a cycle", async () => {
    const stack = newStack({ parallel: true });
    await expect(stack.up({ a: { ...thing("a"), options: { dependsOn: ["z"] } } }, { skipPreview: true })).rejects.toThrow(/names z/);
    await expect(stack.up({
      a: { ...thing("a"), options: { dependsOn: ["b"] } }, b: { ...thing("b"), options: { dependsOn: ["a"] } },
    }, { skipPreview: true })).rejects.toThrow(/cycle/);
  });
});
