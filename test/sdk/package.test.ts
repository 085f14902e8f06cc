import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The SDK as a user gets it, outside this repository: its sources built with their own
// devDependencies (`npm install && npm run build`, from the registry), `npm pack` of bin/, the
// tarball installed into a fresh project made from examples/datasets (its package.json pins and
// its tsconfig.json, Pulumi's template settings) beside @pulumi/pulumi from the registry; the
// project compiles with its own tsc, and test/sdk/program/index.ts runs under Pulumi's mocks
// through Pulumi's TypeScript run path (test/sdk/program/run.cjs).
const root = new URL("../../", import.meta.url).pathname;
const schema = JSON.parse(readFileSync(join(root, "schema.json"), "utf8"));
const example = join(root, "examples/datasets");
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
// The registry install (minutes on a slow link); every later step is local.
const INSTALL_TIMEOUT_MS = 15 * 60_000;

type Json = Record<string, any>;
interface Registration {
  type: string;
  name: string;
  custom: boolean;
  object: Json;
  provider: string;
  version: string;
  pluginDownloadURL: string;
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
}

/** Runs a command in a directory with the Node.js running the tests first on PATH; its stdout and stderr. */
function run(cwd: string, command: string, args: string[], timeout = 5 * 60_000): { stdout: string; stderr: string } {
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env["PATH"]}`, npm_config_update_notifier: "false" };
  let stderr = "";
  try {
    const stdout = execFileSync(command, args, { cwd, env, timeout, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
    return { stdout, stderr };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    stderr = e.stderr ?? "";
    throw new Error(`${command} ${args.join(" ")} in ${cwd} failed: ${e.message}\n${e.stdout ?? ""}\n${stderr}`);
  }
}

/** What the schema says a resource's registration must carry: its replaceOnChanges paths and secret outputs. */
function expectedOptions(token: string): { replaceOnChanges: string[]; additionalSecretOutputs: string[] } {
  const props = Object.entries<Json>(schema.resources[token].properties);
  return {
    replaceOnChanges: props.filter(([, p]) => p.replaceOnChanges).map(([k, p]) => (p.type === "array" ? `${k}[*]` : p.type === "object" ? `${k}.*` : k)),
    additionalSecretOutputs: props.filter(([, p]) => p.secret).map(([k]) => k),
  };
}

describe("the packed SDK, installed outside the repository", () => {
  const work = mkdtempSync(join(tmpdir(), "freebsd-sdk-"));
  const src = join(work, "sdk");
  const app = join(work, "app");
  let result: { typescript: string; typescriptRequire: string; registrations: Registration[]; calls: Json[]; values: Json };
  let runStderr = "";
  const registration = (name: string) => result.registrations.find((r) => r.name === name)!;

  beforeAll(() => {
    expect(work.startsWith(root)).toBe(false);
    cpSync(join(root, "sdk"), src, { recursive: true, filter: (from) => !/\/sdk\/(bin|node_modules)(\/|$)/.test(from) });
    run(src, "npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], INSTALL_TIMEOUT_MS);
    run(src, "npm", ["run", "build"]);
    const packed = JSON.parse(run(join(src, "bin"), "npm", ["pack", "--json", "--pack-destination", work]).stdout) as { filename: string }[];
    const tarball = packed[0]!.filename;

    mkdirSync(app);
    const pkg = JSON.parse(readFileSync(join(example, "package.json"), "utf8"));
    pkg.name = "sdk-test";
    pkg.dependencies[schema.language.nodejs.packageName] = `file:../${tarball}`;
    writeFileSync(join(app, "package.json"), JSON.stringify(pkg, null, 2));
    copyFileSync(join(example, "tsconfig.json"), join(app, "tsconfig.json"));
    for (const file of ["index.ts", "run.cjs"]) copyFileSync(join(root, "test/sdk/program", file), join(app, file));
    // The same packages as the SDK's own install: npm's cache has them.
    run(app, "npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], INSTALL_TIMEOUT_MS);
    run(app, process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json", "--noEmit"]);
    const { stdout, stderr } = run(app, process.execPath, ["run.cjs"]);
    runStderr = stderr;
    const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
    if (!line) throw new Error(`run.cjs printed no result:\n${stdout}\n${stderr}`);
    result = JSON.parse(line.slice("RESULT ".length));
  }, 2 * INSTALL_TIMEOUT_MS + 5 * 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("installs as bin/ was packed: no main, index.js at its root, the plugin named with its download server", () => {
    const installed = JSON.parse(readFileSync(join(app, "node_modules", schema.language.nodejs.packageName, "package.json"), "utf8"));
    expect(installed.main).toBeUndefined();
    expect(installed.devDependencies).toBeUndefined();
    expect(installed.pulumi).toEqual({ resource: true, name: "freebsd", version: schema.version, server: schema.pluginDownloadURL });
    expect(readdirSync(join(app, "node_modules", schema.language.nodejs.packageName))).toEqual(expect.arrayContaining(["index.js", "index.d.ts", "types"]));
    expect(runStderr).not.toContain("DEP0128");
  });

  it("runs through Pulumi's run path with the project's own TypeScript, type checking on", () => {
    expect(result.typescriptRequire).toBe("typescript");
    expect(result.typescript).toMatch(/^6\./);
  });

  it("registers every resource with its type token, the SDK's version and the plugin's download URL", () => {
    const types = Object.fromEntries(result.registrations.map((r) => [r.name, r.type]));
    expect(types).toEqual({
      host: "pulumi:providers:freebsd",
      jails: "freebsd:zfs:Dataset",
      disk: "freebsd:zfs:Dataset",
      web: "freebsd:jail:Jail",
      setup: "freebsd:jail:Command",
      lan: "freebsd:network:Bridge",
      web0: "freebsd:network:Epair",
      "web-memory": "freebsd:rctl:Limit",
    });
    for (const r of result.registrations) {
      expect(r.custom, r.name).toBe(true);
      expect(r.version, r.name).toBe(schema.version);
      expect(r.pluginDownloadURL, r.name).toBe(schema.pluginDownloadURL);
      if (r.name !== "host") expect(r.provider, r.name).toMatch(/::pulumi:providers:freebsd::host::provider-id$/);
    }
    expect(result.values["instances"]).toEqual({ dataset: true, notJail: false, provider: true });
    expect(result.values["registered"]).toHaveLength(8);
  });

  it("sends inputs with schema defaults and enum values as their strings", () => {
    expect(registration("jails").object).toMatchObject({ name: "zroot/jails", type: "filesystem", createParents: false, forceDestroy: false });
    expect(registration("disk").object).toMatchObject({ type: "volume", volsize: "10G", createParents: true });
    expect(registration("web").object).toMatchObject({ path: "/zroot/jails", sysvshm: "new", exec: { start: "/bin/sh /etc/rc" } });
    expect(registration("web-memory").object).toMatchObject({ resource: "memoryuse", action: "deny", amount: "2g", persist: true });
    expect(result.values["enumValues"]).toEqual(["sudo", "volume", "sigterm", "vol"]);
  });

  it("keeps secret inputs secret: the provider's key by the schema, a user's pulumi.secret as given", () => {
    const provider = registration("host").object;
    expect(provider["privateKey"]).toMatchObject({ ...SECRET_SIG, value: expect.stringContaining("not-a-key") });
    expect(provider["host"]).toBe("192.0.2.10");
    expect(provider["port"]).toBe("2222");
    expect(provider["become"]).toBe("sudo");
    expect(registration("setup").object["environment"]).toEqual({ TOKEN: { ...SECRET_SIG, value: "s3cret" } });
    expect(registration("host").additionalSecretOutputs).toEqual(["privateKey", "privateKeyPassphrase", "password"]);
  });

  it("sends each resource's replaceOnChanges and additionalSecretOutputs as the schema says", () => {
    for (const r of result.registrations.filter((x) => x.name !== "host")) {
      const expected = expectedOptions(r.type);
      expect(r.replaceOnChanges, r.name).toEqual(expected.replaceOnChanges);
      expect(r.additionalSecretOutputs, r.name).toEqual(expected.additionalSecretOutputs);
    }
    expect(registration("jails").replaceOnChanges).toEqual(["type", "volblocksize", "cloneFrom"]);
    expect(registration("setup").replaceOnChanges).toEqual(["jail", "triggers[*]"]);
    expect(registration("web").replaceOnChanges).toEqual(["name"]);
  });

  it("invokes functions in their plain and Output forms, through the given provider", () => {
    expect(result.calls.map((c) => c.token).sort()).toEqual(["freebsd:index:getHost", "freebsd:index:getHost", "freebsd:zfs:getDataset"]);
    expect(result.calls.find((c) => c.token === "freebsd:zfs:getDataset")!["inputs"]).toEqual({ name: "zroot/jails" });
    for (const c of result.calls) expect(c["provider"]).toMatch(/::pulumi:providers:freebsd::host::provider-id$/);
    expect(result.values).toMatchObject({ kernel: "14.3-RELEASE-p2", architecture: "amd64", guid: "7" });
  });
});
