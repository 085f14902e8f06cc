import { describe, expect, it } from "vitest";
import { commandInputs } from "../../provider/src/resources/jail-command/schema.ts";
import { inputsHash, readRecord, recordDir, recordedRun, scriptText } from "../../provider/src/resources/jail-command/run.ts";
import { jailCommand } from "../../provider/src/resources/jail-command/index.ts";

// freebsd:jail:Command without a host: what Check refuses, what reaches the host's command line
// (nothing secret) and its stdin, and how a run record is read.

describe("Check (issue 7.18)", () => {
  it.each([
    [{ jail: "j", create: "true", environment: { TOKEN: "a\0b" } }, "environment.TOKEN", /NUL byte/],
    [{ jail: "j", create: "echo a\0b" }, "create", /NUL byte/],
    [{ jail: "j", create: "true", update: "\0" }, "update", /NUL byte/],
    [{ jail: "j", create: "true", delete: "x\0" }, "delete", /NUL byte/],
  ])("refuses %j at %s", (value, path, rule) => {
    const r = commandInputs.safeParse(value);
    expect(r.success).toBe(false);
    expect(r.error!.issues.find((i) => i.path.join(".") === path)?.message).toMatch(rule);
  });
});

describe("scripts and environment go on stdin (issue 7.21)", () => {
  const inputs = commandInputs.parse({ jail: "web", create: "echo \"$TOKEN\" 'it''s'", environment: { TOKEN: "s3cr3t $(id) 'q'" } });
  it("keeps them out of the command line", () => {
    const cmd = recordedRun("/var/db/x", inputsHash(inputs), inputs, 7, inputs.create);
    expect(cmd.argv.join(" ")).not.toContain("s3cr3t");
    expect(cmd.argv.join(" ")).not.toContain("echo");
    expect(cmd.argv.slice(-4)).toEqual(["/var/db/x", inputsHash(inputs), "web", "7"]);
    expect(cmd.stdin).toBe(scriptText(inputs.environment, inputs.create));
  });
  it("exports each variable quoted, then evals the script quoted, its stdin closed", () => {
    expect(scriptText({ A: "x'y", B: "" }, "cat; exit 3")).toBe(
      "export A='x'\\''y'\nexport B=''\n__pulumi_freebsd_script='cat; exit 3'\neval \"$__pulumi_freebsd_script\" </dev/null\n",
    );
  });
});

describe("run records (issue 7.19)", () => {
  it("are keyed by the URN's hash and by the inputs' hash, whatever the key order", () => {
    expect(recordDir("urn:a")).toMatch(/^\/var\/db\/pulumi-freebsd\/commands\/[0-9a-f]{64}$/);
    expect(recordDir("urn:a")).not.toBe(recordDir("urn:b"));
    const a = commandInputs.parse({ jail: "j", create: "x", environment: { A: "1", B: "2" } });
    const b = commandInputs.parse({ environment: { B: "2", A: "1" }, create: "x", jail: "j" });
    expect(inputsHash(a)).toBe(inputsHash(b));
    expect(inputsHash(a)).not.toBe(inputsHash({ ...a, update: "y" }));
    // A change of the delete script alone updates in place without a run: the record stays the same run's.
    expect(inputsHash(a)).toBe(inputsHash({ ...a, delete: "z" }));
  });
  it("read back: a finished run, an unfinished one, none", () => {
    const probe = readRecord("/d");
    const token = /@@%s file %s\\n' ([0-9a-f]+)/.exec(probe.command.argv[2]!)![1]!;
    const file = (name: string, text: string) => `@@${token} file /d/${name}\n${text}\n@@${token} eof\n`;
    expect(probe.parse(file("inputs", "h\n") + file("jid", "7\n") + file("status", "0\n") + file("stderr", "") + file("stdout", "out\n")))
      .toEqual({ hash: "h", jid: 7, status: 0, stdout: "out\n", stderr: "" });
    expect(probe.parse(file("inputs", "h\n"))?.status).toBeUndefined();
    expect(probe.parse("")).toBeUndefined();
  });
  it("stdout and stderr are secret when a script or the environment is", () => {
    expect(jailCommand.derivedSecrets!(["environment", "TOKEN"])).toEqual([["stdout"], ["stderr"]]);
    expect(jailCommand.derivedSecrets!(["jail"])).toEqual([]);
  });
});
