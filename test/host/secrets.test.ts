import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { quoteArgv } from "../../provider/src/host/quote.ts";
import { redactor, secretsOnStdin } from "../../provider/src/host/secrets.ts";

// Secrets leave the command line for stdin and are masked in every text shown; proven through dash.
const secrets = ["s3cr3t", "it's $(touch /tmp/pwned) `id`", "multi\nline\n"];

describe("secretsOnStdin", () => {
  it("delivers every argument intact while the command line holds no secret", () => {
    const argv = ["printf", "%s\\0", "plain", `org.x:token=${secrets[0]}`, secrets[1]!, secrets[2]!, "it's fine"];
    const cmd = secretsOnStdin({ argv }, secrets);
    const line = quoteArgv(cmd.argv);
    for (const s of secrets) expect(line).not.toContain(s.split("\n")[0]);
    const r = spawnSync("/usr/bin/dash", ["-c", line], { input: cmd.stdin });
    expect(r.status).toBe(0);
    expect(r.stdout.toString().split("\0").slice(0, -1)).toEqual(argv.slice(2));
  });

  it("keeps the exit status and leaves commands without secrets, or with their own stdin, alone", () => {
    const failing = secretsOnStdin({ argv: ["sh", "-c", "exit 3", "s3cr3t"] }, secrets);
    expect(spawnSync("/usr/bin/dash", ["-c", quoteArgv(failing.argv)], { input: failing.stdin }).status).toBe(3);
    const plain = { argv: ["zfs", "list"] };
    expect(secretsOnStdin(plain, secrets)).toBe(plain);
    const file = { argv: ["/bin/sh", "-c", "cat > f", "s3cr3t"], stdin: "content" };
    expect(secretsOnStdin(file, secrets)).toBe(file);
  });
});

describe("redactor", () => {
  it("masks secrets raw, JSON-escaped and shell-quoted, longest first", () => {
    const redact = redactor(["ab", "abc'd\n"]);
    expect(redact(`x abc'd\n y ab`)).toBe("x [secret] y [secret]");
    expect(redact(JSON.stringify("abc'd\n"))).toBe(`"[secret]"`);
    expect(redact(quoteArgv(["abc'd\n"]))).toBe("'[secret]'");
    expect(redactor([])("ab")).toBe("ab");
    expect(redactor([""])("ab")).toBe("ab");
  });
});
