// The harness as the workspace package pulumi-engine-harness: its public entry, by name, under node.

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const TOP = join(import.meta.dirname, "../..");

describe("package pulumi-engine-harness", () => {
  it("exports the stack, the plugin launcher and the value helpers by name", () => {
    const out = execFileSync(process.execPath, ["--disable-warning=ExperimentalWarning", "--input-type=module", "-e", [
      'const h = await import("pulumi-engine-harness");',
      'console.log([h.Stack, h.DeploymentError, h.startProvider, h.ProviderError, h.secret, h.isSecret, h.unwrapSecrets]',
      '  .map((f) => typeof f).join(" "), typeof h.UNKNOWN, h.isSecret(h.secret("x")));',
      'console.log(import.meta.resolve("pulumi-engine-harness").includes("/node_modules/"));',
    ].join("\n")], { cwd: TOP, encoding: "utf8" });
    expect(out).toBe("function function function function function function function object true\nfalse\n");
  });
});
