import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { buildSchema } from "../../provider/src/schema.ts";
import { resources } from "../../provider/src/resources/index.ts";

// schema.json is generated from the zod schemas; it must be current, valid against Pulumi's
// metaschema, and pass the binder's rules the metaschema does not encode (protocol notes §5).
const require = createRequire(import.meta.url);
const metaschemaPath = new URL("../../../shared/reference/pulumi-package-metaschema.json", import.meta.url);
const committed = JSON.parse(readFileSync(new URL("../../schema.json", import.meta.url), "utf8"));

describe("schema.json", () => {
  it("is what the provider generates (run `make schema` after changing a resource)", () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildSchema())));
  });

  it.skipIf(!existsSync(metaschemaPath))("validates against Pulumi's package metaschema (skipped: ../shared/reference is absent)", () => {
    const Ajv2020 = require("ajv/dist/2020").default;
    const addFormats = require("ajv-formats").default;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(metaschemaPath, "utf8")));
    const ok = validate(committed);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("follows the binder's rules: tokens, reserved names, resolvable refs", () => {
    for (const token of [...Object.keys(committed.resources), ...Object.keys(committed.types)]) {
      expect(token).toMatch(/^freebsd:[a-z]+:[A-Z][A-Za-z]+$/);
    }
    expect(committed.resources["freebsd:index:Provider"]).toBeUndefined();
    expect(Object.keys(committed.provider.inputProperties)).not.toContain("version");
    for (const spec of Object.values<any>(committed.resources)) {
      expect(Object.keys(spec.properties)).not.toContain("id");
      expect(Object.keys(spec.properties)).not.toContain("urn");
    }
    const refs = JSON.stringify(committed).match(/"#\/types\/[^"]+"/g) ?? [];
    for (const ref of refs) expect(committed.types[ref.slice(9, -1)]).toBeDefined();
  });

  it("documents every input and output, and covers every registered resource", () => {
    expect(Object.keys(committed.resources)).toEqual(resources.map((r) => r.token));
    for (const spec of Object.values<any>(committed.resources)) {
      for (const prop of [...Object.values<any>(spec.inputProperties), ...Object.values<any>(spec.properties)]) {
        expect(prop.description ?? prop.$ref).toBeTruthy();
      }
    }
    expect(committed.config.variables.privateKey.secret).toBe(true);
    expect(committed.config.variables.host.defaultInfo.environment).toEqual(["FREEBSD_HOST"]);
  });
});
