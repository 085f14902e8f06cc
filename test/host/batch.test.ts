import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { batchScript, parseBatch, timedOutStatus, type BatchCommand } from "../../provider/src/host/batch.ts";

// Batches are run by a real dash, reading the script on its standard input as the host's sh does.
const token = "0123456789abcdef0123";

function run(items: BatchCommand[][]): ReturnType<typeof parseBatch> {
  const r = spawnSync("/usr/bin/dash", ["-s"], { input: batchScript(token, items) });
  expect(r.status).toBe(0);
  return parseBatch(token, items, r.stdout.toString("utf8"));
}

const sh = (script: string, ...args: string[]): BatchCommand => ({ cmd: { argv: ["/bin/sh", "-c", script, "sh", ...args] } });

describe("batches", () => {
  it("keeps each command's output, status and stderr byte for byte, and its own stdin", () => {
    const hostile = "it's $(touch /tmp/pwned) `id`\n\\ no newline at the end ✓";
    const results = run([
      [sh('printf "%s" "$1"', hostile), { cmd: { argv: ["cat"], stdin: hostile } }],
      [sh('echo out; echo err >&2; exit 3')],
      [{ cmd: { argv: ["cat"] } }, sh("printf ''")],
    ]);
    expect(results[0]).toEqual([{ code: 0, stdout: hostile, stderr: "" }, { code: 0, stdout: hostile, stderr: "" }]);
    expect(results[1]).toEqual([{ code: 3, stdout: "out\n", stderr: "err\n" }]);
    // A command without stdin reads nothing (never the rest of the script).
    expect(results[2]).toEqual([{ code: 0, stdout: "", stderr: "" }, { code: 0, stdout: "", stderr: "" }]);
  });

  it("stops an item at its first failure, unless the status is one it accepts, and runs the next item", () => {
    const results = run([
      [sh("exit 1"), sh("echo never")],
      [{ cmd: { argv: ["/bin/sh", "-c", "exit 1"], okCodes: [1] } }, sh("echo next")],
    ]);
    expect(results[0]).toEqual([{ code: 1, stdout: "", stderr: "" }]);
    expect(results[1]!.map((r) => [r.code, r.stdout])).toEqual([[1, ""], [0, "next\n"]]);
  });

  it("runs items in subshells of their own", () => {
    const results = run([[sh("cd /; x=1")], [sh('printf "%s" "${x:-unset}"')]]);
    expect(results[1]![0]!.stdout).toBe("unset");
  });

  it("stops a command when its budget is spent, and does not start one whose budget is gone", () => {
    const started = Date.now();
    const results = run([[{ cmd: { argv: ["sleep", "5"] }, budget: 1 }], [{ cmd: { argv: ["true"] }, budget: 1 }]]);
    expect(results[0]![0]!.code).toBe(timedOutStatus);
    expect(results[1]![0]!.code).toBe(timedOutStatus);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("refuses a token that is not hex, and parses nothing it does not understand", () => {
    expect(() => batchScript("$(id)", [])).toThrow(/hex/);
    expect(() => parseBatch(token, [[sh("true")]], `@@${token} begin 0.0\n\n@@${token} end 0.0 0\n`)).toThrow(/cut short/);
  });
});
