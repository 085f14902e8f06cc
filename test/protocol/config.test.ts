import { describe, expect, it } from "vitest";
import { checkConfig, resolveConfig } from "../../provider/src/protocol/config.ts";
import { Secret } from "../../provider/src/protocol/values.ts";

describe("checkConfig", () => {
  it("decodes string-typed config to its schema types and keeps version", () => {
    const r = checkConfig({ host: "h", port: "2222", insecureIgnoreHostKey: "true", maxSessions: "4", version: "0.1.0", user: "true" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ host: "h", port: 2222, insecureIgnoreHostKey: true, maxSessions: 4, version: "0.1.0", user: "true" });
  });
  it("names the key and the rule for bad values and unknown keys", () => {
    const r = checkConfig({ port: "99999", become: "su", hots: "x" });
    expect(r.failures.map((f) => f.property).sort()).toEqual(["become", "hots", "port"]);
    expect(r.failures.find((f) => f.property === "port")!.reason).toMatch(/freebsd:port: .*65535/);
    expect(r.failures.find((f) => f.property === "hots")!.reason).toMatch(/unknown configuration key freebsd:hots/);
    expect(r.failures.find((f) => f.property === "maxSessions")).toBeUndefined();
    expect(checkConfig({ maxSessions: "10" }).failures[0]!.reason).toMatch(/maxSessions/);
  });
});

describe("resolveConfig", () => {
  it("takes secrets wrapped, fills defaults and FREEBSD_* environment values", () => {
    const r = resolveConfig({ privateKey: new Secret("KEY"), port: "22" }, { FREEBSD_HOST: "10.0.0.1", SSH_AUTH_SOCK: "/s" });
    expect(r).toEqual({
      config: expect.objectContaining({ host: "10.0.0.1", port: 22, user: "root", privateKey: "KEY", agent: "/s", become: "none", maxSessions: 8 }),
    });
  });
  it("reports a missing host", () => {
    expect(resolveConfig({}, {})).toEqual({ missing: ["host"] });
  });
});
