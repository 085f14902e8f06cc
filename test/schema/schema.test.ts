import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { providerConfigSchema } from "../../provider/src/core/config.ts";
import { functions } from "../../provider/src/functions/index.ts";
import { buildSchema } from "../../provider/src/schema.ts";
import { resources } from "../../provider/src/resources/index.ts";

// schema.json is generated from the zod schemas; it must be current, valid against Pulumi's
// metaschema, pass the binder's rules the metaschema does not encode (protocol notes §5), and carry
// what the SDK generators of every language need: integer and enum types, replaceOnChanges from
// each resource's own rule, Import sections, package metadata and four language sections.
const require = createRequire(import.meta.url);
// Pulumi's pkg/codegen/schema/pulumi.json, committed beside this test so the check always runs.
const metaschemaPath = new URL("./pulumi-package-metaschema.json", import.meta.url);
const sharedMetaschemaPath = new URL("../../../shared/reference/pulumi-package-metaschema.json", import.meta.url);
const committed = JSON.parse(readFileSync(new URL("../../schema.json", import.meta.url), "utf8"));

type Json = Record<string, any>;
const typeOf = (spec: Json): Json | undefined => committed.types[String(spec["$ref"] ?? "").replace("#/types/", "")];
const inputSchemaOf = (schema: z.ZodType): Json => z.toJSONSchema(schema, { io: "input" }) as Json;

