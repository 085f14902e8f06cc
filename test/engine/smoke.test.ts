// The real plugin, started as the engine starts it: handshake, plugin info and schema.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProvider, type ProviderClient } from "./harness.ts";

const DIST = resolve(import.meta.dirname, "../../provider/dist/main.js");
const COMMITTED_SCHEMA = resolve(import.meta.dirname, "../../schema.json");

describe("the real plugin", () => {
  let provider: ProviderClient;
  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`make build\` first`);
    provider = await startProvider();
  });
  afterAll(async () => provider?.kill());

  it("handshakes accepting secrets and resources", async () => {
    expect(await provider.handshake()).toMatchObject({ acceptSecrets: true, acceptResources: true, supportsPreview: true });
  });

  it("reports a semver version", async () => {
    const { version } = await provider.getPluginInfo();
    expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);
  });

  it("returns a schema named freebsd, at the plugin's version, equal to the committed schema.json", async () => {
    const schema = JSON.parse(await provider.getSchema()) as { name: string; version?: string };
    expect(schema.name).toBe("freebsd");
    expect(schema.version).toBe((await provider.getPluginInfo()).version);
    expect(schema).toEqual(JSON.parse(readFileSync(COMMITTED_SCHEMA, "utf8")));
  });

  it("printed nothing to the engine log while starting", () => {
    expect(provider.engine?.entries("warning")).toEqual([]);
  });
});
