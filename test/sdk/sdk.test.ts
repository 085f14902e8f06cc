import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

// The SDK is generated from schema.json; it must be current, and (with Pulumi's own mocks
// standing in for the engine) send the right type token, inputs and defaults. package.test.ts
// takes it outside the repository: packed, installed, compiled and run as a user's program.
const root = new URL("../../", import.meta.url).pathname;
const require = createRequire(import.meta.url);

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "bin" || name === "node_modules") return [];
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe("generated SDK", () => {
  it("is current with schema.json (run `make schema`)", () => {
    const fresh = mkdtempSync(join(tmpdir(), "sdk-"));
    execFileSync(process.execPath, [join(root, "scripts/gen-sdk.ts"), fresh]);
    const committed = join(root, "sdk");
    const names = listFiles(fresh).map((f) => relative(fresh, f)).sort();
    expect(listFiles(committed).map((f) => relative(committed, f)).sort()).toEqual(names);
    for (const name of names) expect(readFileSync(join(committed, name), "utf8"), name).toBe(readFileSync(join(fresh, name), "utf8"));
  });

  describe("with Pulumi's mocks", () => {
    const created: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    let sdk: any;
    beforeAll(async () => {
      const pulumi = require("@pulumi/pulumi");
      await pulumi.runtime.setMocks({
        newResource(args: { type: string; name: string; inputs: Record<string, unknown> }) {
          created.push(args);
          return { id: `${args.inputs["name"]}`, state: { ...args.inputs, guid: "42" } };
        },
        call: () => ({}),
      }, "proj", "stack", false);
      sdk = require(join(root, "sdk/bin/index.js"));
    });

    it("registers a Dataset with its token, inputs and schema defaults", async () => {
      const ds = new sdk.zfs.Dataset("web", { name: "zroot/jails/web", properties: { compression: "zstd" } });
      const guid = await new Promise((resolve) => ds.guid.apply(resolve));
      expect(guid).toBe("42");
      const call = created.find((c) => c.name === "web")!;
      expect(call.type).toBe("freebsd:zfs:Dataset");
      expect(call.inputs).toMatchObject({ name: "zroot/jails/web", type: "filesystem", createParents: false, forceDestroy: false, properties: { compression: "zstd" } });
    });

    it("exports each enumeration as a const object of its values", () => {
      expect(sdk.zfs.DatasetType).toEqual({ Filesystem: "filesystem", Volume: "volume" });
      expect(sdk.jail.SysvIpc.Disable).toBe("disable");
      expect(sdk.Become.Doas).toBe("doas");
      expect(sdk.types.enums.rctl.LimitAction.Sigterm).toBe("sigterm");
    });

    it("refuses a Dataset without its required name", () => {
      expect(() => new sdk.zfs.Dataset("bad", {})).toThrow("Missing required property 'name'");
    });
  });
});