describe("schema.json", () => {
  it("is what the provider generates (run `make schema` after changing a resource)", () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildSchema())));
  });

  it("validates against Pulumi's package metaschema (test/schema/pulumi-package-metaschema.json)", () => {
    const metaschema = JSON.parse(readFileSync(metaschemaPath, "utf8"));
    // The reference copy, where a checkout has it, is the one this file was taken from.
    if (existsSync(sharedMetaschemaPath)) expect(metaschema).toEqual(JSON.parse(readFileSync(sharedMetaschemaPath, "utf8")));
    const Ajv2020 = require("ajv/dist/2020").default;
    const addFormats = require("ajv-formats").default;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(metaschema);
    const ok = validate(committed);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("follows the binder's rules: tokens, reserved names, resolvable refs", () => {
    for (const token of [...Object.keys(committed.resources), ...Object.keys(committed.types)]) {
      expect(token).toMatch(/^freebsd:[a-z]+:[A-Z][A-Za-z0-9]+$/);
    }
    expect(committed.resources["freebsd:index:Provider"]).toBeUndefined();
    expect(Object.keys(committed.provider.inputProperties)).not.toContain("version");
    for (const spec of Object.values<Json>(committed.resources)) {
      expect(Object.keys(spec.properties)).not.toContain("id");
      expect(Object.keys(spec.properties)).not.toContain("urn");
      expect(Object.keys(spec.stateInputs.properties)).not.toContain("id");
    }
    const refs = JSON.stringify(committed).match(/"#\/types\/[^"]+"/g) ?? [];
    for (const ref of refs) expect(committed.types[ref.slice(9, -1)], ref).toBeDefined();
  });

  it("documents every input and output, and covers every registered resource and function", () => {
    expect(Object.keys(committed.resources)).toEqual(resources.map((r) => r.token));
    expect(Object.keys(committed.functions)).toEqual(functions.map((f) => f.token));
    for (const spec of Object.values<Json>(committed.resources)) {
      for (const prop of [...Object.values<Json>(spec.inputProperties), ...Object.values<Json>(spec.properties)]) {
        expect(prop.description ?? prop.$ref).toBeTruthy();
      }
    }
    expect(committed.config.variables.privateKey.secret).toBe(true);
    expect(committed.provider.inputProperties.password.secret).toBe(true);
    expect(committed.config.variables.host.defaultInfo.environment).toEqual(["FREEBSD_HOST"]);
  });

  it("publishes no environment default for the agent socket or the bastion, so no SDK records them in the state", () => {
    for (const key of ["agent", "agentSocketPath", "proxy"]) {
      expect(committed.config.variables[key], key).toBeDefined();
      expect(committed.config.variables[key].defaultInfo, key).toBeUndefined();
    }
    expect(readFileSync(new URL("../../sdk/provider.ts", import.meta.url), "utf8")).not.toMatch(/getEnv\([^)]*(SSH_AUTH_SOCK|FREEBSD_AGENT|FREEBSD_PROXY)/);
    // pulumi-command's names are there, secret where their canonical key is; the bastion's credentials are secret.
    expect(committed.config.variables.privateKeyPassword.secret).toBe(true);
    expect(committed.config.variables.dialErrorLimit.default).toBe(10);
    const proxy = typeOf(committed.config.variables.proxy)!;
    for (const key of ["privateKey", "privateKeyPassphrase", "privateKeyPassword", "password"]) expect(proxy.properties[key].secret, key).toBe(true);
    expect(proxy.properties.host.secret).toBeUndefined();
  });

  it("types integers as integer where zod says int, and other numbers as number", () => {
    expect(committed.config.variables.port.type).toBe("integer");
    expect(committed.config.variables.maxSessions.type).toBe("integer");
    expect(committed.resources["freebsd:jail:Jail"].inputProperties.securelevel.type).toBe("integer");
    expect(committed.resources["freebsd:zfs:Dataset"].properties.used.type).toBe("number");
    const config = inputSchemaOf(providerConfigSchema).properties as Json;
    for (const [key, js] of Object.entries<Json>(config)) {
      if (js.type === "integer" || js.type === "number") expect(committed.config.variables[key].type, key).toBe(js.type);
    }
  });

  it("makes every enumeration a named enum type, in every resource's inputs", () => {
    const enumValues = (spec: Json) => (typeOf(spec)?.enum as { value: unknown }[] | undefined)?.map((e) => e.value);
    expect(enumValues(committed.config.variables.become)).toEqual(["none", "sudo", "doas"]);
    expect(enumValues(committed.resources["freebsd:zfs:Dataset"].inputProperties.type)).toEqual(["filesystem", "volume"]);
    for (const key of ["sysvshm", "sysvsem", "sysvmsg"]) {
      expect(enumValues(committed.resources["freebsd:jail:Jail"].inputProperties[key])).toEqual(["new", "inherit", "disable"]);
    }
    expect(enumValues(committed.resources["freebsd:rctl:Limit"].inputProperties.action)).toContain("sigterm");
    expect(enumValues(committed.resources["freebsd:rctl:Limit"].inputProperties.resource)).toContain("memoryuse");
    for (const def of resources) {
      for (const [key, js] of Object.entries<Json>(inputSchemaOf(def.inputs).properties ?? {})) {
        if (js.enum) expect(enumValues(committed.resources[def.token].inputProperties[key]), `${def.token}.${key}`).toEqual(js.enum);
      }
    }
    expect(JSON.stringify(committed.resources)).not.toContain('"enum"');
  });

  it("marks replaceOnChanges exactly where each resource's own rule replaces, on inputs and outputs", () => {
    expect(committed.resources["freebsd:zfs:Dataset"].inputProperties.type.replaceOnChanges).toBe(true);
    expect(committed.resources["freebsd:zfs:Dataset"].inputProperties.name.replaceOnChanges).toBeUndefined();
    expect(committed.resources["freebsd:jail:Jail"].properties.name.replaceOnChanges).toBe(true);
    for (const def of resources) {
      const spec = committed.resources[def.token];
      for (const key of Object.keys(spec.inputProperties)) {
        const replaces = def.rule?.([key]) === "replace";
        expect(spec.inputProperties[key].replaceOnChanges === true, `${def.token}.${key}`).toBe(replaces);
        if (spec.properties[key]) expect(spec.properties[key].replaceOnChanges === true, `${def.token} output ${key}`).toBe(replaces);
      }
    }
  });

  it("ends the description of every resource found by its id alone with an Import section", () => {
    for (const def of resources.filter((r) => r.kind === "planned")) {
      const description: string = committed.resources[def.token].description;
      expect(description, def.token).toMatch(new RegExp(`\\n## Import\\n\\n(.+\\n\\n)?\`\`\`sh\\n\\$ pulumi import ${def.token} NAME \\S+\\n\`\`\`\\n$`));
      expect(description, def.token).not.toContain("Import with");
    }
    expect(committed.resources["freebsd:zfs:Dataset"].description).toContain("$ pulumi import freebsd:zfs:Dataset NAME pool/path\n");
  });

  it("carries the package metadata and a section for each of the four SDK languages", () => {
    expect(committed).toMatchObject({
      repository: "https://github.com/pulumi-freebsd/pulumi-freebsd",
      homepage: expect.stringMatching(/^https:\/\//),
      logoUrl: expect.stringMatching(/^https:\/\//),
      license: "Apache-2.0",
      publisher: expect.any(String),
      pluginDownloadURL: "github://api.github.com/pulumi-freebsd/pulumi-freebsd",
    });
    expect(committed.keywords).toEqual(expect.arrayContaining(["pulumi", "freebsd", "jails", "zfs", "category/infrastructure", "kind/native"]));
    expect(committed.language.nodejs).toMatchObject({ packageName: "@pulumi-freebsd/freebsd", dependencies: { "@pulumi/pulumi": expect.any(String) } });
    expect(committed.language.python).toMatchObject({ packageName: "pulumi_freebsd", requires: { pulumi: ">=3.0.0,<4.0.0" } });
    expect(committed.language.go).toMatchObject({
      importBasePath: "github.com/pulumi-freebsd/pulumi-freebsd/sdk/go/freebsd",
      generateResourceContainerTypes: true,
    });
    expect(committed.language.csharp).toMatchObject({ rootNamespace: "PulumiFreebsd", packageReferences: { Pulumi: expect.any(String) } });
  });
});
