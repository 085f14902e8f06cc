import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageConfig, parseConfigArgs, programConfigEnv } from "./program/config.ts";
import { renderPass } from "./program/display.ts";
import { runArguments } from "./program/language-host.ts";
import type { PassResult } from "./program/operations.ts";
import { readProject } from "./program/project.ts";
import { cliCommands } from "./program/pulumi-cli.ts";
import { seconds } from "./program/requests.ts";
import { emptyState, loadState, saveState } from "./program/state-file.ts";
import { secret, UNKNOWN, unwrapSecrets } from "./values.ts";

// The program runner's pieces that need no program, plugin or host: how the language host is
// invoked, config as the program and a default provider get it, the state file's secrets, the
// real CLI's command lines, and the display.

const work = mkdtempSync(join(tmpdir(), "runner-unit-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const project = readProject(new URL("../../examples/multi-tenant-vnet", import.meta.url).pathname);

describe("the language host's invocation", () => {
  it("passes monitor, engine, organization, project, root directory, stack, pwd, dry run and parallel, then the entry point", () => {
    const args = runArguments({ project, stack: "dev", monitorAddress: "127.0.0.1:1", engineAddress: "127.0.0.1:2", dryRun: true, parallel: 8, configEnv: {} }, "/run");
    expect(args).toEqual(["/run", "--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2", "--organization", "organization", "--project", "freebsd-multi-tenant-vnet",
      "--root-directory", project.dir, "--stack", "dev", "--pwd", project.dir, "--dry-run", "--parallel", "8", "."]);
  });

  it("gives the program its config as the Node.js language host does, secure keys listed", () => {
    const config = { ...parseConfigArgs(["gateway=10.0.0.1/24", "freebsd:host=h"], "proj", false), ...parseConfigArgs(["freebsd:privateKey=k"], "proj", true) };
    expect(programConfigEnv(config)).toEqual({
      PULUMI_CONFIG: JSON.stringify({ "proj:config:gateway": "10.0.0.1/24", "freebsd:config:host": "h", "freebsd:config:privateKey": "k" }),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(["freebsd:privateKey"]),
    });
    expect(packageConfig(config, "freebsd")).toEqual({ host: "h", privateKey: secret("k") });
  });

  it("reads customTimeouts as Go durations", () => {
    expect([seconds("5m"), seconds("1h30m"), seconds("90s"), seconds("1.5h")]).toEqual([300, 5400, 90, 5400]);
    expect(() => seconds("5 minutes")).toThrow(/not a duration/);
  });
});

describe("the state file", () => {
  it("keeps every secret encrypted with the passphrase, and reads it back", () => {
    const file = join(work, "state.json");
    const state = emptyState({ "freebsd:privateKey": secret("PLAINTEXT-KEY"), "freebsd:host": "h" });
    state.stack.providers!.push({ urn: "urn:pulumi:dev::p::pulumi:providers:freebsd::default", id: "1", inputs: { privateKey: secret("PLAINTEXT-KEY") }, outputs: {} });
    saveState(file, state, "pass", "dev", "p");
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("PLAINTEXT-KEY");
    const doc = JSON.parse(text);
    expect(doc.checkpoint.config["freebsd:privateKey"]).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.stringMatching(/^v1:/) });
    const back = loadState(file, "pass");
    expect(back.config["freebsd:privateKey"]).toEqual(secret("PLAINTEXT-KEY"));
    expect(unwrapSecrets(back.stack.providers![0]!.inputs)).toEqual({ privateKey: "PLAINTEXT-KEY" });
    expect(() => loadState(file, "wrong")).toThrow(/incorrect passphrase/);
  });
});

describe("the real CLI's command lines", () => {
  it("select or create the stack, set config (secrets with --secret), then run the command with --yes", () => {
    expect(cliCommands({ project, stack: "dev", command: "up", args: [], config: { "freebsd:host": "h", "freebsd:privateKey": secret("k") }, skipPreview: false })).toEqual([
      ["stack", "select", "--create", "dev", "--non-interactive"],
      ["config", "set", "freebsd:host", "h", "--stack", "dev", "--non-interactive"],
      ["config", "set", "--secret", "freebsd:privateKey", "k", "--stack", "dev", "--non-interactive"],
      ["up", "--yes", "--stack", "dev", "--non-interactive"],
    ]);
  });
});

describe("the display", () => {
  const stackUrn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
  const dsUrn = "urn:pulumi:dev::p::freebsd:zfs:Dataset::web";
  const ds = { urn: dsUrn, name: "web", type: "freebsd:zfs:Dataset", id: "z/web", initErrors: [], provider: "", protect: false, retainOnDelete: false, ignoreChanges: [], parent: stackUrn };
  const state = (quota: string, out: string) => ({
    ...emptyState(), components: [{ urn: stackUrn, type: "pulumi:pulumi:Stack", name: "p-dev", outputs: { root: out } }],
    stack: { provider: undefined, providers: [], resources: [{ ...ds, inputs: { name: "z/web", properties: { quota } }, outputs: {} }] },
  });
  const result: PassResult = {
    kind: "update", dryRun: true, order: [stackUrn, dsUrn], diagnostics: [], logs: [], programOutput: "", calls: [], ms: 1000,
    olds: state("1G", "/z/web"), news: state("5G", "/z/web"),
    steps: [
      { name: "p-dev", urn: stackUrn, type: "pulumi:pulumi:Stack", op: "same" },
      { name: "web", urn: dsUrn, type: "freebsd:zfs:Dataset", op: "update", inputs: { name: "z/web", properties: { quota: secret("5G") } },
        diff: { changes: "some", replaces: [], diffs: ["properties"], stables: [], deleteBeforeReplace: false, detailedDiff: { "properties.quota": { kind: "update", inputDiff: true } } } },
    ],
  };

  it("shows the tree with each change, its properties and the summary, secrets hidden", () => {
    expect(renderPass(result, { stack: "dev" })).toBe([
      "Previewing update (dev):",
      "     Type                    Name   Plan",
      "     pulumi:pulumi:Stack     p-dev",
      " ~   └─ freebsd:zfs:Dataset  web    update    [diff: ~properties]",
      "          ~ properties.quota: \"1G\" => [secret]",
      "",
      "Outputs:",
      "    root: \"/z/web\"",
      "",
      "Resources:",
      "    ~ 1 to update",
      "    1 unchanged",
      "",
    ].join("\n"));
  });

  it("shows unknown outputs of a preview as output<string>, and a failure under the stack", () => {
    const failed = { ...result, news: { ...result.news, components: [{ ...result.news.components[0]!, outputs: { root: UNKNOWN } }] },
      diagnostics: [{ severity: "error" as const, message: `${dsUrn}: updating failed: boom` }], error: "boom" };
    const text = renderPass(failed, { stack: "dev" });
    expect(text).toContain("  ~ root: \"/z/web\" => output<string>");
    expect(text).toContain("  freebsd:zfs:Dataset (web):\n    error: updating failed: boom");
    expect(text).toContain("  pulumi:pulumi:Stack (p-dev):\n    error: preview failed");
  });
});
